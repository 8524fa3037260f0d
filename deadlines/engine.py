"""The alert engine: evaluates the rules of `rules.py` with a fixed number of SQL statements each.

Per rule, in one transaction, two statements:
1. `pg_advisory_xact_lock` on the rule: two concurrent scans of the same rule run one after the
   other (no deadlocks, no wasted work). The partial unique index
   `alert_one_unresolved_per_rule_subject` is what makes duplicates impossible regardless.
2. One statement with data-modifying CTEs over the rule's breaching set:
   - UPDATE … SET state = 'resolved' for unresolved alerts whose subject no longer breaches;
   - INSERT … SELECT … ON CONFLICT (rule, subject_kind, subject_id) WHERE NOT state = 'resolved'
     for the breaching subjects: new ones are opened; existing ones are kept and only touched
     when their owner, team, due date or details changed (e.g. the participant moved to another
     specialist), so a second scan on unchanged data writes nothing;
   - an AlertEvent row for every opened and every resolved alert.

The clock comes from Python (`now`), never from PostgreSQL, so tests can freeze it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from deadlines.rules import RULES, RULES_BY_CODE, Rule
from ips.changes import Subject
from ips.history import acting_as

# One statement per rule. The breaching set is computed once (MATERIALIZED) and feeds both the
# UPDATE (subjects that no longer breach) and the upsert (subjects that do); the two touch
# disjoint rows, so they can share a statement and a snapshot.
_SCAN_SQL = """
WITH breaching AS MATERIALIZED ({breaching_sql}),
resolved AS (
    UPDATE deadlines_alert a
    SET state = 'resolved', resolved_at = %(now)s
    WHERE a.rule = %(rule)s AND a.subject_kind = %(kind)s AND NOT (a.state = 'resolved')
      -- NOT IN gives a hashed subplan whatever the planner believes about deadlines_alert
      -- (NOT EXISTS became a nested loop when the table's statistics were stale).
      -- subject_id is never NULL, so NOT IN has no NULL surprise here.
      AND a.subject_id NOT IN (SELECT b.subject_id FROM breaching b){resolve_filter}
    RETURNING a.id,
              CASE WHEN a.acknowledged_at IS NULL THEN 'open' ELSE 'acknowledged' END AS from_state
),
upserted AS (
    INSERT INTO deadlines_alert AS a (
        rule, severity, subject_kind, subject_id, team_id, owner_id, state,
        first_breached_at, due_date, details, acknowledge_comment)
    SELECT %(rule)s, %(severity)s, %(kind)s, b.subject_id, b.team_id, b.owner_id, 'open',
           %(now)s, b.due_date, b.details, ''
    FROM breaching b
    ORDER BY b.subject_id
    ON CONFLICT (rule, subject_kind, subject_id) WHERE NOT (state = 'resolved')
    DO UPDATE SET team_id = EXCLUDED.team_id, owner_id = EXCLUDED.owner_id,
                  due_date = EXCLUDED.due_date, details = EXCLUDED.details
    WHERE (a.team_id, a.owner_id, a.due_date, a.details)
          IS DISTINCT FROM (EXCLUDED.team_id, EXCLUDED.owner_id, EXCLUDED.due_date, EXCLUDED.details)
    RETURNING a.id, (a.xmax = 0) AS inserted
),
events AS (
    INSERT INTO deadlines_alertevent (alert_id, from_state, to_state, at, comment)
    SELECT id, from_state, 'resolved', %(now)s, '' FROM resolved
    UNION ALL
    SELECT id, '', 'open', %(now)s, '' FROM upserted WHERE inserted
)
SELECT (SELECT count(*) FROM breaching),
       (SELECT count(*) FROM upserted WHERE inserted),
       (SELECT count(*) FROM upserted WHERE NOT inserted),
       (SELECT count(*) FROM resolved)
"""


@dataclass(frozen=True)
class RuleResult:
    rule: str
    opened: int
    kept: int
    resolved: int
    updated: int = 0


def scan_params(rule: Rule, now: dt.datetime) -> dict:
    today = timezone.localdate(now)
    # Last ISO week, Monday to Sunday, relative to the scan's Oslo date.
    week_start = today - dt.timedelta(days=today.weekday() + 7)
    return {
        "rule": rule.code,
        "kind": rule.subject_kind,
        "severity": rule.severity,
        "default": rule.default_threshold,
        "now": now,
        "today": today,
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
    }


def breaching_rows(rule: Rule, now: dt.datetime | None = None) -> list[tuple]:
    """The rule's raw result (subject_id, team_id, owner_id, due_date, details), for debugging
    and tests."""
    params = scan_params(rule, now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(rule.sql + " ORDER BY 1", params)
        return cursor.fetchall()


def scan_rule(
    rule: Rule, *, now: dt.datetime, subject_ids: frozenset[int] | None = None
) -> RuleResult:
    """Evaluate one rule over the whole table, or (with `subject_ids`) for those subjects only:
    the same rule SQL and the same upsert/resolve, restricted to the given subjects."""
    params = scan_params(rule, now)
    if subject_ids is None:
        sql = _SCAN_SQL.format(breaching_sql=rule.sql, resolve_filter="")
    else:
        params["subject_ids"] = sorted(subject_ids)
        sql = _SCAN_SQL.format(
            breaching_sql=(  # the rule's own SQL (module constants); ids are bound parameters
                f"SELECT * FROM ({rule.sql}) rule_rows "  # noqa: S608
                "WHERE rule_rows.subject_id = ANY(%(subject_ids)s)"
            ),
            resolve_filter="\n      AND a.subject_id = ANY(%(subject_ids)s)",
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["deadlines." + rule.code])
        cursor.execute(sql, params)
        breaching, opened, updated, resolved = cursor.fetchone()
    return RuleResult(
        rule=rule.code,
        opened=opened,
        kept=breaching - opened,
        resolved=resolved,
        updated=updated,
    )


def scan(rules: list[str] | None = None, now: dt.datetime | None = None) -> list[RuleResult]:
    """Evaluate the given rule codes (all rules when None). Idempotent; safe to run concurrently."""
    now = now or timezone.now()
    selected = RULES if rules is None else [RULES_BY_CODE[code] for code in rules]
    # Alert history rows (pghistory) written by the scan name it as their actor ("System:
    # deadline scan"). The context also halves the cost of opening alerts: without one,
    # pghistory's trigger takes an exception path per row.
    with acting_as(None, via="deadline scan"):
        return [scan_rule(rule, now=now) for rule in selected]


def scan_subjects(
    subject_kind: str, subject_ids: frozenset[int], now: dt.datetime | None = None
) -> list[RuleResult]:
    """Re-evaluate every rule about one kind of subject for just these subjects, right after a
    write that may open or clear their alerts (see `deadlines.apps`: the change hook). The
    periodic scan covers everything else (time passing, rules about other subjects)."""
    now = now or timezone.now()
    with acting_as(None, via="deadline recheck"):
        return [
            scan_rule(rule, now=now, subject_ids=subject_ids)
            for rule in RULES
            if rule.subject_kind == subject_kind
        ]


def _recheck(kind: Subject) -> Callable[[frozenset[int]], None]:
    def recheck(ids: frozenset[int]) -> None:
        scan_subjects(kind.value, ids)

    recheck.__name__ = f"recheck_{kind.value}"
    return recheck


# One re-evaluation per kind of subject that a domain write announces (see deadlines.apps).
RECHECKS: dict[Subject, Callable[[frozenset[int]], None]] = {
    kind: _recheck(kind)
    for kind in (Subject.PARTICIPANT, Subject.REFERRAL, Subject.SPECIALIST, Subject.TEAM)
}
