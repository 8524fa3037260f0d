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

from dashboards.measures import DEFINITIONS, MEASURES, Endings, Median, MinuteShare, PerWeek, Ratio


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
    template = (
        _("%(percent)s %% (%(n)s av %(of)s minutter)")
        if isinstance(r, MinuteShare)
        else _("%(percent)s %% (%(n)s av %(of)s)")
    )
    text = template % {
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


def per_week_figure(w: PerWeek, *, suppress: bool) -> Figure:
    if w.value is None:
        return Figure("–", None)
    if w.count < _threshold(suppress):
        return Figure(_("skjult (%(small)s)") % {"small": small_text()}, None, suppressed=True)
    return Figure(formats.number_format(w.value, 1), w.value)


def figure(value, *, suppress: bool) -> Figure:
    if isinstance(value, PerWeek):
        return per_week_figure(value, suppress=suppress)
    if isinstance(value, Endings):
        return count_figure(value.total, suppress=suppress)
    if isinstance(value, Ratio):
        return ratio_figure(value, suppress=suppress)
    if isinstance(value, Median):
        return median_figure(value, suppress=suppress)
    return count_figure(value, suppress=suppress)


def unit(value) -> str:
    """What a measure's number is: a share in percent, a number of days, contacts per week, or a
    count."""
    if isinstance(value, Ratio):
        return "%"
    if isinstance(value, Median):
        return _("dager")
    if isinstance(value, PerWeek):
        return _("per uke")
    return _("antall")


def outcome_rows(figures: dict, *, suppress: bool) -> list[dict]:
    """One row per measure, in the order of MEASURES, with its definition."""
    return [
        {
            "key": key,
            "label": str(label),
            "value": figures[key],
            "unit": unit(figures[key]),
            "figure": figure(figures[key], suppress=suppress),
            "definition": str(DEFINITIONS[key]),
        }
        for key, label, _selector in MEASURES
    ]


@dataclass(frozen=True)
class Cells:
    """A measure as spreadsheet columns: how many were counted, out of how many (the
    denominator, for shares), and the figure itself (a share in percent, a median in days, a
    count), as numbers; `note` says why a cell is empty."""

    count: int | None
    denominator: int | None
    value: float | int | None
    note: str = ""


def cells(value, *, suppress: bool) -> Cells:
    """The CSV columns of a measure's value, with small counts suppressed like on the page."""
    shown = figure(value, suppress=suppress)
    if shown.suppressed:
        return Cells(None, None, None, shown.text)
    if isinstance(value, Ratio):
        if value.percent is None:
            return Cells(value.numerator, value.denominator, None, _("ingen å regne av"))
        return Cells(value.numerator, value.denominator, value.percent)
    if isinstance(value, Median):
        return Cells(value.cases, None, value.days, "" if value.cases else _("ingen tilfeller"))
    if isinstance(value, PerWeek):
        note = "" if value.value is not None else _("ingen jobbspesialister")
        return Cells(value.count, value.specialists, value.value, note)
    if isinstance(value, Endings):
        return Cells(value.total, None, value.total)
    return Cells(value, None, value)
