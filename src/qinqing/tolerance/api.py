"""The fault-tolerance API: statistics for the discipline office (article 22)."""

from __future__ import annotations

from ninja import Router, Schema

from . import selectors

router = Router(tags=["tolerance"])


class CountOut(Schema):
    label: str
    count: int


class StatisticsOut(Schema):
    year: int | None
    total: int
    open: int
    overdue: int
    clearings: int
    revisits_due: int
    revisits_done: int
    case_factors: int
    by_status: list[CountOut]
    by_determination: list[CountOut]


@router.get("/statistics", response=StatisticsOut)
def statistics(request, year: int | None = None):
    data = selectors.statistics(year)
    for key in ("by_status", "by_determination"):
        data[key] = [{"label": str(label), "count": count} for label, count in data[key]]
    return data
