"""National-scale benchmark data (`seed_demo --scale national`).

With the default 200 teams: 200 teams, 1,000 job specialists (+ 200 leaders), 100,000
participants of whom ~22,000 active, ~2,100,000 contacts, ~520,000 employer contacts (40 % of
them on behalf of a named participant), 52,000 jobs, 20,000 employers, 10,000 open referrals,
vocational profiles and action plans (with reviews) for most participants.

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

import time

from django.db import connection, transaction
from django.utils import timezone

from employers.models import Employer, EmployerContact
from ips.accounts.models import Membership, Organisation, Team, User
from ips.dates import oslo_today
from participants.models import (
    ActionPlan,
    Contact,
    Job,
    Participant,
    PlanReview,
    VocationalProfile,
)
from referrals.models import Referral

DEFAULT_TEAMS = 200
SPECIALISTS_PER_TEAM = 5
PARTICIPANTS_PER_TEAM = 500
CONTACTS_PER_PARTICIPANT = 21
EMPLOYERS_PER_TEAM = 100
EMPLOYER_CONTACTS_PER_TEAM = 2_600
JOBS_PER_TEAM = 260
REFERRALS_PER_TEAM = 50
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


ACTIVE = "('engaged', 'job_search', 'employed', 'education', 'follow_along')"


def seed(*, teams: int, stdout) -> str:
    if Team.objects.filter(name=MARKER).exists():
        return "National data already present; nothing changed."
    started = time.monotonic()
    params = {
        "teams": teams,
        "today": oslo_today(),
        "now": timezone.now(),
        "specialists": SPECIALISTS_PER_TEAM,
        "participants": PARTICIPANTS_PER_TEAM,
        "contacts": CONTACTS_PER_PARTICIPANT,
        "employers": EMPLOYERS_PER_TEAM,
        "employer_contacts": EMPLOYER_CONTACTS_PER_TEAM,
        "jobs": JOBS_PER_TEAM,
        "referrals": REFERRALS_PER_TEAM,
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
            " id FROM accounts_user WHERE username LIKE 'nasj-%%'"
        )
        cursor.execute("CREATE INDEX ON nat_user (t, s)")
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
                "closed_at": ("CASE WHEN i <= 90 + mod(nt.t, 5) * 10 THEN NULL ELSE %(now)s END"),
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(participants)s) i "
            "JOIN nat_user u ON u.t = nt.t AND u.s = 1 + mod(i, %(specialists)s)",
        )
        # ACTIVE is a module constant, not input.
        cursor.execute(
            "CREATE TEMP TABLE nat_part ON COMMIT DROP AS "  # nosec B608
            "SELECT nt.t, split_part(p.name, '-', 2)::int AS i, p.id, p.entry_date, "
            "p.job_specialist_id, p.status IN " + ACTIVE + " AS active "
            "FROM participants_participant p JOIN nat_team nt ON nt.id = p.team_id"
        )
        cursor.execute("CREATE INDEX ON nat_part (t, i)")
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
                "place": "CASE WHEN mod(k, 3) = 0 THEN 'office' ELSE 'community' END",
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
        # Open referrals: received 0–19 days ago, every other one assigned.
        step(
            "referrals",
            Referral,
            {
                "team_id": "nt.id",
                "person_name": "format('Henvist %%s-%%s', nt.t, k)",
                "national_id": "lpad((900000000 + nt.t * 1000 + k)::text, 11, '0')",
                "referral_date": "%(today)s::date - mod(k, 20) - 2",
                "source_organisation_id": "(SELECT host_organisation_id FROM accounts_team "
                "WHERE id = nt.id)",
                "date_received": "%(today)s::date - mod(k, 20)",
                "assigned_specialist_id": "CASE WHEN mod(k, 2) = 0 THEN u.id END",
                "assigned_at": "CASE WHEN mod(k, 2) = 0 THEN %(now)s END",
                "status": "CASE WHEN mod(k, 2) = 0 THEN 'assigned' ELSE 'received' END",
            },
            "FROM nat_team nt CROSS JOIN generate_series(1, %(referrals)s) k "
            "JOIN nat_user u ON u.t = nt.t AND u.s = 1 + mod(k, %(specialists)s)",
        )
        _set_user_triggers(cursor, enabled=True)
    with connection.cursor() as cursor:
        t0 = time.monotonic()
        cursor.execute("ANALYZE")
        stdout.write(f"  {'analyze':<32} {'':>10}  {time.monotonic() - t0:6.1f} s\n")
    active = Participant.objects.filter(
        team__name__startswith="IPS Nasjonal", status__in=Participant.ACTIVE_STATUSES
    ).count()
    elapsed = time.monotonic() - started
    return (
        f"National data loaded in {elapsed:.0f} s: {teams} teams, "
        f"{counts['memberships'] - teams:,} specialists, {counts['participants']:,} participants "
        f"({active:,} active), {counts['contacts']:,} contacts, "
        f"{counts['employer contacts']:,} employer contacts, {counts['jobs']:,} jobs."
    )
