"""The daily ``liaison.reminders`` job (articles 7 and 9), on working days of the core calendar.

It writes a ``Reminder`` in the application for the person responsible, once per person, item and date:

* a visit, roundtable or communication meeting whose date has passed and that is neither recorded as held
  nor cancelled — to whoever scheduled it and to its leader;
* a leader behind the visit frequency their published responsibility list promises: the current period
  ends within ``FREQUENCY_WARNING`` working days with fewer visits than promised, or the period
  that just ended was short — to the leader;
* a follow-up of a meeting due within ``FOLLOW_UP_WARNING`` working days, or overdue — to whoever
  scheduled the meeting and to the department handlers of the responsible unit.

Reminders are read on the liaison reminders page (``liaison:reminders``); to a person whose directory
record has a mobile number each is also queued as an SMS on the appeals outbox (``core.notices.deliver_once``,
as legal and tolerance deliver theirs), and the page shows that SMS's real state. A person without a login
account cannot be reminded: the job's summary counts them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from qinqing.core import calendar, clock, district, jobs
from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role

from .models import FollowUp, Meeting, MeetingStatus, Reminder, ReminderKind
from .time_limits import FOLLOW_UP_WARNING, FREQUENCY_WARNING

SYSTEM = SystemActor("liaison reminders")


def unit_handlers(unit_ids) -> dict[int, list[int]]:
    """The active department handlers' accounts of each unit (officials in office with a login)."""
    found: dict[int, list[int]] = {}
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.DEPARTMENT_HANDLER,
            official__unit_id__in=set(unit_ids),
            official__is_active=True,
        )
        .values_list("official__unit_id", "pk")
        .distinct()
    )
    for unit_id, user_id in rows:
        found.setdefault(unit_id, []).append(user_id)
    return found


def due_items(today: datetime.date, ahead: calendar.LookAhead | None = None) -> tuple[list[dict], int]:
    """What calls for a reminder today: (items, how many had nobody with a login to remind). A follow-up
    whose date cannot be counted against the warning horizon (``ahead``, see ``core.calendar.LookAhead``)
    is skipped and counted there."""
    from . import selectors

    ahead = ahead or calendar.LookAhead(today, FOLLOW_UP_WARNING.value())
    frequency_warning = FREQUENCY_WARNING.value()

    items: list[dict] = []
    unreachable = 0

    def add(recipients, **item):
        nonlocal unreachable
        recipients = [pk for pk in dict.fromkeys(recipients) if pk]
        if not recipients:
            unreachable += 1
        for pk in recipients:
            items.append({"recipient_id": pk, **item})

    for meeting in Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, scheduled_on__lt=today
    ).select_related("leader__official"):
        leader_user = meeting.leader.official.user_id if meeting.leader else None
        add(
            [meeting.created_by_id, leader_user],
            kind=ReminderKind.VISIT_NOT_HELD,
            meeting=meeting,
            due=meeting.scheduled_on,
            key=f"not_held:{meeting.pk}:{meeting.scheduled_on.isoformat()}",
            detail=meeting.title,
        )

    # A list is yearly: until a period of this year has ended, the last one that did is last year's
    # final period (December, the fourth quarter, the second half, the year), checked against last
    # year's list.
    last_year = {row.leader.pk: row for row in selectors.visit_frequency(today.year - 1, today)}
    for row in selectors.visit_frequency(today.year, today):
        leader_user = row.leader.official.user_id
        current = row.current
        if (
            row.promise is not None
            and current is not None
            and current.short
            and calendar.workdays_between(today, current.end) <= frequency_warning
        ):
            add(
                [leader_user],
                kind=ReminderKind.FREQUENCY,
                leader=row.leader,
                due=current.end,
                key=f"frequency:{row.leader.pk}:{current.start.isoformat()}",
                detail=f"{current.made}/{current.required}",
            )
        earlier = row if row.ended else last_year.get(row.leader.pk)
        last = earlier.ended[-1] if earlier is not None and earlier.ended else None
        if last is not None and last.short:
            add(
                [leader_user],
                kind=ReminderKind.FREQUENCY,
                leader=row.leader,
                due=last.end,
                key=f"short:{row.leader.pk}:{last.start.isoformat()}",
                detail=f"{last.made}/{last.required}",
            )

    follow_ups = [
        follow_up
        for follow_up in FollowUp.objects.filter(done_on__isnull=True, due_on__lte=ahead.until)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        if ahead.within(follow_up.due_on)
    ]
    handlers = unit_handlers(f.unit_id for f in follow_ups if f.unit_id)
    for follow_up in follow_ups:
        overdue = follow_up.due_on < today
        add(
            [follow_up.meeting.created_by_id, *handlers.get(follow_up.unit_id, [])],
            kind=ReminderKind.FOLLOW_UP_OVERDUE if overdue else ReminderKind.FOLLOW_UP_DUE,
            meeting=follow_up.meeting,
            follow_up=follow_up,
            due=follow_up.due_on,
            key=f"{'fu_overdue' if overdue else 'fu_due'}:{follow_up.pk}:{follow_up.due_on.isoformat()}",
            detail=follow_up.task[:300],
        )
    return items, unreachable


def _sms_text(item: dict, particulars) -> str:
    """A short neutral text: the kind of reminder, what it is about and its date (no personal data)."""
    from django.utils.translation import gettext_lazy

    from qinqing.core import notices

    return notices.sms_text(
        gettext_lazy(
            "[%(office)s] Liaison reminder: %(kind)s. %(what)s (%(day)s). Please see the reminders page."
        ),
        office=gettext_lazy("Liaison office"),
        particulars=particulars,
        kind=ReminderKind(item["kind"]).label,
        what=item.get("detail", ""),
        day=item["due"].isoformat(),
    )


def reminders(today: datetime.date | None = None) -> str:
    """The daily job: on a working day, a reminder for each person responsible for what is due (once per
    person, item and date; a moved date gives a new one), shown in the application and, to a person whose
    directory record has a mobile number, queued as an SMS on the appeals outbox; audited. On a rest day it
    does nothing."""
    from qinqing.appeals.workflow import notify
    from qinqing.core.notices import Delivery, deliver_once
    from qinqing.directory.selectors import mobile_for_user

    today = today or clock.today()
    if not calendar.is_workday(today):
        return _("%(day)s is not a working day: no reminders") % {"day": today.isoformat()}
    ahead = calendar.LookAhead(today, FOLLOW_UP_WARNING.value())
    items, unreachable = due_items(today, ahead)
    users = get_user_model().objects.filter(is_active=True).in_bulk({item["recipient_id"] for item in items})
    deliveries, particulars = [], district.current()
    for item in items:
        user = users.get(item["recipient_id"])
        if user is None:  # an account closed since: nobody to remind through it
            continue
        fields = {
            name: item[name]
            for name in ("kind", "meeting", "follow_up", "leader", "due", "detail")
            if name in item
        }
        deliveries.append(
            Delivery(
                user,
                item["key"],
                fields,
                lambda item=item: _sms_text(item, particulars),
                {"article": "9" if item.get("follow_up") else "7", "kind": item["kind"]},
            )
        )
    with transaction.atomic():
        jobs.exclusive("liaison.reminders")
        made = deliver_once(
            Reminder,
            deliveries,
            phone_of=mobile_for_user,
            queue_sms=notify.queue_sms,
            action="liaison.reminder.create",
            actor=SYSTEM,
        )
    summary = _("%(made)s reminder(s), %(given)s already given") % {
        "made": made, "given": len(deliveries) - made}
    if unreachable:
        summary += _(", %(count)s item(s) with nobody to remind (no login account)") % {"count": unreachable}
    return ahead.report(summary)  # follow-ups it could not count: the run says so, naming the year
