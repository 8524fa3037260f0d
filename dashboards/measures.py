"""Outcome measures (DESIGN.md §6): one measure, one definition, one function.

Every measure takes the teams it counts over (`team_ids`) and a `Period` [start, end] (both days
inclusive) and runs ONE aggregate query, so a page's query count does not grow with the data.
`measure.per_team(...)` runs the same query grouped by team (the partner's page shows several
teams side by side) and `measure.per_specialist(...)` grouped by job specialist (the quarterly
report), so their counts do not grow with the number of teams or specialists either.

Each measure is built on the shared concepts of `participants` (served_during, working_during,
active_on, community minutes) and carries its definition: the function's docstring is the
definition in English, and `measure.definition` is the same text as a Norwegian gettext string
(its English translation in the .po is the docstring, checked by a test). The page «Slik regnes
tallene» lists every measure with its source, benchmark and what is counted or left out; the
dashboards, the partner view, the CSV exports, «Min dag» and the quarterly report all call these
functions.

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
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from employers.models import EmployerContact
from ips.accounts.models import Membership
from ips.db import DaysBetween, Percentile50
from ips.periods import Period
from participants.models import (
    Contact,
    EducationEpisode,
    InWorkAtReferral,
    Job,
    Participant,
    active_on,
    in_education_during,
    served_during,
    working_during,
)
from participants.selectors import community_aggregates, community_time
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
class MinuteShare(Ratio):
    """A share of time: `numerator` minutes of `denominator` minutes."""


@dataclass(frozen=True)
class PerWeek:
    """Contacts per job specialist per week: `count` contacts by `specialists` specialists over
    `weeks` weeks. `value` is None when there is no specialist (shown as a dash)."""

    count: int
    specialists: int
    weeks: float

    @property
    def value(self) -> float | None:
        if not self.specialists or not self.weeks:
            return None
        return round(self.count / (self.specialists * self.weeks), 1)


@dataclass(frozen=True)
class Endings:
    """Ordinary jobs that ended, in total and per end reason ({reason value: count})."""

    total: int
    reasons: dict


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
    """What a measure aggregates: the rows it counts (already limited to the teams), the lookups
    from a row to its team and to its job specialist, the aggregates, and how an aggregated row
    becomes the measure's value (a group without any rows gets the value of an empty row, `{}`)."""

    rows: QuerySet
    team: str
    aggregates: dict
    value: Callable[[dict], Any]
    specialist: str = ""

    def total(self):
        return self.value(self.rows.aggregate(**self.aggregates))

    def grouped(self, lookup: str, keys: Iterable[int]) -> dict[int, Any]:
        grouped = self.rows.order_by().values(lookup).annotate(**self.aggregates)
        found = {row[lookup]: row for row in grouped if row[lookup] is not None}
        return {key: self.value(found.get(key, {})) for key in [*keys, *found]}

    def per_team(self, team_ids: list[int]) -> dict[int, Any]:
        return self.grouped(self.team, team_ids)


class Measure:
    """A measure, defined once by a function that describes its aggregate query.

    `measure(team_ids=..., period=...)` gives the value for those teams together;
    `measure.per_team(team_ids=..., period=...)` gives {team id: value} from one GROUP BY query,
    so a page showing many teams runs as many queries as a page showing one;
    `measure.per_specialist(team_ids=..., period=...)` gives {job specialist id: value} (the
    specialists asked for, with the value of an empty group when they have none, and any other
    specialist found). The function's docstring is the definition (see the module docstring).
    """

    # Templates list measures (their label, definition, ...) and must not call them.
    do_not_call_in_templates = True

    def __init__(
        self,
        build: Callable[..., _Query],
        *,
        key: str,
        label,
        definition,
        source,
        benchmark=None,
        left_out=None,
    ):
        functools.update_wrapper(self, build)
        self._build = build
        self.key = key
        self.label = label
        self.definition = definition
        self.source = source
        self.benchmark = benchmark
        self.left_out = left_out

    def __call__(self, *, team_ids: Iterable[int], **params):
        return self._build(team_ids=_ids(team_ids), **params).total()

    def per_team(self, *, team_ids: Iterable[int], **params) -> dict[int, Any]:
        team_ids = _ids(team_ids)
        return self._build(team_ids=team_ids, **params).per_team(team_ids)

    def per_specialist(
        self, *, team_ids: Iterable[int], specialist_ids: Iterable[int] = (), **params
    ) -> dict[int, Any]:
        query = self._build(team_ids=_ids(team_ids), **params)
        return query.grouped(query.specialist, _ids(specialist_ids))


CATALOGUE: list[Measure] = []


def measure(**meta) -> Callable[[Callable[..., _Query]], Measure]:
    """Declare a measure with its definition (Norwegian, translated), source, benchmark and what
    it leaves out; it is listed on «Slik regnes tallene» in the order declared."""

    def declare(build: Callable[..., _Query]) -> Measure:
        m = Measure(build, **meta)
        CATALOGUE.append(m)
        return m

    return declare


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
        "participant__job_specialist_id",
    )


def _served(period: Period) -> Q:
    return served_during(period.start, period.end)


def _working(period: Period) -> Q:
    return _served(period) & working_during(period.start, period.end)


# --- The measures (in the order of «Slik regnes tallene») ------------------------------------------

_SOURCE_DESIGN = _("IPS-håndboken for ledere og IPS Employment Centers kvartalsrapport")
_SOURCE_EC = _(
    "IPS Employment Center: kvartalsvis sysselsettingsrate («quarterly employment rate»)"
)
_SOURCE_GROW = _("IPS Grow (Storbritannia), resultatmål fra april 2024")
_SOURCE_KIT = _("IPS-veilederen «Slik bygger du et IPS-tilbud»")
_SOURCE_FIDELITY = _("IPS-25 kvalitetsskala")
_NO_WORK_TRAINING = _("Arbeidstrening og andre tiltak som ikke er ordinært arbeid, telles ikke.")


@measure(
    key="active",
    label=_("Portefølje ved periodens slutt"),
    definition=_(
        "Deltakere som hadde startet innen periodens siste dag og hadde aktiv status ved "
        "slutten av den dagen (i oppstart, jobbsøk, i arbeid, i utdanning eller oppfølging)."
    ),
    source=_SOURCE_FIDELITY,
    benchmark=_("Høyst 20 per jobbspesialist i full stilling (IPS-25, punkt 1)."),
    left_out=_("Pause etter eget ønske og avsluttet etter eget ønske telles ikke."),
)
def active_caseload(*, team_ids: list[int], period: Period) -> _Query:
    """Participants who had entered by the last day of the period and were in an active status
    at the end of that day (in start-up, job search, in work, in education or follow-along)."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=active_on(period.end))},
        _count,
        "job_specialist_id",
    )


@measure(
    key="served",
    label=_("Personer som fikk tjenesten i perioden"),
    definition=_(
        "Deltakere som var i porteføljen minst én dag i perioden: aktive på periodens første "
        "dag, startet i perioden eller fikk aktiv status igjen i perioden."
    ),
    source=_SOURCE_EC,
    left_out=_(
        "Personer som startet etter periodens slutt, og personer som hadde pause eller var "
        "avsluttet hele perioden."
    ),
)
def people_served(*, team_ids: list[int], period: Period) -> _Query:
    """Participants on the caseload on at least one day of the period: active on its first day,
    entered during it, or back in an active status during it."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=_served(period))},
        _count,
        "job_specialist_id",
    )


@measure(
    key="working",
    label=_("Personer i ordinært arbeid i perioden"),
    definition=_(
        "Av personene som fikk tjenesten i perioden: antall med minst én ordinær jobb minst én "
        "dag i perioden. En jobb som startet før perioden eller sluttet i den, telles. To "
        "jobber for samme person telles som én person."
    ),
    source=_SOURCE_EC,
    left_out=_NO_WORK_TRAINING,
)
def people_in_ordinary_work(*, team_ids: list[int], period: Period) -> _Query:
    """Of the people served in the period: those holding at least one ordinary job on at least
    one day of it. A job that started before the period or ended inside it counts. Two jobs for
    one person count as one person."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=_working(period))},
        _count,
        "job_specialist_id",
    )


@measure(
    key="education",
    label=_("Personer i ordinær utdanning i perioden"),
    definition=_(
        "Av personene som fikk tjenesten i perioden: antall i ordinær utdanning minst én dag i "
        "perioden."
    ),
    source=_SOURCE_EC,
    left_out=_("Kurs og tiltak som ikke er ordinær utdanning, telles ikke."),
)
def people_in_education(*, team_ids: list[int], period: Period) -> _Query:
    """Of the people served in the period: those in ordinary education on at least one day of
    it."""
    return _Query(
        _participants(team_ids),
        "team_id",
        {"n": Count("pk", filter=_served(period) & in_education_during(period.start, period.end))},
        _count,
        "job_specialist_id",
    )


def _rate_aggregates(period: Period, suffix: str = "") -> dict:
    return {
        f"working{suffix}": Count("pk", filter=_working(period)),
        f"served{suffix}": Count("pk", filter=_served(period)),
    }


@measure(
    key="employment_rate",
    label=_("Sysselsettingsrate (IPS Employment Center)"),
    definition=_(
        "Av alle som var i porteføljen minst én dag i perioden: andelen som hadde ordinært "
        "arbeid minst én dag i perioden. Teller og nevner gjelder de samme personene, så raten "
        "blir aldri over 100 %. Vises som «–» når ingen fikk tjenesten."
    ),
    source=_SOURCE_EC,
    benchmark=_("31 % minimum, 41 % gjennomsnitt, 50 % svært godt (per kvartal)."),
    left_out=_NO_WORK_TRAINING,
)
def employment_rate(*, team_ids: list[int], period: Period) -> _Query:
    """Of everyone on the caseload on at least one day of the period, the share who held
    ordinary work on at least one day of it. Numerator and denominator are the same people, so
    the rate never exceeds 100 %. Shown as "–" when nobody was served."""
    return _Query(
        _participants(team_ids),
        "team_id",
        _rate_aggregates(period),
        lambda row: Ratio(row.get("working", 0), row.get("served", 0)),
        "job_specialist_id",
    )


@measure(
    key="employment_rate_grow",
    label=_("Andel som startet i arbeid (IPS Grow)"),
    definition=_(
        "Av dem som fikk tjenesten i perioden og ikke var i arbeid da de ble henvist: andelen "
        "som startet i en ordinær jobb i perioden. Vises som «–» når ingen slike personer "
        "fikk tjenesten."
    ),
    source=_SOURCE_GROW,
    benchmark=_("40 %."),
    left_out=_(
        "Personer som var i arbeid ved henvisning, og personer der det ikke er registrert om "
        "de var i arbeid (vet ikke). Arbeidstrening telles ikke."
    ),
)
def employment_rate_grow(*, team_ids: list[int], period: Period) -> _Query:
    """Of those served in the period who were out of work when referred: the share who started
    an ordinary job in the period. Shown as "–" when nobody of that kind was served."""
    started = Job.objects.filter(
        participant=OuterRef("pk"),
        is_ordinary=True,
        start_date__range=(period.start, period.end),
    )
    out_of_work = _served(period) & Q(in_work_at_referral=InWorkAtReferral.NO)
    return _Query(
        _participants(team_ids),
        "team_id",
        {
            "started": Count("pk", filter=out_of_work & Q(Exists(started))),
            "out_of_work": Count("pk", filter=out_of_work),
        },
        lambda row: Ratio(row.get("started", 0), row.get("out_of_work", 0)),
        "job_specialist_id",
    )


@measure(
    key="employment_rate_trend",
    label=_("Sysselsettingsrate per kvartal"),
    definition=_("Sysselsettingsraten (IPS Employment Center) for hvert kvartal for seg."),
    source=_SOURCE_EC,
    benchmark=_("31 % minimum, 41 % gjennomsnitt, 50 % svært godt (per kvartal)."),
)
def employment_rate_trend(*, team_ids: list[int], periods: Sequence[Period]) -> _Query:
    """The employment rate (IPS Employment Center) for each quarter on its own."""
    aggregates: dict[str, Any] = {}
    for i, p in enumerate(periods):
        aggregates |= _rate_aggregates(p, str(i))
    return _Query(
        _participants(team_ids),
        "team_id",
        aggregates,
        lambda row: [
            Ratio(row.get(f"working{i}", 0), row.get(f"served{i}", 0)) for i in range(len(periods))
        ],
        "job_specialist_id",
    )


@measure(
    key="job_starts",
    label=_("Nye jobbstarter"),
    definition=_(
        "Ordinære jobber med startdato i perioden. En person som starter i to jobber, telles "
        "to ganger."
    ),
    source=_SOURCE_DESIGN,
    left_out=_NO_WORK_TRAINING,
)
def job_starts(*, team_ids: list[int], period: Period) -> _Query:
    """Ordinary jobs with a start date in the period. A person starting two jobs counts
    twice."""
    return _ordinary_starts(Job, team_ids, period)


@measure(
    key="education_starts",
    label=_("Utdanningsstarter"),
    definition=_("Ordinær utdanning med startdato i perioden."),
    source=_SOURCE_DESIGN,
    left_out=_("Kurs og tiltak som ikke er ordinær utdanning, telles ikke."),
)
def education_starts(*, team_ids: list[int], period: Period) -> _Query:
    """Ordinary education with a start date in the period."""
    return _ordinary_starts(EducationEpisode, team_ids, period)


@measure(
    key="job_endings",
    label=_("Jobber som sluttet"),
    definition=_("Ordinære jobber med sluttdato i perioden, i alt og etter årsak til slutt."),
    source=_SOURCE_DESIGN,
    left_out=_NO_WORK_TRAINING,
)
def job_endings(*, team_ids: list[int], period: Period) -> _Query:
    """Ordinary jobs with an end date in the period, in total and by the reason they ended."""
    reasons = [r.value for r in Job.EndReason]
    aggregates = {"n": Count("pk")} | {
        f"r_{r}": Count("pk", filter=Q(end_reason=r)) for r in reasons
    }
    return _Query(
        Job.objects.filter(
            participant__team_id__in=team_ids,
            is_ordinary=True,
            end_date__range=(period.start, period.end),
        ),
        "participant__team_id",
        aggregates,
        lambda row: Endings(row.get("n", 0), {r: row.get(f"r_{r}", 0) for r in reasons}),
        "participant__job_specialist_id",
    )


@measure(
    key="retention_90",
    label=_("Jobber beholdt i 90 dager"),
    definition=_(
        "Av de ordinære jobbene som nådde sin 90. dag i perioden (startet minst 90 dager før "
        "periodens slutt): andelen som fortsatt varte 90 dager etter start."
    ),
    source=_SOURCE_GROW,
    left_out=_NO_WORK_TRAINING,
)
def job_retention_90_days(*, team_ids: list[int], period: Period) -> _Query:
    """Of the ordinary jobs whose 90th day fell in the period (started at least 90 days before
    the period ended): the share still held 90 days after the start."""
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
        "participant__job_specialist_id",
    )


@measure(
    key="referrals",
    label=_("Mottatte henvisninger"),
    definition=_(
        "Henvisninger med mottatt dato i perioden, også de som senere ble trukket. Per "
        "jobbspesialist: henvisninger tildelt jobbspesialisten."
    ),
    source=_SOURCE_KIT,
)
def referrals_received(*, team_ids: list[int], period: Period) -> _Query:
    """Referrals with a date received in the period, withdrawn ones included. Per job
    specialist: referrals assigned to that specialist."""
    return _Query(
        Referral.objects.filter(
            team_id__in=team_ids, date_received__range=(period.start, period.end)
        ),
        "team_id",
        {"n": Count("pk")},
        _count,
        "assigned_specialist_id",
    )


@measure(
    key="days_to_first_meeting",
    label=_("Median dager fra henvisning mottatt til første møte"),
    definition=_(
        "Median antall dager fra henvisningen ble mottatt til første møte, for første møter "
        "holdt i perioden. Regnet fra mottatt dato, ikke henvisningsdato: teamet kan ikke "
        "handle før det har henvisningen."
    ),
    source=_SOURCE_KIT,
    benchmark=_("Innen en uke."),
    left_out=_("Henvisninger uten første møte i perioden."),
)
def median_days_referral_to_first_meeting(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from the referral being received to the first meeting, over first meetings
    held in the period. Counted from the date received, not the referral date: the team cannot
    act before it has the referral."""
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
        "assigned_specialist_id",
    )


@measure(
    key="days_to_employer_contact",
    label=_("Median dager fra oppstart til første arbeidsgiverkontakt"),
    definition=_(
        "Median antall dager fra oppstart (første møte) til første arbeidsgiverkontakt ansikt "
        "til ansikt på vegne av deltakeren, for første slike kontakter i perioden."
    ),
    source=_SOURCE_FIDELITY,
    benchmark=_("Innen 30 dager (rask jobbsøking)."),
    left_out=_("Kontakter på telefon, e-post eller video."),
)
def median_days_entry_to_first_employer_contact(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from entry (the first meeting) to the first face-to-face employer contact on
    the person's behalf, over first such contacts in the period."""
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
        "job_specialist_id",
    )


@measure(
    key="days_to_first_job",
    label=_("Median dager fra oppstart til første jobb"),
    definition=_(
        "Median antall dager fra oppstart til start i første ordinære jobb etter oppstart, for "
        "første jobber som startet i perioden."
    ),
    source=_SOURCE_DESIGN,
    left_out=_NO_WORK_TRAINING,
)
def median_days_entry_to_first_job(*, team_ids: list[int], period: Period) -> _Query:
    """Median days from entry to the start of the first ordinary job after entry, over first
    jobs that started in the period."""
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
        "job_specialist_id",
    )


@measure(
    key="employer_contacts_per_week",
    label=_("Arbeidsgiverkontakter ansikt til ansikt per jobbspesialist per uke"),
    definition=_(
        "Arbeidsgiverkontakter ansikt til ansikt logget i perioden, delt på antall "
        "jobbspesialister i teamet og antall uker i perioden."
    ),
    source=_SOURCE_FIDELITY,
    benchmark=_("Minst 6 per uke."),
    left_out=_(
        "Kontakter på telefon, e-post eller video. Jobbspesialister som sluttet i teamet før "
        "perioden startet, telles ikke; stillingsprosent er ikke tatt hensyn til."
    ),
)
def employer_contacts_per_specialist_week(*, team_ids: list[int], period: Period) -> _Query:
    """Face-to-face employer contacts logged in the period, divided by the number of job
    specialists in the team and the number of weeks in the period."""
    contacts = (
        EmployerContact.objects.filter(
            team_id=OuterRef("team_id"),
            job_specialist_id=OuterRef("user_id"),
            face_to_face=True,
            contact_date__range=(period.start, period.end),
        )
        .order_by()
        .values("job_specialist_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    weeks = ((period.end - period.start).days + 1) / 7
    return _Query(
        Membership.objects.filter(team_id__in=team_ids, role=Membership.Role.JOB_SPECIALIST).filter(
            Q(ended_at__isnull=True) | Q(ended_at__date__gte=period.start)
        ),
        "team_id",
        {
            "contacts": Coalesce(Sum(Subquery(contacts, output_field=IntegerField())), Value(0)),
            "specialists": Count("user_id", distinct=True),
        },
        lambda row: PerWeek(row.get("contacts", 0), row.get("specialists", 0), weeks),
        "user_id",
    )


@measure(
    key="community_share",
    label=_("Andel av tiden med deltakere ute i samfunnet"),
    definition=_(
        "Minutter med kontakt ansikt til ansikt ute i samfunnet, på arbeidsplassen eller hjemme "
        "hos deltakeren, delt på alle minutter ansikt til ansikt der sted er registrert, for "
        "kontakter i perioden."
    ),
    source=_SOURCE_FIDELITY,
    benchmark=_("Minst 65 %."),
    left_out=_(
        "Telefon, video og meldinger (de har ikke noe sted), og minutter ansikt til ansikt "
        "uten registrert sted."
    ),
)
def community_share(*, team_ids: list[int], period: Period) -> _Query:
    """Minutes of face-to-face contact out in the community, at the workplace or at the
    person's home, divided by all face-to-face minutes with a place recorded, for contacts in
    the period."""

    def value(row: dict) -> MinuteShare:
        time = community_time(row)
        return MinuteShare(time.community, time.in_person)

    return _Query(
        Contact.objects.filter(
            participant__team_id__in=team_ids,
            contact_date__range=(period.start, period.end),
        ),
        "participant__team_id",
        community_aggregates(),
        value,
        "logged_by_id",
    )


# --- For the pages ---------------------------------------------------------------------------------

# The figures of the outcome tables (dashboards, partner view, CSV), in order.
OUTCOME_MEASURES = (
    active_caseload,
    people_served,
    people_in_ordinary_work,
    employment_rate,
    employment_rate_grow,
    job_starts,
    education_starts,
    referrals_received,
    median_days_referral_to_first_meeting,
    median_days_entry_to_first_employer_contact,
    median_days_entry_to_first_job,
    job_retention_90_days,
)
MEASURES = tuple((m.key, m.label, m) for m in OUTCOME_MEASURES)
DEFINITIONS = {m.key: m.definition for m in CATALOGUE}
BY_KEY = {m.key: m for m in CATALOGUE}

# The employment rate's query counts the people served and the people in work too, so those two
# need no queries of their own.
_FROM_THE_RATE = ("served", "working")


def _with_rate_parts(figures: dict) -> dict:
    rate = figures["employment_rate"]
    return figures | {"served": rate.denominator, "working": rate.numerator}


def outcomes(*, team_ids: Iterable[int], period: Period) -> dict:
    """All outcome measures for one set of teams (together) and one period, one query each."""
    team_ids = _ids(team_ids)
    return _with_rate_parts(
        {
            key: m(team_ids=team_ids, period=period)
            for key, _label, m in MEASURES
            if key not in _FROM_THE_RATE
        }
    )


def outcomes_per_team(*, team_ids: Iterable[int], period: Period) -> dict[int, dict]:
    """{team id: all outcome measures for that team alone}: still one query per measure,
    whatever the number of teams."""
    team_ids = _ids(team_ids)
    per_measure = {
        key: m.per_team(team_ids=team_ids, period=period)
        for key, _label, m in MEASURES
        if key not in _FROM_THE_RATE
    }
    return {
        team_id: _with_rate_parts({key: values[team_id] for key, values in per_measure.items()})
        for team_id in team_ids
    }
