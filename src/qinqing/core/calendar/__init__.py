"""Working days: statutory holidays and make-up workdays (调休) are data, not guesses.

Rules (the State Council schedule, loaded per year into ``CalendarYear``/``CalendarDay``):

* a make-up workday (调休上班) is a working day even on a Saturday or Sunday;
* a holiday is not a working day;
* otherwise Monday to Friday are working days, Saturday and Sunday are not.

A period of N working days starts counting on the day AFTER the start date:
``add_workdays(Friday 2025-09-26, 1)`` is Sunday 2025-09-28, a make-up workday before
National Day; ``add_workdays(Friday 2025-09-19, 1)`` is Monday 2025-09-22.

The year after the latest loaded year is PROVISIONAL (暂定): it is answered from the
statutory holidays and the published arrangement principles (``calendar.provisional``)
instead of being refused, and callers mark what they computed on it
(``deadline_info(...).provisional``, ``is_provisional(day)``). Any date in a year beyond
that, or before the first loaded year, raises ``ServiceError`` with code
``calendar_year_not_loaded`` naming the year, including when counting runs past the end of
the provisional year. Loading the official schedule (``workdays notice``) makes the year
official and the next one provisional; ``calendar.services`` then has every open deadline
counted on the provisional year recounted.

Speed: the loaded years are read once into sets and kept per process. The calendar
services clear the cache on every change (and again when their transaction commits);
other processes notice a change within ``QINQING_CALENDAR_CACHE_SECONDS`` (60 s by
default; 0 in test mode, so a rolled-back test never leaks its calendar to the next).
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..errors import ServiceError

SATURDAY = 5


@dataclass(frozen=True)
class CalendarSnapshot:
    """The loaded schedule at one moment: years, holiday dates, make-up workday dates."""

    years: frozenset[int] = frozenset()
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    names: dict[datetime.date, str] = field(default_factory=dict)
    fingerprint: tuple = ()
    provisional_year: int | None = None

    def covers(self, year: int) -> bool:
        """Whether dates in ``year`` can be counted (a loaded year or the provisional one)."""
        return year in self.years or year == self.provisional_year

    def is_provisional(self, day: datetime.date) -> bool:
        """Whether ``day`` lies in the provisional year (its schedule is not published yet)."""
        return day.year == self.provisional_year

    def deadline_info(self, start: datetime.date, days: int) -> Deadline:
        """The due date ``days`` working days after ``start`` and whether the count used the
        provisional year (counting only moves forward, so the due date's year decides)."""
        due = self.add_workdays(start, days)
        return Deadline(due, self.is_provisional(due) or self.is_provisional(start))

    def require_year(self, year: int) -> None:
        if not self.covers(year):
            raise ServiceError(
                _(
                    "The working-day calendar for %(year)s is not loaded: an administrator must "
                    "enter that year's "
                    "holidays and make-up workdays first."
                ),
                code="calendar_year_not_loaded",
                field="date",
                params={"year": year},
            )

    def is_workday(self, day: datetime.date) -> bool:
        self.require_year(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < SATURDAY

    def add_workdays(self, start: datetime.date, days: int) -> datetime.date:
        if days < 0:
            raise ServiceError(
                _("The number of working days must be zero or more, not %(days)s."),
                code="invalid_workdays",
                field="days",
                params={"days": days},
            )
        self.require_year(start.year)
        current = start
        remaining = days
        while remaining:
            current += datetime.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        if end < start:
            return -self.workdays_between(end, start)
        self.require_year(start.year)
        count = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


@dataclass(frozen=True)
class Deadline:
    """A due date and whether it was counted on the provisional year (暂定)."""

    due: datetime.date
    provisional: bool


_lock = threading.Lock()
_cached: CalendarSnapshot | None = None
_checked_at = 0.0


def _cache_seconds() -> float:
    default = 0 if getattr(settings, "MODE", "") == "test" else 60
    return float(getattr(settings, "QINQING_CALENDAR_CACHE_SECONDS", default))


def _fingerprint() -> tuple:
    from django.db.models import Count, Max

    from ..models import CalendarYear

    summary = CalendarYear.objects.aggregate(count=Count("id"), latest=Max("loaded_at"), highest=Max("id"))
    return (summary["count"], summary["latest"], summary["highest"])


def _load(fingerprint: tuple) -> CalendarSnapshot:
    from ..models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays, workdays, names = set(), set(), {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
        names[day] = name
    provisional_year = max(years) + 1 if years else None
    if provisional_year is not None:
        from .provisional import provisional_schedule

        schedule = provisional_schedule(provisional_year)
        for target, entries in ((holidays, schedule.holidays), (workdays, schedule.workdays)):
            for day, name in entries:
                target.add(day)
                names[day] = name
    return CalendarSnapshot(
        frozenset(years), frozenset(holidays), frozenset(workdays), names, fingerprint, provisional_year
    )


def snapshot() -> CalendarSnapshot:
    """The loaded schedule (cached; re-read when it changed). Use it directly in loops."""
    global _cached, _checked_at
    now = time.monotonic()
    with _lock:
        cached, checked_at = _cached, _checked_at
    if cached is not None and now - checked_at < _cache_seconds():
        return cached
    fingerprint = _fingerprint()
    if cached is None or cached.fingerprint != fingerprint:
        cached = _load(fingerprint)
    with _lock:
        _cached, _checked_at = cached, now
    return cached


def invalidate() -> None:
    """Forget the cached schedule (the calendar services call this on every change)."""
    global _cached, _checked_at
    with _lock:
        _cached, _checked_at = None, 0.0


def is_workday(day: datetime.date) -> bool:
    """Whether ``day`` is a working day."""
    return snapshot().is_workday(day)


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (counting starts the day after ``start``).

    ``days=0`` returns ``start`` itself.
    """
    return snapshot().add_workdays(start, days)


def deadline(start: datetime.date, days: int) -> datetime.date:
    """The due date of a time limit of ``days`` working days starting on ``start``."""
    return add_workdays(start, days)


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days AFTER ``start`` up to and INCLUDING ``end``.

    So ``workdays_between(start, add_workdays(start, n)) == n``; 0 when ``end == start``;
    negative (the same count with a minus sign) when ``end`` is before ``start``, so
    ``workdays_between(deadline, today) > 0`` means "that many working days overdue".
    """
    return snapshot().workdays_between(start, end)


def deadline_info(start: datetime.date, days: int) -> Deadline:
    """Like ``deadline`` but also says whether the due date is provisional (暂定)."""
    return snapshot().deadline_info(start, days)


def is_provisional(day: datetime.date) -> bool:
    """Whether ``day`` lies in the provisional year (the year after the last published one)."""
    return snapshot().is_provisional(day)


def year_schedule(year: int) -> dict:
    """One year as data: ``{"year", "provisional", "holidays": [date, ...], "workdays": [...],
    "names": {date: name}}`` (workdays: the weekend days that are make-up working days).
    Refuses a year that is neither loaded nor provisional."""
    current = snapshot()
    current.require_year(year)
    holidays = sorted(day for day in current.holidays if day.year == year)
    workdays = sorted(day for day in current.workdays if day.year == year)
    names = {day: current.names.get(day, "") for day in (*holidays, *workdays)}
    return {"year": year, "provisional": current.is_provisional(datetime.date(year, 1, 1)),
            "holidays": holidays, "workdays": workdays, "names": names}


WARNING_FROM_MONTH = 11


def next_year_warning(today: datetime.date | None = None) -> dict | None:
    """From 1 November until next year's schedule is loaded — and on into that year if it is
    still not loaded (``days_left`` 0) — ``{"year", "provisional", "days_left"}`` for the warning
    administrators and the supervision office see; else None."""
    from .. import clock

    today = today or clock.today()
    current = snapshot()
    if current.years and today.year not in current.years:
        # The year has begun and its schedule is still not loaded: keep warning (days_left 0).
        return {"year": today.year, "provisional": current.provisional_year == today.year, "days_left": 0}
    if today.month < WARNING_FROM_MONTH:
        return None
    year = today.year + 1
    if year in current.years:
        return None
    return {"year": year, "provisional": current.provisional_year == year,
            "days_left": (datetime.date(year, 1, 1) - today).days}


from .lookahead import LookAhead as LookAhead  # noqa: E402 (a job's count ahead, record by record; uses the above)
