import datetime as dt

from django.db import transaction

from dashboards.models import PeriodPreference
from ips.accounts.models import User


def period_preference_save(
    *,
    user: User,
    kind: str,
    year: int | None = None,
    number: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> PeriodPreference:
    """Remember the user's chosen period (one row per user). Not a tracked record: `user` is the
    preference's owner, not an actor to record."""
    with transaction.atomic():
        pref, _created = PeriodPreference.objects.select_for_update().get_or_create(
            user=user,
            defaults={"kind": kind, "year": year, "number": number, "start": start, "end": end},
        )
        new = {"kind": kind, "year": year, "number": number, "start": start, "end": end}
        if any(getattr(pref, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(pref, k, v)
            pref.full_clean()
            pref.save()
    return pref
