"""Dates as a Norwegian team sees them."""

import datetime as dt

from django.utils import timezone


def oslo_today() -> dt.date:
    """Today in Europe/Oslo (TIME_ZONE), not the server's UTC date."""
    return timezone.localdate()


def days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days
