"""Reporting periods, one definition for every app: quarters, half-years, years and custom ranges
with Norwegian labels (the dashboards' period picker), and the codes fidelity reviews are filed
under: '2026-H1' (half year, the usual IPS rhythm) or '2026-Q3' (quarter)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

QUARTER = "quarter"
HALF = "half"
YEAR = "year"
CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """Days `start` to `end`, both inclusive."""

    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("Period end before start")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    return Period(
        dt.date(year, first_month, 1),
        _month_end(year, first_month + 2),
        _("%(n)s. kvartal %(year)s") % {"n": number, "year": year},
    )


def half_year(year: int, number: int) -> Period:
    first_month = 6 * (number - 1) + 1
    return Period(
        dt.date(year, first_month, 1),
        _month_end(year, first_month + 5),
        _("%(n)s. halvår %(year)s") % {"n": number, "year": year},
    )


def whole_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))


def custom(start: dt.date, end: dt.date) -> Period:
    label = f"{formats.date_format(start, 'd.m.Y')}–{formats.date_format(end, 'd.m.Y')}"
    return Period(start, end, label)


def quarter_number(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_of(day: dt.date) -> Period:
    return quarter(day.year, quarter_number(day))


def short_quarter_label(period: Period) -> str:
    return f"K{quarter_number(period.start)} {period.start.year}"


def quarters_ending_with(day: dt.date, count: int = 8) -> list[Period]:
    """`count` consecutive quarters, oldest first, the last one containing `day`."""
    year, number = day.year, quarter_number(day)
    periods = []
    for _i in range(count):
        periods.append(quarter(year, number))
        number -= 1
        if number == 0:
            year, number = year - 1, 4
    return list(reversed(periods))


def period_for(*, kind: str, year=None, number=None, start=None, end=None) -> Period:
    if kind == QUARTER:
        return quarter(year, number)
    if kind == HALF:
        return half_year(year, number)
    if kind == YEAR:
        return whole_year(year)
    return custom(start, end)


# --- Period codes ('2026-H1', '2026-Q3') -----------------------------------------------------------

_CODE_RE = re.compile(r"^(?P<year>20\d\d)-(?P<kind>[HQ])(?P<n>[1-4])$")


def period_normalise(code: str) -> str:
    return (code or "").strip().upper()


def period_dates(code: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the period a code names, or None when the text is not a valid code."""
    match = _CODE_RE.match(period_normalise(code))
    if not match:
        return None
    year, kind, n = int(match["year"]), match["kind"], int(match["n"])
    if kind == "H" and n > 2:
        return None
    period = half_year(year, n) if kind == "H" else quarter(year, n)
    return period.start, period.end


def half_year_code(day: dt.date) -> str:
    """The code of the half-year a date falls in ('2026-H1')."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"
