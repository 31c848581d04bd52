"""Appeal statistics API (article 8), scope ``appeals:read``: the dashboard's figures and overdue list.

Mounted at /api/v1/appeals-stats/. A session user must hold a dashboard role (the
supervision office or a discipline inspector).
"""

import datetime

from ninja import Router, Schema

from qinqing.core.api import ID_MAX, ErrorOut, bounded_query

from . import figures

router = Router(tags=["appeals statistics"])


class CountsOut(Schema):
    received: int
    merged: int
    replied: int
    due: int
    on_time: int
    overdue: int
    rated: int
    satisfied: int
    basically_satisfied: int
    on_time_rate: float | None = None
    reply_rate: float | None = None
    satisfaction_rate: float | None = None


class LineOut(CountsOut):
    unit_id: int | None = None
    unit: str | None = None
    month: str | None = None


class StatsOut(Schema):
    from_month: str
    to_month: str
    unit_id: int | None = None
    computed_at: datetime.datetime | None = None
    definitions: dict[str, str]
    total: CountsOut
    units: list[LineOut]
    months: list[LineOut]
    cells: list[LineOut]


class OverdueOut(Schema):
    tracking_number: str
    title: str
    status: str
    level: str
    round: int
    handling_unit: str | None = None
    due_at: datetime.date
    days_overdue: int


class OverduePageOut(Schema):
    count: int
    results: list[OverdueOut]


DEFINITIONS = {
    "on_time_rate": "answered on or before the deadline / (answered with a deadline + open past the "
    "deadline); "
    "percent",
    "reply_rate": "replied at least once / received (merged duplicates excluded); percent",
    "satisfaction_rate": "(satisfied + basically satisfied) / all ratings, every round; percent",
    "overdue": "open with the deadline before the day the figures were computed",
    "article": "8",
}


def _line(line: figures.Line) -> dict:
    return {**line.as_dict(), "unit_id": line.unit_id, "unit": line.unit_name or None,
            "month": f"{line.month:%Y-%m}" if line.month else None}


@router.get("/stats", response={200: StatsOut, 400: ErrorOut, 403: ErrorOut},
            summary="On-time, reply and satisfaction rates per unit and month")
def stats(request, from_month: str | None = None, to_month: str | None = None,
          unit: int | None = bounded_query(None, high=ID_MAX)):
    flt = figures.make_filter(from_month=from_month, to_month=to_month, unit=unit)
    result = figures.figures(flt)
    return {
        "from_month": f"{flt.first_month:%Y-%m}",
        "to_month": f"{flt.last_month:%Y-%m}",
        "unit_id": flt.unit_id,
        "computed_at": result.computed_at,
        "definitions": DEFINITIONS,
        "total": result.total.as_dict(),
        "units": [_line(line) for line in result.units],
        "months": [_line(line) for line in result.months],
        "cells": [_line(line) for line in result.cells],
    }


@router.get(
    "/overdue",
    response={200: OverduePageOut, 400: ErrorOut, 403: ErrorOut},
    summary="Overdue appeals, longest overdue first",
)
def overdue(request, unit: int | None = bounded_query(None, high=ID_MAX), limit: int = 50):
    rows, count = figures.overdue_list(figures.make_filter(unit=unit), limit=max(1, min(limit, 500)))
    return {
        "count": count,
        "results": [
            {
                "tracking_number": row["tracking_number"],
                "title": row["title"],
                "status": row["status"],
                "level": row["level"],
                "round": row["round"],
                "handling_unit": row["handling_unit__name"],
                "due_at": row["due_at"],
                "days_overdue": row["days_overdue"],
            }
            for row in rows
        ],
    }
