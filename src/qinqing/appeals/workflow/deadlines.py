"""Deadlines counted on the provisional calendar year, recounted when the schedule changes.

Before the State Council publishes next year's schedule, a deadline that runs into that year
is counted on the provisional schedule (core.calendar) and stored with ``due_provisional``
and its basis (``due_start``, ``due_days``), which the appeal keeps itself. ``register`` declares
the deadline to ``core.calendar.deadlines``, which counts it again inside the transaction that sets
any year: every open appeal whose deadline is provisional, and every open appeal filed without a
date because no calendar covered its deadline (the intake keeps its basis: an appeal filed on
31 December of the provisional year, whose acknowledgement falls in the year after it). Each change
is one audit event (``ACTION``) that records why (the year loaded, its source, the old and the new
date), a line on the appeal's timeline, and — when the date moved — a message to the submitter
through the outbox; a moved date clears the urging and the due-day flag sent for the old one.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext

from qinqing.core.calendar import deadlines

from ..models import OPEN_STATUSES, Appeal

ACTION = "appeals.appeal.deadline_recount"


def _params(change: deadlines.Recounted) -> dict:
    from .. import services

    return {**change.params, "new": services.due_text(change.after, change.provisional)}


def _moved(appeal: Appeal, change: deadlines.Recounted) -> list[dict]:
    """The timeline says the date moved (or that it could be counted at last); the submitter is told."""
    from .. import services

    params = _params(change)
    if change.before is None:
        step = gettext(
            "The %(year)s holiday schedule was loaded (%(source)s): the deadline, "
            "counted %(days)s working day(s) from %(start)s, is %(new)s."
        )
        message = gettext(
            "Your appeal %(number)s: the %(year)s holiday schedule has been loaded, so "
            "its deadline can be counted: %(new)s."
        )
    else:
        step = gettext(
            "The %(year)s holiday schedule was loaded (%(source)s): the deadline, "
            "counted %(days)s working "
            "day(s) from %(start)s, moved from %(old)s to %(new)s."
        )
        message = gettext(
            "Your appeal %(number)s: the official %(year)s holiday schedule has been "
            "published, so its deadline "
            "moved from %(old)s to %(new)s."
        )
    _step, event = services._new_step(appeal, "deadline_recount", change.actor, step % params)
    services._notify_submitter(appeal, message % {**params, "number": appeal.tracking_number})
    return [event]


def _confirmed(appeal: Appeal, change: deadlines.Recounted) -> list[dict]:
    """The timeline says the date is no longer provisional (the submitter is not told: nothing changed)."""
    from .. import services

    step = gettext(
        "The %(year)s holiday schedule was loaded (%(source)s): the deadline %(new)s "
        "is confirmed."
    )
    _step, event = services._new_step(appeal, "deadline_recount", change.actor, step % _params(change))
    return [event]


def register() -> None:
    """The appeal's deadline, recounted by ``core.calendar.deadlines`` while the appeal is open."""
    deadlines.register(
        Appeal, "due_at", open=Q(status__in=OPEN_STATUSES), action=ACTION,
        provisional_field="due_provisional", basis_fields=("due_start", "due_days"),
        reset_on_move=("urged_on", "due_flagged_on"), moved=_moved, confirmed=_confirmed,
    )
