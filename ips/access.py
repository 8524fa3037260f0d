"""The access policy: who may see and do what. One module, used by every view.

Rules (DESIGN.md §1, §7):
- Job specialists and IPS leaders work inside their own team(s): they see the team's referrals,
  participants (with health details), employers, alerts and reviews.
- Partners (NAV/DPS/ARA) see the status of referrals made from their own organisation(s) and
  aggregates for the teams they collaborate with. Never a health detail, never another name.
- Auditors see the fidelity reviews of the teams they are assigned to, and only the participant
  records drawn into a review's chart-review sample, during that review's window, without
  health details.
- Regional coordinators and grant givers see the fidelity results of the teams they follow as
  aggregates (scores, bands, item averages, trends): no participant, no review text.
- Outside someone's scope a record does not exist: each app's `*_get_for_user` selector (built
  on `scope_for` and `get_in_scope`) raises Http404.
  Inside the scope but without the right to act: `PermissionDenied` (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ips.accounts.models import Membership, Team

Role = Membership.Role


@dataclass(frozen=True)
class Scope:
    specialist_team_ids: frozenset[int]
    leader_team_ids: frozenset[int]
    auditor_team_ids: frozenset[int]
    partner_org_ids: frozenset[int]
    # Regional coordinators and grant givers: fidelity aggregates of these teams, nothing else.
    coordinator_team_ids: frozenset[int] = frozenset()
    # The organisation the user works for (a team's host, or the partner organisation), for
    # the access log; None when there is none or the memberships name several.
    organisation_id: int | None = None

    @property
    def staff_team_ids(self) -> frozenset[int]:
        """Teams whose participants this user works with (and may see health details of)."""
        return self.specialist_team_ids | self.leader_team_ids

    @property
    def roles(self) -> list[str]:
        roles: list[str] = []
        if self.specialist_team_ids:
            roles.append(Role.JOB_SPECIALIST)
        if self.leader_team_ids:
            roles.append(Role.LEADER)
        if self.partner_org_ids:
            roles.append(Role.PARTNER)
        if self.auditor_team_ids:
            roles.append(Role.AUDITOR)
        if self.coordinator_team_ids:
            roles.append(Role.COORDINATOR)
        return roles


EMPTY_SCOPE = Scope(frozenset(), frozenset(), frozenset(), frozenset())


def scope_for(user: Any) -> Scope:
    """The user's active memberships, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = getattr(user, "_ips_scope", None)
    if cached is not None:
        return cached
    by_role: dict[str, set[int]] = {role: set() for role in Role.values}
    rows = Membership.objects.filter(user=user, ended_at__isnull=True).values_list(
        "role", "team_id", "organisation_id", "team__host_organisation_id"
    )
    organisations: set[int] = set()
    for role, team_id, organisation_id, host_id in rows:
        by_role[role].add(organisation_id if role == Role.PARTNER else team_id)
        if organisation_id or host_id:
            organisations.add(organisation_id or host_id)
    scope = Scope(
        specialist_team_ids=frozenset(by_role[Role.JOB_SPECIALIST]),
        leader_team_ids=frozenset(by_role[Role.LEADER]),
        auditor_team_ids=frozenset(by_role[Role.AUDITOR]),
        partner_org_ids=frozenset(by_role[Role.PARTNER]),
        coordinator_team_ids=frozenset(by_role[Role.COORDINATOR]),
        organisation_id=next(iter(organisations)) if len(organisations) == 1 else None,
    )
    user._ips_scope = scope  # one read per request: the user object lives as long as it
    return scope


def forget_scope(user: Any) -> None:
    """Call after changing a user's memberships within the same request/test."""
    user.__dict__.pop("_ips_scope", None)


# --- Roles ----------------------------------------------------------------------------------------


def is_specialist(user: Any) -> bool:
    return bool(scope_for(user).specialist_team_ids)


def is_leader(user: Any, team_id: int | None = None) -> bool:
    leader_teams = scope_for(user).leader_team_ids
    return team_id in leader_teams if team_id is not None else bool(leader_teams)


def is_staff_member(user: Any, team_id: int | None = None) -> bool:
    staff = scope_for(user).staff_team_ids
    return team_id in staff if team_id is not None else bool(staff)


def is_partner(user: Any) -> bool:
    return bool(scope_for(user).partner_org_ids)


def is_auditor(user: Any) -> bool:
    return bool(scope_for(user).auditor_team_ids)


def is_coordinator(user: Any) -> bool:
    return bool(scope_for(user).coordinator_team_ids)


def require(allowed: bool) -> None:
    """Inside the user's scope but not allowed to act: 403."""
    if not allowed:
        raise PermissionDenied


# --- Teams --------------------------------------------------------------------------------------


def teams_for(user: Any) -> QuerySet[Team]:
    """Teams the user works in, audits, or (as a partner) collaborates with."""
    s = scope_for(user)
    team_ids = s.staff_team_ids | s.auditor_team_ids
    q = Q(pk__in=team_ids)
    if s.partner_org_ids:
        q |= Q(host_organisation_id__in=s.partner_org_ids) | Q(
            partner_organisations__in=s.partner_org_ids
        )
    if not team_ids and not s.partner_org_ids:
        return Team.objects.none()
    return Team.objects.filter(q).distinct()


def staff_teams_for(user: Any) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=scope_for(user).staff_team_ids)


def team_get_for_user(*, user: Any, pk: Any) -> Team:
    return get_in_scope(teams_for(user), pk)


# --- Participant records --------------------------------------------------------------------------
# Each app owns its scoped reads (`participants.selectors.participants_for`, ...), built on the
# scope below. The policy itself knows teams, organisations and roles only.

ParticipantGrant = Callable[[Any, Scope], "QuerySet[Any] | None"]
_participant_grants: list[ParticipantGrant] = []


def grant_participant_reads(grant: ParticipantGrant) -> ParticipantGrant:
    """Register a source of extra participant reads, for an app above the policy (the fidelity
    review's chart-review sample). `grant(user, scope)` returns a queryset of participant ids the
    user may read, or None. Registered once, in the app's `ready()`."""
    if grant not in _participant_grants:
        _participant_grants.append(grant)
    return grant


def participant_grants(user: Any) -> list[QuerySet[Any]]:
    """The extra participant-id querysets this user is granted (empty for most users)."""
    scope = scope_for(user)
    grants = (grant(user, scope) for grant in _participant_grants)
    return [ids for ids in grants if ids is not None]


def can_see_health(user: Any, participant: Any) -> bool:
    """Diagnosis, medication, symptoms, substance use, criminal record: own team only."""
    return participant.team_id in scope_for(user).staff_team_ids


def can_see_contact_details(user: Any, participant: Any) -> bool:
    """Phone, e-mail and address: the participant's own team only, like health details (an
    auditor reading a sampled record, or a partner, never sees where the person lives)."""
    return participant.team_id in scope_for(user).staff_team_ids


def can_search_participants(user: Any) -> bool:
    """Search by name, national ID or phone is for team staff; partners and auditors have none."""
    return bool(scope_for(user).staff_team_ids)


def can_edit_participant(user: Any, participant: Any) -> bool:
    return participant.team_id in scope_for(user).staff_team_ids


# --- Referrals -----------------------------------------------------------------------------------


def can_see_referral_details(user: Any, referral: Any) -> bool:
    """Only the receiving team sees a referral's contents; the referring partner sees status."""
    return referral.team_id in scope_for(user).staff_team_ids


def can_manage_intake(user: Any, team_id: int) -> bool:
    return is_leader(user, team_id)


# --- Employers -----------------------------------------------------------------------------------


def employer_team_ids_for(user: Any) -> set[int]:
    """Own teams' registers plus registers other teams chose to share with one of them."""
    staff = scope_for(user).staff_team_ids
    if not staff:
        return set()
    shared = Team.shares_employers_with.through.objects.filter(to_team_id__in=staff).values_list(
        "from_team_id", flat=True
    )
    return set(staff) | set(shared)


def can_edit_employer(user: Any, employer: Any) -> bool:
    """Shared registers are read-only for the teams they are shared with."""
    return employer.team_id in scope_for(user).staff_team_ids


# --- Fidelity reviews ----------------------------------------------------------------------------


def review_team_ids_for(user: Any) -> frozenset[int]:
    s = scope_for(user)
    return s.leader_team_ids | s.auditor_team_ids


# --- Fetching one record -------------------------------------------------------------------------

_M = TypeVar("_M", bound=Model)


def get_in_scope(queryset: QuerySet[_M], pk: Any) -> _M:
    """One record from an already scoped queryset; outside the scope it does not exist (404)."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
