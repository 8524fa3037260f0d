"""Reads for the dashboard pages (other than the outcome measures in measures.py).

Each function runs a fixed number of queries, whatever the size of the caseload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet

from dashboards import measures
from deadlines.models import Alert
from deadlines.selectors import UNRESOLVED, alerts_for
from ips.access import scope_for
from ips.accounts.models import Membership, Team, User
from participants.models import Goal, Participant
from participants.selectors import caseload_subquery, participants_for
from referrals.models import Referral
from referrals.selectors import referrals_for

EMPLOYER_CONTACTS_WEEKLY_TARGET = 6
COMMUNITY_SHARE_TARGET = 65
LONGEST_WITHOUT_CONTACT = 10
FIRST_MEETING_WITHIN_DAYS = 7


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return first, next_first - dt.timedelta(days=1)


# --- Job specialist: my day ------------------------------------------------------------------------


def my_open_alerts(*, user: Any, limit: int = 20) -> list[Alert]:
    return list(
        alerts_for(user)
        .filter(owner=user)
        .exclude(state=Alert.State.RESOLVED)
        .select_related("team")
        .order_by(F("due_date").asc(nulls_last=True), "first_breached_at", "id")[:limit]
    )


def my_alert_counts(*, user: Any) -> list[Mapping[str, Any]]:
    """The specialist's unresolved alerts counted per rule (the quick read atop «Min dag»)."""
    return list(
        alerts_for(user)
        .filter(owner=user, state__in=UNRESOLVED)
        .values("rule")
        .annotate(total=Count("pk"))
        .order_by("-total", "rule")
    )


def my_new_referrals(*, user: Any, limit: int = 20) -> list[Referral]:
    """Referrals assigned to the specialist whose first meeting is not yet registered, the
    oldest first: each waits for «book first meeting» within a week of being received."""
    return list(
        referrals_for(user)
        .filter(
            assigned_specialist=user,
            status=Referral.Status.ASSIGNED,
            first_meeting_date__isnull=True,
        )
        .only("id", "person_name", "date_received", "status", "team_id")
        .order_by("date_received", "id")[:limit]
    )


def my_participants_longest_without_contact(
    *, user: Any, limit: int = LONGEST_WITHOUT_CONTACT
) -> list[Participant]:
    """The specialist's active participants, those with the oldest (or no) last contact first."""
    return list(
        participants_for(user)
        .on_caseload(user)
        .annotate(last_contact=Max("contacts__contact_date"))
        .order_by(F("last_contact").asc(nulls_first=True), "entry_date", "id")
        .only("id", "name", "status", "entry_date")[:limit]
    )


def my_goals_due(*, user: Any, week_end: dt.date, limit: int = 30) -> list[Goal]:
    """Open action-plan goals of the specialist's participants due by the end of this week
    (overdue ones included: they are still due)."""
    return list(
        Goal.objects.filter(
            plan__participant__in=participants_for(user).on_caseload(user),
            achieved_date__isnull=True,
            archived_at__isnull=True,
            target_date__lte=week_end,
        )
        .select_related("plan__participant")
        .only(
            "id", "description", "target_date", "plan__participant__id", "plan__participant__name"
        )
        .order_by("target_date", "id")[:limit]
    )


def _my_teams(user: Any) -> list[int]:
    return sorted(scope_for(user).specialist_team_ids)


def my_face_to_face_employer_contacts(*, user: Any, week: tuple[dt.date, dt.date]) -> int:
    """Face-to-face employer contacts the specialist logged this week for their teams (IPS
    target: 6): the count behind `measures.employer_contacts_per_specialist_week`."""
    per = measures.employer_contacts_per_specialist_week.per_specialist(
        team_ids=_my_teams(user), specialist_ids=[user.pk], period=measures.Period(*week)
    )
    return per[user.pk].count


def my_community_minutes(*, user: Any, month: tuple[dt.date, dt.date]) -> tuple[int, int]:
    """(minutes in the community, minutes met in person with a place) of the specialist's
    contacts this month with their teams' participants: `measures.community_share`."""
    per = measures.community_share.per_specialist(
        team_ids=_my_teams(user), specialist_ids=[user.pk], period=measures.Period(*month)
    )
    return per[user.pk].numerator, per[user.pk].denominator


# --- IPS leader: the team ---------------------------------------------------------------------------


def leader_teams(user: Any) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=scope_for(user).leader_team_ids).order_by("name", "id")


def caseload_per_specialist(*, team: Team) -> list[dict[str, Any]]:
    """The caseload of each job specialist of the team (specialists with none included), and of
    anyone else holding participants of the team."""
    member_ids = Membership.objects.filter(
        team=team, role=Membership.Role.JOB_SPECIALIST, ended_at__isnull=True
    ).values("user_id")
    holding = Participant.objects.on_caseload().filter(team=team).values("job_specialist_id")
    users = (
        User.objects.filter(Q(pk__in=member_ids) | Q(pk__in=holding))
        .annotate(caseload_count=caseload_subquery())
        .order_by("first_name", "last_name", "id")
    )
    return [
        {
            "name": str(u),
            "count": u.caseload_count,
            "warning": team.caseload_warning,
            "limit": team.caseload_limit,
        }
        for u in users
    ]


def intake_summary(*, user: Any, team: Team, today: dt.date) -> dict[str, int]:
    """The intake queue at a glance: open referrals, of which not yet assigned, and of which
    not met within a week of being received."""
    week_ago = today - dt.timedelta(days=FIRST_MEETING_WITHIN_DAYS)
    return (
        referrals_for(user)
        .filter(team=team, status__in=Referral.OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(status=Referral.Status.RECEIVED)),
            not_met_within_week=Count(
                "pk", filter=Q(date_received__lt=week_ago, first_meeting_date__isnull=True)
            ),
        )
    )


def open_alerts_per_rule(*, user: Any, team: Team) -> list[Mapping[str, Any]]:
    return list(
        alerts_for(user)
        .filter(team=team)
        .exclude(state=Alert.State.RESOLVED)
        .values("rule")
        .annotate(
            open=Count("pk", filter=Q(state=Alert.State.OPEN)),
            acknowledged=Count("pk", filter=Q(state=Alert.State.ACKNOWLEDGED)),
            total=Count("pk"),
        )
        .order_by("rule")
    )


# --- Partner ----------------------------------------------------------------------------------------


def partner_referrals(*, user: Any) -> QuerySet[Referral]:
    """Referrals made from the partner's own organisation(s): shown by name and status only."""
    return (
        referrals_for(user)
        .filter(source_organisation_id__in=scope_for(user).partner_org_ids)
        .only("id", "person_name", "status", "date_received")
        .order_by("-date_received", "-id")
    )
