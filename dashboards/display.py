"""Turning measures into what a page (or CSV) shows: formatting and small-count suppression.

Partners see aggregates only, and a count below settings.SMALL_COUNT_SUPPRESSION is shown as
"< 5" so nobody can be recognised from a figure. A share or median built from such a small count
is suppressed too (the share would give the count away).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboards.measures import DEFINITIONS, MEASURES, Median, Ratio


@dataclass(frozen=True)
class Figure:
    text: str
    value: float | None  # for charts; None when unknown or suppressed
    suppressed: bool = False


def _threshold(suppress: bool) -> int:
    return settings.SMALL_COUNT_SUPPRESSION if suppress else 0


def small_text() -> str:
    return f"< {settings.SMALL_COUNT_SUPPRESSION}"


def count_figure(n: int, *, suppress: bool) -> Figure:
    if n < _threshold(suppress):
        return Figure(small_text(), None, suppressed=True)
    return Figure(formats.number_format(n), n)


def ratio_figure(r: Ratio, *, suppress: bool) -> Figure:
    if r.percent is None:
        return Figure("–", None)
    t = _threshold(suppress)
    if r.numerator < t or r.denominator < t:
        return Figure(_("skjult (%(small)s)") % {"small": small_text()}, None, suppressed=True)
    text = _("%(percent)s %% (%(n)s av %(of)s)") % {
        "percent": formats.number_format(round(r.percent), 0),
        "n": r.numerator,
        "of": r.denominator,
    }
    return Figure(text, r.percent)


def median_figure(m: Median, *, suppress: bool) -> Figure:
    if m.days is None or not m.cases:
        return Figure("–", None)
    if m.cases < _threshold(suppress):
        return Figure(_("skjult (%(small)s)") % {"small": small_text()}, None, suppressed=True)
    days = formats.number_format(round(m.days, 1), 0 if float(m.days).is_integer() else 1)
    text = ngettext(
        "%(days)s dag (n = %(n)s)", "%(days)s dager (n = %(n)s)", 1 if m.days == 1 else 2
    )
    return Figure(text % {"days": days, "n": m.cases}, m.days)


def figure(value, *, suppress: bool) -> Figure:
    if isinstance(value, Ratio):
        return ratio_figure(value, suppress=suppress)
    if isinstance(value, Median):
        return median_figure(value, suppress=suppress)
    return count_figure(value, suppress=suppress)


def outcome_rows(figures: dict, *, suppress: bool) -> list[dict]:
    """One row per measure, in the order of MEASURES, with its definition."""
    return [
        {
            "key": key,
            "label": str(label),
            "figure": figure(figures[key], suppress=suppress),
            "definition": str(DEFINITIONS[key]),
        }
        for key, label, _selector in MEASURES
    ]
