"""A provisional schedule for the year after the last published one (暂定).

The State Council publishes each year's schedule in November ("国务院办公厅关于YYYY年部分
节假日安排的通知"). Until it does, the year after the latest loaded year is answered from this
schedule instead of being refused, and everything counted on it is marked provisional.

The statutory holidays are those of the 全国年节及纪念日放假办法 as amended in November 2024
(in force from 2025): 元旦 1 day, 春节 4 days (除夕 to 正月初三), 清明节 1, 劳动节 2 (5月1日–2日),
端午节 1, 中秋节 1, 国庆节 3 (10月1日–3日) — 13 days. Lunar dates and the Qingming solar term
come from lunar-python (6tail), never from typed tables.

The arrangement follows the principles the 2025 notice published: "除个别特殊情形外，春节自农历
除夕起放假调休8天，国庆节自10月1日起放假调休7天，劳动节放假调休5天，元旦、清明节、端午节、中秋节
分别放假调休或连休3天（如逢周三则只在当日放假），国庆节放假如逢中秋节则合并放假8天。"
Make-up workdays (调休上班) are the weekend days nearest the holiday block (one before and one
after when two are needed), never inside another block; their number is the number of
borrowed weekdays in the block less the statutory days that fell on a weekend.

It is a forecast: the "special cases" (2026's 9-day Spring Festival from 腊月二十八) are
not foreseeable, and days of a block that fall in the previous year are left out (that year
is already published). ``docs/ARCHITECTURE.md`` records how close it comes to 2025 and 2026.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
SATURDAY, SUNDAY, WEDNESDAY = 5, 6, 2


@dataclass(frozen=True)
class ProvisionalSchedule:
    year: int
    statutory: tuple[tuple[datetime.date, str], ...]
    holidays: tuple[tuple[datetime.date, str], ...]
    workdays: tuple[tuple[datetime.date, str], ...]
    blocks: dict[str, tuple[datetime.date, datetime.date]] = field(default_factory=dict)


def _lunar(year: int, month: int, day: int) -> datetime.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return D(solar.getYear(), solar.getMonth(), solar.getDay())


def spring_festival_eve(year: int) -> datetime.date:
    """农历除夕: the day before 正月初一 of the lunar year that starts in ``year``."""
    return _lunar(year, 1, 1) - ONE_DAY


def qingming(year: int) -> datetime.date:
    """The Qingming solar term (清明) of ``year``."""
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return D(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The 13 statutory days of the amended 放假办法 for ``year`` (2025 onwards)."""
    eve = spring_festival_eve(year)
    days = [(D(year, 1, 1), "元旦")]
    days += [(eve + ONE_DAY * offset, "春节") for offset in range(4)]
    days += [(qingming(year), "清明节"), (D(year, 5, 1), "劳动节"), (D(year, 5, 2), "劳动节")]
    days += [(_lunar(year, 5, 5), "端午节"), (_lunar(year, 8, 15), "中秋节")]
    days += [(D(year, 10, day), "国庆节") for day in (1, 2, 3)]
    return sorted(days)


def _three_day_block(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """元旦, 清明, 端午, 中秋: 3 days with the weekend (调休或连休), only the day itself on a Wednesday."""
    start = {0: -2, 1: -2, 2: 0, 3: 0, 4: 0, 5: 0, 6: -1}[day.weekday()]
    if day.weekday() == WEDNESDAY:
        return day, day
    first = day + ONE_DAY * start
    return first, first + ONE_DAY * 2


def _labour_block(year: int) -> tuple[datetime.date, datetime.date]:
    """5 days from 1 May; from the Saturday before when 1 May is a Sunday or a Monday (2022, 2023)."""
    may_first = D(year, 5, 1)
    back = {SUNDAY: 1, 0: 2}.get(may_first.weekday(), 0)
    first = may_first - ONE_DAY * back
    return first, first + ONE_DAY * 4


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + ONE_DAY * offset for offset in range((last - first).days + 1)]


@lru_cache(maxsize=16)
def provisional_schedule(year: int) -> ProvisionalSchedule:
    """The provisional holidays and make-up workdays of ``year`` (only dates inside ``year``)."""
    statutory = statutory_holidays(year)
    by_name: dict[str, list[datetime.date]] = {}
    for day, name in statutory:
        by_name.setdefault(name, []).append(day)
    mid_autumn = by_name["中秋节"][0]
    blocks: dict[str, tuple[datetime.date, datetime.date]] = {}
    blocks["元旦"] = _three_day_block(D(year, 1, 1))
    eve = spring_festival_eve(year)
    blocks["春节"] = (eve, eve + ONE_DAY * 7)
    blocks["清明节"] = _three_day_block(by_name["清明节"][0])
    blocks["劳动节"] = _labour_block(year)
    blocks["端午节"] = _three_day_block(by_name["端午节"][0])
    if D(year, 9, 29) <= mid_autumn <= D(year, 10, 8):
        first = min(mid_autumn, D(year, 10, 1))
        blocks["国庆节、中秋节"] = (first, first + ONE_DAY * 7)
    else:
        blocks["中秋节"] = _three_day_block(mid_autumn)
        blocks["国庆节"] = (D(year, 10, 1), D(year, 10, 7))

    statutory_days = {day for day, _name in statutory}
    in_blocks = {day for first, last in blocks.values() for day in _days(first, last)}
    holidays: dict[datetime.date, str] = {}
    workdays: dict[datetime.date, str] = {}
    for name, (first, last) in sorted(blocks.items(), key=lambda item: item[1]):
        days = _days(first, last)
        for day in days:
            holidays[day] = name
        borrowed = sum(1 for day in days if day.weekday() < SATURDAY and day not in statutory_days)
        lost = sum(1 for day in days if day.weekday() >= SATURDAY and day in statutory_days)
        needed = borrowed - lost
        if needed <= 0:
            continue
        before = [first - ONE_DAY * offset for offset in range(1, 15)]
        after = [last + ONE_DAY * offset for offset in range(1, 15)]
        before = [
            day
            for day in before
            if day.weekday() >= SATURDAY and day not in in_blocks and day not in workdays
        ]
        after = [
            day for day in after if day.weekday() >= SATURDAY and day not in in_blocks and day not in workdays
        ]
        chosen: list[datetime.date] = []
        if needed == 1:
            nearest = min(
                before[:1] + after[:1],
                key=lambda day: abs((day - first).days) if day < first else (day - last).days,
            )
            chosen.append(nearest)
        else:
            while len(chosen) < needed and (before or after):
                for side in (before, after):
                    if side and len(chosen) < needed:
                        chosen.append(side.pop(0))
        for day in chosen:
            workdays[day] = name
    inside = lambda day: day.year == year  # noqa: E731 (days of a block in the previous year belong to a published year)
    return ProvisionalSchedule(
        year=year,
        statutory=tuple(statutory),
        holidays=tuple(sorted((day, name) for day, name in holidays.items() if inside(day))),
        workdays=tuple(sorted((day, name) for day, name in workdays.items() if inside(day))),
        blocks=blocks,
    )
