from django.db import transaction

from dashboards.models import PeriodPreference


def period_preference_save(*, user, kind: str, year=None, number=None, start=None, end=None):
    """Remember the user's chosen period (one row per user)."""
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
