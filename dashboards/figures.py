"""The dashboards' outcome figures, kept in Django's cache (Redis) per team, period and data
version, so a dashboard does not rebuild a dozen aggregate queries on every view.

The figures of a team change only when the team's data does, and every domain write that can
change them is announced (ips.changes): a participant's record (status, contacts, jobs,
education, plan), a referral's status, a specialist's employer contacts, a team's settings.
The handlers below (subscribed in DashboardsConfig.ready()) bump the team's version key right
after the write commits, and every cached figure is keyed by that version: after a write the
old entries are never read again, so a cached figure is never stale. The key also carries the
day (figures that count up to today move at midnight) and the period.

A version key that Redis evicted is recreated from the clock (microseconds), so it is always
higher than any version an old entry was stored under. Entries expire after FIGURES_SECONDS
anyway: the safety net for a write made outside the services (Django admin, a shell).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.cache import cache

from dashboards import measures
from ips.changes import Subject, subscribe
from ips.periods import Period

FIGURES_SECONDS = 15 * 60
_VERSION = "dash:team-version:{}"


def _fresh_version() -> int:
    return time.time_ns() // 1000


def team_versions(team_ids: Iterable[int]) -> dict[int, int]:
    """{team id: data version}, one cache round trip; a missing version is created."""
    ids = sorted(set(team_ids))
    found = cache.get_many([_VERSION.format(t) for t in ids])
    versions = {}
    for t in ids:
        version = found.get(_VERSION.format(t))
        if version is None:
            version = _fresh_version()
            if not cache.add(_VERSION.format(t), version, None):
                version = cache.get(_VERSION.format(t), version)
        versions[t] = version
    return versions


def bump_teams(team_ids: Iterable[int | None]) -> None:
    """The data of these teams changed: figures cached under their old versions are left."""
    for t in {t for t in team_ids if t is not None}:
        key = _VERSION.format(t)
        try:
            cache.incr(key)
        except ValueError:  # not there (never read, or evicted): a version above any old one
            cache.set(key, _fresh_version(), None)


def period_key(period: Period) -> str:
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def cached(name: str, team_ids: list[int], today: dt.date, compute: Callable[[], Any]) -> Any:
    """compute(), or its value cached under `name` for these teams' current data versions and
    `today`. What is cached must be figures about the teams, never a person's data, and not yet
    translated (the labels follow the reader's language)."""
    versions = team_versions(team_ids)
    tag = ",".join(f"{t}.{v}" for t, v in versions.items())
    key = f"dash:{name}:{today:%Y%m%d}:{tag}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_SECONDS)
    return value


def outcomes(*, team_ids: Iterable[int], period: Period, today: dt.date) -> dict:
    """measures.outcomes(...) for these teams together, from the cache when it is current."""
    ids = sorted(set(team_ids))
    return cached(
        f"outcomes:{period_key(period)}",
        ids,
        today,
        lambda: measures.outcomes(team_ids=ids, period=period),
    )


def outcomes_per_team(*, team_ids: Iterable[int], period: Period, today: dt.date) -> dict:
    ids = sorted(set(team_ids))
    return cached(
        f"outcomes-per-team:{period_key(period)}",
        ids,
        today,
        lambda: measures.outcomes_per_team(team_ids=ids, period=period),
    )


def employment_rate_trend(
    *, team_ids: Iterable[int], periods: Sequence[Period], today: dt.date
) -> list:
    ids = sorted(set(team_ids))
    return cached(
        "trend:" + "+".join(period_key(p) for p in periods),
        ids,
        today,
        lambda: measures.employment_rate_trend(team_ids=ids, periods=periods),
    )


def employment_rate_trend_per_team(
    *, team_ids: Iterable[int], periods: Sequence[Period], today: dt.date
) -> dict:
    ids = sorted(set(team_ids))
    return cached(
        "trend-per-team:" + "+".join(period_key(p) for p in periods),
        ids,
        today,
        lambda: measures.employment_rate_trend.per_team(team_ids=ids, periods=periods),
    )


# --- Invalidation: the change hook ------------------------------------------------------------------


def _participants_changed(ids: frozenset[int]) -> None:
    from participants.models import Participant

    bump_teams(Participant.objects.filter(pk__in=ids).values_list("team_id", flat=True))


def _referrals_changed(ids: frozenset[int]) -> None:
    from referrals.models import Referral

    bump_teams(Referral.objects.filter(pk__in=ids).values_list("team_id", flat=True))


def _specialists_changed(ids: frozenset[int]) -> None:
    from ips.accounts.models import Membership

    bump_teams(
        Membership.objects.filter(user_id__in=ids, team__isnull=False).values_list(
            "team_id", flat=True
        )
    )


def _teams_changed(ids: frozenset[int]) -> None:
    bump_teams(ids)


def subscribe_invalidation() -> None:
    subscribe(Subject.PARTICIPANT, _participants_changed)
    subscribe(Subject.REFERRAL, _referrals_changed)
    subscribe(Subject.SPECIALIST, _specialists_changed)
    subscribe(Subject.TEAM, _teams_changed)
