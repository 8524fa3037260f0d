"""The access policy: who may see and do what. One module, used by every view.

Rules (DESIGN.md §1, §7):
- Job specialists and IPS leaders work inside their own team(s): they see the team's referrals,
  participants (with health details), employers, alerts and reviews.
- Partners (NAV/DPS/ARA) see the status of referrals made from their own organisation(s) and
  aggregates for the teams they collaborate with. Never a health detail, never another name.
- Auditors see the fidelity reviews of the teams they are assigned to, and only the participant
  records drawn into a review's chart-review sample, during that review's window, without
  health details.
- Outside someone's scope a record does not exist: the `*_get_for_user` helpers raise Http404.
  Inside the scope but without the right to act: `PermissionDenied` (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ips.accounts.models import Membership, Team

Role = Membership.Role


@dataclass(frozen=True)
class Scope:
    specialist_team_ids: frozenset[int]
    leader_team_ids: frozenset[int]
    auditor_team_ids: frozenset[int]
    partner_org_ids: frozenset[int]

    @property
    def staff_team_ids(self) -> frozenset[int]:
        """Teams whose participants this user works with (and may see health details of)."""
        return self.specialist_team_ids | self.leader_team_ids

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.specialist_team_ids:
            roles.append(Role.JOB_SPECIALIST)
        if self.leader_team_ids:
            roles.append(Role.LEADER)
        if self.partner_org_ids:
            roles.append(Role.PARTNER)
        if self.auditor_team_ids:
            roles.append(Role.AUDITOR)
        return roles


EMPTY_SCOPE = Scope(frozenset(), frozenset(), frozenset(), frozenset())


def scope_for(user) -> Scope:
    """The user's active memberships, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = getattr(user, "_ips_scope", None)
    if cached is not None:
        return cached
    by_role: dict[str, set[int]] = {role: set() for role in Role.values}
    rows = Membership.objects.filter(user=user, ended_at__isnull=True).values_list(
        "role", "team_id", "organisation_id"
    )
    for role, team_id, organisation_id in rows:
        by_role[role].add(organisation_id if role == Role.PARTNER else team_id)
    scope = Scope(
        specialist_team_ids=frozenset(by_role[Role.JOB_SPECIALIST]),
        leader_team_ids=frozenset(by_role[Role.LEADER]),
        auditor_team_ids=frozenset(by_role[Role.AUDITOR]),
        partner_org_ids=frozenset(by_role[Role.PARTNER]),
    )
    user._ips_scope = scope
    return scope


def forget_scope(user) -> None:
    """Call after changing a user's memberships within the same request/test."""
    user.__dict__.pop("_ips_scope", None)


# --- Roles ----------------------------------------------------------------------------------------


def is_specialist(user) -> bool:
    return bool(scope_for(user).specialist_team_ids)


def is_leader(user, team_id: int | None = None) -> bool:
    leader_teams = scope_for(user).leader_team_ids
    return team_id in leader_teams if team_id is not None else bool(leader_teams)


def is_staff_member(user, team_id: int | None = None) -> bool:
    staff = scope_for(user).staff_team_ids
    return team_id in staff if team_id is not None else bool(staff)


def is_partner(user) -> bool:
    return bool(scope_for(user).partner_org_ids)


def is_auditor(user) -> bool:
    return bool(scope_for(user).auditor_team_ids)


def require(allowed: bool) -> None:
    """Inside the user's scope but not allowed to act: 403."""
    if not allowed:
        raise PermissionDenied


# --- Teams --------------------------------------------------------------------------------------


def teams_for(user) -> QuerySet[Team]:
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


def staff_teams_for(user) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=scope_for(user).staff_team_ids)


def team_get_for_user(*, user, pk: int) -> Team:
    try:
        return teams_for(user).get(pk=pk)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Participants --------------------------------------------------------------------------------


def _sampled_participant_ids(user):
    """Participants drawn into a chart-review sample of a review this auditor is on, while the
    review window is open. Returns a subquery (or None)."""
    from fidelity.selectors import sampled_participant_ids_for_auditor

    return sampled_participant_ids_for_auditor(user=user)


def participants_for(user) -> QuerySet:
    from participants.models import Participant

    s = scope_for(user)
    q = Q(team_id__in=s.staff_team_ids) if s.staff_team_ids else Q(pk__in=[])
    if s.auditor_team_ids:
        q |= Q(pk__in=_sampled_participant_ids(user))
    if not s.staff_team_ids and not s.auditor_team_ids:
        return Participant.objects.none()
    return Participant.objects.filter(q)


def participant_get_for_user(*, user, pk, queryset=None):
    """The participant, if the user may see it at all; otherwise 404."""
    from participants.models import Participant

    qs = queryset if queryset is not None else participants_for(user)
    try:
        return qs.get(pk=pk)
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_see_health(user, participant) -> bool:
    """Diagnosis, medication, symptoms, substance use, criminal record: own team only."""
    return participant.team_id in scope_for(user).staff_team_ids


def can_edit_participant(user, participant) -> bool:
    return participant.team_id in scope_for(user).staff_team_ids


# --- Referrals -----------------------------------------------------------------------------------


def referrals_for(user) -> QuerySet:
    from referrals.models import Referral

    s = scope_for(user)
    q = Q(pk__in=[])
    if s.staff_team_ids:
        q |= Q(team_id__in=s.staff_team_ids)
    if s.partner_org_ids:
        q |= Q(source_organisation_id__in=s.partner_org_ids)
    if not s.staff_team_ids and not s.partner_org_ids:
        return Referral.objects.none()
    return Referral.objects.filter(q)


def referral_get_for_user(*, user, pk, queryset=None):
    from referrals.models import Referral

    qs = queryset if queryset is not None else referrals_for(user)
    try:
        return qs.get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_see_referral_details(user, referral) -> bool:
    """Only the receiving team sees a referral's contents; the referring partner sees status."""
    return referral.team_id in scope_for(user).staff_team_ids


def can_manage_intake(user, team_id: int) -> bool:
    return is_leader(user, team_id)


# --- Employers -----------------------------------------------------------------------------------


def employer_team_ids_for(user) -> set[int]:
    """Own teams' registers plus registers other teams chose to share with one of them."""
    staff = scope_for(user).staff_team_ids
    if not staff:
        return set()
    shared = Team.shares_employers_with.through.objects.filter(to_team_id__in=staff).values_list(
        "from_team_id", flat=True
    )
    return set(staff) | set(shared)


def employers_for(user) -> QuerySet:
    from employers.models import Employer

    team_ids = employer_team_ids_for(user)
    if not team_ids:
        return Employer.objects.none()
    return Employer.objects.filter(team_id__in=team_ids)


def employer_get_for_user(*, user, pk, queryset=None):
    from employers.models import Employer

    qs = queryset if queryset is not None else employers_for(user)
    try:
        return qs.get(pk=pk)
    except (Employer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit_employer(user, employer) -> bool:
    """Shared registers are read-only for the teams they are shared with."""
    return employer.team_id in scope_for(user).staff_team_ids


# --- Alerts --------------------------------------------------------------------------------------


def alerts_for(user) -> QuerySet:
    from deadlines.models import Alert

    s = scope_for(user)
    q = Q(pk__in=[])
    if s.leader_team_ids:
        q |= Q(team_id__in=s.leader_team_ids)
    if s.specialist_team_ids:
        q |= Q(team_id__in=s.specialist_team_ids, owner=user)
    if not s.staff_team_ids:
        return Alert.objects.none()
    return Alert.objects.filter(q)


def alert_get_for_user(*, user, pk):
    from deadlines.models import Alert

    try:
        return alerts_for(user).get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Fidelity reviews ----------------------------------------------------------------------------


def review_team_ids_for(user) -> frozenset[int]:
    s = scope_for(user)
    return s.leader_team_ids | s.auditor_team_ids


def reviews_for(user) -> QuerySet:
    from fidelity.models import Review

    team_ids = review_team_ids_for(user)
    if not team_ids:
        return Review.objects.none()
    return Review.objects.filter(team_id__in=team_ids)


def review_get_for_user(*, user, pk, queryset=None):
    from fidelity.models import Review

    qs = queryset if queryset is not None else reviews_for(user)
    try:
        return qs.get(pk=pk)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Employer contacts and job openings (job development) ----------------------------------------


def employer_contacts_for(user) -> QuerySet:
    """The employer log: contacts with employers whose register the user may see (own team's, or
    shared with one of the user's teams). Participants named on a contact are scoped separately."""
    from employers.models import EmployerContact

    team_ids = employer_team_ids_for(user)
    if not team_ids:
        return EmployerContact.objects.none()
    return EmployerContact.objects.filter(employer__team_id__in=team_ids)


def job_openings_for(user) -> QuerySet:
    """Job openings are the team's leads (they name matched participants): own teams only."""
    from employers.models import JobOpening

    staff = scope_for(user).staff_team_ids
    if not staff:
        return JobOpening.objects.none()
    return JobOpening.objects.filter(team_id__in=staff)


def job_opening_get_for_user(*, user, pk):
    from employers.models import JobOpening

    try:
        return job_openings_for(user).get(pk=pk)
    except (JobOpening.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
