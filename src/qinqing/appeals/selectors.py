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

from qinqing.core import calendar, clock
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.roles import has_role
from qinqing.directory.selectors import enterprises_for_user, unit_scope_ids

from .models import OPEN_STATUSES, Appeal, Attachment, Level, Status  # noqa: F401 (OPEN_STATUSES re-exported)
from .services import HANDLER_ROLES
from .workflow.services import is_supervision


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


def attachments_of(appeal: Appeal) -> QuerySet[Attachment]:
    """An appeal's files, with those of the repeated submissions merged into it (a merged repeat's files
    are filed on its original; earlier ones stayed on the repeat)."""
    return Attachment.objects.filter(Q(appeal=appeal) | Q(appeal__merged_into=appeal)).order_by("pk")


def access_attachment(actor, pk) -> Attachment:
    """A file of an appeal the actor may open, or of a repeat merged into one (``NotFound`` alike for a
    missing and a forbidden file)."""
    visible = appeals_visible_to(actor).values("pk")
    try:
        return (
            Attachment.objects.select_related("appeal")
            .filter(Q(appeal__in=visible) | Q(appeal__merged_into__in=visible))
            .get(pk=pk)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def handler_queue(user) -> QuerySet[Appeal]:
    """The user's unit's open appeals (lead unit), earliest deadline first."""
    units = unit_scope_ids(user)
    if not units:
        return Appeal.objects.none()
    return _base().filter(handling_unit_id__in=units, status__in=OPEN_STATUSES).order_by("due_at", "pk")


def enterprise_appeals(user) -> QuerySet[Appeal]:
    """An enterprise user's own appeals (merged duplicates included: nothing is hidden)."""
    return (
        _base()
        .filter(Q(submitted_by=user) | Q(enterprise__in=enterprises_for_user(user).values("pk")))
        .order_by("-received_at", "-pk")
    )


def supervision_list(*, level: str | None = None) -> QuerySet[Appeal]:
    """督办: open appeals moved up by the sweep, oldest deadline first."""
    levels = [level] if level else [Level.SUPERVISION, Level.DISTRICT_LEADER]
    return _base().filter(level__in=levels, status__in=OPEN_STATUSES).order_by("due_at", "pk")


def handler_queue_all(*, unit=None) -> QuerySet[Appeal]:
    """Every unit's open appeals (API keys, the supervision office), optionally one unit's, earliest deadline first."""  # noqa: E501
    appeals = _base().filter(handling_unit__isnull=False, status__in=OPEN_STATUSES)
    if unit is not None:
        appeals = appeals.filter(handling_unit=unit)
    return appeals.order_by("due_at", "pk")


# Timeline steps that stay inside the administration: the unit's objection to an assignment
# (it names the unit and its reason), the supervision office's urging and the sweep's
# reminders to the unit, revisit notes (what the unit wrote down after calling back), and
# any kind marked internal. Kinds are the workflow's action names (workflow.services.TRANSITIONS)
# and the sweep's action suffixes; "objection", "note" etc. are kept for older rows.
INTERNAL_STEP_KINDS = frozenset({
    "object", "objection", "objection_decided", "urge", "urge_before_deadline", "revisit",
    "note", "internal_note", "triage_suggestion",
})


def is_internal_step(kind: str) -> bool:
    return kind in INTERNAL_STEP_KINDS or kind.startswith("internal")


def public_timeline(appeal: Appeal) -> list:
    """The steps the enterprise may see (portal status page, its detail page, the API)."""
    return [step for step in appeal.steps.all() if not is_internal_step(step.kind)]


def timeline_for(actor, appeal: Appeal) -> list:
    """The whole timeline for the supervision office and the handling unit; the public one for everyone else."""  # noqa: E501
    if _is_staff_of(actor, appeal):
        return list(appeal.steps.all())
    return public_timeline(appeal)


def _is_staff_of(actor, appeal: Appeal) -> bool:
    """A logged-in member of the supervision office, or a handler of the lead or a co-handling unit."""
    if not getattr(actor, "is_authenticated", False):
        return False  # API keys too: an external system gets what the enterprise gets
    if is_supervision(actor):
        return True
    if not has_role(actor, *HANDLER_ROLES):
        return False
    units = unit_scope_ids(actor)
    if appeal.handling_unit_id in units:
        return True
    return bool(units) and appeal.co_handling_units.filter(pk__in=units).exists()


def all_appeals() -> QuerySet[Appeal]:
    return _base().order_by("-received_at", "-pk")


def today() -> datetime.date:
    return clock.today()


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


__all__ = [
    "Status",
    "access_appeal",
    "access_attachment",
    "attachments_of",
    "appeals_visible_to",
    "handler_queue",
    "public_timeline",
    "supervision_list",
    "timeline_for",
]
