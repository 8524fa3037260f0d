"""Reads for referrals, always starting from the access policy's scoped querysets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ips.access import get_in_scope, scope_for
from ips.accounts.models import Membership, Team, User
from ips.dates import oslo_today
from ips.db import DigitsOnly
from participants.models import Participant
from participants.selectors import SEARCH_LIMIT, SearchTerms, caseload_subquery
from referrals.models import Referral, ReferralEvent

# The kit: the job specialist meets the person within a week of the referral. Counted from the
# date received, not the referral date: the team cannot act before it has the referral.
FIRST_MEETING_DAYS = 7
FIRST_MEETING_WARNING_DAYS = 5


# --- Scope --------------------------------------------------------------------------------------


def referrals_for(user: Any) -> QuerySet[Referral]:
    """The receiving team's referrals (staff), and the referrals a partner's organisation sent."""
    s = scope_for(user)
    if not s.staff_team_ids and not s.partner_org_ids:
        return Referral.objects.none()
    q = Q(pk__in=[])
    if s.staff_team_ids:
        q |= Q(team_id__in=s.staff_team_ids)
    if s.partner_org_ids:
        q |= Q(source_organisation_id__in=s.partner_org_ids)
    return Referral.objects.filter(q)


def referral_get_for_user(
    *, user: Any, pk: Any, queryset: QuerySet[Referral] | None = None
) -> Referral:
    return get_in_scope(queryset if queryset is not None else referrals_for(user), pk)


def referral_search(*, user: Any, terms: SearchTerms, limit: int = SEARCH_LIMIT) -> list[Referral]:
    """Referrals received by the user's own teams that have not become a participant (those
    are found as participants), matching the terms; at most `limit` (+1: "there were more")."""
    if not terms.kind:
        return []
    qs = referrals_for(user).filter(team_id__in=scope_for(user).staff_team_ids)
    qs = qs.exclude(status=Referral.Status.FIRST_MEETING_HELD)
    if terms.kind == "national_id":
        qs = qs.filter(national_id=terms.value)
    elif terms.kind == "phone":
        qs = qs.exclude(phone="").alias(digits=DigitsOnly("phone"))
        qs = qs.filter(digits__endswith=terms.value)
    else:
        for word in terms.words:
            qs = qs.filter(person_name__icontains=word)
    qs = qs.select_related("assigned_specialist", "team")
    return list(qs.order_by("person_name", "id")[: limit + 1])


@dataclass(frozen=True)
class WeekRule:
    """The one-week rule state, as text and a style (never colour alone)."""

    code: str
    label: str | Promise  # a lazy translation
    css: str
    icon: str


WEEK_OK = WeekRule("ok", _("Innenfor fristen"), "text-bg-success", "✓")
WEEK_SOON = WeekRule("soon", _("Fristen nærmer seg"), "text-bg-warning", "!")
WEEK_OVERDUE = WeekRule("overdue", _("Over én uke"), "text-bg-danger", "✗")


def week_rule_for(days_since_received: int) -> WeekRule:
    if days_since_received > FIRST_MEETING_DAYS:
        return WEEK_OVERDUE
    if days_since_received >= FIRST_MEETING_WARNING_DAYS:
        return WEEK_SOON
    return WEEK_OK


def _with_days(referrals: Iterable[Referral]) -> list[Referral]:
    today = oslo_today()
    rows: list[Any] = list(referrals)  # referrals with two display attributes set below
    for referral in rows:
        referral.days_since_received = (today - referral.date_received).days
        referral.week_rule = week_rule_for(referral.days_since_received)
    return rows


def add_intake_timing(referrals: Iterable[Referral]) -> list[Referral]:
    """Days since received and the one-week rule state, for a page of referrals."""
    return _with_days(referrals)


def referral_list_for(*, user: Any) -> QuerySet[Referral]:
    return (
        referrals_for(user)
        .select_related("team", "source_organisation", "assigned_specialist")
        .order_by("-date_received", "-id")
    )


def with_possible_duplicates(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with the earliest *other* open referral for the same national ID in the
    same team (`duplicate_referral_id`, `duplicate_referral_received`) and the person's active
    participant record in that team (`duplicate_participant_id`), as subqueries of the same
    query: a page of 50 rows costs no extra round trip. Only the same team counts, so nothing is
    said about other teams' referrals or participants."""
    others = (
        Referral.objects.filter(
            team_id=OuterRef("team_id"),
            national_id=OuterRef("national_id"),
            status__in=Referral.OPEN_STATUSES,
        )
        .exclude(pk=OuterRef("pk"))
        .order_by("date_received", "pk")
    )
    participant = (
        Participant.objects.active()
        .filter(team_id=OuterRef("team_id"), national_id=OuterRef("national_id"))
        .order_by("pk")
    )
    return queryset.annotate(
        duplicate_referral_id=Subquery(others.values("pk")[:1]),
        duplicate_referral_received=Subquery(others.values("date_received")[:1]),
        duplicate_participant_id=Subquery(participant.values("pk")[:1]),
    )


def intake_queue_for(*, user: Any) -> QuerySet[Referral]:
    """Open referrals (not assigned, or assigned but not met yet) of the leader's own teams,
    oldest first, each flagged when it may be a duplicate (`with_possible_duplicates`)."""
    return with_possible_duplicates(
        referrals_for(user)
        .filter(
            team_id__in=scope_for(user).leader_team_ids,
            status__in=Referral.OPEN_STATUSES,
        )
        .select_related("team", "source_organisation", "assigned_specialist")
        .order_by("date_received", "id")
    )


def referral_detail_for(*, user: Any, pk: Any) -> Referral:
    queryset = with_possible_duplicates(
        referrals_for(user).select_related(
            "team", "source_organisation", "assigned_specialist", "submitted_by", "duplicate_of"
        )
    )
    return referral_get_for_user(user=user, pk=pk, queryset=queryset)


@dataclass(frozen=True)
class MergeCandidates:
    referrals: list[Referral]
    participant: Participant | None


def merge_candidates(*, referral: Referral) -> MergeCandidates:
    """What a possible duplicate could be merged into: the team's other open referrals for the
    same national ID, and the person's active participant record in the team."""
    return MergeCandidates(
        referrals=list(
            Referral.objects.filter(
                team_id=referral.team_id,
                national_id=referral.national_id,
                status__in=Referral.OPEN_STATUSES,
            )
            .exclude(pk=referral.pk)
            .select_related("source_organisation", "assigned_specialist")
            .order_by("date_received", "pk")
        ),
        participant=Participant.objects.active()
        .filter(team_id=referral.team_id, national_id=referral.national_id)
        .order_by("pk")
        .first(),
    )


def earlier_open_referrals_from_own_side(*, user: Any, national_id: str) -> list[Referral]:
    """What the sender may be told about earlier referrals for this person: the open referrals
    their own organisation sent (a partner), or that their own team has (a leader). Never
    another organisation's or team's, so a sender learns nothing they could not already see."""
    scope = scope_for(user)
    if scope.partner_org_ids:
        own = Q(source_organisation_id__in=scope.partner_org_ids)
    elif scope.leader_team_ids:
        own = Q(team_id__in=scope.leader_team_ids)
    else:
        return []
    return list(
        referrals_for(user)
        .filter(own, national_id=national_id, status__in=Referral.OPEN_STATUSES)
        .select_related("team")
        .order_by("date_received", "pk")[:5]
    )


def suggested_team_for(*, user: Any, teams: QuerySet[Team]) -> tuple[Team | None, str]:
    """The partner's usual team, offered as a suggestion (never preselected): the team this
    user sent their last referral to, or the only team their organisation works with."""
    last = (
        Referral.objects.filter(submitted_by=user, team__in=teams)
        .select_related("team")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None:
        return last.team, "last"
    choices = list(teams[:2])
    if len(choices) == 1:
        return choices[0], "only"
    return None, ""


def referral_events(*, referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("by").order_by("at", "id"))


def _open_referrals_subquery() -> Coalesce:
    return Coalesce(
        Subquery(
            Referral.objects.filter(
                assigned_specialist_id=OuterRef("pk"), status=Referral.Status.ASSIGNED
            )
            .order_by()
            .values("assigned_specialist_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def team_specialists_by_free_capacity(*, team: Team) -> QuerySet[User]:
    """The team's job specialists, most free capacity first, each with `active_caseload` (active
    participants), `free_capacity` (breach threshold minus caseload) and `open_referrals`
    (assigned, not yet met). One query."""
    return (
        User.objects.filter(
            memberships__team=team,
            memberships__role=Membership.Role.JOB_SPECIALIST,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .annotate(active_caseload=caseload_subquery(), open_referrals=_open_referrals_subquery())
        .annotate(free_capacity=Value(team.caseload_limit) - F("active_caseload"))
        .order_by("-free_capacity", "open_referrals", "first_name", "last_name", "pk")
    )


def existing_participant_for(*, referral: Referral) -> Participant | None:
    """The same person already in the receiving team (same national id), if any."""
    return (
        Participant.objects.filter(team_id=referral.team_id, national_id=referral.national_id)
        .only("pk", "name")
        .first()
    )
