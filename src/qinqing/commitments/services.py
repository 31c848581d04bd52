"""Every write of the commitments app (article 10): keyword-only, one transaction, audited.

The status runs on ``core.workflow`` (``commitments.commitment``); numbers come from ``core.numbering``;
deadline alerts count working days on the core calendar (daily job ``commitments.deadlines``). A breach the
enterprise flags is filed through the appeals intake (``appeal_file``) and linked both ways: the flag keeps
the appeal, the appeal's text names the commitment's number.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, district, jobs, letters, limits, numbering, workflow
from qinqing.core.audit import SystemActor
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role, is_administrator
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from . import letters as commitment_letters
from . import selectors
from .models import (
    OPEN,
    AlertKind,
    BreachFlag,
    Commitment,
    CommitmentDecision,
    DeadlineAlert,
    DecisionKind,
    Kind,
    Milestone,
    ProgressNote,
    Scope,
    Status,
)
from .time_limits import ALERT

ARTICLE = "10"
SYSTEM = SystemActor("commitments deadlines")
NUMBER = numbering.Series("commitments.commitment", "CN{period}-{number:05d}", numbering.yearly)
#: the document numbers of the decisions the enterprise is told of by letter (commitments.letters)
DECISION_NUMBERS = {
    DecisionKind.CHANGE: numbering.Series(
        "commitments.change_notice", "承诺变〔{period}〕{number:04d}号", numbering.yearly
    ),
    DecisionKind.BREACH: numbering.Series(
        "commitments.breach_notice", "承诺违〔{period}〕{number:04d}号", numbering.yearly
    ),
}
# The working days before a deadline when the "approaching" alert is recorded: ALERT (time_limits.py).


def is_unit_handler(actor, commitment) -> bool:
    """A department handler of the responsible unit (or a unit above it), or an administrator."""
    if is_administrator(actor):
        return True
    return has_role(actor, Role.DEPARTMENT_HANDLER) and commitment.unit_id in selectors.unit_ids(actor)


def is_approver(actor, commitment) -> bool:
    """The responsible unit's supervising leader, a district leader, or an administrator."""
    if is_administrator(actor) or has_role(actor, Role.DISTRICT_LEADER):
        return True
    return has_role(actor, Role.SUPERVISING_LEADER) and commitment.unit_id in selectors.unit_ids(actor)


def is_watcher_or_unit(actor, commitment) -> bool:
    return is_unit_handler(actor, commitment) or has_role(actor, Role.DISCIPLINE_INSPECTOR)


UNIT, APPROVER, RECORDER = "unit", "approver", "recorder"
COMMITMENT_WORKFLOW = Workflow(
    name="commitments.commitment",
    model=Commitment,
    actors={
        UNIT: ActorRule(is_unit_handler, roles=(Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR)),
        APPROVER: ActorRule(
            is_approver, roles=(Role.SUPERVISING_LEADER, Role.DISTRICT_LEADER, Role.ADMINISTRATOR)
        ),
        RECORDER: ActorRule(
            is_watcher_or_unit, roles=(Role.DEPARTMENT_HANDLER, Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR)
        ),
    },
    transitions={
        "start": Transition((Status.REGISTERED,), Status.IN_PROGRESS, (UNIT,), ARTICLE),
        "progress": Transition(
            (Status.IN_PROGRESS, Status.CHANGED), None, (UNIT,), ARTICLE, requires={"text": _("Progress")}
        ),
        "request_change": Transition(
            (Status.REGISTERED, Status.IN_PROGRESS, Status.CHANGED),
            Status.CHANGE_REQUESTED,
            (UNIT,),
            ARTICLE,
            requires={"reason": _("The reason for the change")},
        ),
        "approve_change": Transition(
            (Status.CHANGE_REQUESTED,),
            Status.CHANGED,
            (APPROVER,),
            ARTICLE,
            requires={"approval": _("The approval (document or decision)")},
        ),
        "refuse_change": Transition(
            (Status.CHANGE_REQUESTED,),
            Status.IN_PROGRESS,
            (APPROVER,),
            ARTICLE,
            requires={"reason": _("The reason for the refusal")},
        ),
        "fulfil": Transition(
            (Status.IN_PROGRESS, Status.CHANGED),
            Status.FULFILLED,
            (UNIT,),
            ARTICLE,
            requires={"outcome": _("How it was fulfilled")},
        ),
        "breach": Transition(
            (Status.REGISTERED, Status.IN_PROGRESS, Status.CHANGE_REQUESTED, Status.CHANGED),
            Status.BREACHED,
            (RECORDER,),
            ARTICLE,
            requires={"outcome": _("What was not kept")},
        ),
    },
)


def _check_registrar(actor, unit) -> None:
    if is_administrator(actor):
        return
    if not has_role(actor, Role.DEPARTMENT_HANDLER) or unit.pk not in selectors.unit_ids(actor):
        raise PermissionDeniedError()


def _date(value, *, field, label, not_before=None, not_after=None):
    if value in (None, ""):
        raise ServiceError(_("%(field)s is required."), code="required", field=field, params={"field": label})
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError as error:
            raise ServiceError(
                _("%(field)s: give a date as YYYY-MM-DD."),
                code="invalid_date",
                field=field,
                params={"field": label},
            ) from error
    return limits.check_date(value, field=field, label=label, not_before=not_before, not_after=not_after)


def commitment_register(
    *,
    enterprise,
    unit,
    kind: str,
    title: str,
    content: str,
    made_on,
    deadline,
    legal_basis: str = "",
    documents: str = "",
    scope: str = Scope.INTERNAL,
    actor,
) -> Commitment:
    """Register one commitment or contract with an enterprise, item by item (article 10)."""
    _check_registrar(actor, unit)
    if kind not in Kind.values:
        raise ServiceError(_("Choose the kind of commitment."), code="invalid_choice", field="kind")
    if scope not in Scope.values:
        raise ServiceError(_("Choose who may read it."), code="invalid_choice", field="scope")
    if enterprise is None:
        raise ServiceError(
            _("%(field)s is required."),
            code="required",
            field="enterprise",
            params={"field": _("Enterprise")},
        )
    today = clock.today()
    made_on = _date(
        made_on, field="made_on", label=_("Made on"), not_before=today - 20 * limits.YEAR, not_after=today
    )
    deadline = _date(
        deadline,
        field="deadline",
        label=_("Deadline"),
        not_before=made_on,
        not_after=made_on + 20 * limits.YEAR,
    )
    values = {
        "title": limits.check_text(
            title, field="title", label=_("Commitment"), limit=limits.PLACE, required=True
        ),
        "content": limits.check_text(
            content, field="content", label=_("Content"), limit=limits.REPORT, required=True
        ),
        "legal_basis": limits.check_text(
            legal_basis, field="legal_basis", label=_("Legal basis"), limit=limits.DESCRIPTION
        ),
        "documents": limits.check_text(
            documents, field="documents", label=_("Documents"), limit=limits.REASON
        ),
    }
    with transaction.atomic():
        row = Commitment.objects.create(
            number=numbering.take(NUMBER, today).text,
            enterprise=enterprise,
            unit=unit,
            kind=kind,
            made_on=made_on,
            deadline=deadline,
            scope=scope,
            created_by=actor,
            created_at=clock.now(),
            **values,
        )
        audit.record_event(
            actor=actor, action="commitments.commitment.register", instance=row, details={"article": ARTICLE}
        )
    return row


def commitment_publish(*, commitment: Commitment, scope: str, actor) -> Commitment:
    """Publish the item in the chosen scope (public, enterprises, internal)."""
    if scope not in Scope.values:
        raise ServiceError(_("Choose who may read it."), code="invalid_choice", field="scope")
    if not is_unit_handler(actor, commitment):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        before = audit.snapshot(locked)
        locked.scope = scope
        locked.save(update_fields=["scope"])
        audit.record_event(
            actor=actor,
            action="commitments.commitment.publish",
            instance=locked,
            before=before,
            details={"article": ARTICLE, "scope": scope},
        )
    return locked


def commitment_start(*, commitment: Commitment, actor) -> Commitment:
    return workflow.transition(COMMITMENT_WORKFLOW, commitment, "start", actor=actor)


def commitment_progress(*, commitment: Commitment, text: str, progress, actor) -> Commitment:
    text = limits.check_text(text, field="text", label=_("Progress"), limit=limits.REASON, required=True)
    try:
        progress = int(progress)
    except (TypeError, ValueError) as error:
        raise ServiceError(
            _("Progress is a percentage from 0 to 100."), code="invalid", field="progress"
        ) from error
    if not 0 <= progress <= 100:
        raise ServiceError(
            _("Progress is a percentage from 0 to 100."), code="out_of_range", field="progress"
        )

    def apply(locked):
        note = ProgressNote.objects.create(
            commitment=locked, text=text, progress=progress, written_by=actor, created_at=clock.now()
        )
        locked.progress = progress
        return Change(
            fields=["progress"],
            details={"progress": progress},
            events=[{"actor": actor, "action": "commitments.progressnote.add", "instance": note}],
        )

    return workflow.transition(
        COMMITMENT_WORKFLOW, commitment, "progress", actor=actor, apply=apply, data={"text": text}
    )


def commitment_request_change(*, commitment: Commitment, reason: str, new_deadline=None, actor) -> Commitment:
    reason = limits.check_text(reason, field="reason", label=_("Reason for the change"), limit=limits.REASON)
    if new_deadline not in (None, ""):
        new_deadline = _date(
            new_deadline,
            field="new_deadline",
            label=_("Proposed deadline"),
            not_before=clock.today(),
            not_after=clock.today() + 20 * limits.YEAR,
        )
    else:
        new_deadline = None

    def apply(locked):
        locked.change_reason, locked.change_deadline, locked.change_approval = reason, new_deadline, ""
        return Change(fields=["change_reason", "change_deadline", "change_approval"])

    return workflow.transition(
        COMMITMENT_WORKFLOW, commitment, "request_change", actor=actor, apply=apply, data={"reason": reason}
    )


def _decision(locked: Commitment, kind: str, actor, **values) -> dict:
    """The decision the enterprise is told of by letter, numbered and dated in the transition's transaction
    (no gaps); returns its audit event for the transition to record."""
    today = clock.today()
    row = CommitmentDecision.objects.create(
        commitment=locked, kind=kind, number=numbering.take(DECISION_NUMBERS[kind], today).text,
        decided_on=today, decided_by=actor, **values,
    )
    letters.keep_issuer(row, commitment_letters.COMMITMENT_DECISION, commitment_letters.decision_issuer(row),
                        actor=actor)
    return {"actor": actor, "action": "commitments.commitmentdecision.create", "instance": row,
            "details": {"article": ARTICLE, "kind": kind}}


def commitment_decide_change(*, commitment: Commitment, approve: bool, text: str, actor) -> Commitment:
    """The unit's supervising leader (or a district leader) approves the change, with the approval's
    reference, or refuses it with a reason (the commitment goes back in progress)."""
    text = limits.check_text(
        text, field="approval" if approve else "reason", label=_("Approval"), limit=limits.DESCRIPTION
    )

    def apply(locked):
        if not approve:
            return Change(details={"refusal": text})
        before = locked.deadline
        locked.change_approval = text
        fields = ["change_approval"]
        if locked.change_deadline:
            locked.deadline = locked.change_deadline
            fields.append("deadline")
        notice = _decision(
            locked, DecisionKind.CHANGE, actor, reason=locked.change_reason, approval=text,
            deadline_before=before, deadline_after=locked.deadline if locked.deadline != before else None,
        )
        return Change(fields=fields, details={"number": notice["instance"].number}, events=[notice])

    if approve:
        return workflow.transition(
            COMMITMENT_WORKFLOW,
            commitment,
            "approve_change",
            actor=actor,
            apply=apply,
            data={"approval": text},
        )
    return workflow.transition(
        COMMITMENT_WORKFLOW, commitment, "refuse_change", actor=actor, apply=apply, data={"reason": text}
    )


def commitment_close(*, commitment: Commitment, fulfilled: bool, outcome: str, actor) -> Commitment:
    """Record fulfilment (with how) or breach (with what was not kept)."""
    outcome = limits.check_text(outcome, field="outcome", label=_("Outcome"), limit=limits.REPORT)

    def apply(locked):
        locked.outcome, locked.closed_on = outcome, clock.today()
        fields = ["outcome", "closed_on"]
        if fulfilled:
            locked.progress = 100
            fields.append("progress")
            return Change(fields=fields)
        notice = _decision(locked, DecisionKind.BREACH, actor, outcome=outcome)
        return Change(fields=fields, details={"number": notice["instance"].number}, events=[notice])

    return workflow.transition(
        COMMITMENT_WORKFLOW,
        commitment,
        "fulfil" if fulfilled else "breach",
        actor=actor,
        apply=apply,
        data={"outcome": outcome},
    )


def milestone_add(*, commitment: Commitment, title: str, due_on, actor) -> Milestone:
    if not is_unit_handler(actor, commitment):
        raise PermissionDeniedError()
    title = limits.check_text(title, field="title", label=_("Milestone"), limit=limits.PLACE, required=True)
    due_on = _date(
        due_on,
        field="due_on",
        label=_("Due on"),
        not_before=commitment.made_on,
        not_after=commitment.made_on + 20 * limits.YEAR,
    )
    with transaction.atomic():
        row = Milestone.objects.create(commitment=commitment, title=title, due_on=due_on)
        audit.record_event(
            actor=actor, action="commitments.milestone.add", instance=row, details={"article": ARTICLE}
        )
    return row


def milestone_done(*, milestone: Milestone, actor) -> Milestone:
    if not is_unit_handler(actor, milestone.commitment):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.done_on:
            raise ConflictError(_("Already done."), code="invalid_transition", field="milestone")
        before = audit.snapshot(locked)
        locked.done_on = clock.today()
        locked.save(update_fields=["done_on"])
        audit.record_event(
            actor=actor,
            action="commitments.milestone.done",
            instance=locked,
            before=before,
            details={"article": ARTICLE},
        )
    return locked


def breach_flag(*, commitment: Commitment, text: str, actor) -> BreachFlag:
    """The enterprise says the commitment was not kept: filed as an appeal in the one pool (article 8),
    linked to the commitment; the responsible unit and the discipline office see it on the commitment."""
    from qinqing.appeals.intake.services import appeal_file
    from qinqing.appeals.models import Channel

    if commitment.enterprise_id not in selectors.enterprise_ids(actor):
        raise PermissionDeniedError()
    text = limits.check_text(
        text, field="text", label=_("What was not kept"), limit=limits.REASON, required=True
    )
    if commitment.status == Status.FULFILLED:
        # still allowed: the enterprise may disagree that it was fulfilled; the appeal decides
        pass
    with district.language():  # the appeal's text is read by the district's handlers
        content = str(
            _(
                "Commitment %(number)s (%(title)s) made by %(unit)s on %(made)s, due %(due)s, was not "
                "kept: %(text)s"
            )
        ) % {
            "number": commitment.number,
            "title": commitment.title,
            "unit": commitment.unit.name,
            "made": commitment.made_on.isoformat(),
            "due": commitment.deadline.isoformat(),
            "text": text,
        }
        title = (str(_("Commitment not kept")) + " " + commitment.number)[:100]
    with transaction.atomic():
        result = appeal_file(
            channel=Channel.ENTERPRISE_WEB,
            title=title,
            content=content[: limits.REPORT],
            actor=actor,
            enterprise=commitment.enterprise,
            contact_name=commitment.enterprise.name[:100],
        )
        row = BreachFlag.objects.create(
            commitment=commitment, text=text, appeal=result.appeal, raised_by=actor, created_at=clock.now()
        )
        audit.record_event(
            actor=actor,
            action="commitments.breachflag.raise",
            instance=row,
            details={"article": ARTICLE, "appeal": result.appeal.tracking_number},
        )
    return row


def alerts_due(
    commitment_deadline: datetime.date, today: datetime.date, ahead: calendar.LookAhead | None = None
) -> str | None:
    """Which alert a deadline calls for today, counted in working days on the core calendar. None too when
    the working days up to the deadline cannot be counted (a year no calendar covers): ``ahead``
    (``core.calendar.LookAhead``) counts it as skipped."""
    if today > commitment_deadline:
        return AlertKind.OVERDUE
    if today == commitment_deadline:
        return AlertKind.DUE
    ahead = ahead or calendar.LookAhead(today, ALERT.value())
    if commitment_deadline > ahead.until:  # past the alert's working days however the calendar falls
        return None
    days = ahead.workdays_to(commitment_deadline)
    if days is not None and days <= ahead.days:
        return AlertKind.BEFORE
    return None


NOTICE_TEXT = {
    AlertKind.BEFORE: _(
        "Commitment %(number)s of %(unit)s is due on %(deadline)s: %(days)s working day(s) left (article 10)."
    ),
    AlertKind.DUE: _("Commitment %(number)s of %(unit)s is due today, %(deadline)s (article 10)."),
    AlertKind.OVERDUE: _(
        "Commitment %(number)s of %(unit)s is overdue: its deadline was %(deadline)s (article 10)."
    ),
}
#: who of the responsible unit is told of a deadline
NOTIFIED_ROLES = (Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER)


def notice_recipients(unit_ids) -> dict[int, list[tuple[object, str]]]:
    """Per unit: (user, mobile number or "") of its department handlers and supervising leaders in office
    with an active login."""
    from qinqing.directory.selectors import officials_with_accounts

    return {
        unit_id: [(official.user, official.person.phone or "") for official in officials]
        for unit_id, officials in officials_with_accounts(unit_ids, NOTIFIED_ROLES).items()
    }


def _deliveries(alert: DeadlineAlert, commitment: Commitment, recipients, today) -> list:
    """The alert's notices, one per recipient (``core.notices.deliver_once``: a notice in the application,
    and an SMS through the outbox to those with a mobile number; its state is the outbox row's)."""
    from qinqing.core.notices import Delivery

    text = str(NOTICE_TEXT[alert.kind]) % {
        "number": commitment.number,
        "unit": commitment.unit.name,
        "deadline": commitment.deadline.isoformat(),
        "days": calendar.workdays_between(today, commitment.deadline) if today < commitment.deadline else 0,
    }
    return [
        Delivery(user, f"alert:{alert.pk}", {"alert": alert, "kind": alert.kind, "text": text[:300]}, text,
                 {"article": ARTICLE, "kind": alert.kind})
        for user, _phone in recipients
    ]


def deadline_alerts(today: datetime.date | None = None) -> str:
    """Daily: record, once per commitment, deadline and kind, the open commitments whose deadline is at most
    ``ALERT`` working days away (data: commitments/time_limits.py), due today, or past; and tell the
    responsible unit's department handlers and supervising leader — a notice in the application (their
    memorandum page) and an SMS through the project's outbox to those with a mobile number on record. The
    alerts also show on the memorandum and on the overdue page of the discipline office; audited."""
    from qinqing.appeals.workflow import notify
    from qinqing.core.notices import deliver_once

    from .models import DeadlineNotice

    today = today or clock.today()
    ahead = calendar.LookAhead(today, ALERT.value())
    made = told = 0
    with transaction.atomic():
        jobs.exclusive("commitments.deadlines")
        rows = (
            Commitment.objects.filter(
                status__in=OPEN, deadline__lte=ahead.until
            )
            .select_related("unit")
            .only("pk", "number", "deadline", "unit_id", "unit__name")
        )
        existing = set(
            DeadlineAlert.objects.filter(commitment__status__in=OPEN).values_list(
                "commitment_id", "kind", "deadline"
            )
        )
        due = []
        for row in rows:
            kind = alerts_due(row.deadline, today, ahead)
            if kind and (row.pk, kind, row.deadline) not in existing:
                due.append((row, kind))
        recipients = notice_recipients({row.unit_id for row, _kind in due})
        events, deliveries = [], []
        for row, kind in due:
            try:
                with transaction.atomic():
                    alert = DeadlineAlert.objects.create(
                        commitment=row, kind=kind, deadline=row.deadline, found_on=today
                    )
            except IntegrityError:  # pragma: no cover - exclusive() serialises runs
                continue
            made += 1
            events.append({"actor": SYSTEM, "action": "commitments.deadlinealert.create", "instance": alert,
                           "fresh": True, "details": {"article": ARTICLE, "kind": kind}})
            deliveries += _deliveries(alert, row, recipients.get(row.unit_id, []), today)
        audit.record_events(events)
        phones = {user.pk: phone for people in recipients.values() for user, phone in people}
        told = deliver_once(
            DeadlineNotice, deliveries, phone_of=lambda user: phones.get(user.pk, ""),
            queue_sms=notify.queue_sms, action="commitments.deadlinenotice.create", actor=SYSTEM,
        )
    # deadlines it could not count: the run says so, naming the year to load
    summary = _("%(made)s deadline alert(s) recorded, %(told)s notice(s) to the responsible units") % {
        "made": made, "told": told}
    return ahead.report(summary)
