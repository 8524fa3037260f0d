"""Reads for alerts, always scoped by ips.access.alerts_for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.utils import timezone

from deadlines.models import Alert
from ips.access import alerts_for, scope_for
from ips.accounts.models import Membership, User

UNRESOLVED = (Alert.State.OPEN, Alert.State.ACKNOWLEDGED)


def alert_list_for_user(
    *,
    user,
    rule: str = "",
    specialist_id: int | None = None,
    min_age_days: int | None = None,
    state: str = "",
) -> QuerySet[Alert]:
    """Unresolved alerts by default (state="resolved" shows the resolved ones), oldest first."""
    qs = alerts_for(user).select_related("owner", "acknowledged_by", "team")
    qs = qs.filter(state=state) if state else qs.filter(state__in=UNRESOLVED)
    if rule:
        qs = qs.filter(rule=rule)
    if specialist_id:
        qs = qs.filter(owner_id=specialist_id)
    if min_age_days:
        cutoff = timezone.now() - dt.timedelta(days=min_age_days)
        qs = qs.filter(first_breached_at__lte=cutoff)
    return qs.order_by("first_breached_at", "id")


def specialists_for_filter(user) -> QuerySet[User]:
    """The specialists of the teams a leader leads (for the list's specialist filter)."""
    team_ids = scope_for(user).leader_team_ids
    return User.objects.filter(
        memberships__team_id__in=team_ids,
        memberships__role=Membership.Role.JOB_SPECIALIST,
        memberships__ended_at__isnull=True,
    ).distinct()


def subject_labels(alerts: Iterable[Alert]) -> dict[tuple[str, int], object]:
    """The referral, participant or user each alert is about.

    One query per kind of subject, run whether or not the alerts include that kind, so a page's
    query count does not depend on which rules happened to fire. (Team alerts need no label.)
    """
    from participants.models import Participant
    from referrals.models import Referral

    alert_ids = [alert.pk for alert in alerts]
    if not alert_ids:
        return {}
    subjects = {
        Alert.SubjectKind.REFERRAL: Referral.objects.only("id", "person_name", "date_received"),
        Alert.SubjectKind.PARTICIPANT: Participant.objects.only("id", "name"),
        Alert.SubjectKind.SPECIALIST: User.objects.only(
            "id", "first_name", "last_name", "username"
        ),
    }
    found: dict[tuple[str, int], object] = {}
    for kind, queryset in subjects.items():
        # A subquery, not a list of ids: an empty list would skip the query altogether.
        ids = Alert.objects.filter(pk__in=alert_ids, subject_kind=kind).values("subject_id")
        for obj in queryset.filter(pk__in=ids):
            found[(kind, obj.pk)] = obj
    return found


def open_alert_counts_for_participants(ids: Iterable[int]) -> dict[int, int]:
    """{participant_id: number of unresolved alerts} for caseload badges, in one query.

    Callers pass ids they already got through participants_for(user), so no further scoping.
    """
    ids = list(ids)
    if not ids:
        return {}
    rows = (
        Alert.objects.filter(
            subject_kind=Alert.SubjectKind.PARTICIPANT,
            subject_id__in=ids,
            state__in=UNRESOLVED,
        )
        .values("subject_id")
        .annotate(n=Count("id"))
    )
    return {row["subject_id"]: row["n"] for row in rows}
