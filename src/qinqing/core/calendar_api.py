"""Working-day arithmetic over the API (scope ``calendar:read``)."""

import datetime

from ninja import Router, Schema

from . import calendar
from .api import ErrorOut

router = Router(tags=["calendar"])


class AddOut(Schema):
    start: datetime.date
    days: int
    due: datetime.date


class BetweenOut(Schema):
    start: datetime.date
    end: datetime.date
    workdays: int


@router.get("/add", response={200: AddOut, 400: ErrorOut, 403: ErrorOut}, summary="Due date N working days after a date")
def add(request, start: datetime.date, days: int):
    """Counting starts the day after ``start``; holidays and make-up workdays (调休) follow the loaded schedule."""
    return {"start": start, "days": days, "due": calendar.add_workdays(start, days)}


@router.get("/between", response={200: BetweenOut, 400: ErrorOut, 403: ErrorOut}, summary="Working days between two dates")
def between(request, start: datetime.date, end: datetime.date):
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    return {"start": start, "end": end, "workdays": calendar.workdays_between(start, end)}
