"""Reads for alerts, always scoped by ips.access.alerts_for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from deadlines.models import Alert
from ips.access import get_in_scope, scope_for
from ips.accounts.models import Membership, User

_P = TypeVar("_P", bound=Model)
UNRESOLVED = (Alert.State.OPEN, Alert.State.ACKNOWLEDGED)


def alerts_for(user: Any) -> QuerySet[Alert]:
    """A leader sees the alerts of the teams they lead; a specialist the alerts they own."""
    s = scope_for(user)
    if not s.staff_team_ids:
        return Alert.objects.none()
    q = Q(pk__in=[])
    if s.leader_team_ids:
        q |= Q(team_id__in=s.leader_team_ids)
    if s.specialist_team_ids:
        q |= Q(team_id__in=s.specialist_team_ids, owner=user)
    return Alert.objects.filter(q)


def alert_get_for_user(*, user: Any, pk: Any) -> Alert:
    return get_in_scope(alerts_for(user), pk)


def with_open_alert_count(participants: QuerySet[_P]) -> QuerySet[_P]:
    """Annotate each participant with `open_alert_count`: alerts about them not yet resolved
    (open or acknowledged). One correlated subquery, so a list page stays one query."""
    open_alerts = (
        Alert.objects.filter(subject_kind=Alert.SubjectKind.PARTICIPANT, subject_id=OuterRef("pk"))
        .filter(state__in=UNRESOLVED)
        .order_by()
        .values("subject_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    # The same rows with one more column; django-stubs types annotate() on a generic
    # queryset as QuerySet[Model].
    return cast(
        "QuerySet[_P]",
        participants.annotate(
            open_alert_count=Coalesce(Subquery(open_alerts, output_field=IntegerField()), Value(0))
        ),
    )


def alert_list_for_user(
    *,
    user: Any,
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


def specialists_for_filter(user: Any) -> QuerySet[User]:
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
