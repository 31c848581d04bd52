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

# Okabe–Ito colours: told apart by colour-blind readers, and dark against light in grey print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")


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


def nice_ticks(highest: float, count: int = 4) -> list[int]:
    """Whole-number ticks from 0 covering ``highest`` in about ``count`` steps of 1, 2, 2.5 or 5 × 10ⁿ
    (0, 5, 10, 15, 20 — never 6.2, 12.5, 18.8)."""
    import math

    highest = max(1, math.ceil(highest))
    raw = highest / count
    magnitude = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    factors = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)  # 25 only where it is whole
    step = int(next(factor * magnitude for factor in factors if factor * magnitude >= raw))
    top = math.ceil(highest / step) * step
    return list(range(0, top + 1, step))


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    width: int = 720,
    height: int = 260,
    suffix: str = "",
    unit: str = "",
) -> SafeString:
    """Grouped vertical bars: one group per category (e.g. month), one bar per series; whole-number
    ticks, the unit of the axis (``unit``, e.g. "appeals") above it, a legend."""
    left, right, top, bottom = 44, 12, 40, 46
    plot_width, plot_height = width - left - right, height - top - bottom
    ticks = nice_ticks(max([value for s in series for value in s.values if value is not None] or [0]))
    highest = ticks[-1] or 1
    group_width = plot_width / max(1, len(categories))
    bar_width = max(2.0, (group_width * 0.8) / max(1, len(series)))
    parts = []
    if unit:
        parts.append(
            format_html(
                '<text class="axis-unit" x="{}" y="{}" text-anchor="start" font-size="10" '
                'fill="#333">{}</text>',
                4,
                top - 10,
                unit,
            )
        )
    for value in ticks:
        y = top + plot_height - plot_height * value / highest
        parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                                 '<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#333">{}</text>',
                                 left, width - right, _f(y), _f(y), left - 4, _f(y + 3), value))
    for index, category in enumerate(categories):
        group_x = left + index * group_width + group_width * 0.1
        for number, item in enumerate(series):
            value = item.values[index]
            bar_height = 0 if value is None else plot_height * value / highest
            x = group_x + number * bar_width
            parts.append(
                format_html(
                    '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{} · {}: {}{}</title></rect>',
                    item.css_class,
                    _f(x),
                    _f(top + plot_height - bar_height),
                    _f(bar_width - 1),
                    _f(bar_height),
                    PALETTE[number % len(PALETTE)],
                    category,
                    item.name,
                    _number(value),
                    suffix,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#333">{}</text>',
                _f(left + index * group_width + group_width / 2),
                height - bottom + 14,
                category,
            )
        )
    legend = format_html_join(
        "",
        '<g class="legend-item"><rect x="{}" y="6" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="16" font-size="11" fill="#333">{}</text></g>',
        (
            (left + i * 170, PALETTE[i % len(PALETTE)], left + i * 170 + 16, s.name)
            for i, s in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 '
        '{} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title '
        'id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}{}</svg>',
        chart_id,
        chart_id,
        chart_id,
        width,
        height,
        chart_id,
        title,
        chart_id,
        description,
        legend,
        _join(parts),
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, float | None]],
    maximum: float = 100,
    width: int = 720,
    row_height: int = 22,
    suffix: str = "%",
    missing: str = "—",
) -> SafeString:
    """Horizontal bars, one per row (e.g. satisfaction per unit), labelled with the figure; an axis
    of whole ticks (0, 25, 50, 75, 100 with ``suffix``) along the top; ``missing`` for a row without
    a figure (no ratings yet), so an empty bar is not read as 0."""
    label_width, right, top = 200, 60, 26
    height = top + 8 + row_height * max(1, len(rows))
    plot_width = width - label_width - right
    parts = []
    for tick in range(0, 5):
        value = maximum * tick / 4
        x = label_width + plot_width * tick / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#333">{}{}</text>',
                _f(x),
                _f(x),
                top - 4,
                height - 8,
                _f(x),
                top - 8,
                _number(int(value) if value == int(value) else value),
                suffix,
            )
        )
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        bar = 0 if value is None else plot_width * min(value, maximum) / (maximum or 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: '
                "{}{}</title></rect>"
                '<text x="{}" y="{}" font-size="11" fill="#333">{}{}</text>',
                label_width - 6,
                _f(y + row_height * 0.65),
                label[:24],
                label_width,
                _f(y + 3),
                _f(bar),
                row_height - 6,
                PALETTE[0],
                label,
                _number(value) if value is not None else missing,
                suffix if value is not None else "",
                _f(label_width + bar + 4),
                _f(y + row_height * 0.65),
                _number(value) if value is not None else missing,
                suffix if value is not None else "",
            )
        )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 '
        '{} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title '
        'id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        chart_id,
        chart_id,
        chart_id,
        width,
        height,
        chart_id,
        title,
        chart_id,
        description,
        _join(parts),
    )
