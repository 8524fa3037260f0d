# ruff: noqa: S608 - the SQL below is built from module constants only; values are bound parameters.
"""When a team's next fidelity review is due, as one SQL definition.

Plain constants without model imports: the deadline rules (`deadlines/rules.py`, imported when
Celery's schedule is built, before Django's apps load) and `fidelity.selectors.review_schedule`
(the auditor's list) run the same SQL, so the alert and the list always agree.
"""

# The next review is due six months after the last final review, or twelve once the team's last
# two reviews both reached good fidelity (the band keyed "good" in the scale's data, or higher):
# reviews twice a year until good fidelity, then yearly (Fidelity Review Manual).
HALF_YEARLY_MONTHS = 6
YEARLY_MONTHS = 12

# One row per team with a final review: (team_id, last_review_id, held_on, good_twice, months,
# due_date). One review per team and period counts (the external one when there are two). A
# review is "held" on its last visit day, else the day it was made final. The deadline rule
# `fidelity_review_due` wraps this same SQL, so the alert and the auditor's list agree.
# {team_filter} is empty or an `AND r.team_id = ANY(%(team_ids)s)`.
REVIEW_SCHEDULE_SQL = f"""
SELECT d.team_id, d.last_review_id, d.held_on, d.good_twice,
       CASE WHEN d.good_twice THEN {YEARLY_MONTHS} ELSE {HALF_YEARLY_MONTHS} END AS months,
       (d.held_on + make_interval(
           months => CASE WHEN d.good_twice THEN {YEARLY_MONTHS} ELSE {HALF_YEARLY_MONTHS} END
       ))::date AS due_date
FROM (
    SELECT p.team_id,
           (array_agg(p.id ORDER BY p.rn))[1] AS last_review_id,
           (array_agg(p.held_on ORDER BY p.rn))[1] AS held_on,
           count(*) FILTER (WHERE p.rn <= 2 AND p.good) = 2 AS good_twice
    FROM (
        SELECT per.*, row_number() OVER (
            PARTITION BY per.team_id ORDER BY per.period_end DESC, per.id DESC) AS rn
        FROM (
            SELECT DISTINCT ON (r.team_id, r.period)
                   r.id, r.team_id, r.period_end,
                   COALESCE(r.visit_end, (r.finalised_at AT TIME ZONE 'Europe/Oslo')::date,
                            r.period_end) AS held_on,
                   COALESCE(t.total >= g.good_min, FALSE) AS good
            FROM fidelity_review r
            JOIN fidelity_scale sc ON sc.id = r.scale_id
            CROSS JOIN LATERAL (
                SELECT sum(s.score) AS total FROM fidelity_itemscore s
                WHERE s.review_id = r.id) t
            CROSS JOIN LATERAL (
                SELECT min((b ->> 'min')::int) AS good_min
                FROM jsonb_array_elements(sc.bands) b WHERE b ->> 'key' = 'good') g
            WHERE r.status = 'final'{{team_filter}}
            ORDER BY r.team_id, r.period, (r.kind = 'external') DESC,
                     r.finalised_at DESC NULLS LAST, r.id DESC
        ) per
    ) p
    GROUP BY p.team_id
) d
"""

# The alert opens this many days before the due date (the deadline rule's default threshold).
REVIEW_DUE_NOTICE_DAYS = 30
