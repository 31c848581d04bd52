"""Reads of the main-responsibility lists, narrowed to the reader: the discipline office, district leaders and
administrators see every organ's; a unit's handlers and leaders see their own unit's (and those below it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import has_role

from .models import DutyList, DutyNotice, DutyStatus, DutyTask, TaskState


def sees_all(user) -> bool:
    """The discipline office, district leaders and administrators (the page's ``sees_all``)."""
    from qinqing.core.access import sees_all as reaches_every

    return reaches_every(user, "supervision:duties")


def years_shown() -> list[int]:
    """The years the pages and the API offer: next year's list, this year's and three before, newest first."""
    this_year = clock.today().year
    return list(range(this_year + 1, this_year - 4, -1))


def _scope(user) -> set[int] | None:
    """None: every unit; else the ids of the units the user's lists may belong to."""
    from qinqing.directory.selectors import unit_scope_ids

    from .services import UNIT_STAFF_ROLES

    if sees_all(user):
        return None
    if has_role(user, *UNIT_STAFF_ROLES):
        return unit_scope_ids(user)
    return set()


def lists_for(user) -> QuerySet[DutyList]:
    rows = DutyList.objects.select_related("unit", "first_responsible__person")
    scope = _scope(user)
    return rows if scope is None else rows.filter(unit_id__in=scope)


def duty_for(user, pk) -> DutyList:
    try:
        return lists_for(user).get(pk=pk)
    except (DutyList.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def task_for(user, pk) -> DutyTask:
    try:
        task = DutyTask.objects.select_related("duty_list").get(pk=pk)
    except (DutyTask.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error
    duty_for(user, task.duty_list_id)
    return task


def tasks_by_list(duty_ids) -> dict[int, list[DutyTask]]:
    """The tasks of several lists in one query (the ledger's export), each list's by due date."""
    found: dict[int, list[DutyTask]] = {}
    rows = DutyTask.objects.filter(duty_list_id__in=list(duty_ids)).select_related("owner__person")
    for task in rows.order_by("due_on", "pk"):
        found.setdefault(task.duty_list_id, []).append(task)
    return found


def tasks_of(duty_list) -> list[DutyTask]:
    return list(duty_list.tasks.select_related("owner__person").order_by("due_on", "pk"))


@dataclass
class CoverageRow:
    unit: object
    duty: DutyList | None
    tasks: int = 0
    done: int = 0
    overdue: int = 0


def coverage(user, year: int, today: datetime.date | None = None) -> list[CoverageRow]:
    """Every organ in office the reader sees, with its list for ``year`` (or none) and its tasks' counts."""
    from .services import keeping_units

    today = today or clock.today()
    scope = _scope(user)
    units = keeping_units().order_by("code")
    if scope is not None:
        units = units.filter(pk__in=scope)
    lists = {
        row.unit_id: row
        for row in lists_for(user)
        .filter(year=year)
        .annotate(
            n_tasks=Count("tasks"),
            n_done=Count("tasks", filter=Q(tasks__state=TaskState.DONE)),
            n_overdue=Count("tasks", filter=Q(tasks__state=TaskState.PLANNED, tasks__due_on__lt=today)),
        )
    }
    rows = []
    for unit in units:
        duty = lists.get(unit.pk)
        rows.append(
            CoverageRow(
                unit,
                duty,
                duty.n_tasks if duty else 0,
                duty.n_done if duty else 0,
                duty.n_overdue if duty and duty.status == DutyStatus.FILED else 0,
            )
        )
    return rows


def creatable_units(user, year: int):
    """The organs the user may draw up a list for in ``year``: in their scope, without one yet."""
    from qinqing.directory.models import Unit

    from .services import UNIT_STAFF_ROLES, keeping_units

    scope = _scope(user) if has_role(user, *UNIT_STAFF_ROLES) else None
    if not scope:
        return Unit.objects.none()
    taken = DutyList.objects.filter(year=year).values_list("unit_id", flat=True)
    units = keeping_units().filter(pk__in=scope).exclude(pk__in=taken)
    return units.order_by("code")


def unit_officials(unit_id: int):
    """The officials in office in a unit: who may be its first responsible person or answer for a task."""
    from qinqing.directory.models import Official

    return Official.objects.filter(unit_id=unit_id, is_active=True).select_related("person").order_by("pk")


def notices_for(user, limit: int = 20) -> list[DutyNotice]:
    return list(
        DutyNotice.objects.filter(recipient=user)
        .select_related("unit", "notification")
        .order_by("-created_at", "-pk")[:limit]
    )


def awaiting_review(user) -> list[DutyList]:
    """Year-end reports filed and not yet reviewed, of any year (what the discipline office has to read)."""
    from qinqing.core.roles import Role

    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        return []
    return list(lists_for(user).filter(status=DutyStatus.REPORTED).order_by("reported_at", "pk"))
