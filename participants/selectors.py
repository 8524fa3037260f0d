"""Reads of participant data, always starting from the access policy's scoped querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.models import Alert
from deadlines.rules import rule_title
from employers.models import EmployerContactParticipant
from ips.access import participants_for, scope_for
from ips.accounts.models import Membership, User
from ips.dates import oslo_today
from participants.models import (
    Contact,
    EducationEpisode,
    Goal,
    Job,
    Participant,
    ParticipantStatusEvent,
    PlanReview,
    VocationalProfile,
)

# --- Caseload ------------------------------------------------------------------------------------


def _with_caseload_columns(qs: QuerySet) -> QuerySet:
    last_contact = (
        Contact.objects.filter(participant=OuterRef("pk"))
        .order_by("-contact_date")
        .values("contact_date")[:1]
    )
    next_target = (
        Goal.objects.filter(
            plan__participant=OuterRef("pk"),
            achieved_date__isnull=True,
            archived_at__isnull=True,
            target_date__isnull=False,
        )
        .order_by("target_date")
        .values("target_date")[:1]
    )
    open_alerts = (
        Alert.objects.filter(subject_kind=Alert.SubjectKind.PARTICIPANT, subject_id=OuterRef("pk"))
        .exclude(state=Alert.State.RESOLVED)
        .order_by()
        .values("subject_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.select_related("job_specialist").annotate(
        last_contact_date=Subquery(last_contact),
        next_target_date=Subquery(next_target),
        open_alert_count=Coalesce(Subquery(open_alerts, output_field=IntegerField()), Value(0)),
    )


def caseload_for(*, user) -> QuerySet[Participant]:
    """A job specialist's own participants; a leader's: every participant of the teams they
    lead (every specialist's caseload)."""
    s = scope_for(user)
    q = Q(job_specialist=user, team_id__in=s.specialist_team_ids)
    if s.leader_team_ids:
        q |= Q(team_id__in=s.leader_team_ids)
    return _with_caseload_columns(participants_for(user).filter(q))


def caseload_row(*, user, pk: int) -> Participant | None:
    """One caseload row (after logging a contact from the caseload)."""
    return _with_caseload_columns(participants_for(user)).filter(pk=pk).first()


def specialists_led_by(*, user) -> QuerySet[User]:
    team_ids = scope_for(user).leader_team_ids
    return (
        User.objects.filter(
            memberships__team_id__in=team_ids,
            memberships__role=Membership.Role.JOB_SPECIALIST,
            memberships__ended_at__isnull=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def days_since(value: dt.date | None) -> int | None:
    return (oslo_today() - value).days if value else None


# --- Participant page ------------------------------------------------------------------------------


def participant_for_page(*, user, pk) -> QuerySet[Participant]:
    return participants_for(user).select_related("job_specialist", "team", "referral")


@dataclass
class TimelineItem:
    kind: str
    label: str
    on: dt.date
    at: dt.datetime
    text: str = ""
    detail: str = ""
    obj: object = None
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self):
        return (self.on, self.at)


def _aware_date(value: dt.datetime) -> dt.date:
    return timezone.localdate(value)


def _midday(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


TIMELINE_PAGE = 100


def participant_timeline(*, participant: Participant, pages: int = 1) -> tuple[list, bool]:
    """Everything that happened with the person, newest first: referral, contacts, plan
    reviews, goals, profile updates, employer contacts on their behalf, jobs, education, status
    changes and alerts. Each source is one query limited to the newest `limit` rows, so the
    query count does not grow with the record; returns (items, has_more)."""
    limit = TIMELINE_PAGE * max(1, min(pages, 20))
    items: list[TimelineItem] = []
    pid = participant.pk

    referral = participant.referral
    if referral is not None:
        items.append(
            TimelineItem(
                "referral",
                str(_("Henvisning mottatt")),
                referral.date_received,
                _midday(referral.date_received),
                obj=referral,
            )
        )

    for c in (
        Contact.objects.filter(participant_id=pid)
        .select_related("logged_by")
        .order_by("-contact_date", "-created_at")[:limit]
    ):
        items.append(
            TimelineItem(
                "contact",
                str(_("Kontakt: %(with)s") % {"with": c.get_with_whom_display()}),
                c.contact_date,
                c.created_at,
                text=c.note,
                detail=", ".join(
                    str(x)
                    for x in (
                        c.get_mode_display(),
                        c.get_place_display() if c.place else "",
                        _("%(n)s min") % {"n": c.duration_minutes},
                        c.logged_by.get_full_name(),
                    )
                    if x
                ),
                obj=c,
            )
        )

    for r in (
        PlanReview.objects.filter(plan__participant_id=pid)
        .select_related("reviewed_by")
        .order_by("-reviewed_on", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                "plan_review",
                str(_("Handlingsplanen gjennomgått")),
                r.reviewed_on,
                r.created_at,
                text=r.summary,
                obj=r,
            )
        )

    for g in Goal.objects.filter(plan__participant_id=pid).order_by("-created_at")[:limit]:
        items.append(
            TimelineItem(
                "goal",
                str(_("Delmål lagt til")),
                _aware_date(g.created_at),
                g.created_at,
                text=g.description,
                obj=g,
            )
        )

    for h in _profile_events(pid, limit):
        items.append(
            TimelineItem(
                "profile",
                str(_("Yrkesprofilen oppdatert")),
                _aware_date(h.pgh_created_at),
                h.pgh_created_at,
                obj=h,
            )
        )

    for link in (
        EmployerContactParticipant.objects.filter(participant_id=pid)
        .select_related("employer_contact__employer")
        .order_by("-employer_contact__contact_date", "-employer_contact_id")[:limit]
    ):
        ec = link.employer_contact
        items.append(
            TimelineItem(
                "employer_contact",
                str(_("Arbeidsgiverkontakt: %(employer)s") % {"employer": ec.employer.name}),
                ec.contact_date,
                ec.created_at,
                text=ec.note,
                detail=ec.get_purpose_display(),
                obj=ec,
            )
        )

    for j in (
        Job.objects.filter(participant_id=pid)
        .select_related("employer")
        .order_by("-start_date", "-id")[:limit]
    ):
        kind_text = _("Jobb") if j.is_ordinary else _("Arbeidstrening (teller ikke som jobb)")
        items.append(
            TimelineItem(
                "job_start",
                str(_("Startet i jobb")) if j.is_ordinary else str(_("Startet arbeidstrening")),
                j.start_date,
                j.created_at,
                text=f"{j.title}, {j.employer.name}",
                detail=str(kind_text),
                obj=j,
            )
        )
        if j.end_date:
            items.append(
                TimelineItem(
                    "job_end",
                    str(_("Jobben sluttet")),
                    j.end_date,
                    j.updated_at,
                    text=f"{j.title}, {j.employer.name}",
                    detail=j.get_end_reason_display(),
                    obj=j,
                )
            )

    for e in EducationEpisode.objects.filter(participant_id=pid).order_by("-start_date", "-id")[
        :limit
    ]:
        items.append(
            TimelineItem(
                "education_start",
                str(_("Startet på utdanning")),
                e.start_date,
                e.created_at,
                text=f"{e.programme}, {e.institution}",
                obj=e,
            )
        )
        if e.end_date:
            items.append(
                TimelineItem(
                    "education_end",
                    str(_("Utdanning avsluttet")),
                    e.end_date,
                    _midday(e.end_date),
                    text=f"{e.programme}, {e.institution}",
                    detail=e.get_end_reason_display(),
                    obj=e,
                )
            )

    for ev in (
        ParticipantStatusEvent.objects.filter(participant_id=pid)
        .select_related("by")
        .order_by("-at", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                "status",
                str(_("Status: %(status)s") % {"status": ev.get_to_status_display()}),
                _aware_date(ev.at),
                ev.at,
                text=ev.note,
                obj=ev,
            )
        )

    for a in Alert.objects.filter(
        subject_kind=Alert.SubjectKind.PARTICIPANT, subject_id=pid
    ).order_by("-first_breached_at", "-id")[:limit]:
        items.append(
            TimelineItem(
                "alert",
                str(_("Varsel: %(rule)s") % {"rule": rule_title(a.rule)}),
                _aware_date(a.first_breached_at),
                a.first_breached_at,
                detail=a.get_state_display(),
                obj=a,
            )
        )

    items.sort(key=lambda i: i.sort_key, reverse=True)
    return items[:limit], len(items) > limit


def _profile_events(participant_id: int, limit: int):
    history_model = VocationalProfile.history.rel.related_model
    return history_model.objects.filter(pgh_obj__participant_id=participant_id).order_by(
        "-pgh_created_at"
    )[:limit]


# --- Vocational profile completeness ---------------------------------------------------------------


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    fields: tuple[str, ...] = ()
    related: str = ""  # a related list (work history, support network) fills the section


PROFILE_SECTIONS = (
    ProfileSection("goals", _("Arbeidsmål"), ("dream_job", "job_wanted_now")),
    ProfileSection("education", _("Utdanning"), ("education",)),
    ProfileSection("work_history", _("Arbeidserfaring"), related="work_history"),
    ProfileSection(
        "current_situation",
        _("Nåværende situasjon og helse"),
        (
            "diagnosis",
            "early_warning_signs",
            "coping_strategies",
            "medication",
            "physical_health",
            "limitations",
        ),
    ),
    ProfileSection("stamina", _("Utholdenhet"), ("days_per_week", "hours_per_day")),
    ProfileSection("hygiene", _("Hygiene og påkledning"), ("hygiene_and_clothing",)),
    ProfileSection("social", _("Sosiale ferdigheter"), ("social_skills",)),
    ProfileSection("job_seeking", _("Erfaring med jobbsøking"), ("job_seeking_experience",)),
    ProfileSection("skills", _("Ferdigheter"), ("skills",)),
    ProfileSection("abilities", _("Evner og styrker"), ("abilities",)),
    ProfileSection("interests", _("Interesser og døgnrytme"), ("interests_and_routine",)),
    ProfileSection("motivation", _("Motivasjon og bekymringer"), ("motivation_and_worries",)),
    ProfileSection("work_habits", _("Arbeidsvaner"), ("work_habits",)),
    ProfileSection("support_network", _("Støttenettverk"), related="support_network"),
    ProfileSection("housing", _("Bosituasjon"), ("housing",)),
    ProfileSection("transport", _("Transport"), ("transport",)),
    ProfileSection("substance_use", _("Rusbruk"), ("substance_use",)),
    ProfileSection("criminal_record", _("Rulleblad"), ("criminal_record",)),
    ProfileSection("disclosure", _("Åpenhet overfor arbeidsgiver"), ("disclosure",)),
    ProfileSection(
        "income",
        _("Inntekt og ytelser"),
        (
            "income_sources",
            "income_notes",
            "manages_own_money",
            "knows_earnings_effect",
            "benefits_counselling_received",
            "benefits_counselling_wanted",
        ),
    ),
)


def _filled(value) -> bool:
    return value not in (None, "", [], ())


@dataclass
class Completeness:
    percent: int
    empty: list[ProfileSection]
    filled: list[ProfileSection]


def profile_completeness(
    *, profile: VocationalProfile | None, show_health: bool, related_counts: dict
) -> Completeness:
    """Share of the kit's sections with anything in them. Sections that are only health
    details count only for people allowed to see them."""
    health = set(VocationalProfile.HEALTH_FIELDS)
    empty, filled = [], []
    for section in PROFILE_SECTIONS:
        fields = (
            section.fields if show_health else tuple(f for f in section.fields if f not in health)
        )
        if section.fields and not fields:
            continue
        if section.related:
            is_filled = related_counts.get(section.related, 0) > 0
        else:
            is_filled = profile is not None and any(_filled(getattr(profile, f)) for f in fields)
        (filled if is_filled else empty).append(section)
    total = len(empty) + len(filled)
    return Completeness(round(100 * len(filled) / total) if total else 0, empty, filled)
