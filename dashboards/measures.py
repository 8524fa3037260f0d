"""Outcome measures for the dashboards (DESIGN.md §6), one selector per measure.

Every selector takes the teams it counts over (`team_ids`) and a `Period` [start, end] (both days
inclusive) and runs ONE aggregate query, so a dashboard's query count does not grow with the data.
`selector.per_team(...)` runs the same query grouped by team, for pages that show several teams
side by side (the partner's), so their count does not grow with the number of teams either.
The docstring of each selector is its definition; the pages show the same text (`DEFINITIONS`)
as a footnote, so what a leader reads is what the code computes.

Only ordinary (competitive) work counts: jobs with is_ordinary=False are work-training places and
are never counted as jobs, job starts or retention.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext_lazy as _

from ips.db import DaysBetween, Percentile50
from ips.periods import Period
from participants.models import (
    EducationEpisode,
    Job,
    Participant,
    active_on,
    working_during,
)
from referrals.models import Referral

RETENTION_DAYS = 90
BENCHMARKS = (
    (31, _("Minimum (31 %)")),
    (41, _("Gjennomsnitt (41 %)")),
    (50, _("Svært godt (50 %)")),
)


@dataclass(frozen=True)
class Ratio:
    """A share with the counts it is made of. `percent` is None when the denominator is 0:
    "nobody active" is shown as a dash, never as 0 % and never as a division by zero."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class Median:
    """A median number of days and how many cases it is the median of."""

    days: float | None
    cases: int


class AddDays(Func):
    """`date + n` (PostgreSQL adds whole days to a date)."""

    template = "(%(expressions)s + %(days)s)"

    def __init__(self, expression, days: int):
        from django.db.models import DateField

        super().__init__(expression, days=int(days), output_field=DateField())


def _ids(team_ids: Iterable[int]) -> list[int]:
    return [int(t) for t in team_ids]


# --- Building blocks (expressions over Participant rows) ----------------------------------------


def _participants(team_ids):
    return Participant.objects.filter(team_id__in=_ids(team_ids))


# --- One aggregate query, for the teams together or per team -----------------------------------


@dataclass(frozen=True)
class _Query:
    """What a measure aggregates: the rows it counts (already limited to the teams), the lookup
    from a row to its team, the aggregates, and how an aggregated row becomes the measure's value
    (a team without any rows gets the value of an empty row, `{}`)."""

    rows: QuerySet
    team: str
    aggregates: dict
    value: Callable[[dict], Any]

    def total(self):
        return self.value(self.rows.aggregate(**self.aggregates))

    def per_team(self, team_ids: list[int]) -> dict[int, Any]:
        grouped = self.rows.order_by().values(self.team).annotate(**self.aggregates)
        found = {row[self.team]: row for row in grouped}
        return {team_id: self.value(found.get(team_id, {})) for team_id in team_ids}


class Measure:
    """A measure, defined once by a function that describes its aggregate query.

    `measure(team_ids=..., period=...)` gives the value for those teams together;
    `measure.per_team(team_ids=..., period=...)` gives {team id: value} from one GROUP BY query,
    so a page showing many teams runs as many queries as a page showing one. The function's
    docstring is the definition.
    """

    def __init__(self, build: Callable[..., _Query]):
        functools.update_wrapper(self, build)
        self._build = build

    def __call__(self, *, team_ids: Iterable[int], **params):
        return self._build(team_ids=_ids(team_ids), **params).total()

    def per_team(self, *, team_ids: Iterable[int], **params) -> dict[int, Any]:
        team_ids = _ids(team_ids)
        return self._build(team_ids=team_ids, **params).per_team(team_ids)


def _count(row: dict) -> int:
    return row.get("n", 0)


def _median(row: dict) -> Median:
    return Median(row.get("days"), row.get("cases", 0))


def _ordinary_starts(model, team_ids: list[int], period: Period) -> _Query:
    """Rows of `model` (a job or an education episode) that are ordinary and started inside
    the period."""
    return _Query(
        model.objects.filter(
            participant__team_id__in=team_ids,
            is_ordinary=True,
            start_date__range=(period.start, period.end),
        ),
        "participant__team_id",
        {"n": Count("pk")},
        _count,
    )


# --- The measures ----------------------------------------------------------------------------------


@Measure
def active_caseload(*, team_ids: list[int], period: Period) -> _Query:
    """Active caseload at the end of the period: participants who had entered by the last day of
    the period and whose status that day was active (in start-up, job search, in work, in
    education or follow-along). A pause or a closing at the person's own wish is not counted."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=active_on(period.end))},
        _count,
    )


@Measure
def people_in_ordinary_work(*, team_ids: list[int], period: Period) -> _Query:
    """People in ordinary work during the period: distinct participants holding at least one
    ordinary (competitive) job on at least one day of the period — a job that started before and
    ended inside the period counts. Two jobs for one person count as one person. Work-training
    places (not ordinary work) are never counted."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=working_during(period.start, period.end))},
        _count,
    )


@Measure
def employment_rate(*, team_ids: list[int], period: Period) -> _Query:
    """Employment rate: people in ordinary work during the period divided by the active caseload
    at the end of the period. Shown as "–" when nobody is active. IPS benchmarks: 31 % minimum,
    41 % average, 50 % very good."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {
            "working": Count("pk", filter=working_during(period.start, period.end)),
            "active": Count("pk", filter=active_on(period.end)),
        },
        lambda row: Ratio(row.get("working", 0), row.get("active", 0)),
    )


@Measure
def employment_rate_trend(*, team_ids: list[int], periods: Sequence[Period]) -> _Query:
    """The employment rate (same definition) for several periods, in one query: a list of
    Ratio, one per period, in the order given."""
    aggregates = {}
    for i, p in enumerate(periods):
        aggregates[f"w{i}"] = Count("pk", filter=working_during(p.start, p.end))
        aggregates[f"a{i}"] = Count("pk", filter=active_on(p.end))
    return _Query(
        _participants(team_ids),
        "team_id",
        aggregates,
        lambda row: [Ratio(row.get(f"w{i}", 0), row.get(f"a{i}", 0)) for i in range(len(periods))],
    )


@Measure
def job_starts(*, team_ids: list[int], period: Period) -> _Query:
    """New job starts: ordinary jobs with a start date inside the period (a person starting two
    jobs counts twice). Work-training places are not counted."""
    return _ordinary_starts(Job, team_ids, period)


@Measure
def education_starts(*, team_ids: list[int], period: Period) -> _Query:
    """Education starts: ordinary education or courses started inside the period."""
    return _ordinary_starts(EducationEpisode, team_ids, period)


@Measure
def referrals_received(*, team_ids: list[int], period: Period) -> _Query:
    """Referrals received: referrals with a date received inside the period, whatever happened
    to them afterwards (withdrawn referrals included)."""
    return _Query(
        Referral.objects.filter(
            team_id__in=team_ids, date_received__range=(period.start, period.end)
        ),
        "team_id",
        {"n": Count("pk")},
        _count,
    )


@Measure
def median_days_referral_to_first_meeting(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from referral received to first meeting, over referrals whose first meeting
    took place inside the period. Counted from the date received, not the referral date: the team
    cannot act before it has the referral. (Kit: meet within a week.)"""
    return _Query(
        Referral.objects.filter(
            team_id__in=team_ids, first_meeting_date__range=(period.start, period.end)
        ),
        "team_id",
        {
            "days": Percentile50(DaysBetween(F("first_meeting_date"), F("date_received"))),
            "cases": Count("pk"),
        },
        _median,
    )


@Measure
def median_days_entry_to_first_employer_contact(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from entry (first meeting) to the first face-to-face employer contact on the
    person's behalf, over participants whose first such contact was inside the period.
    (IPS rapid job search: within 30 days.)"""
    return _Query(
        _participants(team_ids).filter(
            first_employer_contact_date__range=(period.start, period.end)
        ),
        "team_id",
        {
            "days": Percentile50(DaysBetween(F("first_employer_contact_date"), F("entry_date"))),
            "cases": Count("pk"),
        },
        _median,
    )


@Measure
def median_days_entry_to_first_job(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from entry to the start of the first ordinary job after entry, over
    participants whose first such job started inside the period."""
    first_job = (
        Job.objects.filter(
            participant=OuterRef("pk"), is_ordinary=True, start_date__gte=OuterRef("entry_date")
        )
        .values("participant")
        .annotate(first=Min("start_date"))
        .values("first")[:1]
    )
    return _Query(
        _participants(team_ids)
        .annotate(first_job=Subquery(first_job))
        .filter(first_job__range=(period.start, period.end)),
        "team_id",
        {"days": Percentile50(DaysBetween(F("first_job"), F("entry_date"))), "cases": Count("pk")},
        _median,
    )


@Measure
def job_retention_90_days(*, team_ids: list[int], period: Period) -> _Query:
    """90-day job retention: of the ordinary jobs whose 90th day fell inside the period (so they
    started at least 90 days before the period ended), the share still held 90 days after the
    start (no end date, or an end date on or after day 90)."""
    start_from = period.start - dt.timedelta(days=RETENTION_DAYS)
    start_to = period.end - dt.timedelta(days=RETENTION_DAYS)
    return _Query(
        Job.objects.filter(
            participant__team_id__in=team_ids,
            is_ordinary=True,
            start_date__range=(start_from, start_to),
        ),
        "participant__team_id",
        {
            "jobs": Count("pk"),
            "kept": Count(
                "pk",
                filter=Q(end_date__isnull=True)
                | Q(end_date__gte=AddDays(F("start_date"), RETENTION_DAYS)),
            ),
        },
        lambda row: Ratio(row.get("kept", 0), row.get("jobs", 0)),
    )


# --- For the pages ---------------------------------------------------------------------------------

MEASURES = (
    ("active", _("Aktive deltakere ved periodens slutt"), active_caseload),
    ("working", _("Personer i ordinært arbeid i perioden"), people_in_ordinary_work),
    ("employment_rate", _("Sysselsettingsrate"), employment_rate),
    ("job_starts", _("Nye jobbstarter"), job_starts),
    ("education_starts", _("Utdanningsstarter"), education_starts),
    ("referrals", _("Mottatte henvisninger"), referrals_received),
    (
        "days_to_first_meeting",
        _("Median dager fra henvisning mottatt til første møte"),
        median_days_referral_to_first_meeting,
    ),
    (
        "days_to_employer_contact",
        _("Median dager fra oppstart til første arbeidsgiverkontakt"),
        median_days_entry_to_first_employer_contact,
    ),
    (
        "days_to_first_job",
        _("Median dager fra oppstart til første jobb"),
        median_days_entry_to_first_job,
    ),
    ("retention_90", _("Jobber beholdt i 90 dager"), job_retention_90_days),
)

# Norwegian definitions shown on the pages (footnotes). Keep in step with the docstrings above.
DEFINITIONS = {
    "active": _(
        "Deltakere som hadde startet innen periodens siste dag og hadde aktiv status den dagen "
        "(oppstart, jobbsøk, i arbeid, i utdanning eller oppfølging). Pause eller avslutning "
        "etter eget ønske telles ikke."
    ),
    "working": _(
        "Antall ulike deltakere med minst én ordinær jobb minst én dag i perioden. To jobber for "
        "samme person telles som én person. Arbeidstrening telles ikke."
    ),
    "employment_rate": _(
        "Personer i ordinært arbeid i perioden delt på aktive deltakere ved periodens slutt. "
        "Vises som «–» når ingen er aktive. IPS-mål: 31 % minimum, 41 % gjennomsnitt, "
        "50 % svært godt."
    ),
    "job_starts": _("Ordinære jobber med startdato i perioden. Arbeidstrening telles ikke."),
    "education_starts": _("Ordinær utdanning eller kurs med startdato i perioden."),
    "referrals": _("Henvisninger med mottatt dato i perioden, også de som senere ble trukket."),
    "days_to_first_meeting": _(
        "Median antall dager fra henvisningen ble mottatt til første møte, for første møter "
        "holdt i perioden. Anbefalt: innen en uke."
    ),
    "days_to_employer_contact": _(
        "Median antall dager fra oppstart til første arbeidsgiverkontakt ansikt til ansikt på "
        "vegne av deltakeren, for første kontakter i perioden. IPS-mål: innen 30 dager."
    ),
    "days_to_first_job": _(
        "Median antall dager fra oppstart til første ordinære jobb etter oppstart, for første "
        "jobber som startet i perioden."
    ),
    "retention_90": _(
        "Av ordinære jobber som nådde 90 dager i perioden (startet minst 90 dager før periodens "
        "slutt): andelen som fortsatt varte 90 dager etter start."
    ),
}


# The employment rate's query counts the active caseload and the people in work too, so those two
# need no queries of their own.
_FROM_THE_RATE = ("active", "working")


def _with_rate_parts(figures: dict) -> dict:
    rate = figures["employment_rate"]
    return figures | {"active": rate.denominator, "working": rate.numerator}


def outcomes(*, team_ids: Iterable[int], period: Period) -> dict:
    """All measures for one set of teams (together) and one period, one query per measure."""
    team_ids = _ids(team_ids)
    return _with_rate_parts(
        {
            key: measure(team_ids=team_ids, period=period)
            for key, _label, measure in MEASURES
            if key not in _FROM_THE_RATE
        }
    )


def outcomes_per_team(*, team_ids: Iterable[int], period: Period) -> dict[int, dict]:
    """{team id: all measures for that team alone}: still one query per measure, whatever the
    number of teams."""
    team_ids = _ids(team_ids)
    per_measure = {
        key: measure.per_team(team_ids=team_ids, period=period)
        for key, _label, measure in MEASURES
        if key not in _FROM_THE_RATE
    }
    return {
        team_id: _with_rate_parts({key: values[team_id] for key, values in per_measure.items()})
        for team_id in team_ids
    }
