"""Appeal reads, already narrowed to what the actor may see (articles 6, 8).

- supervision office (district and supervising leaders, administrators) and API keys: every appeal;
- department handlers and officials: appeals whose handling unit (or a co-handling unit) is
  their unit or one of its sub-units;
- enterprise users: appeals of the enterprises they act for, and those they filed themselves.

``access_appeal`` answers ``NotFound`` alike for a missing and a forbidden appeal.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from qinqing.core import calendar
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.roles import has_role
from qinqing.directory.selectors import enterprises_for_user, unit_scope_ids

from .models import OPEN_STATUSES, Appeal, Level, Status  # noqa: F401 (OPEN_STATUSES re-exported)
from .services import HANDLER_ROLES, is_supervision


def _base() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("handling_unit", "enterprise", "handler__person")


def appeals_visible_to(actor) -> QuerySet[Appeal]:
    appeals = _base()
    if is_supervision(actor):
        return appeals
    if not getattr(actor, "is_authenticated", False):
        return appeals.none()
    visible = Q(submitted_by=actor) | Q(enterprise__in=enterprises_for_user(actor).values("pk"))
    if has_role(actor, *HANDLER_ROLES):
        units = unit_scope_ids(actor)
        if units:
            visible |= Q(handling_unit_id__in=units) | Q(co_handling_units__in=units)
    return appeals.filter(visible).distinct() if has_role(actor, *HANDLER_ROLES) else appeals.filter(visible)


def access_appeal(actor, pk) -> Appeal:
    try:
        return appeals_visible_to(actor).get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def access_appeal_by_number(actor, tracking_number: str) -> Appeal:
    appeal = appeals_visible_to(actor).filter(tracking_number=(tracking_number or "").strip().upper()).first()
    if appeal is None:
        raise NotFound(field="tracking_number")
    return appeal


def handler_queue(user) -> QuerySet[Appeal]:
    """The user's unit's open appeals (lead unit), earliest deadline first."""
    units = unit_scope_ids(user)
    if not units:
        return Appeal.objects.none()
    return _base().filter(handling_unit_id__in=units, status__in=OPEN_STATUSES).order_by("due_at", "pk")


def enterprise_appeals(user) -> QuerySet[Appeal]:
    """An enterprise user's own appeals (merged duplicates included: nothing is hidden)."""
    return _base().filter(Q(submitted_by=user) | Q(enterprise__in=enterprises_for_user(user).values("pk"))).order_by("-received_at", "-pk")


def supervision_list(*, level: str | None = None) -> QuerySet[Appeal]:
    """督办: open appeals moved up by the sweep, oldest deadline first."""
    levels = [level] if level else [Level.SUPERVISION, Level.DISTRICT_LEADER]
    return _base().filter(level__in=levels, status__in=OPEN_STATUSES).order_by("due_at", "pk")


def all_appeals() -> QuerySet[Appeal]:
    return _base().order_by("-received_at", "-pk")


def today() -> datetime.date:
    return timezone.localdate()


def is_overdue(appeal: Appeal, on: datetime.date | None = None) -> bool:
    return appeal.status in OPEN_STATUSES and appeal.due_at is not None and appeal.due_at < (on or today())


def days_overdue(appeal: Appeal, on: datetime.date | None = None) -> int:
    """Working days past the deadline (0 when not overdue)."""
    on = on or today()
    if not is_overdue(appeal, on):
        return 0
    try:
        return max(0, calendar.workdays_between(appeal.due_at, on))
    except ServiceError:
        return (on - appeal.due_at).days


def annotate_rows(appeals, on: datetime.date | None = None) -> list[Appeal]:
    """Attach ``overdue`` and ``days_overdue`` for the pages (computed, never stored)."""
    on = on or today()
    rows = list(appeals)
    for appeal in rows:
        appeal.overdue = is_overdue(appeal, on)
        appeal.days_overdue_count = days_overdue(appeal, on)
    return rows


__all__ = ["Status", "access_appeal", "appeals_visible_to", "handler_queue", "supervision_list"]
