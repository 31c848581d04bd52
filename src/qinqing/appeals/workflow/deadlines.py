"""Deadlines counted on the provisional calendar year, recounted when the schedule changes.

Before the State Council publishes next year's schedule, a deadline that runs into that year
is counted on the provisional schedule (core.calendar) and stored with ``due_provisional``
and its basis (``due_start``, ``due_days``). The calendar services call
``deadlines_recount`` inside the transaction that sets any year; every open appeal whose
deadline is provisional is counted again on the schedule as it now stands, and so is every
open appeal filed without a date because no calendar covered its deadline (the intake keeps
its basis: an appeal filed on 31 December of the provisional year, whose acknowledgement
falls in the year after it). Each change is
one audit event that records why (the year loaded, its source, the old and the new date),
a line on the appeal's timeline, and — when the date moved — a message to the submitter
through the outbox.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from qinqing.core import audit, calendar, district
from qinqing.core.errors import ServiceError

from ..models import OPEN_STATUSES, Appeal

ACTION = "appeals.appeal.deadline_recount"


def deadlines_recount(*, year: int, actor, source: str = "") -> int:
    """Recount the open provisional deadlines on the current schedule; returns how many changed."""
    from .. import services

    snapshot = calendar.snapshot()
    changed = 0
    events = []
    with transaction.atomic(), district.language():  # an administrator's import may run in English
        appeals = (
            Appeal.objects.select_for_update()
            .filter(status__in=OPEN_STATUSES)
            .filter(Q(due_provisional=True, due_at__isnull=False) | Q(due_at__isnull=True))
            .filter(due_start__isnull=False, due_days__isnull=False)
            .order_by("pk")
        )
        for appeal in appeals:
            if appeal.due_start is None or appeal.due_days is None:
                continue  # no basis to count from (never stored provisional without one)
            try:
                info = snapshot.deadline_info(appeal.due_start, appeal.due_days)
            except ServiceError:
                continue  # the count now runs into a year that is neither loaded nor provisional: keep it
            if info.due == appeal.due_at and info.provisional == appeal.due_provisional:
                continue
            before = audit.snapshot(appeal)
            old_due = appeal.due_at
            moved = info.due != old_due
            appeal.due_at, appeal.due_provisional = info.due, info.provisional
            fields = ["due_at", "due_provisional"]
            if moved:
                appeal.urged_on = appeal.due_flagged_on = None
                fields += ["urged_on", "due_flagged_on"]
            appeal.save(update_fields=fields)
            new_text = services.due_text(info.due, info.provisional)
            if old_due is None:
                step = gettext(
                    "The %(year)s holiday schedule was loaded (%(source)s): the deadline, "
                    "counted %(days)s working day(s) from %(start)s, is %(new)s."
                )
            elif moved:
                step = gettext(
                    "The %(year)s holiday schedule was loaded (%(source)s): the deadline, "
                    "counted %(days)s working "
                    "day(s) from %(start)s, moved from %(old)s to %(new)s."
                )
            else:
                step = gettext(
                    "The %(year)s holiday schedule was loaded (%(source)s): the deadline %(new)s "
                    "is confirmed."
                )
            params = {
                "year": year,
                "source": source,
                "days": appeal.due_days,
                "start": appeal.due_start.isoformat(),
                "old": old_due.isoformat() if old_due else "",
                "new": new_text,
            }
            services._add_step(appeal, "deadline_recount", actor, step % params)
            if moved:
                services._notify_submitter(
                    appeal,
                    gettext(
                        "Your appeal %(number)s: the %(year)s holiday schedule has been loaded, so "
                        "its deadline can be counted: %(new)s."
                    )
                    % {**params, "number": appeal.tracking_number}
                    if old_due is None
                    else gettext(
                        "Your appeal %(number)s: the official %(year)s holiday schedule has been "
                        "published, so its deadline "
                        "moved from %(old)s to %(new)s."
                    )
                    % {**params, "number": appeal.tracking_number},
                )
            events.append(
                {
                    "actor": actor,
                    "action": ACTION,
                    "instance": appeal,
                    "before": before,
                    "details": {
                        "reason": "calendar_year_loaded",
                        "calendar_year": year,
                        "source": source,
                        "due_start": appeal.due_start.isoformat(),
                        "due_days": appeal.due_days,
                        "due_before": old_due.isoformat() if old_due else None,
                        "due_after": info.due.isoformat(),
                        "provisional": info.provisional,
                        "submitter_told": moved,
                    },
                }
            )
            changed += 1
        if events:
            audit.record_events(events)
    return changed
