"""Every write of the main-responsibility lists (article 16): one transaction, one audit event each.

The unit's own staff (a department handler or a supervising leader of the unit or a unit above it) draw up
the year's list, name its first responsible person, file it, record each task's performance and file the
year-end report; the discipline office reviews the report (``supervision.duty`` workflow) or returns it.
"""

from __future__ import annotations

import datetime
import functools

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, district, limits, workflow
from qinqing.core.audit import SystemActor
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from ..selectors import inspectors
from ..time_limits import DUTY_WARNING
from .models import DutyList, DutyNotice, DutyNoticeKind, DutyStatus, DutyTask, Rating, TaskState

SYSTEM = SystemActor("supervision.duties")
UNIT_STAFF_ROLES = (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)
# The list is filed with the discipline office by the end of March; the year-end report by the end of
# January of the next year (the district's practice; docs/OPERATIONS.md). A notice goes out this many
# working days before either date (``supervision.time_limits.DUTY_WARNING``, data), and every day after it
# until it is done, once per person.
FILE_BY = (3, 31)
REPORT_BY = (1, 31)
MAX_TASKS = 100


def keeping_units():
    """The bodies that keep a list (article 16: party committees, governments and their departments): every
    unit in office but a root that only groups the others (the district's own record in the directory)."""
    from django.db.models import Exists, OuterRef

    from qinqing.directory.models import Unit

    has_children = Exists(Unit.objects.filter(parent_id=OuterRef("pk")))
    return Unit.objects.filter(is_active=True).exclude(Q(parent__isnull=True) & Q(has_children))


def file_by(year: int) -> datetime.date:
    return datetime.date(year, *FILE_BY)


def report_by(year: int) -> datetime.date:
    return datetime.date(year + 1, *REPORT_BY)


def is_unit_staff(actor, unit_id: int) -> bool:
    """A department handler or supervising leader of the unit (or of a unit above it)."""
    from qinqing.directory.selectors import unit_scope_ids

    return has_role(actor, *UNIT_STAFF_ROLES) and unit_id in unit_scope_ids(actor)


def _staff_of_list(actor, duty_list) -> bool:
    return is_unit_staff(actor, duty_list.unit_id)


def _inspector(actor, _duty_list) -> bool:
    return has_role(actor, Role.DISCIPLINE_INSPECTOR)


UNIT, OFFICE = "unit_staff", "discipline_office"
DUTY_WORKFLOW = Workflow(
    name="supervision.duty",
    model=DutyList,
    actors={
        UNIT: ActorRule(_staff_of_list, roles=UNIT_STAFF_ROLES, label=_("the unit's staff")),
        OFFICE: ActorRule(_inspector, roles=(Role.DISCIPLINE_INSPECTOR,), label=_("the discipline office")),
    },
    transitions={
        "file": Transition((DutyStatus.DRAFT,), DutyStatus.FILED, (UNIT,), "16"),
        "report": Transition(
            (DutyStatus.FILED,),
            DutyStatus.REPORTED,
            (UNIT,),
            "16",
            requires={"report": _("The year-end report")},
        ),
        "review": Transition(
            (DutyStatus.REPORTED,),
            DutyStatus.REVIEWED,
            (OFFICE,),
            "16",
            requires={"rating": _("The opinion"), "opinion": _("The discipline office's opinion")},
        ),
        "return": Transition(
            (DutyStatus.REPORTED,),
            DutyStatus.FILED,
            (OFFICE,),
            "16",
            requires={"reason": _("The reason for returning the report")},
        ),
    },
)


def _unit_official(official, duty_list_unit_id: int, *, field: str, label):
    """``official`` must be in office in the list's unit (or None when allowed by the caller)."""
    if official is None:
        return None
    if not official.is_active or official.unit_id != duty_list_unit_id:
        raise ServiceError(
            _("%(label)s must be an official in office in the unit whose list this is."),
            code="not_in_unit",
            field=field,
            params={"label": label},
        )
    return official


def _year(year) -> int:
    this_year = clock.today().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 1:
        raise ServiceError(
            _("The year must be between %(low)d and %(high)d."),
            code="out_of_range",
            field="year",
            params={"low": this_year - 1, "high": this_year + 1},
        )
    return year


def duty_create(*, unit, year: int, first_responsible=None, actor) -> DutyList:
    """A unit's list for ``year`` (one per unit and year), drafted by its own staff."""
    year = _year(year)
    if not is_unit_staff(actor, unit.pk):
        raise PermissionDeniedError(
            _("Only the unit's own handlers and leaders draw up its main-responsibility list (article 16)."),
            field="unit",
        )
    if not keeping_units().filter(pk=unit.pk).exists():
        raise ServiceError(
            _("A main-responsibility list is kept by a body in office, not by the district's root record."),
            code="not_a_body",
            field="unit",
        )
    first_responsible = _unit_official(
        first_responsible, unit.pk, field="first_responsible", label=_("The first responsible person")
    )
    try:
        with transaction.atomic():
            row = DutyList.objects.create(
                unit=unit,
                year=year,
                first_responsible=first_responsible,
                created_by=actor,
                created_at=clock.now(),
            )
            audit.record_event(
                actor=actor, action="supervision.duty.create", instance=row, details={"article": "16"}
            )
    except IntegrityError as error:
        raise ConflictError(
            _("%(unit)s already has a main-responsibility list for %(year)d."),
            field="year",
            params={"unit": unit.name, "year": year},
        ) from error
    return row


def _locked_for_edit(duty_list, allowed: tuple[str, ...], actor, *, refused) -> DutyList:
    locked = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    if not is_unit_staff(actor, locked.unit_id):
        raise PermissionDeniedError(field="status")
    if locked.status not in allowed:
        raise ConflictError(
            refused, code="invalid_transition", field="status", params={"status": locked.get_status_display()}
        )
    return locked


def duty_set_responsible(*, duty_list, first_responsible, actor) -> DutyList:
    """Name (or change, as people move) the list's first responsible person, while the year's work is on."""
    if first_responsible is None:
        raise ServiceError(
            _("Choose the first responsible person."), code="required", field="first_responsible"
        )
    with transaction.atomic():
        locked = _locked_for_edit(
            duty_list,
            (DutyStatus.DRAFT, DutyStatus.FILED),
            actor,
            refused=_(
                "The first responsible person is fixed once the year-end report is filed (%(status)s)."
            ),
        )
        _unit_official(
            first_responsible,
            locked.unit_id,
            field="first_responsible",
            label=_("The first responsible person"),
        )
        before = audit.snapshot(locked)
        locked.first_responsible = first_responsible
        locked.save(update_fields=["first_responsible"])
        audit.record_event(
            actor=actor,
            action="supervision.duty.responsible",
            instance=locked,
            before=before,
            details={"article": "16"},
        )
    return locked


def _task_fields(duty_list, *, task: str, measures: str, owner, due_on) -> dict:
    task = limits.check_text(task, field="task", label=_("The task"), limit=limits.REASON, required=True)
    measures = limits.check_text(measures, field="measures", label=_("The measures"), limit=limits.REASON)
    owner = _unit_official(owner, duty_list.unit_id, field="owner", label=_("The responsible person"))
    if due_on is None:
        raise ServiceError(_("Enter the date the task is due."), code="required", field="due_on")
    limits.check_date(
        due_on,
        field="due_on",
        label=_("The due date"),
        not_before=datetime.date(duty_list.year, 1, 1),
        not_after=datetime.date(duty_list.year, 12, 31),
    )
    return {"task": task, "measures": measures, "owner": owner, "due_on": due_on}


def task_add(*, duty_list, task: str, measures: str = "", owner=None, due_on=None, actor) -> DutyTask:
    """A task of a list still in draft: what, how, who answers for it, by when (within the list's year)."""
    with transaction.atomic():
        locked = _locked_for_edit(
            duty_list,
            (DutyStatus.DRAFT,),
            actor,
            refused=_("Tasks are added while the list is a draft (%(status)s)."),
        )
        fields = _task_fields(locked, task=task, measures=measures, owner=owner, due_on=due_on)
        if locked.tasks.count() >= MAX_TASKS:
            raise ServiceError(
                _("A list holds at most %(limit)d tasks."),
                code="too_many",
                field="task",
                params={"limit": MAX_TASKS},
            )
        row = DutyTask.objects.create(duty_list=locked, updated_at=clock.now(), **fields)
        audit.record_event(
            actor=actor, action="supervision.dutytask.create", instance=row, details={"article": "16"}
        )
    return row


def task_progress(*, task, state: str, performance: str, actor) -> DutyTask:
    """What the unit did about a task of a filed list: done or not done, and what (or why not)."""
    if state not in TaskState.values:
        raise ServiceError(_("Choose the task's state."), code="invalid_choice", field="state")
    performance = limits.check_text(
        performance, field="performance", label=_("The performance"), limit=limits.REASON
    )
    if state != TaskState.PLANNED and not performance:
        raise ServiceError(
            _("Say what was done, or why it was not (article 16)."), code="required", field="performance"
        )
    with transaction.atomic():
        _locked_for_edit(
            task.duty_list,
            (DutyStatus.FILED,),
            actor,
            refused=_("Performance is recorded while the list is filed and its report not yet (%(status)s)."),
        )
        locked = DutyTask.objects.select_for_update().get(pk=task.pk)
        before = audit.snapshot(locked)
        locked.state, locked.performance, locked.updated_at = state, performance, clock.now()
        locked.save(update_fields=["state", "performance", "updated_at"])
        audit.record_event(
            actor=actor,
            action="supervision.dutytask.progress",
            instance=locked,
            before=before,
            details={"article": "16"},
        )
    return locked


def duty_file(*, duty_list, actor) -> DutyList:
    def apply(locked):
        if locked.first_responsible_id is None:
            raise ServiceError(
                _("Name the first responsible person before filing the list (article 16)."),
                code="required",
                field="first_responsible",
            )
        if not locked.tasks.exists():
            raise ServiceError(_("Add the list's tasks before filing it."), code="required", field="task")
        locked.filed_at = clock.now()
        return Change(fields=["filed_at"])

    return workflow.transition(DUTY_WORKFLOW, duty_list, "file", actor=actor, apply=apply)


def duty_report(*, duty_list, report: str, actor) -> DutyList:
    report = limits.check_text(report, field="report", label=_("The year-end report"), limit=limits.REPORT)

    def apply(locked):
        open_tasks = locked.tasks.filter(state=TaskState.PLANNED).count()
        if open_tasks:
            raise ServiceError(
                _("Record what became of every task first: %(count)d still in hand (article 16)."),
                code="tasks_open",
                field="report",
                params={"count": open_tasks},
            )
        locked.report, locked.reported_at, locked.returned_reason = report, clock.now(), ""
        return Change(fields=["report", "reported_at", "returned_reason"])

    with transaction.atomic():
        locked = workflow.transition(
            DUTY_WORKFLOW, duty_list, "report", actor=actor, apply=apply, data={"report": report}
        )
        # the discipline office is told a report awaits its opinion (each filing, a returned one again too)
        _deliver(
            [
                (
                    locked.unit,
                    locked.year,
                    DutyNoticeKind.REVIEW_DUE,
                    f"review:{locked.pk}:{locked.reported_at.isoformat()}",
                    locked,
                    None,
                    clock.today(),
                )
            ],
            to=list(inspectors()),  # who reviews the year-end reports
        )
    return locked


def duty_review(*, duty_list, rating: str, opinion: str, actor) -> DutyList:
    if rating and rating not in Rating.values:
        raise ServiceError(_("Choose one of the opinions."), code="invalid_choice", field="rating")
    opinion = limits.check_text(
        opinion, field="opinion", label=_("The discipline office's opinion"), limit=limits.REPORT
    )

    def apply(locked):
        locked.rating, locked.opinion = rating, opinion
        locked.reviewed_by, locked.reviewed_at = actor, clock.now()
        return Change(fields=["rating", "opinion", "reviewed_by", "reviewed_at"], details={"rating": rating})

    return workflow.transition(
        DUTY_WORKFLOW,
        duty_list,
        "review",
        actor=actor,
        apply=apply,
        data={"rating": rating, "opinion": opinion},
    )


def duty_return(*, duty_list, reason: str, actor) -> DutyList:
    """The discipline office sends the report back to be done again; the unit's staff are told."""
    reason = limits.check_text(
        reason, field="reason", label=_("The reason for returning the report"), limit=limits.REASON
    )

    def apply(locked):
        locked.returned_reason = reason
        return Change(fields=["returned_reason"])

    with transaction.atomic():
        locked = workflow.transition(
            DUTY_WORKFLOW, duty_list, "return", actor=actor, apply=apply, data={"reason": reason}
        )
        due = max(clock.today(), report_by(locked.year))
        _deliver(
            [
                (
                    locked.unit,
                    locked.year,
                    DutyNoticeKind.RETURNED,
                    f"returned:{locked.pk}:{clock.now().isoformat()}",
                    locked,
                    None,
                    due,
                )
            ]
        )
    return locked


# --- notices: what falls due, to the unit's staff ---------------------------------------------------------
def unit_staff(unit_ids) -> dict[int, list]:
    """The active accounts of each unit's handlers and supervising leaders (members of the unit itself)."""
    from qinqing.directory.selectors import officials_with_accounts

    return {
        unit_id: [official.user for official in officials]
        for unit_id, officials in officials_with_accounts(unit_ids, UNIT_STAFF_ROLES).items()
    }


def _sms_text(kind: str, *, unit_name: str, year: int, due, particulars) -> str:
    from django.utils.translation import gettext_lazy

    from qinqing.core import notices

    return notices.sms_text(
        gettext_lazy(
            "[%(office)s] Main responsibility: %(what)s. %(unit)s, %(year)s, due %(due)s. "
            "Please see the main-responsibility page."
        ),
        office=gettext_lazy("Discipline office"),
        particulars=particulars,
        what=DutyNoticeKind(kind).label,
        unit=unit_name,
        year=year,
        due=due.isoformat(),
    )


def _deliver(items, *, to: list | None = None) -> int:
    """``items``: (unit, year, kind, key, list or None, task or None, due). One notice per person and key —
    the unit's staff, or the people ``to`` —, an SMS to those with a mobile number; audited. Runs in the
    caller's transaction."""
    from qinqing.appeals.workflow import notify
    from qinqing.core.notices import Delivery, deliver_once
    from qinqing.directory.selectors import mobile_for_user

    items = list(items)
    staff = unit_staff({unit.pk for unit, *_rest in items}) if to is None else {}
    particulars = district.current()
    deliveries = [
        Delivery(
            user,
            key,
            {"kind": kind, "unit": unit, "year": year, "duty_list": duty_list, "task": task, "due": due},
            functools.partial(
                _sms_text, kind, unit_name=unit.name, year=year, due=due, particulars=particulars
            ),
            {"article": "16"},
        )
        for unit, year, kind, key, duty_list, task, due in items
        for user in (to if to is not None else staff.get(unit.pk, []))
    ]
    return deliver_once(
        DutyNotice,
        deliveries,
        phone_of=mobile_for_user,
        queue_sms=notify.queue_sms,
        action="supervision.dutynotice.create",
        actor=SYSTEM,
    )


def due_items(today: datetime.date | None = None, ahead: calendar.LookAhead | None = None) -> list[tuple]:
    """What falls due within ``DUTY_WARNING`` working days (core calendar) or is past: organs in office
    without a filed list for this year, filed lists without their year-end report (last year's, and this
    year's from December), and tasks in hand past their date. A date that cannot be counted against the
    warning horizon (``ahead``, ``core.calendar.LookAhead``) is skipped and counted there."""
    today = today or clock.today()
    ahead = ahead or calendar.LookAhead(today, DUTY_WARNING.value())
    items = []
    year = today.year
    if ahead.within(file_by(year)):
        filed = set(
            DutyList.objects.filter(year=year)
            .exclude(status=DutyStatus.DRAFT)
            .values_list("unit_id", flat=True)
        )
        lists = {row.unit_id: row for row in DutyList.objects.filter(year=year, status=DutyStatus.DRAFT)}
        for unit in keeping_units().exclude(pk__in=filed):
            items.append(
                (
                    unit,
                    year,
                    DutyNoticeKind.LIST_DUE,
                    f"list_due:{unit.pk}:{year}",
                    lists.get(unit.pk),
                    None,
                    file_by(year),
                )
            )
    for row in DutyList.objects.filter(status=DutyStatus.FILED, year__lte=year).select_related("unit"):
        if (row.year == year and today.month == 12) or ahead.within(report_by(row.year)):
            items.append(
                (
                    row.unit,
                    row.year,
                    DutyNoticeKind.REPORT_DUE,
                    f"report_due:{row.pk}",
                    row,
                    None,
                    report_by(row.year),
                )
            )
    overdue = DutyTask.objects.filter(
        state=TaskState.PLANNED, due_on__lt=today, duty_list__status=DutyStatus.FILED
    ).select_related("duty_list__unit")
    for task in overdue:
        row = task.duty_list
        items.append(
            (
                row.unit,
                row.year,
                DutyNoticeKind.TASK_OVERDUE,
                f"task:{task.pk}:{task.due_on.isoformat()}",
                row,
                task,
                task.due_on,
            )
        )
    return items


def due_notices(today: datetime.date | None = None) -> str:
    """The daily ``supervision.duties`` job: each unit's handlers and leaders are told once what falls due."""
    from qinqing.core import jobs

    ahead = calendar.LookAhead(today or clock.today(), DUTY_WARNING.value())
    items = due_items(today, ahead)
    with transaction.atomic():
        jobs.exclusive("supervision.duties")
        made = _deliver(items)
    # dates it could not count: the run says so, naming the year to load
    return ahead.report(_("%(made)s notice(s) about main-responsibility lists delivered") % {"made": made})
