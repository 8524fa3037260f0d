"""Reads for the dashboard pages (other than the outcome measures in measures.py).

Each function runs a fixed number of queries, whatever the size of the caseload.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Q, Sum

from deadlines.models import Alert
from employers.models import EmployerContact
from ips.access import alerts_for, participants_for, referrals_for, scope_for
from ips.accounts.models import Membership, User
from participants.models import Contact, Goal, Participant
from referrals.models import Referral

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


def my_open_alerts(*, user, limit: int = 20):
    return list(
        alerts_for(user)
        .filter(owner=user)
        .exclude(state=Alert.State.RESOLVED)
        .select_related("team")
        .order_by(F("due_date").asc(nulls_last=True), "first_breached_at", "id")[:limit]
    )


def my_participants_longest_without_contact(*, user, limit: int = LONGEST_WITHOUT_CONTACT):
    """The specialist's active participants, those with the oldest (or no) last contact first."""
    return list(
        participants_for(user)
        .filter(job_specialist=user, status__in=Participant.ACTIVE_STATUSES)
        .annotate(last_contact=Max("contacts__contact_date"))
        .order_by(F("last_contact").asc(nulls_first=True), "entry_date", "id")
        .only("id", "name", "status", "entry_date")[:limit]
    )


def my_goals_due(*, user, week_end: dt.date, limit: int = 30):
    """Open action-plan goals of the specialist's participants due by the end of this week
    (overdue ones included: they are still due)."""
    return list(
        Goal.objects.filter(
            plan__participant__in=participants_for(user).filter(
                job_specialist=user, status__in=Participant.ACTIVE_STATUSES
            ),
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


def my_face_to_face_employer_contacts(*, user, week: tuple[dt.date, dt.date]) -> int:
    """Face-to-face employer contacts the specialist logged this week (IPS target: 6)."""
    return EmployerContact.objects.filter(
        job_specialist=user, face_to_face=True, contact_date__range=week
    ).aggregate(n=Count("pk"))["n"]


def my_community_minutes(*, user, month: tuple[dt.date, dt.date]) -> tuple[int, int]:
    """(minutes in the community, all logged minutes) of the specialist's contacts this month.
    Community = outside the office: out and about, at the workplace or at the person's home."""
    row = Contact.objects.filter(logged_by=user, contact_date__range=month).aggregate(
        total=Sum("duration_minutes"),
        community=Sum("duration_minutes", filter=Q(place__in=Contact.COMMUNITY_PLACES)),
    )
    return row["community"] or 0, row["total"] or 0


# --- IPS leader: the team ---------------------------------------------------------------------------


def leader_teams(user):
    from ips.accounts.models import Team

    return Team.objects.filter(pk__in=scope_for(user).leader_team_ids).order_by("name", "id")


def caseload_per_specialist(*, team) -> list[dict]:
    """Active participants per job specialist of the team (specialists with none included)."""
    counts = dict(
        Participant.objects.filter(team=team, status__in=Participant.ACTIVE_STATUSES)
        .values_list("job_specialist")
        .annotate(n=Count("pk"))
        .values_list("job_specialist", "n")
    )
    member_ids = Membership.objects.filter(
        team=team, role=Membership.Role.JOB_SPECIALIST, ended_at__isnull=True
    ).values("user_id")
    users = User.objects.filter(Q(pk__in=member_ids) | Q(pk__in=list(counts))).order_by(
        "first_name", "last_name", "id"
    )
    return [
        {
            "name": str(u),
            "count": counts.get(u.pk, 0),
            "warning": team.caseload_warning,
            "limit": team.caseload_limit,
        }
        for u in users
    ]


def intake_summary(*, user, team, today: dt.date) -> dict:
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


def open_alerts_per_rule(*, user, team) -> list[dict]:
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


def partner_referrals(*, user):
    """Referrals made from the partner's own organisation(s): shown by name and status only."""
    return (
        referrals_for(user)
        .filter(source_organisation_id__in=scope_for(user).partner_org_ids)
        .only("id", "person_name", "status", "date_received")
        .order_by("-date_received", "-id")
    )
