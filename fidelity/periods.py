"""Review periods: '2026-H1' (half year, the usual IPS rhythm) or '2026-Q3' (quarter)."""

import calendar
import datetime as dt
import re

PERIOD_RE = re.compile(r"^(?P<year>20\d\d)-(?P<kind>[HQ])(?P<n>[1-4])$")


def period_dates(period: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the period, or None when the text is not a valid period."""
    match = PERIOD_RE.match((period or "").strip().upper())
    if not match:
        return None
    year, kind, n = int(match["year"]), match["kind"], int(match["n"])
    if kind == "H" and n > 2:
        return None
    months = 6 if kind == "H" else 3
    first_month = (n - 1) * months + 1
    last_month = first_month + months - 1
    return (
        dt.date(year, first_month, 1),
        dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def period_normalise(period: str) -> str:
    return (period or "").strip().upper()


def period_for(day: dt.date) -> str:
    """The half-year a date falls in."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"
