"""Working days: statutory holidays and make-up workdays (调休) are data, not guesses.

Rules (the State Council schedule, loaded per year into ``CalendarYear``/``CalendarDay``):

* a make-up workday (调休上班) is a working day even on a Saturday or Sunday;
* a holiday is not a working day;
* otherwise Monday to Friday are working days, Saturday and Sunday are not.

A period of N working days starts counting on the day AFTER the start date:
``add_workdays(Friday 2025-09-26, 1)`` is Sunday 2025-09-28, a make-up workday before
National Day; ``add_workdays(Friday 2025-09-19, 1)`` is Monday 2025-09-22.

Any date in a year whose schedule is not loaded raises ``ServiceError`` with code
``calendar_year_not_loaded`` naming the year, including when counting runs past the
end of a loaded year into an unloaded one.

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

from .errors import ServiceError

SATURDAY = 5


@dataclass(frozen=True)
class CalendarSnapshot:
    """The loaded schedule at one moment: years, holiday dates, make-up workday dates."""

    years: frozenset[int] = frozenset()
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    names: dict[datetime.date, str] = field(default_factory=dict)
    fingerprint: tuple = ()

    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise ServiceError(
                _("The working-day calendar for %(year)s is not loaded: an administrator must enter that year's "
                  "holidays and make-up workdays first."),
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


_lock = threading.Lock()
_cached: CalendarSnapshot | None = None
_checked_at = 0.0


def _cache_seconds() -> float:
    default = 0 if getattr(settings, "MODE", "") == "test" else 60
    return float(getattr(settings, "QINQING_CALENDAR_CACHE_SECONDS", default))


def _fingerprint() -> tuple:
    from django.db.models import Count, Max

    from .models import CalendarYear

    summary = CalendarYear.objects.aggregate(count=Count("id"), latest=Max("loaded_at"), highest=Max("id"))
    return (summary["count"], summary["latest"], summary["highest"])


def _load(fingerprint: tuple) -> CalendarSnapshot:
    from .models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays, workdays, names = set(), set(), {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
        names[day] = name
    return CalendarSnapshot(frozenset(years), frozenset(holidays), frozenset(workdays), names, fingerprint)


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


def holiday_name(day: datetime.date) -> str:
    """The name of the holiday or make-up workday on ``day`` ("" for an ordinary day)."""
    return snapshot().names.get(day, "")
