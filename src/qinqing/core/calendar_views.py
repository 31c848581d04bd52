"""Administrator pages of the working-day calendar: view a year as a month grid, edit a year."""

import calendar as month_calendar
import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import clock
from .calendar_services import calendar_year_set, parse_schedule_lines
from .errors import ServiceError
from .models import CalendarDay, CalendarYear


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
                cells.append({"date": day, "in_month": day.month == month, "css": css, "name": entry.name if entry else ""})
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    return months


def _schedule_lines(calendar_year: CalendarYear | None) -> str:
    if calendar_year is None:
        return ""
    return "\n".join(f"{day.date.isoformat()},{day.kind},{day.name}" for day in calendar_year.days.order_by("date"))


def calendar_index(request):
    years = CalendarYear.objects.order_by("year")
    next_year = clock.today().year + 1
    return render(request, "core/calendar_index.html", {"years": years, "next_year": next_year})


def calendar_year(request, year: int):
    calendar_year = CalendarYear.objects.filter(year=year).first()
    if calendar_year is None:
        raise Http404
    days = {day.date: day for day in calendar_year.days.all()}
    context = {"calendar_year": calendar_year, "months": _month_grid(year, days), "days": sorted(days.values(), key=lambda d: d.date)}
    return render(request, "core/calendar_year.html", context)


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
                raise ServiceError(_("Enter at least one holiday."), code="calendar_no_holidays", field="lines")
            calendar_year_set(year=year, holidays=holidays, workdays=workdays, actor=request.user)
        except ServiceError as service_error:
            error = service_error.text()
        else:
            messages.success(request, _("The working-day calendar for %(year)s was saved.") % {"year": year})
            return redirect("core:calendar_year", year=year)
    context = {"year": year, "calendar_year": calendar_year, "lines": lines, "error": error}
    return render(request, "core/calendar_edit.html", context, status=400 if error else 200)
