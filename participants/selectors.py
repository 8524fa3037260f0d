"""Reads of participant data, always starting from the access policy's scoped querysets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ips.access import can_see_contact_details, get_in_scope, participant_grants, scope_for
from ips.accounts.models import Membership, User
from ips.dates import oslo_today, years_ago
from ips.db import DigitsOnly
from ips.validators import phone_display, phone_search_digits, phone_tel_uri
from participants.models import (
    Contact,
    Goal,
    Participant,
    ParticipantQuerySet,
    ProfileSectionFill,
    VocationalProfile,
    community_contact,
    in_person_contact,
)

# --- Scope --------------------------------------------------------------------------------------


def participants_for(user: Any) -> ParticipantQuerySet:
    """The participants this user may see at all: their own teams' (staff), plus the records
    another app grants them (an auditor's chart-review sample, see `ips.access`)."""
    s = scope_for(user)
    grants = participant_grants(user)
    if not s.staff_team_ids and not grants:
        return Participant.objects.none()
    q = Q(team_id__in=s.staff_team_ids) if s.staff_team_ids else Q(pk__in=[])
    for ids in grants:
        q |= Q(pk__in=ids)
    return Participant.objects.filter(q)


def participant_get_for_user(
    *, user: Any, pk: Any, queryset: QuerySet[Participant] | None = None
) -> Participant:
    """The participant, if the user may see it at all; otherwise 404."""
    return get_in_scope(queryset if queryset is not None else participants_for(user), pk)


# --- The caseload of a job specialist (one definition: Participant.objects.on_caseload) ---------


def caseload_subquery(specialist: str = "pk", *, on: dt.date | None = None) -> Coalesce:
    """The caseload of the job specialist `OuterRef(specialist)` (a user id), as a subquery for
    annotating users: how many participants are on their caseload today, or at the end of `on`."""
    counts = (
        Participant.objects.on_caseload(on=on)
        .filter(job_specialist_id=OuterRef(specialist))
        .order_by()
        .values("job_specialist_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def caseload_counts(*, specialist_ids: Iterable[int], on: dt.date | None = None) -> dict[int, int]:
    """{specialist id: caseload} for these specialists (0 for none), in one query."""
    ids = list(specialist_ids)
    counts = dict(
        Participant.objects.on_caseload(on=on)
        .filter(job_specialist_id__in=ids)
        .order_by()
        .values_list("job_specialist_id")
        .annotate(n=Count("pk"))
        .values_list("job_specialist_id", "n")
    )
    return {pk: counts.get(pk, 0) for pk in ids}


def caseload_of(specialist: User, *, on: dt.date | None = None) -> int:
    """The caseload of one job specialist: participants in an active status assigned to them."""
    return Participant.objects.on_caseload(specialist, on=on).count()


class CommunityTime(NamedTuple):
    community: int  # in-person minutes outside the office
    in_person: int  # in-person minutes with a place recorded: the denominator
    no_place: int  # in-person minutes without a place (left out, and said so)


def community_minutes(contacts: QuerySet[Contact]) -> CommunityTime:
    """Minutes of these contacts in the community and met in person, in one query: the community
    share of time is community ÷ in-person minutes with a place (IPS target 65 %). Phone, video
    and messages are not in-person and count in neither; in-person minutes without a recorded
    place are left out of both and reported."""
    return community_time(contacts.aggregate(**community_aggregates()))


def community_aggregates() -> dict:
    """The aggregates behind `community_minutes`, for queries that group them (per team, per
    job specialist); `community_time(row)` turns an aggregated row into the figure."""
    return {
        "community": Sum("duration_minutes", filter=community_contact()),
        "in_person": Sum("duration_minutes", filter=in_person_contact() & ~Q(place="")),
        "no_place": Sum("duration_minutes", filter=in_person_contact() & Q(place="")),
    }


def community_time(row: dict) -> CommunityTime:
    return CommunityTime(
        row.get("community") or 0, row.get("in_person") or 0, row.get("no_place") or 0
    )


# --- Caseload page ------------------------------------------------------------------------------------


def _with_caseload_columns(qs: QuerySet[Participant]) -> QuerySet[Participant]:
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
    return qs.select_related("job_specialist").annotate(
        last_contact_date=Subquery(last_contact),
        next_target_date=Subquery(next_target),
    )


def caseload_for(*, user: Any) -> QuerySet[Participant]:
    """A job specialist's own participants; a leader's: every participant of the teams they
    lead (every specialist's caseload)."""
    s = scope_for(user)
    q = Q(job_specialist=user, team_id__in=s.specialist_team_ids)
    if s.leader_team_ids:
        q |= Q(team_id__in=s.leader_team_ids)
    return _with_caseload_columns(participants_for(user).filter(q))


def caseload_rows(*, user: Any) -> QuerySet[Participant]:
    """Caseload rows with their columns for any participant the user may see (one row is
    re-rendered after a contact is logged from the caseload)."""
    return _with_caseload_columns(participants_for(user))


def specialists_led_by(*, user: Any) -> QuerySet[User]:
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


# --- Search -------------------------------------------------------------------------------------

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class SearchTerms:
    """What a search box text means: a whole national ID (11 digits), a phone number, or words
    of a name. `kind` is "" when it is none of these (too short, or digits that are neither)."""

    kind: str  # "national_id" | "phone" | "name" | ""
    value: str = ""  # the national ID, or the phone's national digits
    words: tuple[str, ...] = ()


def search_terms(text: str) -> SearchTerms:
    text = (text or "").strip()[:100]
    compact = re.sub(r"[\s.\-()/]", "", text)
    if compact and re.fullmatch(r"\+?\d+", compact):
        # Never a part of a national ID: a prefix would let anyone list people by birth date.
        if len(compact) == 11 and compact.isdigit():
            return SearchTerms("national_id", compact)
        digits = phone_search_digits(text)
        return SearchTerms("phone", digits) if digits else SearchTerms("")
    words = tuple(text.split())
    if len("".join(words)) < 2:
        return SearchTerms("")
    return SearchTerms("name", words=words)


def participant_search(*, user: Any, terms: SearchTerms, limit: int = SEARCH_LIMIT) -> list[Any]:
    """Participants of the user's own teams matching the terms, at most `limit` (+1, so the
    caller can tell there were more). Only the teams' own records: the records an auditor is
    granted for a review, and other teams' people, are never found, and nothing says they exist.
    Within a team's few hundred participants the scope (team index) bounds the scan; a national
    ID is one step on the (team, national_id) unique index."""
    if not terms.kind:
        return []
    qs = participants_for(user).filter(
        team_id__in=scope_for(user).staff_team_ids, anonymised_at__isnull=True
    )
    if terms.kind == "national_id":
        qs = qs.filter(national_id=terms.value)
    elif terms.kind == "phone":
        qs = (
            qs.exclude(phone="")
            .alias(digits=DigitsOnly("phone"))
            .filter(digits__endswith=terms.value)
        )
    else:
        for word in terms.words:
            qs = qs.filter(name__icontains=word)
    return list(qs.select_related("job_specialist", "team").order_by("name", "id")[: limit + 1])


# --- Participant page ------------------------------------------------------------------------------


def participant_for_page(*, user: Any, pk: Any) -> QuerySet[Participant]:
    return participants_for(user).select_related("job_specialist", "team", "referral")


@dataclass(frozen=True)
class ContactDetails:
    """The participant's contact details as the page shows them: the phone as people read it and
    as a `tel:` link (one tap calls it on a phone)."""

    phone: str
    tel: str
    email: str
    address: str
    preferred: str  # the translated label, "" when not stated

    @property
    def is_empty(self) -> bool:
        return not (self.phone or self.email or self.address or self.preferred)


def contact_details_for(*, user: Any, participant: Participant) -> ContactDetails | None:
    """The contact details, for the participant's own team only (None for anyone else)."""
    if not can_see_contact_details(user, participant):
        return None
    return ContactDetails(
        phone=phone_display(participant.phone),
        tel=phone_tel_uri(participant.phone),
        email=participant.email,
        address=participant.address,
        preferred=str(participant.get_preferred_contact_display())
        if participant.preferred_contact
        else "",
    )


# --- Vocational profile completeness ---------------------------------------------------------------


@dataclass(frozen=True)
class ProfileSection:
    """One part of the kit's vocational profile form, saved on its own (a form each)."""

    key: str
    title: str | Promise  # a lazy translation
    fields: tuple[str, ...] = ()
    related: str = ""  # a related list (work history, support network) fills the section
    # Free-text answers from before the kit's questions (VocationalProfile.previous_answers)
    # that this section's questions replaced: shown read-only under them.
    previous: tuple[str, ...] = ()
    counted: bool = True  # counts toward "how complete is the profile"


PROFILE_SECTIONS = (
    ProfileSection("sources", _("Kilder"), ("sources",), counted=False),
    ProfileSection("goals", _("Arbeidsmål"), ("dream_job", "job_wanted_now")),
    ProfileSection(
        "education", _("Utdanning"), ("last_school", "highest_education"), previous=("education",)
    ),
    ProfileSection("work_history", _("Arbeidserfaring"), related="work_history"),
    ProfileSection(
        "health",
        _("Diagnose og symptomer"),
        ("diagnosis", "early_warning_signs", "bad_day_signs", "coping_strategies"),
    ),
    ProfileSection(
        "medication",
        _("Medisinering"),
        ("medication", "medication_timing"),
        previous=("medication",),
    ),
    ProfileSection(
        "physical",
        _("Fysisk helse og utholdenhet"),
        ("physical_health", "limitations", "days_per_week", "hours_per_day"),
    ),
    ProfileSection(
        "hygiene",
        _("Personlig hygiene"),
        ("has_place_to_wash", "has_work_clothes"),
        previous=("hygiene_and_clothing",),
    ),
    ProfileSection(
        "social", _("Sosial kompetanse"), ("social_skills_rating",), previous=("social_skills",)
    ),
    ProfileSection(
        "work_skills",
        _("Arbeidskompetanse"),
        ("job_seeking_experience", "skills", "abilities"),
    ),
    ProfileSection(
        "interests",
        _("Interesser og daglig rutine"),
        ("interests", "daily_routine"),
        previous=("interests_and_routine",),
    ),
    ProfileSection(
        "motivation",
        _("Motivasjon og forventninger"),
        ("work_appeal", "work_dislikes", "return_worries", "work_hopes"),
        previous=("motivation_and_worries",),
    ),
    ProfileSection(
        "work_habits",
        _("Arbeidsvaner"),
        ("past_absence", "stressors"),
        previous=("work_habits",),
    ),
    ProfileSection("support_network", _("Støttenettverk"), related="support_network"),
    ProfileSection(
        "housing", _("Bosituasjon og transport"), ("housing", "lives_with", "transport")
    ),
    ProfileSection(
        "substance_use",
        _("Rusmidler"),
        ("has_used_substances", "close_ones_worried_about_substances"),
        previous=("substance_use",),
    ),
    ProfileSection(
        "criminal_record",
        _("Kriminelt rulleblad"),
        ("has_been_arrested",),
        previous=("criminal_record",),
    ),
    ProfileSection(
        "disclosure",
        _("Åpenhet om psykisk helse"),
        ("willing_to_disclose",),
        previous=("disclosure",),
    ),
    ProfileSection(
        "income",
        _("Inntekt og stønader"),
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
PROFILE_SECTION_BY_KEY = {s.key: s for s in PROFILE_SECTIONS}


def profile_field_values(profile: VocationalProfile | None, names: Iterable[str]) -> dict[str, Any]:
    """The stored values of `names` (a profile not yet created has the fields' defaults)."""
    record = profile if profile is not None else VocationalProfile()
    return {name: getattr(record, name) for name in names}


def profile_previous_answers(
    profile: VocationalProfile | None, section: ProfileSection, *, show_health: bool
) -> list[str]:
    """The earlier free-text answers shown under a section (health ones only to those who may
    see health details)."""
    if profile is None:
        return []
    hidden = () if show_health else VocationalProfile.PREVIOUS_HEALTH_KEYS
    return [
        profile.previous_answers[key]
        for key in section.previous
        if key not in hidden and str(profile.previous_answers.get(key, "")).strip()
    ]


def _filled(value: object) -> bool:
    return value not in (None, "", [], ())


@dataclass
class Completeness:
    percent: int
    empty: list[ProfileSection]
    filled: list[ProfileSection]


def profile_completeness(
    *, profile: VocationalProfile | None, show_health: bool, related_counts: dict[str, int]
) -> Completeness:
    """Share of the kit's sections with anything in them. Sections that are only health
    details count only for people allowed to see them."""
    health = set(VocationalProfile.HEALTH_FIELDS)
    empty: list[ProfileSection] = []
    filled: list[ProfileSection] = []
    for section in PROFILE_SECTIONS:
        if not section.counted:
            continue
        fields = (
            section.fields if show_health else tuple(f for f in section.fields if f not in health)
        )
        if section.fields and not fields:
            continue
        if section.related:
            is_filled = related_counts.get(section.related, 0) > 0
        else:
            is_filled = profile is not None and (
                any(_filled(getattr(profile, f)) for f in fields)
                or bool(profile_previous_answers(profile, section, show_health=show_health))
            )
        (filled if is_filled else empty).append(section)
    total = len(empty) + len(filled)
    return Completeness(round(100 * len(filled) / total) if total else 0, empty, filled)


# --- Retention ------------------------------------------------------------------------------------


def participants_due_for_anonymisation(*, now: dt.datetime, years: int) -> QuerySet[Participant]:
    """Closed participants whose retention period (`years` after closing) has run out."""
    return Participant.objects.filter(
        status=Participant.Status.CLOSED,
        closed_at__lt=years_ago(now, years),
        anonymised_at__isnull=True,
    ).order_by("pk")


def profile_section_fills(profile: VocationalProfile | None) -> dict[str, ProfileSectionFill]:
    """«Utfylt av / dato» of each section that has been saved, by section key."""
    if profile is None:
        return {}
    return {
        fill.section: fill
        for fill in ProfileSectionFill.objects.filter(profile=profile).select_related("filled_by")
    }
