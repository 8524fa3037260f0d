"""Evidence from the records: quantitative fidelity indicators for a team and review period.

Each indicator is one aggregate query over the team's records (the query count does not grow with
the number of participants) and returns a value, a plain-language explanation and the score the
value would suggest on the item's anchors. Reviewers decide the score; a suggestion is only shown
beside the item and never written into a score.

"Active in the period": entered on or before the period end, and either still active now or
closed during/after the period. Participants on a self-chosen pause are not counted (as for the
caseload rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least, Lower, Trim
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from employers.models import EmployerContact, EmployerContactParticipant
from ips.accounts.models import Membership, Team, User
from ips.dates import oslo_today
from ips.db import DaysBetween, InArray, Percentile50
from participants.models import Contact, Job, Participant
from participants.selectors import caseload_subquery, community_minutes

FOLLOW_UP_DAYS = 3
RAPID_SEARCH_DAYS = 30
OUTREACH_DAYS = 30


class SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


class SubquerySum(Subquery):
    """The sum of the subquery's one column (0 when it has no rows)."""

    template = "(SELECT COALESCE(SUM(_s.v), 0) FROM (%(subquery)s) _s(v))"
    output_field = IntegerField()


@dataclass(frozen=True)
class SpecialistLoad:
    """One row of the caseload table beside item S1."""

    name: str
    caseload: int
    position_percent: int
    per_fte: float


@dataclass(frozen=True)
class Indicator:
    code: str
    value: float | None
    display: str
    explanation: str
    suggested: int | None
    definition: str = ""
    specialists: tuple[SpecialistLoad, ...] = ()


# What each indicator counts, shown on the review page and in the PDF beside the figure. The
# suggestion follows the item's 1–5 anchors (DEFAULT_LIMITS, or the item's own limits).
DEFINITIONS = {
    "caseload": gettext_lazy(
        "Portefølje per årsverk for hver jobbspesialist på periodens siste dag: deltakere i "
        "aktiv status med jobbspesialisten som sin (alle team), delt på stillingsandelen "
        "(stillingsprosent ÷ 100). Den høyeste avgjør forslaget: 20 eller færre gir 5, 21–25 "
        "gir 4, 26–30 gir 3, 31–40 gir 2, flere gir 1."
    ),
    "rapid_search": gettext_lazy(
        "Deltakere som startet i perioden: dager fra oppstart til første møte ansikt til "
        "ansikt med en arbeidsgiver (median). De som fortsatt venter, telles med dagene så "
        "langt når de har ventet over 30 dager. Innen 30 dager gir 5, 31–60 gir 4, 61–90 gir "
        "3, 91–120 gir 2, mer gir 1."
    ),
    "employer_contacts_per_week": gettext_lazy(
        "Møter ansikt til ansikt med arbeidsgivere i perioden (fram til i dag), delt på "
        "antall årsverk jobbspesialister i teamet (stillingsprosent) og antall uker. Minst 6 "
        "gir 5, 5 gir 4, 4 gir 3, 3 gir 2, færre gir 1."
    ),
    "individualised_search": gettext_lazy(
        "Andel av teamets arbeidsgiverkontakter i perioden som er knyttet til en bestemt "
        "deltaker. Minst 75 % gir 5, 50–74 % gir 4, 25–49 % gir 3."
    ),
    "job_type_diversity": gettext_lazy(
        "Jobber deltakerne hadde i perioden: antall ulike stillingstitler delt på antall "
        "jobber. Minst 85 % gir 5, 70–84 % gir 4, 55–69 % gir 3, 50–54 % gir 2."
    ),
    "employer_diversity": gettext_lazy(
        "Jobber deltakerne hadde i perioden: antall ulike arbeidsgivere delt på antall "
        "jobber. Minst 85 % gir 5, 70–84 % gir 4, 55–69 % gir 3, 50–54 % gir 2."
    ),
    "competitive_jobs": gettext_lazy(
        "Jobber deltakerne hadde i perioden: andelen som er ordinært arbeid (ikke "
        "tiltaksplasser). Minst 95 % gir 5, 85–94 % gir 4, 75–84 % gir 3, 65–74 % gir 2."
    ),
    "permanent_jobs": gettext_lazy(
        "Jobber deltakerne hadde i perioden: andelen som er ordinære faste stillinger."
    ),
    "follow_along_timing": gettext_lazy(
        "Jobbstarter og jobbavslutninger i perioden: andelen der jobbspesialisten hadde "
        "kontakt innen tre dager etter. Skalaen beskriver dette med ord (alle, de fleste, om "
        "lag halvparten); forslaget bruker 90 / 75 / 50 / 25 %."
    ),
    "community_time": gettext_lazy(
        "Minutter møtt ansikt til ansikt i perioden: andelen ute i samfunnet, på "
        "arbeidsplasser eller hjemme hos deltakere, av alle minutter ansikt til ansikt med "
        "registrert sted. Telefon, video og meldinger telles ikke. Minst 65 % gir 5, 50–64 % "
        "gir 4, 35–49 % gir 3, 25–34 % gir 2."
    ),
    "benefits_counselling": gettext_lazy(
        "Deltakere på porteføljen i perioden som har fått veiledning om ytelser (i "
        "yrkesprofilen, eller kontakt med veileder for ytelser). Skalaen beskriver dette med "
        "ord; forslaget bruker 90 / 75 / 50 / 25 %."
    ),
    "monthly_outreach": gettext_lazy(
        "Deltakere på porteføljen i perioden: andelen som aldri gikk mer enn 30 dager uten "
        "kontakt. Skalaen beskriver dette med ord; forslaget bruker 90 / 75 / 60 / 40 %."
    ),
}


@dataclass(frozen=True)
class Window:
    team_id: int
    start: dt.date
    end: dt.date
    today: dt.date

    @property
    def horizon(self) -> dt.date:
        """Records can only exist up to today: a running period is measured so far."""
        return min(self.end, self.today)

    @property
    def days(self) -> int:
        return max(0, (self.horizon - self.start).days + 1)


# Default limits for scores 5, 4, 3, 2 (IPS-25 anchors); an item can override them in its data.
DEFAULT_LIMITS: dict[str, tuple[list[float], bool]] = {
    # code: (limits, higher_is_better)
    "caseload": ([20, 25, 30, 40], False),
    "rapid_search": ([30, 60, 90, 120], False),
    "employer_contacts_per_week": ([6, 5, 4, 3], True),
    "individualised_search": ([75, 50, 25, 10], True),
    "job_type_diversity": ([85, 70, 55, 50], True),
    "employer_diversity": ([85, 70, 55, 50], True),
    "competitive_jobs": ([95, 85, 75, 65], True),
    "permanent_jobs": ([75, 50, 25, 5], True),
    "follow_along_timing": ([90, 75, 50, 25], True),
    "community_time": ([65, 50, 35, 25], True),
    "benefits_counselling": ([90, 75, 50, 25], True),
    "monthly_outreach": ([90, 75, 60, 40], True),
}


def suggest_score(code: str, value: float | None, limits: list[float] | None = None) -> int | None:
    if value is None or code not in DEFAULT_LIMITS:
        return None
    default_limits, higher_is_better = DEFAULT_LIMITS[code]
    for score, limit in zip((5, 4, 3, 2), limits or default_limits, strict=True):
        if (value >= limit) if higher_is_better else (value <= limit):
            return score
    return 1


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}{unit}"


def _result(code, value, display, explanation, **extra) -> Indicator:
    return Indicator(
        code,
        value,
        display,
        explanation,
        suggest_score(code, value),
        definition=str(DEFINITIONS.get(code, "")),
        **extra,
    )


def served_participants(w: Window):
    """The team's participants served in the review period (on the caseload on at least one
    day of it): the population of the per-person indicators and of the chart-review sample."""
    return Participant.objects.filter(team_id=w.team_id).served_during(w.start, w.end)


def of_team(w: Window, field: str = "participant_id") -> InArray:
    """The team's records: `participant_id = ANY(ARRAY(SELECT id FROM the team's participants))`.
    A plain join lets PostgreSQL hash the whole country's jobs or contacts; with the ids as an
    array it probes the participant index once per person, so the cost follows the team's size,
    not the size of the database."""
    return InArray(
        F(field), ArraySubquery(Participant.objects.filter(team_id=w.team_id).values("id"))
    )


def _jobs_held(w: Window):
    return Job.objects.filter(of_team(w), start_date__lte=w.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=w.start)
    )


# --- The indicators -------------------------------------------------------------------------------


def _specialist_memberships(on: dt.date):
    return Membership.objects.filter(role=Membership.Role.JOB_SPECIALIST).filter(
        Q(ended_at__isnull=True) | Q(ended_at__date__gte=on)
    )


def caseload(w: Window) -> Indicator:
    """IPS-25 item 1 is about each full-time specialist's caseload: every job specialist's
    caseload on the last day of the period (the shared definition, all their teams counted) is
    divided by their position share (the stillingsprosent of their job-specialist memberships,
    added up, at most 100 %), and the largest caseload per full-time equivalent decides the
    suggestion (5 = nobody above 20). One query for the whole team."""
    holding = (
        Participant.objects.filter(team_id=w.team_id)
        .on_caseload(on=w.end)
        .values("job_specialist_id")
    )
    members = _specialist_memberships(w.end).filter(team_id=w.team_id).values("user_id")
    position = (
        _specialist_memberships(w.end)
        .filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(total=Sum("position_percent"))
        .values("total")
    )
    rows = (
        User.objects.filter(Q(pk__in=holding) | Q(pk__in=members))
        .annotate(
            caseload_count=caseload_subquery(on=w.end),
            position=Least(Coalesce(Subquery(position), Value(100)), Value(100)),
        )
        .order_by("first_name", "last_name", "pk")
    )
    loads = tuple(
        SpecialistLoad(
            name=user.get_full_name() or user.username,
            caseload=user.caseload_count,
            position_percent=user.position,
            per_fte=round(user.caseload_count * 100 / user.position, 1),
        )
        for user in rows
    )
    value = max((load.per_fte for load in loads), default=None)
    highest = [load.name for load in loads if load.per_fte == value]
    return _result(
        "caseload",
        value,
        _("Høyeste portefølje per årsverk: %(v)s") % {"v": _fmt(value)},
        _("Per %(day)s, %(n)s jobbspesialister. Høyest: %(names)s.")
        % {
            "day": w.end.strftime("%d.%m.%Y"),
            "n": len(loads),
            "names": ", ".join(highest) or "–",
        },
        specialists=loads,
    )


def rapid_search(w: Window) -> Indicator:
    # The first contact is a grouped MIN over the join, so Django aggregates over it in a
    # wrapping subquery: computed once per person (a correlated subquery would be repeated in
    # every aggregate below).
    contacts = "employer_contacts"
    qs = (
        Participant.objects.filter(team_id=w.team_id, entry_date__range=(w.start, w.end))
        .annotate(
            first=Coalesce(
                Min(
                    f"{contacts}__contact_date",
                    filter=Q(
                        **{
                            f"{contacts}__face_to_face": True,
                            f"{contacts}__contact_date__gte": F("entry_date"),
                        }
                    ),
                ),
                F("first_employer_contact_date"),
            )
        )
        .annotate(
            days=DaysBetween(F("first"), F("entry_date")),
            # People still waiting count with the days they have waited so far (a lower bound).
            waited=DaysBetween(Coalesce(F("first"), Value(w.today)), F("entry_date")),
        )
    )
    due = Q(first__isnull=False) | Q(entry_date__lte=w.today - dt.timedelta(days=RAPID_SEARCH_DAYS))
    row = qs.aggregate(
        entrants=Count("id"),
        due=Count("id", filter=due),
        within=Count("id", filter=Q(days__lte=RAPID_SEARCH_DAYS)),
        median=Percentile50("waited", filter=due),
    )
    median = row["median"]
    share = _pct(row["within"], row["due"])
    return _result(
        "rapid_search",
        median,
        _("%(days)s dager (median)") % {"days": _fmt(median)},
        _(
            "%(n)s deltakere startet i perioden. Median dager fra oppstart til første møte med "
            "arbeidsgiver: %(median)s. %(share)s av dem som har passert 30 dager hadde slik "
            "kontakt innen 30 dager (%(within)s av %(due)s)."
        )
        % {
            "n": row["entrants"],
            "median": _fmt(median),
            "share": _fmt(share, " %"),
            "within": row["within"],
            "due": row["due"],
        },
    )


def employer_contacts_per_week(w: Window) -> Indicator:
    contacts = EmployerContact.objects.filter(
        team_id=OuterRef("pk"),
        face_to_face=True,
        contact_date__range=(w.start, w.horizon),
    ).values("id")
    # Each specialist once (their largest position in the team during the period), so the
    # anchor "per specialist" is per full-time equivalent.
    positions = (
        _specialist_memberships(w.start)
        .filter(team_id=OuterRef("pk"))
        .values("user_id")
        .annotate(p=Max("position_percent"))
        .values("p")
    )
    row = (
        Team.objects.filter(pk=w.team_id)
        .annotate(contacts=SubqueryCount(contacts), percent=SubquerySum(positions))
        .values("contacts", "percent")
        .first()
    ) or {"contacts": 0, "percent": 0}
    fte = row["percent"] / 100
    weeks = w.days / 7
    value = round(row["contacts"] / fte / weeks, 1) if fte and weeks else None
    return _result(
        "employer_contacts_per_week",
        value,
        _("%(v)s per uke per årsverk") % {"v": _fmt(value)},
        _(
            "%(c)s møter ansikt til ansikt med arbeidsgivere, %(s)s årsverk jobbspesialister, "
            "%(weeks)s uker."
        )
        % {"c": row["contacts"], "s": _fmt(fte), "weeks": _fmt(weeks)},
    )


def individualised_search(w: Window) -> Indicator:
    linked = EmployerContactParticipant.objects.filter(employer_contact=OuterRef("pk"))
    row = (
        EmployerContact.objects.filter(team_id=w.team_id, contact_date__range=(w.start, w.end))
        .annotate(is_linked=Exists(linked))
        .aggregate(total=Count("id"), linked=Count("id", filter=Q(is_linked=True)))
    )
    value = _pct(row["linked"], row["total"])
    return _result(
        "individualised_search",
        value,
        _fmt(value, " %"),
        _("%(l)s av %(t)s arbeidsgiverkontakter gjaldt en bestemt deltaker.")
        % {"l": row["linked"], "t": row["total"]},
    )


def _among_jobs(distinct: str, d: int, total: int) -> str:
    jobs = ngettext("blant %(t)s jobb i perioden.", "blant %(t)s jobber i perioden.", total)
    return f"{distinct % {'d': d}} {jobs % {'t': total}}"


def job_type_diversity(w: Window) -> Indicator:
    row = _jobs_held(w).aggregate(
        total=Count("id"), types=Count(Lower(Trim("title")), distinct=True)
    )
    value = _pct(row["types"], row["total"])
    return _result(
        "job_type_diversity",
        value,
        _fmt(value, " %"),
        _among_jobs(
            ngettext("%(d)s stillingstittel", "%(d)s ulike stillingstitler", row["types"]),
            row["types"],
            row["total"],
        ),
    )


def employer_diversity(w: Window) -> Indicator:
    row = _jobs_held(w).aggregate(total=Count("id"), employers=Count("employer_id", distinct=True))
    value = _pct(row["employers"], row["total"])
    return _result(
        "employer_diversity",
        value,
        _fmt(value, " %"),
        _among_jobs(
            ngettext("%(d)s arbeidsgiver", "%(d)s ulike arbeidsgivere", row["employers"]),
            row["employers"],
            row["total"],
        ),
    )


def competitive_jobs(w: Window) -> Indicator:
    row = _jobs_held(w).aggregate(
        total=Count("id"),
        ordinary=Count("id", filter=Q(is_ordinary=True)),
        permanent=Count("id", filter=Q(is_ordinary=True, is_permanent=True)),
    )
    value = _pct(row["ordinary"], row["total"])
    return _result(
        "competitive_jobs",
        value,
        _fmt(value, " %"),
        _("%(o)s av %(t)s jobber er ordinært arbeid; %(p)s av dem er faste stillinger.")
        % {"o": row["ordinary"], "t": row["total"], "p": row["permanent"]},
    )


def permanent_jobs(w: Window) -> Indicator:
    row = _jobs_held(w).aggregate(
        total=Count("id"), permanent=Count("id", filter=Q(is_ordinary=True, is_permanent=True))
    )
    value = _pct(row["permanent"], row["total"])
    return _result(
        "permanent_jobs",
        value,
        _fmt(value, " %"),
        _("%(p)s av %(t)s jobber er ordinære faste stillinger.")
        % {"p": row["permanent"], "t": row["total"]},
    )


def _contact_within(day_field: str):
    day = OuterRef(day_field)
    return Exists(
        Contact.objects.filter(
            participant_id=OuterRef("participant_id"),
            contact_date__gte=day,
            contact_date__lte=ExpressionWrapper(
                day + dt.timedelta(days=FOLLOW_UP_DAYS), output_field=DateField()
            ),
        )
    )


def follow_along_timing(w: Window) -> Indicator:
    cutoff = w.today - dt.timedelta(days=FOLLOW_UP_DAYS)
    started = Q(start_date__range=(w.start, w.end))
    ended = Q(end_date__range=(w.start, w.end))
    row = (
        Job.objects.filter(of_team(w))
        .filter(started | ended)
        .annotate(start_ok=_contact_within("start_date"), end_ok=_contact_within("end_date"))
        .aggregate(
            starts=Count("id", filter=started & (Q(start_ok=True) | Q(start_date__lte=cutoff))),
            starts_ok=Count("id", filter=started & Q(start_ok=True)),
            ends=Count("id", filter=ended & (Q(end_ok=True) | Q(end_date__lte=cutoff))),
            ends_ok=Count("id", filter=ended & Q(end_ok=True)),
        )
    )
    value = _pct(row["starts_ok"] + row["ends_ok"], row["starts"] + row["ends"])
    return _result(
        "follow_along_timing",
        value,
        _fmt(value, " %"),
        _(
            "Kontakt innen %(d)s dager etter %(so)s av %(s)s jobbstarter og %(eo)s av %(e)s "
            "jobbavslutninger."
        )
        % {
            "d": FOLLOW_UP_DAYS,
            "so": row["starts_ok"],
            "s": row["starts"],
            "eo": row["ends_ok"],
            "e": row["ends"],
        },
    )


def community_time(w: Window) -> Indicator:
    time = community_minutes(
        Contact.objects.filter(of_team(w), contact_date__range=(w.start, w.end))
    )
    value = _pct(time.community, time.in_person)
    return _result(
        "community_time",
        value,
        _fmt(value, " %"),
        _(
            "%(c)s av %(k)s minutter møtt ansikt til ansikt var ute i samfunnet, på "
            "arbeidsplasser eller hjemme hos deltakere. Telefon, video og meldinger telles ikke; "
            "%(u)s minutter ansikt til ansikt uten sted er ikke regnet med."
        )
        % {"c": time.community, "k": time.in_person, "u": time.no_place},
    )


def benefits_counselling(w: Window) -> Indicator:
    counsellor_contact = Contact.objects.filter(
        participant_id=OuterRef("pk"),
        with_whom=Contact.With.BENEFITS_COUNSELLOR,
        contact_date__lte=w.end,
    )
    row = (
        served_participants(w)
        .annotate(counsellor=Exists(counsellor_contact))
        .aggregate(
            total=Count("id"),
            counselled=Count(
                "id",
                filter=Q(profile__benefits_counselling_received=True) | Q(counsellor=True),
            ),
        )
    )
    value = _pct(row["counselled"], row["total"])
    return _result(
        "benefits_counselling",
        value,
        _fmt(value, " %"),
        _(
            "%(c)s av %(t)s aktive deltakere har fått veiledning om ytelser (yrkesprofilen "
            "eller kontakt med veileder for ytelser)."
        )
        % {"c": row["counselled"], "t": row["total"]},
    )


def monthly_outreach(w: Window) -> Indicator:
    """Share of active participants never left more than 30 days without a contact between the
    start of their time in the period and today/period end. Gaps are found with a window
    function, so the whole team is one query."""
    people_sql, people_params = (
        served_participants(w).filter(entry_date__lte=w.horizon).values("id", "entry_date")
    ).query.sql_with_params()
    contact_table = Contact._meta.db_table
    sql = f"""
        WITH people AS (
            SELECT p.id, GREATEST(p.entry_date, %s::date) AS ws FROM ({people_sql}) p
        ),
        points AS (
            SELECT id, ws AS d FROM people
            UNION ALL
            SELECT c.participant_id, c.contact_date FROM {contact_table} c
              JOIN people ON people.id = c.participant_id
             WHERE c.contact_date > people.ws AND c.contact_date <= %s::date
            UNION ALL
            SELECT id, %s::date FROM people
        ),
        gaps AS (
            SELECT id, d - LAG(d) OVER (PARTITION BY id ORDER BY d) AS gap FROM points
        )
        SELECT COUNT(*), COUNT(*) FILTER (WHERE max_gap <= %s)
          FROM (SELECT id, COALESCE(MAX(gap), 0) AS max_gap FROM gaps GROUP BY id) per_person
    """  # noqa: S608 - table name from model meta, values are parameters
    params = [w.start, *people_params, w.horizon, w.horizon, OUTREACH_DAYS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, kept = cursor.fetchone()
    value = _pct(kept, total)
    return _result(
        "monthly_outreach",
        value,
        _fmt(value, " %"),
        _("%(k)s av %(t)s aktive deltakere hadde kontakt minst hver 30. dag i perioden.")
        % {"k": kept, "t": total},
    )


INDICATORS: dict[str, Callable[[Window], Indicator]] = {
    "caseload": caseload,
    "rapid_search": rapid_search,
    "employer_contacts_per_week": employer_contacts_per_week,
    "individualised_search": individualised_search,
    "job_type_diversity": job_type_diversity,
    "employer_diversity": employer_diversity,
    "competitive_jobs": competitive_jobs,
    "permanent_jobs": permanent_jobs,
    "follow_along_timing": follow_along_timing,
    "community_time": community_time,
    "benefits_counselling": benefits_counselling,
    "monthly_outreach": monthly_outreach,
}


def window_for(review, today: dt.date | None = None) -> Window:
    return Window(
        team_id=review.team_id,
        start=review.period_start,
        end=review.period_end,
        today=today or oslo_today(),
    )


def indicators_for_items(review, items) -> dict[int, Indicator]:
    """The indicator of each item (by item id), each computed once, with the item's own limits
    applied to the suggestion. One query per indicator code, whatever the data size."""
    w = window_for(review)
    computed: dict[str, Indicator] = {}
    result = {}
    for item in items:
        code = item.indicator
        if not code or code not in INDICATORS:
            continue
        if code not in computed:
            computed[code] = INDICATORS[code](w)
        indicator = computed[code]
        if item.suggestion_limits:
            indicator = replace(
                indicator, suggested=suggest_score(code, indicator.value, item.suggestion_limits)
            )
        result[item.id] = indicator
    return result
