"""Working-day arithmetic over the API (scope ``calendar:read``)."""

import datetime

from ninja import Router, Schema

from .. import calendar
from ..api import ErrorOut

router = Router(tags=["calendar"])


class AddOut(Schema):
    start: datetime.date
    days: int
    due: datetime.date
    provisional: bool  # counted on the provisional year (暂定): its schedule is not published yet


class BetweenOut(Schema):
    start: datetime.date
    end: datetime.date
    workdays: int
    provisional: bool


class YearOut(Schema):
    year: int
    provisional: bool
    holidays: list[datetime.date]
    workdays: list[datetime.date]  # the weekend days that are make-up working days (调休上班)


@router.get(
    "/add",
    response={200: AddOut, 400: ErrorOut, 403: ErrorOut},
    summary="Due date N working days after a date",
)
def add(request, start: datetime.date, days: int):
    """Counting starts the day after ``start``; holidays and make-up workdays (调休) follow the loaded schedule."""  # noqa: E501
    result = calendar.deadline_info(start, days)
    return {"start": start, "days": days, "due": result.due, "provisional": result.provisional}


@router.get(
    "/between",
    response={200: BetweenOut, 400: ErrorOut, 403: ErrorOut},
    summary="Working days between two dates",
)
def between(request, start: datetime.date, end: datetime.date):
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    provisional = calendar.is_provisional(start) or calendar.is_provisional(end)
    return {
        "start": start,
        "end": end,
        "workdays": calendar.workdays_between(start, end),
        "provisional": provisional,
    }


@router.get(
    "/years/{year}",
    response={200: YearOut, 400: ErrorOut, 403: ErrorOut},
    summary="One year's holidays and make-up workdays",
)
def year(request, year: int):
    """A loaded year, or the provisional year after the last loaded one (``provisional: true``)."""
    schedule = calendar.year_schedule(year)
    return {key: schedule[key] for key in ("year", "provisional", "holidays", "workdays")}
