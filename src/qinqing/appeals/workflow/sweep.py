"""The periodic job that makes time run for appeals (article 8).

Set-based, so it stays well under a second over a million appeals: each rule is one
indexed query on ``(level, status, due_at)`` / ``(status, due_at)`` that returns only the
rows that must change today, then one bulk update, one bulk audit append, one bulk
insert of timeline steps and notifications. Rows already urged/flagged/moved are not
touched again, so a second sweep the same day changes nothing. Sweeps are serialised
(``core.jobs.exclusive``: an advisory lock on PostgreSQL, the write lock on SQLite), and
each reads the appeals only once it holds the lock, so two workers sweeping at the same
moment still change each appeal once.

Rules, in this order:
1. an overdue appeal in its second round (or later) not yet at district-leader level is
   raised to district-leader level;
2. any other overdue appeal still at unit level moves to the supervision office (督办);
3. an appeal due today is flagged;
4. an appeal due within ``urge_before`` working days is urged (催办).

Rules 1–3 compare dates and need no calendar. When the urging horizon cannot be counted (it runs
into a year no loaded or provisional calendar covers: the last days of the provisional year, or any
day of the year after it), rules 1–3 are still applied, and rule 4 to the appeals certainly within it
(``core.calendar.LookAhead``: due by the last countable day, or within as many days as the horizon has
working days); the appeals it cannot count are left for a later sweep, and once the rest is committed
the run fails saying how many and which year's calendar the administrator must load.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext

from qinqing.core import audit, calendar, clock, jobs
from qinqing.core.db import insert_rows

from ..models import OPEN_STATUSES, Appeal, AppealStep, Level, LimitKey, Notification
from ..services import STEP_ADD, limit_value

SWEEP_ACTOR = audit.SystemActor("appeals-sweep")
# The fields the rules change, read with the ids so the audit events can say old → new.
BEFORE_COLUMNS = ("level", "supervised_on", "due_flagged_on", "urged_on")


@dataclass
class SweepResult:
    today: datetime.date
    raised: list[int] = field(default_factory=list)
    supervised: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    urged: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return gettext(
            "%(day)s: raised %(raised)s, moved to supervision %(supervised)s, flagged %(flagged)s, "
            "urged %(urged)s"
        ) % {"day": self.today, "raised": len(self.raised), "supervised": len(self.supervised),
             "flagged": len(self.flagged), "urged": len(self.urged)}


def _apply(
    rows: list[tuple], *, action: str, updates: dict, step_text: str, notify_unit: bool, actor, now
) -> None:
    """``rows`` are (pk, handling unit id, tracking number, due date, *BEFORE_COLUMNS) of the appeals to change."""  # noqa: E501
    if not rows:
        return
    ids = [row[0] for row in rows]
    # The old values of the updated fields, so each event records just what changed.
    before = {row[0]: {name: row[BEFORE_COLUMNS.index(name) + 4] for name in updates} for row in rows}
    Appeal.objects.filter(pk__in=ids).update(**updates)
    audit.record_bulk_events(actor=actor, action=action, model=Appeal, pks=ids, before=before,
                             details={"article": "8", **{k: str(v) for k, v in updates.items()}})
    kind = action.rsplit(".", 1)[-1]
    insert_rows(
        AppealStep,
        [AppealStep(appeal_id=pk, kind=kind, actor_label=actor.label, text=step_text, at=now) for pk in ids],
    )
    # The steps are audited records too (issue 19): one event each, read back by what was just written.
    steps = AppealStep.objects.filter(appeal_id__in=ids, kind=kind, at=now).order_by("pk")
    step_ids = list(steps.values_list("pk", flat=True))
    audit.record_bulk_events(actor=actor, action=STEP_ADD, model=AppealStep, pks=step_ids)
    if notify_unit:
        insert_rows(
            Notification,
            [
                Notification(
                    appeal_id=pk,
                    channel="internal",
                    recipient=f"unit:{unit_id}" if unit_id else "supervision",
                    text=f"{step_text} {number} ({due_at})",
                    created_at=now,
                )
                for pk, unit_id, number, due_at, *_before in rows
            ],
        )


def run_sweep(*, today: datetime.date | None = None, actor=SWEEP_ACTOR) -> SweepResult:
    today = today or clock.today()
    now = clock.now()
    result = SweepResult(today=today)
    ahead = calendar.LookAhead(today, limit_value(LimitKey.URGE_BEFORE))
    open_rows = Appeal.objects.filter(status__in=OPEN_STATUSES)
    # What the steps and notifications need comes with the ids (no second read).
    columns = ("pk", "handling_unit_id", "tracking_number", "due_at", *BEFORE_COLUMNS)
    with transaction.atomic():
        jobs.exclusive("appeals.sweep")  # a second sweep waits here, then finds nothing left to change
        raised = list(
            open_rows.filter(
                level__in=(Level.UNIT, Level.SUPERVISION), due_at__lt=today, round__gte=2
            ).values_list(*columns)
        )
        result.raised = [row[0] for row in raised]
        _apply(
            raised,
            action="appeals.appeal.raise_to_district_leader",
            updates={"level": Level.DISTRICT_LEADER, "supervised_on": today},
            step_text=gettext("Overdue after two rounds: raised to district-leader level."),
            notify_unit=True,
            actor=actor,
            now=now,
        )
        supervised = list(open_rows.filter(level=Level.UNIT, due_at__lt=today).values_list(*columns))
        result.supervised = [row[0] for row in supervised]
        _apply(
            supervised,
            action="appeals.appeal.supervise",
            updates={"level": Level.SUPERVISION, "supervised_on": today},
            step_text=gettext("Overdue: moved to the supervision office (督办)."),
            notify_unit=True,
            actor=actor,
            now=now,
        )
        flagged = list(open_rows.filter(due_at=today, due_flagged_on__isnull=True).values_list(*columns))
        result.flagged = [row[0] for row in flagged]
        _apply(flagged, action="appeals.appeal.flag_due", updates={"due_flagged_on": today},
               step_text=gettext("Due today."), notify_unit=True, actor=actor, now=now)
        not_urged = open_rows.filter(urged_on__isnull=True)
        urged = list(
            not_urged.filter(due_at__gt=today, due_at__lte=ahead.certain_until).values_list(*columns)
        )
        result.urged = [row[0] for row in urged]
        _apply(urged, action="appeals.appeal.urge_before_deadline", updates={"urged_on": today},
               step_text=gettext("Urged: the deadline is near."), notify_unit=True, actor=actor, now=now)
        if ahead.until > ahead.certain_until:  # the horizon could not be counted: those it may reach wait
            ahead.skip(not_urged.filter(due_at__gt=ahead.certain_until, due_at__lte=ahead.until).count())
    # After the commit: the overdue appeals moved; when appeals were skipped the run says how many and
    # names the year to load (a ServiceError recorded as the job's failure).
    ahead.report(result.summary())
    return result
