"""Reads for the employer register and job development. Always scoped by ips.access."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from employers.models import Employer, EmployerContact, JobOpening
from ips.access import employer_team_ids_for, get_in_scope, scope_for
from ips.accounts.models import Membership, Team, User
from ips.dates import oslo_today
from participants.models import Job, Participant
from participants.selectors import participants_for

# IPS-25 "frequent employer contact": 6 face-to-face contacts per job specialist per week scores 5.
WEEKLY_TARGET = 6
WEEKS_SHOWN = 4
DORMANT_AFTER_DAYS = 60
NEXT_STEPS_DAYS = 14


# --- Scope --------------------------------------------------------------------------------------


def employers_for(user: Any) -> QuerySet[Employer]:
    """Employers in the registers the user may see: own teams', and those shared with them."""
    team_ids = employer_team_ids_for(user)
    if not team_ids:
        return Employer.objects.none()
    return Employer.objects.filter(team_id__in=team_ids)


def employer_get_for_user(
    *, user: Any, pk: Any, queryset: QuerySet[Employer] | None = None
) -> Employer:
    return get_in_scope(queryset if queryset is not None else employers_for(user), pk)


def employer_contacts_for(user: Any) -> QuerySet[EmployerContact]:
    """The employer log: contacts with employers whose register the user may see (own team's, or
    shared with one of the user's teams). Participants named on a contact are scoped separately."""
    team_ids = employer_team_ids_for(user)
    if not team_ids:
        return EmployerContact.objects.none()
    return EmployerContact.objects.filter(employer__team_id__in=team_ids)


def job_openings_for(user: Any) -> QuerySet[JobOpening]:
    """Job openings are the team's leads (they name matched participants): own teams only."""
    staff = scope_for(user).staff_team_ids
    if not staff:
        return JobOpening.objects.none()
    return JobOpening.objects.filter(team_id__in=staff)


def job_opening_get_for_user(*, user: Any, pk: Any) -> JobOpening:
    return get_in_scope(job_openings_for(user), pk)


def _last_contact_subquery() -> Subquery:
    return Subquery(
        EmployerContact.objects.filter(employer=OuterRef("pk"))
        .order_by("-contact_date")
        .values("contact_date")[:1]
    )


def employer_list(
    *, user: Any, search: str = "", include_archived: bool = False
) -> QuerySet[Employer]:
    """The registers the user may see, with the last contact date. Search by name or org. number
    (spaces in the number are ignored)."""
    qs = employers_for(user).select_related("team").annotate(last_contact=_last_contact_subquery())
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    search = search.strip()
    if search:
        digits = search.replace(" ", "")
        q = Q(name__icontains=search)
        if digits.isdigit():
            q |= Q(org_number__contains=digits)
        qs = qs.filter(q)
    return qs.order_by("name", "id")


def _visible_participants(user: Any) -> QuerySet[Participant]:
    return participants_for(user).only("id", "name", "team_id")


@dataclass
class EmployerDetail:
    employer: Employer
    contact_persons: list
    contacts: QuerySet
    hires: list
    openings: list
    last_contact: dt.date | None


def employer_detail(*, user: Any, employer: Employer) -> EmployerDetail:
    """Contacts, hires and openings of one employer. Participant names appear only for people
    the user may see (a team a register is shared with sees the log, not the other team's people)."""
    contacts = (
        employer_contacts_for(user)
        .filter(employer=employer)
        .select_related("job_specialist", "contact_person")
        .prefetch_related(
            Prefetch("participants", queryset=_visible_participants(user), to_attr="visible_people")
        )
        .order_by("-contact_date", "-id")
    )
    hires = list(
        Job.objects.filter(employer=employer, participant__in=participants_for(user))
        .select_related("participant")
        .order_by("-start_date", "-id")
    )
    openings = list(
        job_openings_for(user)
        .filter(employer=employer, status=JobOpening.Status.OPEN)
        .prefetch_related(
            Prefetch(
                "matched_participants",
                queryset=_visible_participants(user),
                to_attr="visible_people",
            )
        )
    )
    last_contact = (
        EmployerContact.objects.filter(employer=employer)
        .order_by("-contact_date")
        .values_list("contact_date", flat=True)
        .first()
    )
    return EmployerDetail(
        employer=employer,
        contact_persons=list(employer.contact_persons.filter(is_active=True)),
        contacts=contacts,
        hires=hires,
        openings=openings,
        last_contact=last_contact,
    )


def employer_log(*, user: Any, specialist_id: int | None = None) -> QuerySet[EmployerContact]:
    qs = (
        employer_contacts_for(user)
        .select_related("employer", "job_specialist", "contact_person")
        .prefetch_related(
            Prefetch("participants", queryset=_visible_participants(user), to_attr="visible_people")
        )
        .order_by("-contact_date", "-id")
    )
    if specialist_id:
        qs = qs.filter(job_specialist_id=specialist_id)
    return qs


def team_specialists(*, user: Any) -> QuerySet[User]:
    """Job specialists of the user's own teams (to filter the log by)."""
    return (
        User.objects.filter(
            memberships__team_id__in=scope_for(user).staff_team_ids,
            memberships__role=Membership.Role.JOB_SPECIALIST,
            memberships__ended_at__isnull=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def job_opening_list(*, user: Any, status: str = JobOpening.Status.OPEN) -> QuerySet[JobOpening]:
    qs = (
        job_openings_for(user)
        .select_related("employer", "created_by", "team")
        .prefetch_related(
            Prefetch(
                "matched_participants",
                queryset=_visible_participants(user),
                to_attr="visible_people",
            )
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(Coalesce("deadline", dt.date.max), "id")


def participant_choices(*, user: Any, team_id: int) -> QuerySet[Participant]:
    """People a contact or opening may be for: active participants of the employer's team,
    the user's own caseload first."""
    return (
        participants_for(user)
        .active()
        .filter(team_id=team_id)
        .annotate(others=Case(When(job_specialist=user, then=Value(0)), default=Value(1)))
        .order_by("others", "name", "id")
    )


# --- The weekly job-development view ----------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class SpecialistWeeks:
    specialist: User
    counts: list[int]  # this week first

    @property
    def cells(self) -> list[dict]:
        return [{"count": n, "met": n >= WEEKLY_TARGET} for n in self.counts]

    @property
    def this_week(self) -> int:
        return self.counts[0]

    @property
    def previous_weeks_average(self) -> float:
        previous = self.counts[1:]
        return sum(previous) / len(previous) if previous else 0.0


@dataclass
class WeeklyView:
    team: Team
    today: dt.date
    weeks: list[dt.date]  # Monday of each week, this week first
    rows: list[SpecialistWeeks]
    dormant_employers: list
    next_steps: list
    openings: list
    target: int = WEEKLY_TARGET
    totals: list[int] = field(default_factory=list)


def weekly_specialist_counts(*, team: Team, today: dt.date) -> tuple[list[dt.date], list]:
    """Face-to-face employer contacts per person and week, this week and the 3 before, in one
    aggregate query; every job specialist of the team gets a row, also with no contacts."""
    monday = week_start(today)
    weeks = [monday - dt.timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    annotations = {
        f"w{i}": Count(
            "pk",
            filter=Q(contact_date__gte=start, contact_date__lt=start + dt.timedelta(days=7)),
        )
        for i, start in enumerate(weeks)
    }
    counted = (
        EmployerContact.objects.filter(
            team=team, face_to_face=True, contact_date__gte=weeks[-1], contact_date__lte=today
        )
        .values("job_specialist_id")
        .annotate(**annotations)
        .order_by()
    )
    by_user = {row["job_specialist_id"]: row for row in counted}
    specialist_ids = Membership.objects.filter(
        team=team, role=Membership.Role.JOB_SPECIALIST, ended_at__isnull=True
    ).values("user_id")
    people = User.objects.filter(Q(pk__in=specialist_ids) | Q(pk__in=list(by_user))).order_by(
        "first_name", "last_name", "id"
    )
    rows = []
    for person in people:
        row: Mapping[str, Any] = by_user.get(person.pk, {})
        rows.append(
            SpecialistWeeks(
                specialist=person, counts=[row.get(f"w{i}", 0) for i in range(WEEKS_SHOWN)]
            )
        )
    return weeks, rows


def dormant_employers(*, team: Team, today: dt.date, limit: int = 25) -> list:
    """Employers that have hired one of the team's participants in ordinary work but have had
    no contact for DORMANT_AFTER_DAYS days: relationships worth renewing."""
    cutoff = today - dt.timedelta(days=DORMANT_AFTER_DAYS)
    hired = Job.objects.filter(employer=OuterRef("pk"), is_ordinary=True, participant__team=team)
    return list(
        Employer.objects.filter(team=team, archived_at__isnull=True)
        .annotate(last_contact=_last_contact_subquery())
        .filter(Exists(hired))
        .filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
        .order_by(Coalesce("last_contact", dt.date.min), "name")[:limit]
    )


def upcoming_next_steps(*, team: Team, today: dt.date) -> list:
    """Next steps due in the coming 14 days, and those from the last 14 days nobody followed up
    (no later contact with the same employer)."""
    followed_up = EmployerContact.objects.filter(
        employer=OuterRef("employer"), contact_date__gt=OuterRef("contact_date")
    )
    return list(
        EmployerContact.objects.filter(
            team=team,
            next_step_date__gte=today - dt.timedelta(days=NEXT_STEPS_DAYS),
            next_step_date__lte=today + dt.timedelta(days=NEXT_STEPS_DAYS),
        )
        .exclude(next_step="")
        .exclude(Exists(followed_up))
        .select_related("employer", "job_specialist", "contact_person")
        .order_by("next_step_date", "id")
    )


def _visible_people_by_opening(
    *, user: Any, openings: QuerySet[JobOpening]
) -> dict[int, list[Participant]]:
    """{opening id: the matched participants the user may see}. One query, run even when there
    are no openings (a Prefetch would skip it), so the page's query count stays the same."""
    links = (
        JobOpening.matched_participants.through.objects.filter(
            jobopening__in=openings.values("pk"),
            participant__in=_visible_participants(user).values("pk"),
        )
        .select_related("participant")
        .only("jobopening_id", "participant__id", "participant__name", "participant__team_id")
        .order_by("participant__name", "participant_id")
    )
    people: dict[int, list[Participant]] = defaultdict(list)
    for link in links:
        people[link.jobopening_id].append(link.participant)
    return people


def weekly_view(*, user: Any, team: Team) -> WeeklyView:
    today = oslo_today()
    weeks, rows = weekly_specialist_counts(team=team, today=today)
    open_now = (
        job_openings_for(user)
        .filter(team=team, status=JobOpening.Status.OPEN)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
    )
    people = _visible_people_by_opening(user=user, openings=open_now)
    # Openings with the people the user may see set on each, for the template.
    openings: list[Any] = list(
        open_now.select_related("employer").order_by(Coalesce("deadline", dt.date.max), "id")
    )
    for opening in openings:
        opening.visible_people = people.get(opening.pk, [])
    totals = [sum(r.counts[i] for r in rows) for i in range(len(weeks))]
    return WeeklyView(
        team=team,
        today=today,
        weeks=weeks,
        rows=rows,
        dormant_employers=dormant_employers(team=team, today=today),
        next_steps=upcoming_next_steps(team=team, today=today),
        openings=openings,
        totals=totals,
    )


# --- On a participant's behalf ------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerContacted:
    employer_id: int
    name: str
    first_contacted: dt.date
    last_contacted: dt.date
    contacts: int


def employers_contacted_for(*, user: Any, participant: Participant) -> list[EmployerContacted]:
    """The action plan's «arbeidsgivere kontaktet»: employers the team contacted on the person's
    behalf (employer log lines naming them), with the first and latest date, first contacted
    first. One query; only registers the user may see."""
    rows = (
        employer_contacts_for(user)
        .filter(participants=participant)
        .values("employer_id", "employer__name")
        .annotate(first=Min("contact_date"), last=Max("contact_date"), n=Count("id"))
        .order_by("first", "employer__name", "employer_id")
    )
    return [
        EmployerContacted(r["employer_id"], r["employer__name"], r["first"], r["last"], r["n"])
        for r in rows
    ]
