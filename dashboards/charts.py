"""The dashboards' two charts that need reference lines, built on the shared pygal setup of
`ips/charts.py` (same style, no JavaScript, no XML declaration).

Readable without colour: values are printed on bars and points, reference lines differ by dash
pattern and are named (with their number) in the legend, bars carry a text label for their state,
and every chart on a page has a data table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.measures import BENCHMARKS
from ips.charts import IPS_STYLE, cached_svg, chart_config, render_svg

# Dash patterns tell the benchmark lines apart without colour.
DASHES = ("2, 4", "8, 4", "14, 4, 2, 4")


# The style settings every chart variant keeps from the house style (colours, fonts, sizes).
_SHARED_STYLE_KEYS = (
    "background",
    "plot_background",
    "foreground",
    "foreground_strong",
    "foreground_subtle",
    "colors",
    "font_family",
    "label_font_size",
    "major_label_font_size",
    "value_font_size",
    "title_font_size",
    "legend_font_size",
)


def _variant(base, **changes):
    """A pygal style like `base`, with its guide lines (or other settings) changed."""
    return base.__class__(**{k: getattr(base, k) for k in _SHARED_STYLE_KEYS}, **changes)


# Threshold guide lines: dark, solid and labelled; ordinary guides light and dashed.
THRESHOLD_STYLE = _variant(
    IPS_STYLE,
    guide_stroke_color="#ced4da",
    guide_stroke_dasharray="2,4",
    major_guide_stroke_color="#842029",
    major_guide_stroke_dasharray="0",
)


# The employment-rate chart: gridlines light and solid, so the dashed, dark benchmark lines
# cannot be taken for them; the benchmark values are also labelled on the axis.
TREND_STYLE = _variant(
    THRESHOLD_STYLE,
    guide_stroke_color="#e9ecef",
    guide_stroke_dasharray="0",
    major_guide_stroke_color="#e9ecef",
    major_guide_stroke_dasharray="0",
)
BENCHMARK_COLOURS = ("#495057", "#212529", "#0f5132")


def empty_reason(figures) -> str | None:
    """Why a chart of these figures has nothing to draw, in words (None when it has)."""
    if any(f.value is not None for f in figures):
        return None
    if any(f.suppressed for f in figures):
        return _("Ingen tall å vise: alle verdier er under 5 og skjules.")
    return _("Ingen tall å vise for denne perioden.")


def _percent(value) -> str:
    return "–" if value is None else f"{value:.0f} %"


def _blank(_value) -> str:
    return ""


@cached_svg
def employment_rate_chart(
    *, title: str, labels: Sequence[str], rates: Sequence, empty: str | None = None
) -> str:
    """Employment rate per period as a line, with the IPS benchmarks as dark dashed reference
    lines (light solid gridlines), each named in the legend and labelled on the axis. With no
    rate to show, the chart says why (`empty`) instead of drawing lines around nothing."""
    rates = list(rates)
    no_data = all(rate is None for rate in rates)
    benchmarks = [] if no_data else list(BENCHMARKS)
    chart = pygal.Line(
        **chart_config(
            title=title,
            range=(0, 100),
            show_legend=not no_data,
            allow_interruptions=True,
            dots_size=4,
            x_label_rotation=0,
            style=TREND_STYLE,
            no_data_text=empty or _("Ingen tall å vise for denne perioden."),
            # Room for the benchmark labels on the axis and the last value on the right.
            margin_right=24,
            margin_top=12,
        )
    )
    chart.value_formatter = _percent
    chart.x_labels = list(labels)
    chart.y_labels = [v for v in (0, 20, 60, 80, 100) if all(v != b for b, _l in benchmarks)] + [
        {"label": f"{value} %", "value": value} for value, _label in benchmarks
    ]
    chart.y_labels_major = [value for value, _label in benchmarks]
    chart.show_minor_y_labels = True
    if no_data:
        chart.add(_("Sysselsettingsrate"), [None] * len(labels))
        return render_svg(chart)
    chart.add(_("Sysselsettingsrate"), rates, stroke_style={"width": 3})
    for (value, label), dash, colour in zip(benchmarks, DASHES, BENCHMARK_COLOURS, strict=True):
        chart.add(
            str(label),
            [{"value": value, "color": colour} for _ in labels],
            show_dots=False,
            formatter=_blank,
            stroke_style={"width": 2, "dasharray": dash},
        )
    return render_svg(chart)


@cached_svg
def caseload_chart(*, title: str, rows: Sequence[dict], warning: int, limit: int) -> str:
    """Caseload per job specialist as bars; the team's warning and limit thresholds are the bold
    guide lines (and named in the title); each bar's label says in words whether it is over a threshold."""
    counts = [row["count"] for row in rows]
    top = max([limit + 5, *counts]) if counts else limit + 5
    step = 10 if top > 60 else 5
    plain = [v for v in range(0, top + step, step) if v not in (warning, limit)]
    # A message context: here "varsel" is the warning threshold, not an alert ("%(n)s varsel"
    # is also the singular of the plural alert count, and one msgid cannot be both).
    warning_label = pgettext("caseload threshold", "%(n)s varsel") % {"n": warning}
    limit_label = pgettext("caseload threshold", "%(n)s brudd") % {"n": limit}
    thresholds = [
        {"label": warning_label, "value": warning},
        {"label": limit_label, "value": limit},
    ]
    chart = pygal.Bar(
        **chart_config(
            title=title,
            range=(0, max(plain[-1], limit)),
            height=max(240, 60 + 40 * min(len(rows), 8)),
            x_label_rotation=20 if len(rows) > 4 else 0,
            style=THRESHOLD_STYLE,
        )
    )
    chart.y_labels = plain + thresholds
    chart.y_labels_major = [warning, limit]
    chart.show_minor_y_labels = True
    names = []
    values = []
    for row in rows:
        n = row["count"]
        if n > limit:
            label, colour = _("Over bruddgrensen"), "#842029"
        elif n > warning:
            label, colour = _("Over varselgrensen"), "#b35c00"
        else:
            label, colour = "", "#0d6efd"
        names.append(f"{row['name']} ({label.lower()})" if label else row["name"])
        values.append({"value": n, "label": label, "color": colour})
    chart.x_labels = names
    chart.add(_("Aktive deltakere"), values)
    return render_svg(chart)
