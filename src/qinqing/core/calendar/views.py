"""Administrator pages of the working-day calendar: view a year as a month grid, edit a year."""

import calendar as month_calendar
import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import calendar, clock
from ..errors import ServiceError
from ..models import CalendarDay, CalendarYear
from .notice import parse_notice
from .services import calendar_notice_load, calendar_year_set, parse_schedule_lines


def _month_grid(year: int, days: dict[datetime.date, CalendarDay]) -> list[dict]:
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                entry = days.get(day)
                if day.month != month:
                    css = "outside"
                elif entry is not None:
                    css = entry.kind
                elif day.weekday() >= 5:
                    css = "weekend"
                else:
                    css = ""
                cells.append(
                    {
                        "date": day,
                        "in_month": day.month == month,
                        "css": css,
                        "name": entry.name if entry else "",
                    }
                )
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    return months


def _schedule_lines(calendar_year: CalendarYear | None) -> str:
    if calendar_year is None:
        return ""
    return "\n".join(
        f"{day.date.isoformat()},{day.kind},{day.name}" for day in calendar_year.days.order_by("date")
    )


def calendar_index(request):
    years = CalendarYear.objects.order_by("year")
    next_year = clock.today().year + 1
    provisional_year = calendar.snapshot().provisional_year
    return render(
        request,
        "core/calendar_index.html",
        {"years": years, "next_year": next_year, "provisional_year": provisional_year},
    )


def calendar_year(request, year: int):
    calendar_year = CalendarYear.objects.filter(year=year).first()
    if calendar_year is None:
        if calendar.snapshot().provisional_year != year:
            raise Http404
        days = _schedule_days(calendar.year_schedule(year))  # the provisional year (暂定)
        context = {"year": year, "provisional": True, "months": _month_grid(year, days),
                   "days": sorted(days.values(), key=lambda d: d.date)}
        return render(request, "core/calendar_year.html", context)
    days = {day.date: day for day in calendar_year.days.all()}
    context = {"year": year, "calendar_year": calendar_year, "months": _month_grid(year, days),
               "days": sorted(days.values(), key=lambda d: d.date)}
    return render(request, "core/calendar_year.html", context)


def _schedule_days(schedule: dict) -> dict[datetime.date, CalendarDay]:
    """Unsaved ``CalendarDay`` rows for a computed or parsed year (for the month grid)."""
    days = {day: CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, name=schedule["names"].get(day, ""))
            for day in schedule["holidays"]}
    days.update(
        {
            day: CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY, name=schedule["names"].get(day, ""))
            for day in schedule["workdays"]
        }
    )
    return days


@require_http_methods(["GET", "POST"])
def calendar_edit(request, year: int):
    calendar_year = CalendarYear.objects.filter(year=year).first()
    lines = _schedule_lines(calendar_year)
    error = None
    if request.method == "POST":
        lines = request.POST.get("lines", "")
        try:
            holidays, workdays = parse_schedule_lines(lines)
            if not holidays:
                raise ServiceError(
                    _("Enter at least one holiday."), code="calendar_no_holidays", field="lines"
                )
            calendar_year_set(year=year, holidays=holidays, workdays=workdays, actor=request.user)
        except ServiceError as service_error:
            error = service_error.text()
        else:
            messages.success(request, _("The working-day calendar for %(year)s was saved.") % {"year": year})
            return redirect("core:calendar_year", year=year)
    context = {"year": year, "calendar_year": calendar_year, "lines": lines, "error": error}
    return render(request, "core/calendar_edit.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def calendar_notice(request):
    """Paste the State Council notice, see the parsed year as a calendar next to the text, confirm.

    "preview" only parses; "load" parses again and saves through ``calendar_notice_load`` (every
    row audited, the notice's title and number on the year's event)."""
    text = request.POST.get("text", "") if request.method == "POST" else ""
    replace = request.POST.get("replace") == "on"
    context = {"text": text, "replace": replace, "error": None, "notice": None}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "load":
                loaded = calendar_notice_load(text=text, actor=request.user, replace=replace)
                messages.success(
                    request,
                    _("The working-day calendar for %(year)s was loaded from the notice.")
                    % {"year": loaded.notice.year},
                )
                return redirect("core:calendar_year", year=loaded.notice.year)
            notice = parse_notice(text)
            holidays, workdays = notice.for_year(notice.year)
            names = {day: name for day, name in (*holidays, *workdays)}
            days = _schedule_days(
                {
                    "holidays": [day for day, _name in holidays],
                    "workdays": [day for day, _name in workdays],
                    "names": names,
                }
            )
            context.update(
                {
                    "notice": notice,
                    "year": notice.year,
                    "months": _month_grid(notice.year, days),
                    "days": sorted(days.values(), key=lambda d: d.date),
                    "loaded": CalendarYear.objects.filter(year=notice.year).first(),
                    "earlier": [
                        (day, name)
                        for day, name in (*notice.holidays, *notice.workdays)
                        if day.year != notice.year
                    ],
                }
            )
        except ServiceError as service_error:
            context["error"] = service_error.text()
    return render(request, "core/calendar_notice.html", context, status=400 if context["error"] else 200)
