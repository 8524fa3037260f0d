"""National-scale benchmark data (`seed_demo --scale national`).

With the default 200 teams: 200 teams, 1,000 job specialists (+ 200 leaders), 100,000
participants of whom ~22,000 active, ~2,100,000 contacts, ~520,000 employer contacts (40 % of
them on behalf of a named participant), 52,000 jobs, 20,000 employers, 10,000 open referrals,
vocational profiles and action plans (with reviews) for most participants, the status history
of every participant (~196,000 events), 400 fidelity reviews (2 per team, all 10,000 IPS-25
item scores set) and 460 partner and auditor users.

Organisations and users (t = team number 1…N, 4 digits; names are predictable so benchmark
scripts and people can pick them):

| Who | Username | Scope |
|---|---|---|
| IPS leader of team t | `nasj-TTTT-0` | leader of `IPS Nasjonal TTTT` |
| job specialists of team t | `nasj-TTTT-1` … `nasj-TTTT-5` | specialists of that team |
| NAV partner | `nasj-nav-TTTT` | partner at `NAV Nasjonal TTTT`, which works with team t |
| DPS partner | `nasj-dps-TTTT` | partner at `Nasjonal DPS TTTT`, team t's host |
| ARA partner | `nasj-ara-GGGG` | partner at `Nasjonal ARA GGGG`, working with teams 5G-4 … 5G |
| auditor | `nasj-revisor-AAAA` | auditor of teams 10A-9 … 10A |

The users have no usable password (benchmarks sign them in with a session). Team t's partner
organisations are its NAV office, its host DPS and its ARA. Its open referrals come from them
(half from NAV, three in ten from the DPS, two in ten from the ARA), each submitted by that
organisation's partner user. Fidelity reviews per team: the last half-year, an external review
by the team's auditor (final), and the current half-year, the leader's self-assessment (final
for even team numbers, still being scored for odd ones); all items have a 1–5 score, with team
totals spread over all four IPS-25 bands. Review and referral status events are written too.
Each participant's status history starts with "engaged" at entry and, unless still engaged,
moves once to the current status; closed participants were closed 350–379 days ago, just after
their last contact (that is their `closed_at` too).

Everything is generated inside PostgreSQL with INSERT … SELECT over generate_series (no Python
loop per row), in one transaction, deterministically (dates are derived from row numbers and
today's date, not from random()). Columns a statement does not set get their model default, so
new fields with defaults do not break the loader.

While loading, the django-pghistory triggers on the bulk-loaded tables are switched off with
`ALTER TABLE … DISABLE TRIGGER USER` (and switched on again before commit): the benchmark data
has no change history, and writing a history row per generated row would triple the load time.
Foreign keys and CHECK constraints stay enforced (they are not USER triggers).

Idempotent: if the first national team exists, nothing happens. Synthetic national ids are
11-digit numbers unique per team, not checksum-valid fødselsnumre (no real person can match).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from appointments.models import Appointment
from employers.models import Employer, EmployerContact
from fidelity.models import ItemScore, Review, ReviewEvent, Scale
from fidelity.scale_loader import scales_ensure_loaded
from ips.accounts.models import Membership, Organisation, Team, User
from ips.dates import oslo_today
from ips.periods import half_year_code, period_dates
from participants.models import (
    ActionPlan,
    Contact,
    Job,
    Participant,
    ParticipantStatusEvent,
    PlanReview,
    VocationalProfile,
)
from participants.statuses import ACTIVE_STATUSES_SQL
from referrals.models import Referral, ReferralEvent

DEFAULT_TEAMS = 200
SPECIALISTS_PER_TEAM = 5
PARTICIPANTS_PER_TEAM = 500
CONTACTS_PER_PARTICIPANT = 21
EMPLOYERS_PER_TEAM = 100
EMPLOYER_CONTACTS_PER_TEAM = 2_600
JOBS_PER_TEAM = 260
REFERRALS_PER_TEAM = 50
TEAMS_PER_ARA = 5
TEAMS_PER_AUDITOR = 10
MARKER = "IPS Nasjonal 0001"

BULK_MODELS = (
    Team,
    Membership,
    Referral,
    Participant,
    VocationalProfile,
    ActionPlan,
    PlanReview,
    Contact,
    Employer,
    EmployerContact,
    Job,
    Appointment,
    Review,
    ItemScore,
)


def _insert_select(cursor, model, values: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO <model table> (all concrete columns) SELECT <values or model default> <source>.

    `values` maps column names to SQL expressions over `source`; every other column gets the
    field's default (auto_now fields: the load time).
    """
    columns, exprs, args = [], [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(connection.ops.quote_name(column))
        if column in values:
            exprs.append(values[column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("%(now)s")
        else:
            key = f"default_{column}"
            args[key] = field.get_db_prep_save(field.get_default(), connection)
            exprs.append(f"%({key})s::{field.db_type(connection)}")
    unknown = set(values) - {f.column for f in model._meta.concrete_fields}
    assert not unknown, f"{model.__name__}: no such columns {unknown}"
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - identifiers from model meta
        f"SELECT {', '.join(exprs)} {source}"
    )
    cursor.execute(sql, {**params, **args})
    return cursor.rowcount


def _set_user_triggers(cursor, enabled: bool) -> None:
    action = "ENABLE" if enabled else "DISABLE"
    for model in BULK_MODELS:
        cursor.execute(f"ALTER TABLE {model._meta.db_table} {action} TRIGGER USER")


# An IPS-25 item score, 1–5, from team t, half h (1 = last, 2 = current) and item number n: a
# team level (2·mod(2t, 5)), a spread over the items, a better current half, and a weak item or
# two per review. Team totals fall in all four bands, most of them fair or good.
ITEM_SCORE = (
    "LEAST(5, GREATEST(1, (mod(i.number * 7 + nr.t * 3 + nr.h * 5, 10) + 2 * mod(nr.t * 2, 5) "
    "+ 3 * nr.h + 8) / 5 - CASE WHEN mod(i.number + nr.t, 11) = 0 THEN 2 ELSE 0 END))"
)


def _seed_fidelity_reviews(step, cursor, params) -> None:
    """Two reviews per team on the default scale, every item scored, with reviewers and status
    events: the last half-year's external review by the team's auditor (final), and the
    current half-year's self-assessment by the leader (final for even team numbers, being
    scored for odd ones). Created 12 days before today at the latest, finalised 10 days later."""
    step(
        "fidelity reviews",
        Review,
        {
            "team_id": "r.team_id",
            "scale_id": "%(scale)s",
            "period": "r.period",
            "period_start": "r.period_start",
            "period_end": "r.period_end",
            "kind": "CASE WHEN r.h = 1 THEN 'external' ELSE 'self' END",
            "visit_start": "CASE WHEN r.h = 1 THEN r.base - 3 END",
            "visit_end": "CASE WHEN r.h = 1 THEN r.base - 2 END",
            "status": "CASE WHEN r.final THEN 'final' ELSE 'scoring' END",
            "finalised_at": (
                "CASE WHEN r.final THEN (r.base + 10 + time '14:00') AT TIME ZONE 'Europe/Oslo' END"
            ),
            "created_by_id": "r.by_id",
            "created_at": "(r.base + time '09:00') AT TIME ZONE 'Europe/Oslo'",
        },
        "FROM (SELECT nt.t, nt.id AS team_id, h, h = 1 OR mod(nt.t, 2) = 0 AS final, "
        "(%(periods)s::text[])[h] AS period, (%(period_starts)s::date[])[h] AS period_start, "
        "(%(period_ends)s::date[])[h] AS period_end, "
        "LEAST((%(period_ends)s::date[])[h] + 5, %(today)s::date - 12) AS base, "
        "CASE WHEN h = 1 THEN a.id ELSE lead.id END AS by_id "
        "FROM nat_team nt CROSS JOIN generate_series(1, 2) h "
        "JOIN nat_user lead ON lead.t = nt.t AND lead.s = 0 "
        "JOIN nat_puser a ON a.kind = 'revisor' AND a.n = (nt.t - 1) / %(teams_per_auditor)s + 1"
        ") r",
    )
    cursor.execute(
        "CREATE TEMP TABLE nat_review ON COMMIT DROP AS "
        "SELECT nt.t, CASE WHEN r.kind = 'external' THEN 1 ELSE 2 END AS h, r.id, r.status, "
        "r.created_at, r.created_by_id, r.finalised_at "
        "FROM fidelity_review r JOIN nat_team nt ON nt.id = r.team_id"
    )
    step(
        "fidelity reviewers",
        Review.reviewers.through,
        {"review_id": "nr.id", "user_id": "nr.created_by_id"},
        "FROM nat_review nr",
    )
    step(
        "fidelity item scores",
        ItemScore,
        {
            "review_id": "s.review_id",
            "item_id": "s.item_id",
            "score": "s.score",
            "rationale": (
                "'Vurdert ut fra intervju med teamet, journalgjennomgang og tall fra systemet.'"
            ),
            "data_sources": "'Intervju, journalgjennomgang, tall fra systemet'",
            "recommendation": (
                "CASE WHEN s.score <= 3 THEN 'Lag en plan for å styrke dette punktet før neste "
                "måling.' ELSE 'Fortsett arbeidet; følg opp ved neste måling.' END"
            ),
            "updated_at": "s.created_at + interval '5 days'",
        },
        # ITEM_SCORE is a module constant, not input; the scale id is a bound parameter.
        "FROM (SELECT nr.id AS review_id, i.id AS item_id, nr.created_at, "  # noqa: S608  # nosec B608
        + ITEM_SCORE
        + " AS score FROM nat_review nr JOIN fidelity_item i ON i.scale_id = %(scale)s) s",
    )
    step(
        "fidelity review events",
        ReviewEvent,
        {
            "review_id": "nr.id",
            "from_status": "(ARRAY['', 'draft', 'scoring'])[e]",
            "to_status": "(ARRAY['draft', 'scoring', 'final'])[e]",
            "at": (
                "CASE e WHEN 1 THEN nr.created_at WHEN 2 THEN nr.created_at + interval '1 day' "
                "ELSE nr.finalised_at END"
            ),
            "by_id": "nr.created_by_id",
        },
        "FROM nat_review nr CROSS JOIN generate_series(1, 3) e WHERE e < 3 OR nr.status = 'final'",
    )


def seed(*, teams: int, stdout) -> str:
    if Team.objects.filter(name=MARKER).exists():
        return "National data already present; nothing changed."
    started = time.monotonic()
    today = oslo_today()
    # Two fidelity reviews per team: the last half-year (h = 1) and the current one (h = 2).
    current = half_year_code(today)
    current_dates = period_dates(current)
    assert current_dates is not None  # period_for names a valid half-year
    current_start, current_end = current_dates
    previous = half_year_code(current_start - dt.timedelta(days=1))
    previous_dates = period_dates(previous)
    assert previous_dates is not None
    previous_start, previous_end = previous_dates
    scales_ensure_loaded()
    params: dict[str, Any] = {
        "teams": teams,
        "today": today,
        "now": timezone.now(),
        "specialists": SPECIALISTS_PER_TEAM,
        "participants": PARTICIPANTS_PER_TEAM,
        "contacts": CONTACTS_PER_PARTICIPANT,
        "employers": EMPLOYERS_PER_TEAM,
        "employer_contacts": EMPLOYER_CONTACTS_PER_TEAM,
        "jobs": JOBS_PER_TEAM,
        "referrals": REFERRALS_PER_TEAM,
        "teams_per_ara": TEAMS_PER_ARA,
        "aras": -(-teams // TEAMS_PER_ARA),
        "teams_per_auditor": TEAMS_PER_AUDITOR,
        "auditors": -(-teams // TEAMS_PER_AUDITOR),
        "scale": Scale.objects.get(is_default=True).pk,
        "periods": [previous, current],
        "period_starts": [previous_start, current_start],
        "period_ends": [previous_end, current_end],
    }
    counts: dict[str, int] = {}

    def step(label: str, model, values: dict[str, str], source: str) -> None:
        t0 = time.monotonic()
        counts[label] = _insert_select(cursor, model, values, source, params)
        stdout.write(f"  {label:<32} {counts[label]:>10,}  {time.monotonic() - t0:6.1f} s\n")

    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; checking them per statement
        # keeps the pending-trigger queue small and lets the triggers be re-enabled in the
        # same transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _set_user_triggers(cursor, enabled=False)
        step(
            "organisations",
            Organisation,
            {
                "name": "'Nasjonal DPS ' || lpad(g::text, 4, '0')",
                "kind": "'dps'",
                "municipality": "'Kommune ' || g",
            },
            "FROM generate_series(1, %(teams)s) g",
        )
        # Partners: a NAV office per team, an ARA (addiction treatment) per TEAMS_PER_ARA teams.
        step(
            "partner organisations",
            Organisation,
            {
                "name": "o.name",
                "kind": "o.kind",
                "municipality": "'Kommune ' || o.t",
            },
            "FROM (SELECT 'NAV Nasjonal ' || lpad(g::text, 4, '0') AS name, 'nav' AS kind, g AS t "
            "FROM generate_series(1, %(teams)s) g UNION ALL "
            "SELECT 'Nasjonal ARA ' || lpad(g::text, 4, '0'), 'ara', (g - 1) * %(teams_per_ara)s + 1 "
            "FROM generate_series(1, %(aras)s) g) o",
        )
        step(
            "teams",
            Team,
            {
                "name": "'IPS Nasjonal ' || lpad(g::text, 4, '0')",
                "host_organisation_id": "o.id",
                "caseload_warning": "20",
                "caseload_limit": "25",
                "is_active": "TRUE",
            },
            "FROM generate_series(1, %(teams)s) g "
            "JOIN accounts_organisation o ON o.name = 'Nasjonal DPS ' || lpad(g::text, 4, '0')",
        )
        cursor.execute(
            "CREATE TEMP TABLE nat_team ON COMMIT DROP AS "
            "SELECT substr(name, 14)::int AS t, id FROM accounts_team "
            "WHERE name LIKE 'IPS Nasjonal %%'"
        )
        # kind ('nav', 'dps', 'ara') and number (team t, or ARA group g) of each organisation.
        cursor.execute(
            "CREATE TEMP TABLE nat_org ON COMMIT DROP AS "
            "SELECT CASE WHEN name ~ '^NAV ' THEN 'nav' WHEN name ~ '^Nasjonal DPS ' "
            "THEN 'dps' ELSE 'ara' END AS kind, substring(name FROM '[0-9]+$')::int AS n, id "
            "FROM accounts_organisation "
            "WHERE name ~ '^(NAV Nasjonal|Nasjonal DPS|Nasjonal ARA) [0-9]+$'"
        )
        # Users: 5 specialists (s = 1..5) and a leader (s = 0) per team. No usable password.
        step(
            "users",
            User,
            {
                "password": "'!'",
                "username": "format('nasj-%%s-%%s', lpad(t::text, 4, '0'), s)",
                "first_name": "CASE WHEN s = 0 THEN 'Leder' ELSE 'Spesialist' END",
                "last_name": "format('%%s-%%s', t, s)",
                "email": "format('nasj-%%s-%%s@example.no', lpad(t::text, 4, '0'), s)",
                "is_active": "TRUE",
                "date_joined": "%(now)s",
            },
            "FROM generate_series(1, %(teams)s) t, generate_series(0, %(specialists)s) s",
        )
        cursor.execute(
            "CREATE TEMP TABLE nat_user ON COMMIT DROP AS "
            "SELECT split_part(username, '-', 2)::int AS t, split_part(username, '-', 3)::int AS s,"
            " id FROM accounts_user WHERE username ~ '^nasj-[0-9]+-[0-9]+$'"
        )
        cursor.execute("CREATE INDEX ON nat_user (t, s)")
        # One partner user per partner organisation, one auditor per TEAMS_PER_AUDITOR teams.
        step(
            "partner and auditor users",
            User,
            {
                "password": "'!'",
                "username": "format('nasj-%%s-%%s', pu.kind, lpad(pu.n::text, 4, '0'))",
                "first_name": (
                    "CASE pu.kind WHEN 'nav' THEN 'Veileder' WHEN 'dps' THEN 'Behandler' "
                    "WHEN 'ara' THEN 'Rådgiver' ELSE 'Revisor' END"
                ),
                "last_name": (
                    "CASE pu.kind WHEN 'revisor' THEN 'Nasjonal ' || pu.n "
                    "ELSE upper(pu.kind) || ' ' || pu.n END"
                ),
                "email": "format('nasj-%%s-%%s@example.no', pu.kind, lpad(pu.n::text, 4, '0'))",
                "is_active": "TRUE",
                "date_joined": "%(now)s",
            },
            "FROM (SELECT k.kind, n FROM (VALUES ('nav'), ('dps')) k(kind) "
            "CROSS JOIN generate_series(1, %(teams)s) n "
            "UNION ALL SELECT 'ara', n FROM generate_series(1, %(aras)s) n "
            "UNION ALL SELECT 'revisor', n FROM generate_series(1, %(auditors)s) n) pu",
        )
        cursor.execute(
            "CREATE TEMP TABLE nat_puser ON COMMIT DROP AS "
            "SELECT split_part(username, '-', 2) AS kind, split_part(username, '-', 3)::int AS n, "
            "id FROM accounts_user WHERE username ~ '^nasj-(nav|dps|ara|revisor)-[0-9]+$'"
        )
        # Team t's partner organisations (its NAV office, its host DPS, its ARA) and their
        # partner users. They are the sources of its referrals.
        cursor.execute(
            "CREATE TEMP TABLE nat_source ON COMMIT DROP AS "
            "SELECT nt.t, nt.id AS team_id, o.kind, o.id AS organisation_id, pu.id AS user_id "
            "FROM nat_team nt "
            "JOIN nat_org o ON (o.kind IN ('nav', 'dps') AND o.n = nt.t) "
            "OR (o.kind = 'ara' AND o.n = (nt.t - 1) / %(teams_per_ara)s + 1) "
            "JOIN nat_puser pu ON pu.kind = o.kind AND pu.n = o.n",
            params,
        )
        step(
            "team partner organisations",
            Team.partner_organisations.through,
            {"team_id": "src.team_id", "organisation_id": "src.organisation_id"},
            "FROM nat_source src",
        )
        step(
            "memberships",
            Membership,
            {
                "user_id": "u.id",
                "role": "CASE WHEN u.s = 0 THEN 'ips_leader' ELSE 'job_specialist' END",
                "team_id": "nt.id",
                "started_at": "%(now)s - interval '2 years'",
            },
            "FROM nat_user u JOIN nat_team nt ON nt.t = u.t",
        )
        step(
            "partner memberships",
            Membership,
            {
                "user_id": "pu.id",
                "role": "'partner'",
                "organisation_id": "o.id",
                "started_at": "%(now)s - interval '1 year'",
            },
            "FROM nat_puser pu JOIN nat_org o ON o.kind = pu.kind AND o.n = pu.n",
        )
        step(
            "auditor memberships",
            Membership,
            {
                "user_id": "pu.id",
                "role": "'auditor'",
                "team_id": "nt.id",
                "started_at": "%(now)s - interval '1 year'",
            },
            "FROM nat_puser pu JOIN nat_team nt "
            "ON pu.n = (nt.t - 1) / %(teams_per_auditor)s + 1 WHERE pu.kind = 'revisor'",
        )
        # Participants: i = 1..500 per team. The first 90–130 (varies by team) are active, so
        # caseloads range from ~18 to ~26 per specialist; the rest closed.
        step(
            "participants",
            Participant,
            {
                "team_id": "nt.id",
                "name": "format('Deltaker %%s-%%s', nt.t, i)",
                "national_id": "lpad((nt.t * 1000 + i)::text, 11, '0')",
                "job_specialist_id": "u.id",
                "status": (
                    "CASE WHEN i <= 90 + mod(nt.t, 5) * 10 THEN (ARRAY['engaged', 'job_search', "
                    "'employed', 'education', 'follow_along'])[1 + mod(i, 5)] ELSE 'closed' END"
                ),
                "entry_date": (
                    "%(today)s::date - CASE WHEN i <= 90 + mod(nt.t, 5) * 10 "
                    "THEN 5 + mod(i * 53 + nt.t * 7, 700) ELSE 400 + mod(i * 37 + nt.t, 1500) END"
                ),
                "first_employer_contact_date": "NULL",
                # Closed 350–379 days ago, after their last contact (380 days ago).
                "closed_at": (
                    "CASE WHEN i <= 90 + mod(nt.t, 5) * 10 THEN NULL "
                    "ELSE (%(today)s::date - 350 - mod(i, 30) + time '15:00') "
                    "AT TIME ZONE 'Europe/Oslo' END"
                ),
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(participants)s) i "
            "JOIN nat_user u ON u.t = nt.t AND u.s = 1 + mod(i, %(specialists)s)",
        )
        # ACTIVE_STATUSES_SQL is built from the model's constants, not input.
        cursor.execute(
            "CREATE TEMP TABLE nat_part ON COMMIT DROP AS "  # nosec B608
            "SELECT nt.t, split_part(p.name, '-', 2)::int AS i, p.id, p.entry_date, "
            "p.job_specialist_id, p.status IN " + ACTIVE_STATUSES_SQL + " AS active "
            "FROM participants_participant p JOIN nat_team nt ON nt.id = p.team_id"
        )
        cursor.execute("CREATE INDEX ON nat_part (t, i)")
        # Status history: engaged at entry (the first meeting), then one move to the current
        # status, at the closing for closed participants and between entry and today for the
        # others. Active statuses all count as active, so the history keeps today's caseloads.
        step(
            "participant status events",
            ParticipantStatusEvent,
            {
                "participant_id": "p.id",
                "from_status": "CASE WHEN e = 1 THEN '' ELSE 'engaged' END",
                "to_status": "CASE WHEN e = 1 THEN 'engaged' ELSE p.status END",
                "at": (
                    "CASE WHEN e = 1 THEN (p.entry_date + time '10:00') AT TIME ZONE 'Europe/Oslo' "
                    "WHEN p.closed_at IS NOT NULL THEN p.closed_at "
                    "ELSE (p.entry_date + (%(today)s::date - p.entry_date) * (1 + mod(np.i, 3)) / 5"
                    " + time '12:00') AT TIME ZONE 'Europe/Oslo' END"
                ),
                "by_id": "p.job_specialist_id",
                "note": "CASE WHEN e = 1 THEN 'Første møte' ELSE '' END",
            },
            "FROM nat_part np JOIN participants_participant p ON p.id = np.id "
            "CROSS JOIN generate_series(1, 2) e WHERE e = 1 OR p.status <> 'engaged'",
        )
        # Most active participants have met an employer on their behalf within a month.
        cursor.execute(
            "UPDATE participants_participant p SET first_employer_contact_date = "
            "LEAST(p.entry_date + mod(p.id, 40)::int, %(today)s::date) "
            "FROM nat_part np WHERE np.id = p.id AND mod(np.i, 7) <> 0",
            params,
        )
        step(
            "vocational profiles",
            VocationalProfile,
            {"participant_id": "np.id"},
            "FROM nat_part np WHERE mod(np.i, 9) <> 0",
        )
        step(
            "action plans",
            ActionPlan,
            {
                "participant_id": "np.id",
                "overall_goal": "'Ordinært arbeid'",
                "created_at": "(np.entry_date + 14)::timestamp AT TIME ZONE 'Europe/Oslo'",
            },
            "FROM nat_part np WHERE mod(np.i, 6) <> 0",
        )
        step(
            "plan reviews",
            PlanReview,
            {
                "plan_id": "ap.id",
                "reviewed_on": (
                    "LEAST(%(today)s::date, GREATEST(np.entry_date + 20, "
                    "%(today)s::date - mod(np.id, 110)::int))"
                ),
                "reviewed_by_id": "np.job_specialist_id",
                "summary": "'Planen er gjennomgått.'",
            },
            "FROM nat_part np JOIN participants_actionplan ap ON ap.participant_id = np.id",
        )
        # 21 contacts per participant, spread back from the last one; active participants'
        # last contact is 0–35 days ago (so some breach the 30-day rule), closed ones long ago.
        step(
            "contacts",
            Contact,
            {
                "participant_id": "np.id",
                "logged_by_id": "np.job_specialist_id",
                "contact_date": (
                    "GREATEST(np.entry_date, %(today)s::date "
                    "- CASE WHEN np.active THEN mod(np.id, 36)::int ELSE 380 END - (k - 1) * 12)"
                ),
                "with_whom": (
                    "CASE WHEN mod(k, 5) = 0 THEN 'employer' WHEN mod(k, 7) = 0 THEN 'nav' "
                    "WHEN mod(k, 11) = 0 THEN 'treatment_team' ELSE 'participant' END"
                ),
                "mode": "CASE WHEN mod(k, 4) = 0 THEN 'phone' ELSE 'face_to_face' END",
                "place": (
                    "CASE WHEN mod(k, 4) = 0 THEN '' WHEN mod(k, 3) = 0 THEN 'office' "
                    "ELSE 'community' END"
                ),
                "duration_minutes": "30 + mod(k * 7, 60)",
            },
            "FROM nat_part np CROSS JOIN generate_series(1, %(contacts)s) k",
        )
        step(
            "employers",
            Employer,
            {
                "team_id": "nt.id",
                "name": "format('Arbeidsgiver %%s-%%s AS', nt.t, e)",
                "industry": "(ARRAY['Varehandel', 'Servering', 'Lager', 'Helse', 'Bygg'])"
                "[1 + mod(e, 5)]",
                "municipality": "'Kommune ' || nt.t",
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(employers)s) e",
        )
        cursor.execute(
            "CREATE TEMP TABLE nat_emp ON COMMIT DROP AS SELECT nt.t, "
            "split_part(split_part(e.name, '-', 2), ' ', 1)::int AS e, e.id "
            "FROM employers_employer e JOIN nat_team nt ON nt.id = e.team_id"
        )
        cursor.execute("CREATE INDEX ON nat_emp (t, e)")
        # About 10 employer contacts per specialist per week, three in four face to face.
        step(
            "employer contacts",
            EmployerContact,
            {
                "team_id": "nt.id",
                "job_specialist_id": "u.id",
                "employer_id": "ne.id",
                "contact_date": "%(today)s::date - mod(k * 7 + nt.t, 365)",
                "face_to_face": "mod(k, 4) <> 0",
                "purpose": (
                    "(ARRAY['first_visit', 'follow_up', 'on_behalf', 'support_employed'])"
                    "[1 + mod(k, 4)]"
                ),
                "outcome": "(ARRAY['', 'learned_needs', 'job_opening', 'no_need'])[1 + mod(k, 4)]",
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(employer_contacts)s) k "
            "JOIN nat_user u ON u.t = nt.t AND u.s = 1 + mod(k, %(specialists)s) "
            "JOIN nat_emp ne ON ne.t = nt.t AND ne.e = 1 + mod(k * 13, %(employers)s)",
        )
        t0 = time.monotonic()
        cursor.execute(
            "INSERT INTO employers_employercontactparticipant (employer_contact_id, participant_id) "
            "SELECT ec.id, np.id FROM employers_employercontact ec "
            "JOIN nat_team nt ON nt.id = ec.team_id "
            "JOIN nat_part np ON np.t = nt.t AND np.i = 1 + mod(ec.id, 110)::int "
            "WHERE ec.purpose = 'on_behalf' OR mod(ec.id, 5) = 0"
        )
        counts["employer contact participants"] = cursor.rowcount
        stdout.write(
            f"  {'employer contact participants':<32} {cursor.rowcount:>10,}  "
            f"{time.monotonic() - t0:6.1f} s\n"
        )
        step(
            "jobs",
            Job,
            {
                "participant_id": "np.id",
                "employer_id": "ne.id",
                "title": "(ARRAY['Butikkmedarbeider', 'Lagerarbeider', 'Kokk', 'Renholder'])"
                "[1 + mod(k, 4)]",
                "start_date": "GREATEST(np.entry_date, %(today)s::date - mod(k * 13, 700))",
                "end_date": (
                    "CASE WHEN mod(k, 5) < 2 THEN LEAST(%(today)s::date, "
                    "GREATEST(np.entry_date, %(today)s::date - mod(k * 13, 700)) + mod(k, 200)) END"
                ),
                "end_reason": "CASE WHEN mod(k, 5) < 2 THEN 'quit' ELSE '' END",
                "hours_per_week": "10 + mod(k, 28)",
                "hourly_wage": "200 + mod(k, 60)",
                "is_ordinary": "mod(k, 10) <> 0",
                "created_by_id": "np.job_specialist_id",
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(jobs)s) k "
            "JOIN nat_part np ON np.t = nt.t AND np.i = 1 + mod(k * 3, %(participants)s) "
            "JOIN nat_emp ne ON ne.t = nt.t AND ne.e = 1 + mod(k, %(employers)s)",
        )
        # Open referrals: received 0–19 days ago, every other one assigned. Half come from the
        # NAV office, three in ten from the DPS, two in ten from the ARA, each submitted by that
        # organisation's partner user.
        step(
            "referrals",
            Referral,
            {
                "team_id": "nt.id",
                "person_name": "format('Henvist %%s-%%s', nt.t, k)",
                "national_id": "lpad((900000000 + nt.t * 1000 + k)::text, 11, '0')",
                "referral_date": "%(today)s::date - mod(k, 20) - 2",
                "source_organisation_id": "src.organisation_id",
                "referrer_name": "su.first_name || ' ' || su.last_name",
                "submitted_by_id": "src.user_id",
                "date_received": "%(today)s::date - mod(k, 20)",
                "assigned_specialist_id": "CASE WHEN mod(k, 2) = 0 THEN u.id END",
                "assigned_at": "CASE WHEN mod(k, 2) = 0 THEN %(now)s END",
                "status": "CASE WHEN mod(k, 2) = 0 THEN 'assigned' ELSE 'received' END",
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(referrals)s) k "
            "JOIN nat_user u ON u.t = nt.t AND u.s = 1 + mod(k, %(specialists)s) "
            "JOIN nat_source src ON src.t = nt.t AND src.kind = CASE WHEN mod(k, 10) < 5 "
            "THEN 'nav' WHEN mod(k, 10) < 8 THEN 'dps' ELSE 'ara' END "
            "JOIN accounts_user su ON su.id = src.user_id",
        )
        # Received (by the partner who submitted it) and, for assigned ones, assigned by the
        # team's leader.
        step(
            "referral events",
            ReferralEvent,
            {
                "referral_id": "r.id",
                "from_status": "CASE WHEN e = 1 THEN '' ELSE 'received' END",
                "to_status": "CASE WHEN e = 1 THEN 'received' ELSE 'assigned' END",
                "at": (
                    "CASE WHEN e = 1 THEN LEAST(%(now)s, (r.date_received + time '09:00') "
                    "AT TIME ZONE 'Europe/Oslo') ELSE r.assigned_at END"
                ),
                "by_id": "CASE WHEN e = 1 THEN r.submitted_by_id ELSE lead.id END",
            },
            "FROM referrals_referral r JOIN nat_team nt ON nt.id = r.team_id "
            "JOIN nat_user lead ON lead.t = nt.t AND lead.s = 0 "
            "CROSS JOIN generate_series(1, 2) e WHERE e = 1 OR r.status = 'assigned'",
        )
        # Appointments: a quarter of the active participants have a meeting planned between
        # two days ago (not yet registered) and a week ahead; each assigned referral has its
        # first meeting booked for tomorrow.
        step(
            "appointments",
            Appointment,
            {
                "team_id": "nt.id",
                "owner_id": "np.job_specialist_id",
                "kind": "'participant'",
                "participant_id": "np.id",
                "starts_at": (
                    "(%(today)s::date + (mod(np.i, 10) - 2) + time '09:00' "
                    "+ mod(np.i, 7) * interval '1 hour') AT TIME ZONE 'Europe/Oslo'"
                ),
                "duration_minutes": "60",
                "mode": "'face_to_face'",
                "place": "(ARRAY['community', 'workplace', 'home', 'office'])[1 + mod(np.i, 4)]",
                "location": "''",
                "with_whom": "''",
                "note": "''",
                "status": "'planned'",
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
            },
            "FROM nat_part np JOIN nat_team nt ON nt.t = np.t WHERE np.active AND mod(np.i, 4) = 0",
        )
        step(
            "first meeting appointments",
            Appointment,
            {
                "team_id": "r.team_id",
                "owner_id": "r.assigned_specialist_id",
                "kind": "'first_meeting'",
                "referral_id": "r.id",
                "starts_at": "(%(today)s::date + 1 + time '10:00') AT TIME ZONE 'Europe/Oslo'",
                "duration_minutes": "60",
                "mode": "'face_to_face'",
                "place": "'office'",
                "location": "''",
                "with_whom": "''",
                "note": "''",
                "status": "'planned'",
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
            },
            "FROM referrals_referral r JOIN nat_team nt ON nt.id = r.team_id "
            "WHERE r.status = 'assigned'",
        )
        _seed_fidelity_reviews(step, cursor, params)
        _set_user_triggers(cursor, enabled=True)
    with connection.cursor() as cursor:
        t0 = time.monotonic()
        cursor.execute("ANALYZE")
        stdout.write(f"  {'analyze':<32} {'':>10}  {time.monotonic() - t0:6.1f} s\n")
    active = Participant.objects.filter(
        team__name__startswith="IPS Nasjonal", status__in=Participant.ACTIVE_STATUSES
    ).count()
    auditors = counts["partner and auditor users"] - counts["partner memberships"]
    elapsed = time.monotonic() - started
    return (
        f"National data loaded in {elapsed:.0f} s: {teams} teams, "
        f"{counts['memberships'] - teams:,} specialists, {counts['participants']:,} participants "
        f"({active:,} active), {counts['contacts']:,} contacts, "
        f"{counts['employer contacts']:,} employer contacts, {counts['jobs']:,} jobs, "
        f"{counts['appointments'] + counts['first meeting appointments']:,} appointments, "
        f"{counts['fidelity reviews']:,} fidelity reviews "
        f"({counts['fidelity item scores']:,} item scores), "
        f"{counts['partner memberships']:,} partner users and {auditors:,} "
        f"auditor{'' if auditors == 1 else 's'}."
    )
