"""The daily ``policy.reminders`` job (article 4), on working days of the core calendar.

It writes a ``PolicyReminder`` (a ``core.notices.PersonNotice``), once per person, item and date:

* a current library document whose validity ends within ``EXPIRY_WARNING`` days (or has ended) —
  to the administrators who keep the library and the department handlers of the units carrying out its
  supporting measures;
* a supporting measure past its due date and not completed — to the department handlers of its
  responsible unit (the administrators when the unit has none, or no unit is named);
* a planned publicity or education activity (article 19) due within ``PLAN_WARNING`` working
  days, and again once its date has passed while it is neither recorded as held nor cancelled — to the
  person who planned it (the department handlers of its organising unit, else the administrators, when
  that account is no longer active).

Reminders are read on the supporting-measures page and, for planned activities, on the education page; a
person whose directory record has a mobile number is also sent an SMS on the appeals outbox, naming the kind,
the document's, measure's or activity's title and the date, nobody's personal data. An item with nobody to
remind (no active account) is counted in the job's summary.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from qinqing.core import calendar, clock, district, jobs, notices
from qinqing.core.audit import SystemActor
from qinqing.core.notices import Delivery, deliver_once
from qinqing.core.roles import Role

from .models import (
    MeasureStatus,
    PlannedActivity,
    PlanStatus,
    PolicyDocument,
    PolicyReminder,
    ReminderKind,
    SupportingMeasure,
)
from .time_limits import EXPIRY_WARNING, PLAN_WARNING

SYSTEM = SystemActor("policy reminders")
ARTICLE_OF = {
    ReminderKind.EXPIRY: "4",
    ReminderKind.MEASURE_OVERDUE: "4",
    ReminderKind.PLAN_SOON: "19",
    ReminderKind.PLAN_UNRECORDED: "19",
}


def _administrators() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR)
        .values_list("pk", flat=True)
    )


def _handlers(unit_ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for unit_id, user_id in (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.DEPARTMENT_HANDLER,
            official__unit_id__in=set(unit_ids),
            official__is_active=True,
        )
        .values_list("official__unit_id", "pk")
        .distinct()
    ):
        found.setdefault(unit_id, []).append(user_id)
    return found


def due_items(today: datetime.date, ahead: calendar.LookAhead | None = None) -> tuple[list[dict], int]:
    """(items, how many had nobody to remind). A planned activity whose date cannot be counted against the
    warning horizon (``ahead``, see ``core.calendar.LookAhead``) is skipped and counted there."""
    ahead = ahead or calendar.LookAhead(today, PLAN_WARNING.value())
    items: list[dict] = []
    unreachable = 0
    administrators = _administrators()

    def add(recipients, **item):
        nonlocal unreachable
        recipients = list(dict.fromkeys(recipients))
        if not recipients:
            unreachable += 1
        items.extend({"recipient_id": pk, **item} for pk in recipients)

    expiring = list(
        PolicyDocument.objects.filter(
            is_current=True,
            valid_until__isnull=False,
            valid_until__lte=today + datetime.timedelta(days=EXPIRY_WARNING.value()),
        ).only("pk", "valid_until")
    )
    measure_units: dict[int, set[int]] = {}
    for document_id, unit_id in SupportingMeasure.objects.filter(
        document__in=expiring, unit__isnull=False
    ).values_list("document_id", "unit_id"):
        measure_units.setdefault(document_id, set()).add(unit_id)
    overdue = list(
        SupportingMeasure.objects.filter(due_on__lt=today)
        .exclude(status=MeasureStatus.DONE)
        .only("pk", "unit_id", "due_on")
    )
    handlers = _handlers(
        {u for units in measure_units.values() for u in units} | {m.unit_id for m in overdue if m.unit_id}
    )
    for document in expiring:
        unit_handlers = [pk for unit in measure_units.get(document.pk, ()) for pk in handlers.get(unit, [])]
        add(
            [*administrators, *unit_handlers],
            kind=ReminderKind.EXPIRY,
            document=document,
            due=document.valid_until,
            key=f"expiry:{document.pk}:{document.valid_until.isoformat()}",
        )
    for measure in overdue:
        add(
            handlers.get(measure.unit_id) or administrators,
            kind=ReminderKind.MEASURE_OVERDUE,
            measure=measure,
            due=measure.due_on,
            key=f"measure:{measure.pk}:{measure.due_on.isoformat()}",
        )
    planned = [
        plan
        for plan in PlannedActivity.objects.filter(status=PlanStatus.PLANNED, planned_on__lte=ahead.until)
        .select_related("planned_by")
        if ahead.within(plan.planned_on)
    ]
    plan_handlers = _handlers({plan.unit_id for plan in planned if plan.unit_id})
    for plan in planned:
        passed = plan.planned_on < today
        add(
            [plan.planned_by_id] if plan.planned_by.is_active
            else plan_handlers.get(plan.unit_id) or administrators,
            kind=ReminderKind.PLAN_UNRECORDED if passed else ReminderKind.PLAN_SOON,
            plan=plan,
            due=plan.planned_on,
            key=f"plan-{'unrecorded' if passed else 'soon'}:{plan.pk}:{plan.planned_on.isoformat()}",
        )
    return items, unreachable


def _about(item: dict) -> str:
    """What a reminder's SMS names: the document's or the activity's title, or the measure's (no person)."""
    about = item.get("document") or item.get("measure") or item.get("plan")
    return about.title[:60]


def reminders(today: datetime.date | None = None) -> str:
    """The daily job: on a working day, a reminder for each person responsible (once per person, item and
    date), shown in the application and, to a person whose directory record has a mobile number, queued
    as an SMS on the appeals outbox (``core.notices.deliver_once``); audited. On a rest day it does
    nothing."""
    from qinqing.appeals.workflow import notify
    from qinqing.directory.selectors import mobile_for_user

    today = today or clock.today()
    if not calendar.is_workday(today):
        return _("%(day)s is not a working day: no reminders") % {"day": today.isoformat()}
    ahead = calendar.LookAhead(today, PLAN_WARNING.value())
    items, unreachable = due_items(today, ahead)
    users = get_user_model().objects.in_bulk({item["recipient_id"] for item in items})
    particulars = district.current()
    deliveries = [
        Delivery(
            users[item["recipient_id"]],
            item["key"],
            {name: value for name, value in item.items() if name not in ("recipient_id", "key")},
            lambda item=item: notices.sms_text(
                _l("[%(office)s] Policy reminder: %(kind)s. %(about)s (%(day)s). Please see the platform."),
                office=pgettext_lazy("SMS signature", "Policy office"),
                particulars=particulars,
                kind=ReminderKind(item["kind"]).label,
                about=_about(item),
                day=item["due"].isoformat(),
            ),
            {"article": ARTICLE_OF[item["kind"]], "kind": item["kind"]},
        )
        for item in items
    ]
    with transaction.atomic():
        jobs.exclusive("policy.reminders")
        made = deliver_once(
            PolicyReminder,
            deliveries,
            phone_of=mobile_for_user,
            queue_sms=notify.queue_sms,
            action="policy.policyreminder.create",
            actor=SYSTEM,
        )
    summary = _("%(made)s reminder(s), %(given)s already given") % {"made": made, "given": len(items) - made}
    if unreachable:
        summary += _(", %(count)s item(s) with nobody to remind") % {"count": unreachable}
    return ahead.report(summary)  # planned activities it could not count: the run says so, naming the year
