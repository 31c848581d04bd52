"""Writes to the working-day calendar: set one year's schedule, load it from the State Council
notice, seed years from chinesecalendar.

Every change of a year's schedule tells the registered schedule listeners inside the same
transaction (``register_schedule_listener``): ``calendar.deadlines`` (every app's deadlines) recounts
the open deadlines that were counted on the provisional year, so loading the official schedule moves
them at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import audit, calendar, clock
from ..errors import ServiceError
from ..models import CalendarDay, CalendarYear
from .notice import ParsedNotice, parse_notice

# chinesecalendar names its holidays in English; the district uses the official Chinese names.
CHINESE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

DEFAULT_SEED_YEARS = (2024, 2025, 2026)
SATURDAY = 5

# Called as listener(year=, actor=, source=) inside the transaction that changed a year.
_listeners: list[Callable[..., object]] = []


def register_schedule_listener(listener: Callable[..., object]) -> None:
    """Call ``listener(year=, actor=, source=)`` whenever a year's schedule is set (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _validate(
    year: int, holidays: list[tuple[datetime.date, str]], workdays: list[tuple[datetime.date, str]]
) -> None:
    seen: set[datetime.date] = set()
    for kind, entries in (("holidays", holidays), ("workdays", workdays)):
        for day, _name in entries:
            if day.year != year:
                raise ServiceError(
                    _(
                        "%(date)s is not in %(year)s: every holiday and make-up workday must lie "
                        "in the year being set."
                    ),
                    code="calendar_date_outside_year",
                    field=kind,
                    params={"date": day.isoformat(), "year": year},
                )
            if day in seen:
                raise ServiceError(
                    _("%(date)s is listed twice: a day is either a holiday or a make-up workday, once."),
                    code="calendar_date_duplicate", field=kind, params={"date": day.isoformat()},
                )
            seen.add(day)
            if kind == "workdays" and day.weekday() < SATURDAY:
                raise ServiceError(
                    _("%(date)s is a weekday: a make-up workday must be a Saturday or a Sunday."),
                    code="calendar_workday_not_weekend", field=kind, params={"date": day.isoformat()},
                )


def calendar_year_set(
    *,
    year: int,
    holidays: Iterable[tuple[datetime.date, str]],
    workdays: Iterable[tuple[datetime.date, str]],
    actor,
    source: str = "administrator",
    details: dict | None = None,
) -> CalendarYear:
    """Replace one year's holidays and make-up workdays atomically, one audit event per change.

    Unchanged days keep their rows and get no event; removed days are deleted (event with
    the old state), changed ones updated, new ones created.
    """
    holidays, workdays = list(holidays), list(workdays)
    if not 1900 < year < 2200:
        raise ServiceError(_("%(year)s is not a plausible calendar year."), code="calendar_year_invalid",
                           field="year", params={"year": year})
    _validate(year, holidays, workdays)
    wanted = {day: (CalendarDay.Kind.HOLIDAY, name) for day, name in holidays}
    wanted.update({day: (CalendarDay.Kind.WORKDAY, name) for day, name in workdays})
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        if calendar_year is None:
            calendar_year = CalendarYear.objects.create(year=year, source=source[:100], loaded_at=clock.now())
            audit.record_event(
                actor=actor, action="core.calendaryear.create", instance=calendar_year, details=details or {}
            )
        else:
            before = audit.snapshot(calendar_year)
            calendar_year.source = source[:100]
            calendar_year.loaded_at = clock.now()
            calendar_year.save(update_fields=["source", "loaded_at"])
            audit.record_event(
                actor=actor,
                action="core.calendaryear.update",
                instance=calendar_year,
                before=before,
                details=details or {},
            )
        existing = {
            day.date: day
            for day in CalendarDay.objects.select_for_update().filter(calendar_year=calendar_year)
        }
        for date, day in existing.items():
            if date not in wanted:
                before = audit.snapshot(day)
                pk = day.pk
                day.delete()
                audit.record_event(
                    actor=actor,
                    action="core.calendarday.delete",
                    object_type=CalendarDay._meta.label,
                    object_id=pk,
                    before=before,
                    deleted=True,
                )
        for date in sorted(wanted):
            kind, name = wanted[date]
            day = existing.get(date)
            if day is None:
                day = CalendarDay.objects.create(calendar_year=calendar_year, date=date, kind=kind, name=name)
                audit.record_event(actor=actor, action="core.calendarday.create", instance=day)
            elif (day.kind, day.name) != (kind, name):
                before = audit.snapshot(day)
                day.kind, day.name = kind, name
                day.save(update_fields=["kind", "name"])
                audit.record_event(actor=actor, action="core.calendarday.update", instance=day, before=before)
        calendar.invalidate()
        transaction.on_commit(calendar.invalidate)
        for listener in _listeners:
            listener(year=year, actor=actor, source=calendar_year.source)
    return calendar_year


@dataclass(frozen=True)
class NoticeLoad:
    notice: ParsedNotice
    calendar_year: CalendarYear
    earlier_year_merged: int | None  # the previous year, when the notice's New Year reached into it


def notice_source(notice: ParsedNotice) -> str:
    return (
        f"国务院办公厅通知 {notice.document_number}".strip()
        if notice.document_number
        else f"国务院办公厅通知 {notice.year}"
    )


def calendar_notice_load(*, text: str, actor, replace: bool = False) -> NoticeLoad:
    """Load a year from the State Council notice text ("国务院办公厅关于YYYY年部分节假日安排的通知").

    A year already loaded is replaced only with ``replace=True``. Days the notice sets in the
    previous December (元旦 "2018年12月30日至2019年1月1日") are merged into that year when it is
    loaded (its other days are kept). One transaction; the calendar services audit every row;
    the year's audit event carries the notice's title and document number.
    """
    notice = parse_notice(text)
    holidays, workdays = notice.for_year(notice.year)
    details = {"notice": notice.title[:200], "document_number": notice.document_number}
    merged = None
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=notice.year).first()
        if existing is not None and not replace:
            raise ServiceError(
                _(
                    "The working-day calendar for %(year)s is already loaded (%(source)s); load "
                    "the notice with "
                    "“replace” to overwrite it."
                ),
                code="calendar_year_already_loaded",
                field="text",
                params={"year": notice.year, "source": existing.source},
            )
        source = notice_source(notice)
        earlier = notice.year - 1
        early_holidays, early_workdays = notice.for_year(earlier)
        if (early_holidays or early_workdays) and CalendarYear.objects.filter(year=earlier).exists():
            wanted = {
                day.date: (day.kind, day.name)
                for day in CalendarDay.objects.filter(calendar_year__year=earlier)
            }
            wanted.update({day: (CalendarDay.Kind.HOLIDAY, name) for day, name in early_holidays})
            wanted.update({day: (CalendarDay.Kind.WORKDAY, name) for day, name in early_workdays})
            previous_source = CalendarYear.objects.get(year=earlier).source
            calendar_year_set(
                year=earlier,
                holidays=[
                    (day, name) for day, (kind, name) in wanted.items() if kind == CalendarDay.Kind.HOLIDAY
                ],
                workdays=[
                    (day, name) for day, (kind, name) in wanted.items() if kind == CalendarDay.Kind.WORKDAY
                ],
                actor=actor,
                source=f"{previous_source}; {source}",
                details=details,
            )
            merged = earlier
        calendar_year = calendar_year_set(year=notice.year, holidays=holidays, workdays=workdays, actor=actor,
                                          source=source, details=details)
    return NoticeLoad(notice=notice, calendar_year=calendar_year, earlier_year_merged=merged)


def published_schedule(year: int) -> tuple[list[tuple[datetime.date, str]], list[tuple[datetime.date, str]]]:
    """The State Council schedule for ``year`` as shipped in the chinesecalendar package."""
    from chinese_calendar import constants

    def chinese(name: str) -> str:
        return CHINESE_HOLIDAY_NAMES.get(name, name)

    holidays = sorted((day, chinese(name)) for day, name in constants.holidays.items() if day.year == year)
    workdays = sorted((day, chinese(name)) for day, name in constants.workdays.items() if day.year == year)
    return holidays, workdays


def calendar_seed_years(*, years: Iterable[int] = DEFAULT_SEED_YEARS, actor) -> list[CalendarYear]:
    """Load ``years`` from chinesecalendar, skipping years already loaded (an administrator's
    edits are never overwritten by a re-seed). Returns the years loaded now."""
    import chinese_calendar

    loaded = []
    source = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    for year in years:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        holidays, workdays = published_schedule(year)
        if not holidays:
            raise ServiceError(
                _("The chinesecalendar package has no schedule for %(year)s; enter it on the calendar page."),
                code="calendar_year_not_published", field="years", params={"year": year},
            )
        loaded.append(
            calendar_year_set(year=year, holidays=holidays, workdays=workdays, actor=actor, source=source)
        )
    return loaded


def parse_schedule_lines(
    text: str,
) -> tuple[list[tuple[datetime.date, str]], list[tuple[datetime.date, str]]]:
    """Parse pasted lines ``YYYY-MM-DD,holiday,国庆节`` / ``YYYY-MM-DD,workday,国庆节``.

    Blank lines and lines starting with ``#`` are skipped; a wrong line raises a
    ``ServiceError`` naming its line number.
    """
    holidays, workdays = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("，", ",")
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(",")]
        try:
            day = datetime.date.fromisoformat(parts[0])
        except ValueError:
            day = None
        kind = parts[1].lower() if len(parts) > 1 else ""
        if day is None or kind not in CalendarDay.Kind.values or len(parts) > 3:
            raise ServiceError(
                _(
                    "Line %(line)s is not of the form YYYY-MM-DD,holiday,name or "
                    "YYYY-MM-DD,workday,name: %(text)s"
                ),
                code="calendar_line_invalid",
                field="lines",
                params={"line": number, "text": raw.strip()},
            )
        name = parts[2] if len(parts) > 2 else ""
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).append((day, name))
    return holidays, workdays
