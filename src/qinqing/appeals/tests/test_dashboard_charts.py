"""Dashboard charts worth looking at (issue 20): whole-number ticks, the unit, a legend, titles
shown on the page, a table for each chart, colours colour-blind readers tell apart."""

import re

import pytest

from ..dashboard import charts


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (25, [0, 10, 20, 30]),
        (18.8, [0, 5, 10, 15, 20]),
        (3, [0, 1, 2, 3]),
        (0, [0, 1]),
        (1234, [0, 500, 1000, 1500]),
        (100, [0, 25, 50, 75, 100]),
    ],
)
def test_ticks_are_whole_numbers_covering_the_highest_bar(highest, ticks):
    assert charts.nice_ticks(highest) == ticks


def test_the_column_chart_ticks_in_whole_numbers_names_its_unit_and_has_a_legend():
    svg = str(
        charts.column_chart(
            chart_id="c",
            title="T",
            description="D",
            categories=["2026-01", "2026-02"],
            unit="件数（件）",
            series=[charts.Series("收到", [25, 7]), charts.Series("按时办结", [18, 6])],
        )
    )
    labels = re.findall(r'text-anchor="end" font-size="10" fill="#333">([^<]+)</text>', svg)
    assert labels == ["0", "10", "20", "30"]  # not 6.2, 12.5, 18.8
    assert ">件数（件）</text>" in svg
    assert svg.count('class="legend-item"') == 2 and ">收到</text>" in svg and ">按时办结</text>" in svg
    assert "#0072B2" in svg and "#E69F00" in svg  # Okabe-Ito blue and orange


def test_a_unit_without_ratings_says_so_instead_of_an_empty_bar():
    svg = str(
        charts.bar_chart(
            chart_id="s",
            title="T",
            description="D",
            rows=[("区税务局", 90.0), ("区商务局", None)],
            missing="尚无评价",
        )
    )
    assert ">尚无评价</text>" in svg and ">90%</text>" in svg and ">100%</text>" in svg
