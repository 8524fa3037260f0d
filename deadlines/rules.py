# ruff: noqa: S608 - the SQL below is built from module constants only; values are bound parameters.
"""The IPS time rules (DESIGN.md §4), declared in one registry.

Each rule is ONE set-based SQL query over the whole table that returns the subjects breaching the
rule right now, as rows of (subject_id, team_id, owner_id, due_date, details). The engine
(`deadlines/engine.py`) wraps that query in an INSERT … ON CONFLICT (open/keep) and an UPDATE
(resolve); no rule ever loops over rows in Python.

Parameters every query may use: %(rule)s (its own code), %(default)s (default threshold),
%(today)s (Oslo date of the scan), %(week_start)s / %(week_end)s (Monday and Sunday of last week).

Per-team overrides: a TeamRuleSetting row (team, rule, threshold, enabled) is LEFT JOINed and
COALESCEd to the default, so a team can switch a rule off or change its threshold in the admin.

Decisions worth knowing:
- Day thresholds breach when MORE than N days have passed: received 7 days ago is on time,
  8 days ago is overdue (the due date is the anchor + N).
- caseload_high is the warning band (warning < n ≤ limit); above the limit only
  caseload_over_limit is open, so a specialist never carries both for the same caseload. The
  defaults are the team's own caseload_warning / caseload_limit (20 / 25).
- plan_review_due: a participant with no action plan gets PLAN_GRACE_DAYS (30) after entry to
  make one; a plan with no review counts from the day it was created; otherwise from the last
  review. The threshold is in months (3 = quarterly).
- no_contact_30_days counts only contacts with the person (outreach), measured from the later of
  the last such contact and the entry date, so a new participant is not flagged on day one.
- job_start_followup / job_loss_followup: any contact logged on the participant (with the person
  or, e.g., the employer) on or after the start/end date clears the alert, even a late one.
  Only ordinary jobs count. One alert per participant even with several jobs.
- job_search_overdue: cleared by Participant.first_employer_contact_date, by any face-to-face
  employer contact on the person's behalf since entry, or by an ordinary job started since entry.
- employer_contacts_low looks at last ISO week (Monday–Sunday) and only at specialists whose
  membership started before that week.
- fidelity_review_due is about a team (owner: none, so the team's leader acts): it opens N days
  (30) before the next fidelity review is due and stays open once it is overdue. The due date is
  fidelity's own schedule (`fidelity.schedule.REVIEW_SCHEDULE_SQL`: six months after the last
  final review, twelve after two good ones in a row); a new final review moves it, which
  resolves the alert. Teams without a final review have no due date and no alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fidelity.schedule import REVIEW_SCHEDULE_SQL
from participants.statuses import ACTIVE_STATUSES_SQL

PLAN_GRACE_DAYS = 30

# How often beat evaluates a rule (see ips/celery.py).
FREQUENT = "frequent"  # every 15 minutes
NIGHTLY = "nightly"
WEEKLY = "weekly"  # Mondays


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # lazy Norwegian msgid; English comes from locale/
    severity: str  # Alert.Severity value
    subject_kind: str  # Alert.SubjectKind value
    default_threshold: int
    unit: object
    schedule: str
    sql: str


def _setting_join(alias: str, team_expr: str, rule_param: str = "%(rule)s") -> str:
    return (
        f"LEFT JOIN deadlines_teamrulesetting {alias} "
        f"ON {alias}.team_id = {team_expr} AND {alias}.rule = {rule_param}"
    )


_FIRST_MEETING_OVERDUE = f"""
SELECT r.id AS subject_id, r.team_id, r.assigned_specialist_id AS owner_id,
       r.date_received + x.threshold AS due_date,
       jsonb_build_object('date_received', r.date_received, 'threshold', x.threshold) AS details
FROM referrals_referral r
JOIN accounts_team tm ON tm.id = r.team_id AND tm.is_active
{_setting_join("s", "r.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE r.status IN ('received', 'assigned')
  AND r.first_meeting_date IS NULL
  AND COALESCE(s.enabled, TRUE)
  AND r.date_received < %(today)s::date - x.threshold
"""

_REFERRAL_UNASSIGNED = f"""
SELECT r.id AS subject_id, r.team_id, NULL::bigint AS owner_id,
       r.date_received + x.threshold AS due_date,
       jsonb_build_object('date_received', r.date_received, 'threshold', x.threshold) AS details
FROM referrals_referral r
JOIN accounts_team tm ON tm.id = r.team_id AND tm.is_active
{_setting_join("s", "r.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE r.status = 'received'
  AND r.assigned_specialist_id IS NULL
  AND COALESCE(s.enabled, TRUE)
  AND r.date_received < %(today)s::date - x.threshold
"""

_JOB_SEARCH_OVERDUE = f"""
SELECT p.id AS subject_id, p.team_id, p.job_specialist_id AS owner_id,
       p.entry_date + x.threshold AS due_date,
       jsonb_build_object('entry_date', p.entry_date, 'threshold', x.threshold) AS details
FROM participants_participant p
JOIN accounts_team tm ON tm.id = p.team_id AND tm.is_active
{_setting_join("s", "p.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE p.status IN {ACTIVE_STATUSES_SQL}
  AND COALESCE(s.enabled, TRUE)
  AND p.entry_date < %(today)s::date - x.threshold
  AND p.first_employer_contact_date IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM employers_employercontactparticipant ecp
      JOIN employers_employercontact ec ON ec.id = ecp.employer_contact_id
      WHERE ecp.participant_id = p.id AND ec.face_to_face AND ec.contact_date >= p.entry_date)
  AND NOT EXISTS (
      SELECT 1 FROM participants_job j
      WHERE j.participant_id = p.id AND j.is_ordinary AND j.start_date >= p.entry_date)
"""

# The caseload per job specialist, in SQL: participants in an active status, per assigned
# specialist — the same definition as `Participant.objects.on_caseload()` (the cross-check is
# tests/core/test_concepts.py). A specialist working in two teams is counted once, under the
# team holding most of their caseload (mode()).
_CASELOAD_CTE = f"""
WITH loads AS (
    SELECT p.job_specialist_id AS specialist_id, count(*) AS n,
           mode() WITHIN GROUP (ORDER BY p.team_id) AS team_id
    FROM participants_participant p
    WHERE p.status IN {ACTIVE_STATUSES_SQL}
    GROUP BY p.job_specialist_id
)
"""

_CASELOAD_HIGH = f"""
{_CASELOAD_CTE}
SELECT l.specialist_id AS subject_id, l.team_id, l.specialist_id AS owner_id,
       NULL::date AS due_date,
       jsonb_build_object('count', l.n, 'threshold', x.warning) AS details
FROM loads l
JOIN accounts_team tm ON tm.id = l.team_id AND tm.is_active
{_setting_join("s", "l.team_id")}
{_setting_join("sl", "l.team_id", "'caseload_over_limit'")}
CROSS JOIN LATERAL (
    SELECT COALESCE(s.threshold, tm.caseload_warning) AS warning,
           COALESCE(sl.threshold, tm.caseload_limit) AS lim) x
WHERE COALESCE(s.enabled, TRUE)
  AND l.n > x.warning
  AND (l.n <= x.lim OR NOT COALESCE(sl.enabled, TRUE))
"""

_CASELOAD_OVER_LIMIT = f"""
{_CASELOAD_CTE}
SELECT l.specialist_id AS subject_id, l.team_id, l.specialist_id AS owner_id,
       NULL::date AS due_date,
       jsonb_build_object('count', l.n, 'threshold', x.lim) AS details
FROM loads l
JOIN accounts_team tm ON tm.id = l.team_id AND tm.is_active
{_setting_join("s", "l.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, tm.caseload_limit) AS lim) x
WHERE COALESCE(s.enabled, TRUE) AND l.n > x.lim
"""

_PROFILE_MISSING = f"""
SELECT p.id AS subject_id, p.team_id, p.job_specialist_id AS owner_id,
       p.entry_date + x.threshold AS due_date,
       jsonb_build_object('entry_date', p.entry_date, 'threshold', x.threshold) AS details
FROM participants_participant p
JOIN accounts_team tm ON tm.id = p.team_id AND tm.is_active
{_setting_join("s", "p.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE p.status IN {ACTIVE_STATUSES_SQL}
  AND COALESCE(s.enabled, TRUE)
  AND p.entry_date < %(today)s::date - x.threshold
  AND NOT EXISTS (SELECT 1 FROM participants_vocationalprofile vp WHERE vp.participant_id = p.id)
"""

_PLAN_REVIEW_DUE = f"""
SELECT d.subject_id, d.team_id, d.owner_id, d.due_date,
       jsonb_build_object('has_plan', d.has_plan, 'last_review', d.last_review,
                          'threshold_months', d.threshold) AS details
FROM (
    SELECT p.id AS subject_id, p.team_id, p.job_specialist_id AS owner_id,
           ap.id IS NOT NULL AS has_plan, lr.last_review, x.threshold,
           CASE WHEN ap.id IS NULL THEN p.entry_date + {PLAN_GRACE_DAYS}
                ELSE (COALESCE(lr.last_review, (ap.created_at AT TIME ZONE 'Europe/Oslo')::date)
                      + make_interval(months => x.threshold))::date
           END AS due_date
    FROM participants_participant p
    JOIN accounts_team tm ON tm.id = p.team_id AND tm.is_active
    {_setting_join("s", "p.team_id")}
    CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
    LEFT JOIN participants_actionplan ap ON ap.participant_id = p.id
    LEFT JOIN LATERAL (
        SELECT max(pr.reviewed_on) AS last_review
        FROM participants_planreview pr WHERE pr.plan_id = ap.id) lr ON TRUE
    WHERE p.status IN {ACTIVE_STATUSES_SQL} AND COALESCE(s.enabled, TRUE)
) d
WHERE d.due_date < %(today)s::date
"""

_NO_CONTACT_30_DAYS = f"""
SELECT d.subject_id, d.team_id, d.owner_id, d.since + d.threshold AS due_date,
       jsonb_build_object('last_contact', d.last_contact, 'threshold', d.threshold) AS details
FROM (
    SELECT p.id AS subject_id, p.team_id, p.job_specialist_id AS owner_id, x.threshold,
           lc.last_contact, GREATEST(lc.last_contact, p.entry_date) AS since
    FROM participants_participant p
    JOIN accounts_team tm ON tm.id = p.team_id AND tm.is_active
    {_setting_join("s", "p.team_id")}
    CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
    -- Newest first along (participant, contact_date): stops at the first contact with the person.
    LEFT JOIN LATERAL (
        SELECT c.contact_date AS last_contact FROM participants_contact c
        WHERE c.participant_id = p.id AND c.with_whom = 'participant'
        ORDER BY c.contact_date DESC LIMIT 1) lc ON TRUE
    WHERE p.status IN {ACTIVE_STATUSES_SQL} AND COALESCE(s.enabled, TRUE)
      AND p.entry_date < %(today)s::date - x.threshold
) d
WHERE d.since < %(today)s::date - d.threshold
"""


def _job_followup(date_column: str, job_filter: str) -> str:
    return f"""
SELECT p.id AS subject_id, p.team_id, p.job_specialist_id AS owner_id,
       min(j.{date_column}) + min(x.threshold) AS due_date,
       jsonb_build_object('job_ids', array_agg(j.id ORDER BY j.id),
                          'threshold', min(x.threshold)) AS details
FROM participants_job j
JOIN participants_participant p ON p.id = j.participant_id
JOIN accounts_team tm ON tm.id = p.team_id AND tm.is_active
{_setting_join("s", "p.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE p.status IN {ACTIVE_STATUSES_SQL}
  AND COALESCE(s.enabled, TRUE)
  AND j.is_ordinary AND {job_filter}
  AND j.{date_column} < %(today)s::date - x.threshold
  AND NOT EXISTS (
      SELECT 1 FROM participants_contact c
      WHERE c.participant_id = j.participant_id AND c.contact_date >= j.{date_column})
GROUP BY p.id
"""


_EMPLOYER_CONTACTS_LOW = f"""
WITH specialists AS (
    SELECT DISTINCT ON (m.user_id) m.user_id, m.team_id
    FROM accounts_membership m
    JOIN accounts_team tm ON tm.id = m.team_id AND tm.is_active
    WHERE m.role = 'job_specialist' AND m.ended_at IS NULL
      AND (m.started_at AT TIME ZONE 'Europe/Oslo')::date <= %(week_start)s::date
    ORDER BY m.user_id, m.team_id
), counts AS (
    SELECT ec.job_specialist_id, count(*) AS n
    FROM employers_employercontact ec
    WHERE ec.face_to_face
      AND ec.contact_date BETWEEN %(week_start)s::date AND %(week_end)s::date
    GROUP BY ec.job_specialist_id
)
SELECT sp.user_id AS subject_id, sp.team_id, sp.user_id AS owner_id,
       %(week_end)s::date AS due_date,
       jsonb_build_object('count', COALESCE(c.n, 0), 'threshold', x.threshold,
                          'week_start', %(week_start)s::date) AS details
FROM specialists sp
LEFT JOIN counts c ON c.job_specialist_id = sp.user_id
{_setting_join("s", "sp.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE COALESCE(s.enabled, TRUE) AND COALESCE(c.n, 0) < x.threshold
"""

_FIDELITY_REVIEW_DUE = f"""
SELECT sch.team_id AS subject_id, sch.team_id, NULL::bigint AS owner_id, sch.due_date,
       jsonb_build_object('last_review_id', sch.last_review_id, 'held_on', sch.held_on,
                          'months', sch.months, 'threshold', x.threshold) AS details
FROM ({REVIEW_SCHEDULE_SQL.format(team_filter="")}) sch
JOIN accounts_team tm ON tm.id = sch.team_id AND tm.is_active
{_setting_join("s", "sch.team_id")}
CROSS JOIN LATERAL (SELECT COALESCE(s.threshold, %(default)s) AS threshold) x
WHERE COALESCE(s.enabled, TRUE)
  AND sch.due_date - x.threshold <= %(today)s::date
"""

_DAYS = _("dager")

RULES: tuple[Rule, ...] = (
    Rule(
        "first_meeting_overdue",
        _("Første møte er ikke holdt"),
        "breach",
        "referral",
        7,
        _DAYS,
        FREQUENT,
        _FIRST_MEETING_OVERDUE,
    ),
    Rule(
        "referral_unassigned",
        _("Henvisningen er ikke tildelt"),
        "warning",
        "referral",
        2,
        _DAYS,
        FREQUENT,
        _REFERRAL_UNASSIGNED,
    ),
    Rule(
        "job_search_overdue",
        _("Ingen arbeidsgiverkontakt etter oppstart"),
        "breach",
        "participant",
        30,
        _DAYS,
        FREQUENT,
        _JOB_SEARCH_OVERDUE,
    ),
    Rule(
        "caseload_high",
        _("Porteføljen er høy"),
        "warning",
        "specialist",
        20,
        _("deltakere"),
        NIGHTLY,
        _CASELOAD_HIGH,
    ),
    Rule(
        "caseload_over_limit",
        _("Porteføljen er over grensen"),
        "breach",
        "specialist",
        25,
        _("deltakere"),
        NIGHTLY,
        _CASELOAD_OVER_LIMIT,
    ),
    Rule(
        "profile_missing",
        _("Yrkesprofil mangler"),
        "warning",
        "participant",
        21,
        _DAYS,
        FREQUENT,
        _PROFILE_MISSING,
    ),
    Rule(
        "plan_review_due",
        _("Handlingsplanen bør gjennomgås"),
        "warning",
        "participant",
        3,
        _("måneder"),
        FREQUENT,
        _PLAN_REVIEW_DUE,
    ),
    Rule(
        "no_contact_30_days",
        _("Ingen kontakt på 30 dager"),
        "breach",
        "participant",
        30,
        _DAYS,
        FREQUENT,
        _NO_CONTACT_30_DAYS,
    ),
    Rule(
        "job_start_followup",
        _("Ingen oppfølging etter jobbstart"),
        "breach",
        "participant",
        3,
        _DAYS,
        FREQUENT,
        _job_followup("start_date", "j.end_date IS NULL"),
    ),
    Rule(
        "job_loss_followup",
        _("Ingen oppfølging etter jobbslutt"),
        "breach",
        "participant",
        3,
        _DAYS,
        FREQUENT,
        _job_followup("end_date", "j.end_date IS NOT NULL"),
    ),
    Rule(
        "employer_contacts_low",
        _("Få arbeidsgiverkontakter forrige uke"),
        "warning",
        "specialist",
        6,
        _("kontakter"),
        WEEKLY,
        _EMPLOYER_CONTACTS_LOW,
    ),
    Rule(
        "fidelity_review_due",
        _("Neste kvalitetsmåling er nær eller forfalt"),
        "warning",
        "team",
        30,
        _("dager før"),
        NIGHTLY,
        _FIDELITY_REVIEW_DUE,
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rule_choices() -> list[tuple[str, object]]:
    return [(rule.code, rule.title) for rule in RULES]


def rules_for_schedule(schedule: str) -> list[str]:
    return [rule.code for rule in RULES if rule.schedule == schedule]


def rule_title(code: str):
    rule = RULES_BY_CODE.get(code)
    return rule.title if rule else code
