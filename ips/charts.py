"""Server-rendered SVG charts (pygal), shared by the dashboards and the fidelity PDF.

Every function returns an SVG document as a string without an XML declaration, ready to be
placed inline in a template (`{{ svg|safe }}`; the values are ours, labels are escaped by pygal)
or in a WeasyPrint PDF. No JavaScript is attached (the strict CSP forbids external scripts and
PDFs cannot run them); tooltips are therefore off and values are printed on the bars/points.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence

import pygal
from django.core.cache import cache
from django.utils.translation import get_language
from pygal.style import Style

# Bootstrap-like palette with enough contrast on white (WCAG AA for the darker tones).
PALETTE = ("#0d6efd", "#198754", "#b35c00", "#6f42c1", "#d63384", "#0f5132", "#495057")

IPS_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    font_family="DejaVu Sans, Helvetica, Arial, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=10,
    title_font_size=14,
    legend_font_size=11,
    tooltip_font_size=11,
)


def chart_config(**overrides) -> dict:
    """Keyword arguments for any pygal chart class: the shared style and no JavaScript, with
    `overrides` (those that are not None) on top."""
    config = {
        "style": IPS_STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "explicit_size": False,
        "tooltip_border_radius": 0,
        "print_values": True,
        "show_legend": False,
        "legend_at_bottom": True,
        "truncate_label": -1,
        # Legend entries name reference lines with their number ("Minimum (31 %)"): never cut.
        "truncate_legend": -1,
        "no_data_text": "–",
    }
    config.update({k: v for k, v in overrides.items() if v is not None})
    return config


# pygal always embeds an inline <script> with its tooltip config; the CSP would block it (and
# report a violation on every page view), and nothing needs it without the tooltip JS.
_SCRIPT_RE = re.compile(r"<script\b.*?</script>", re.S)


def render_svg(chart) -> str:
    """The chart as inline SVG, without pygal's <script>."""
    return _SCRIPT_RE.sub("", chart.render(is_unicode=True))


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]] | Sequence[float | None],
    value_range: tuple[float, float] | None = None,
    horizontal: bool = False,
    value_formatter=None,
    width: int | None = None,
    height: int | None = None,
    x_label_rotation: int | None = None,
    no_data_text: str | None = None,
) -> str:
    """A bar chart. `series` is either one list of values (one unnamed series) or a mapping
    name -> values (several series, with a legend). `None` values are left empty; with no value
    at all the chart says `no_data_text` (why there is nothing to show) instead of an empty
    frame."""
    cls = pygal.HorizontalBar if horizontal else pygal.Bar
    named = isinstance(series, dict)
    chart = cls(
        **chart_config(
            title=title,
            range=value_range,
            width=width,
            height=height,
            show_legend=named and len(series) > 1,
            x_label_rotation=x_label_rotation,
            no_data_text=no_data_text,
        )
    )
    if value_formatter is not None:
        chart.value_formatter = value_formatter
    chart.x_labels = list(labels)
    if isinstance(series, dict):
        for name, values in series.items():
            chart.add(name, list(values))
    else:
        chart.add(title, list(series))
    return render_svg(chart)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    value_range: tuple[float, float] | None = None,
    value_formatter=None,
    width: int | None = None,
    height: int | None = None,
    x_label_rotation: int | None = None,
    no_data_text: str | None = None,
) -> str:
    """A line chart over `labels` (e.g. periods), one line per named series. Gaps (`None`)
    break the line instead of drawing it through zero; with no value at all the chart says
    `no_data_text`."""
    chart = pygal.Line(
        **chart_config(
            title=title,
            range=value_range,
            width=width,
            height=height,
            show_legend=len(series) > 1,
            allow_interruptions=True,
            x_label_rotation=x_label_rotation,
            dots_size=4,
            no_data_text=no_data_text,
        )
    )
    if value_formatter is not None:
        chart.value_formatter = value_formatter
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return render_svg(chart)


# Bump when a chart's drawing changes (style, layout), so no SVG drawn the old way is served.
CHART_CACHE_VERSION = 1
CHART_CACHE_SECONDS = 7 * 24 * 3600


def cached_svg(render: Callable[..., str]) -> Callable[..., str]:
    """Keep a chart function's SVG in the cache, keyed by everything it is drawn from.

    A chart is a pure function of its keyword arguments (title, labels, values, thresholds)
    and of the active language (its legend and axis texts): the key is a hash of exactly
    those, so a changed figure is a different key and a cached SVG can never be stale; no
    write needs to invalidate it. Drawing one with pygal costs tens of milliseconds of CPU;
    reading it back costs one Redis GET. Arguments must have a stable repr (str, numbers,
    None, lists and dicts of those)."""

    @functools.wraps(render)
    def wrapper(**kwargs) -> str:
        inputs = repr(
            (render.__module__, render.__qualname__, get_language(), sorted(kwargs.items()))
        )
        digest = hashlib.sha256(inputs.encode()).hexdigest()
        key = f"chart:v{CHART_CACHE_VERSION}:{digest}"
        svg = cache.get(key)
        if svg is None:
            svg = render(**kwargs)
            cache.set(key, svg, CHART_CACHE_SECONDS)
        return svg

    return wrapper
