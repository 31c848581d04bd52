"""Dates as a clerk types them in a ledger cell: every import reads them through ``core.tabular.parse_day``.
"2026/12/3" and "2026年12月3日" were refused as "not YYYY-MM-DD" (``date.fromisoformat`` wants two digits for
the month and the day), and the directory and integrity imports each had a reader of their own."""

import datetime

import pytest

from qinqing.core.tabular import parse_day, parse_moment

DAY = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-03",
        "2026/12/3",
        "2026/12/03",
        "2026.12.3",
        "2026-12-3",
        "2026年12月3日",
        "2026 年 12 月 3 日",
        "２０２６／１２／３",  # full-width, as a Chinese input method types it
        "20261203",
        " 2026-12-03 ",
        "2026-12-03 09:15:00",
        "2026/12/3 9:15",
        "2026-12-03T09:15",
    ],
)
def test_a_date_typed_as_text_is_read(text):
    assert parse_day(text) == DAY


@pytest.mark.parametrize("text", ["", "abc", "2026-02-30", "2026/13/1", "2026/12/3x", "12/3/2026", "2026-12"])
def test_what_is_no_date_is_none(text):
    assert parse_day(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30 09:15:00",
        "2026-11-30 09:15",
        "2026/11/30 9:15",
        "2026-11-30T09:15:00",
        "2026年11月30日 09:15",  # how the 12345 platform's own Excel export writes it
        "2026年11月30日9时15分",
        "２０２６－１１－３０　０９：１５",
        "20261130091500",
    ],
)
def test_a_moment_typed_as_text_is_read(text):
    assert parse_moment(text) == datetime.datetime(2026, 11, 30, 9, 15)


@pytest.mark.parametrize("text", ["2026-11-30", "20261130", "2026年11月30日"])
def test_a_day_alone_is_its_midnight(text):
    assert parse_moment(text) == datetime.datetime(2026, 11, 30)


@pytest.mark.parametrize(
    "text", ["", "下午三点", "2026-11-30 25:00", "2026-02-30 10:00", "2026-11-30 9", "2026-11-30 x"]
)
def test_what_is_no_moment_is_none(text):
    assert parse_moment(text) is None
