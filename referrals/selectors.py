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


def intake_queue_for(*, user: Any) -> QuerySet[Referral]:
    """Open referrals (not assigned, or assigned but not met yet) of the leader's own teams,
    oldest first."""
    return (
        referrals_for(user)
        .filter(
            team_id__in=scope_for(user).leader_team_ids,
            status__in=Referral.OPEN_STATUSES,
        )
        .select_related("team", "source_organisation", "assigned_specialist")
        .order_by("date_received", "id")
    )


def referral_detail_for(*, user: Any, pk: Any) -> Referral:
    queryset = referrals_for(user).select_related(
        "team", "source_organisation", "assigned_specialist", "submitted_by"
    )
    return referral_get_for_user(user=user, pk=pk, queryset=queryset)


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
