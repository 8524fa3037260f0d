"""Reads of appointments, always scoped: the team's staff see the team's appointments."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, F, QuerySet, Value
from django.utils import timezone

from appointments.models import Appointment, CalendarFeed
from ips.access import get_in_scope, scope_for
from ips.dates import oslo_today
from ips.db import InArray

# The feed carries the last month and everything ahead: what a phone's calendar needs.
FEED_DAYS_BACK = 31


def appointments_for(user: Any) -> QuerySet[Appointment]:
    """The appointments of the teams the user works in (specialist or leader)."""
    team_ids = scope_for(user).staff_team_ids
    if not team_ids:
        return Appointment.objects.none()
    return Appointment.objects.filter(team_id__in=team_ids)


def appointment_get_for_user(*, user: Any, pk: Any) -> Appointment:
    return get_in_scope(
        appointments_for(user).select_related("participant", "referral", "employer", "owner"), pk
    )


def _oslo_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def my_planned(*, user: Any, until: dt.date, limit: int = 50) -> list[Appointment]:
    """The specialist's planned appointments up to the end of `until` (Oslo), the earliest
    first: those whose time has passed but are not yet registered come first, as they wait
    for one tap."""
    return list(
        appointments_for(user)
        .filter(owner=user, status=Appointment.Status.PLANNED)
        .filter(starts_at__lt=_oslo_start(until + dt.timedelta(days=1)))
        .select_related("participant", "referral", "employer")
        .only(
            "id",
            "kind",
            "starts_at",
            "duration_minutes",
            "mode",
            "place",
            "location",
            "with_whom",
            "status",
            "participant__id",
            "participant__name",
            "referral__id",
            "referral__person_name",
            "employer__id",
            "employer__name",
        )
        .order_by("starts_at", "id")[:limit]
    )


def planned_first_meetings(referral_ids: Iterable[int]) -> dict[int, Appointment]:
    """{referral id: its earliest planned first meeting}. Callers pass referral ids they
    already read in scope. Always one query (`= ANY(array)`), with or without ids, so a page's
    query count does not depend on which kinds of alert it lists."""
    ids = Value(list(referral_ids), output_field=ArrayField(BigIntegerField()))
    found: dict[int, Appointment] = {}
    for a in Appointment.objects.filter(
        InArray(F("referral_id"), ids),
        kind=Appointment.Kind.FIRST_MEETING,
        status=Appointment.Status.PLANNED,
    ).order_by("starts_at", "id"):
        assert a.referral_id is not None
        found.setdefault(a.referral_id, a)
    return found


def for_participant(*, participant: Any) -> list[Appointment]:
    """The participant's planned appointments, the next first. The caller has already read
    the participant in scope."""
    return list(
        Appointment.objects.filter(participant=participant, status=Appointment.Status.PLANNED)
        .select_related("owner", "employer")
        .order_by("starts_at", "id")[:20]
    )


def timeline_rows(*, participant_id: int, limit: int) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(participant_id=participant_id)
        .select_related("employer")
        .order_by("-starts_at", "-id")[:limit]
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed_of(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(owner=user, revoked_at__isnull=True).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The active feed the secret token opens, or None (unknown or revoked)."""
    return (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("owner")
        .first()
    )


def feed_appointments(*, feed: CalendarFeed) -> list[Appointment]:
    """What the owner's calendar shows: their appointments from a month back on, cancelled
    ones included (so the phone removes them), in the teams they still work in."""
    since = _oslo_start(oslo_today() - dt.timedelta(days=FEED_DAYS_BACK))
    return list(
        appointments_for(feed.owner)
        .filter(owner=feed.owner, starts_at__gte=since)
        .select_related("participant", "referral", "employer")
        .only(
            "id",
            "kind",
            "starts_at",
            "duration_minutes",
            "mode",
            "place",
            "location",
            "status",
            "updated_at",
            "created_at",
            "participant__name",
            "referral__person_name",
            "employer__name",
        )
        .order_by("starts_at", "id")
    )
