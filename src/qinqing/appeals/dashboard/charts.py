"""Server-rendered SVG bar charts for the dashboard: no JavaScript, no chart library, no
inline style (the CSP forbids it) — colours are SVG ``fill`` attributes and CSS classes.

Each chart carries a <title> and <desc> (``role="img"``) and every bar its own <title> with
the figure; the pages put the same figures in a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PALETTE = ("#3b6ea8", "#4c9a6a", "#c0504d", "#8064a2")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]
    css_class: str = ""


def _join(parts: Sequence[SafeString]) -> SafeString:
    """Concatenate already-escaped fragments (format_html output) without escaping them twice."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _f(number: float) -> str:
    return f"{number:.1f}"


def _number(value) -> str:
    return "—" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def column_chart(*, chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series],
                 width: int = 720, height: int = 260, suffix: str = "") -> SafeString:
    """Grouped vertical bars: one group per category (e.g. month), one bar per series."""
    left, right, top, bottom = 44, 12, 28, 46
    plot_width, plot_height = width - left - right, height - top - bottom
    highest = max([value for s in series for value in s.values if value is not None] or [0]) or 1
    group_width = plot_width / max(1, len(categories))
    bar_width = max(2.0, (group_width * 0.8) / max(1, len(series)))
    parts = []
    for tick in range(5):
        value = highest * tick / 4
        y = top + plot_height - plot_height * tick / 4
        parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                                 '<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#555">{}</text>',
                                 left, width - right, _f(y), _f(y), left - 4, _f(y + 3), _number(round(value, 1))))
    for index, category in enumerate(categories):
        group_x = left + index * group_width + group_width * 0.1
        for number, item in enumerate(series):
            value = item.values[index]
            bar_height = 0 if value is None else plot_height * value / highest
            x = group_x + number * bar_width
            parts.append(format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} · {}: {}{}</title></rect>',
                item.css_class, _f(x), _f(top + plot_height - bar_height), _f(bar_width - 1), _f(bar_height), PALETTE[number % len(PALETTE)],
                category, item.name, _number(value), suffix))
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#333">{}</text>',
                                 _f(left + index * group_width + group_width / 2), height - bottom + 14, category))
    legend = format_html_join("", '<rect x="{}" y="6" width="10" height="10" fill="{}"/><text x="{}" y="15" font-size="11" fill="#333">{}</text>',
                              ((left + i * 150, PALETTE[i % len(PALETTE)], left + i * 150 + 14, s.name) for i, s in enumerate(series)))
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}{}</svg>',
        chart_id, chart_id, chart_id, width, height, chart_id, title, chart_id, description, legend, _join(parts))


def bar_chart(*, chart_id: str, title: str, description: str, rows: Sequence[tuple[str, float | None]], maximum: float = 100,
              width: int = 720, row_height: int = 22, suffix: str = "%") -> SafeString:
    """Horizontal bars, one per row (e.g. satisfaction per unit), labelled with the figure."""
    label_width, right, top = 200, 60, 8
    height = top * 2 + row_height * max(1, len(rows))
    plot_width = width - label_width - right
    parts = []
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        bar = 0 if value is None else plot_width * min(value, maximum) / (maximum or 1)
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title></rect>'
            '<text x="{}" y="{}" font-size="11" fill="#333">{}{}</text>',
            label_width - 6, _f(y + row_height * 0.65), label[:24], label_width, _f(y + 3), _f(bar), row_height - 6, PALETTE[1], label, _number(value),
            suffix if value is not None else "", _f(label_width + bar + 4), _f(y + row_height * 0.65), _number(value), suffix if value is not None else ""))
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        chart_id, chart_id, chart_id, width, height, chart_id, title, chart_id, description, _join(parts))
