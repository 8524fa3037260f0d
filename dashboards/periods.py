"""Reporting periods: quarters, half-years, years and custom ranges, with Norwegian labels."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from dashboards.measures import Period

QUARTER = "quarter"
HALF = "half"
YEAR = "year"
CUSTOM = "custom"


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
