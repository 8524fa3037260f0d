"""Dates as a Norwegian team sees them."""

import datetime as dt

from django.utils import timezone


def oslo_today() -> dt.date:
    """Today in Europe/Oslo (TIME_ZONE), not the server's UTC date."""
    return timezone.localdate()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Europe/Oslo, as an aware datetime. `at < end_of_day(d)`
    means "on or before d, Oslo time" and, unlike `at__date__lte`, can use an index on `at`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def years_ago(now: dt.datetime, years: int) -> dt.datetime:
    """The same day and time `years` earlier (28 February for 29 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)
