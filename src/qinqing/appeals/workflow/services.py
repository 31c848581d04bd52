"""Every write that moves an appeal (articles 6 and 8). The workflow is declared as data
(``APPEAL_WORKFLOW``: per action the allowed from-statuses, the target, who may act, the
required input, the article) and runs on ``core.workflow.transition``, which locks the row,
re-checks, saves with ``update_fields``, adds the timeline step, writes the outbox, records the
audit events and delivers after commit. Keyword-only, one transaction, one audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, db, limits, workflow
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import ApiKey
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import Change, Transition

from ..models import (
    OPEN_STATUSES,
    Appeal,
    Category,
    Channel,
    Complexity,
    Escalation,
    ExtensionRequest,
    ExtensionStatus,
    Level,
    LimitKey,
    Objection,
    Rating,
    Revisit,
    Satisfaction,
    Status,
    Track,
)
from ..services import (
    HANDLER_ROLES,
    SUPERVISION_ROLES,
    Due,
    _add_step,
    _count_due,
    _deadline,
    _recipient,
    due_text,
    limit_value,
)
from . import notify

# --- the workflow ------------------------------------------------------------------------
# Who may act (actor rules of the workflow below).
SUPERVISION = "supervision"  # the supervision office (督办), administrators and API keys
UNIT = "unit"  # the handling unit's handlers
ENTERPRISE = "enterprise"  # the enterprise that filed it
RELAY = "rating_relay"  # who records a rating the filer gave outside the system (issue 20)
# Channels whose filer has no way to rate online: their rating is given by phone or on paper and
# recorded by the supervision office (never by a district leader, who only reads and urges).
OFFLINE_CHANNELS = (Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ROUNDTABLE)
RELAY_ROLES = (Role.SUPERVISING_LEADER, Role.ADMINISTRATOR)


def is_supervision(actor, appeal: Appeal | None = None) -> bool:
    return isinstance(actor, ApiKey) or bool(
        getattr(actor, "is_authenticated", False)
        and (actor.is_superuser or has_role(actor, *SUPERVISION_ROLES))
    )


def is_unit_handler(actor, appeal: Appeal) -> bool:
    from qinqing.directory.selectors import unit_scope_ids

    if not (getattr(actor, "is_authenticated", False) and has_role(actor, *HANDLER_ROLES)):
        return False
    return appeal.handling_unit_id is not None and appeal.handling_unit_id in unit_scope_ids(actor)


def is_submitter(actor, appeal: Appeal) -> bool:
    from qinqing.directory.selectors import enterprises_for_user

    if not getattr(actor, "is_authenticated", False):
        return False
    if appeal.submitted_by_id == actor.pk:
        return True
    return (
        appeal.enterprise_id is not None
        and enterprises_for_user(actor).filter(pk=appeal.enterprise_id).exists()
    )


def _queue_notification(appeal: Appeal, text: str):
    """The workflow's outbox: the row is written in the transition's transaction."""
    return db.insert_instance(
        notify.outbox_row(appeal=appeal, channel=appeal.channel, recipient=_recipient(appeal), text=text)
    )


def _deliver(rows) -> None:
    """After the commit (the engine calls this from ``on_commit``): channels with a sender are
    tried at once; the others wait for the background job (as ``notify.deliver_after_commit``)."""
    if getattr(settings, "APPEALS_DELIVER_ON_COMMIT", True):
        notify.deliver_ids([row.pk for row in rows if notify.has_sender(row.channel)])


ACTIVE = (Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS)
# Every action may be taken by the supervision office too (it records the enterprise's
# rating when the enterprise answers by phone).
def is_rating_relay(actor, appeal: Appeal | None = None) -> bool:
    """An external system relaying a rating given there (API key), or the supervision office
    recording the rating of an appeal filed offline whose filer has no account to rate with."""
    if isinstance(actor, ApiKey):
        return True
    if not (
        getattr(actor, "is_authenticated", False) and (actor.is_superuser or has_role(actor, *RELAY_ROLES))
    ):
        return False
    return appeal is None or (appeal.channel in OFFLINE_CHANNELS and appeal.submitted_by_id is None)


_SUPERVISION, _UNIT, _ENTERPRISE = (SUPERVISION,), (UNIT, SUPERVISION), (ENTERPRISE, SUPERVISION)
# Only who filed rates the answer; a rating given by phone or on paper is relayed, never made up.
_RATERS = (ENTERPRISE, RELAY)
APPEAL_WORKFLOW = workflow.Workflow(
    name="appeals.appeal",
    model=Appeal,
    actors={
        SUPERVISION: workflow.ActorRule(
            is_supervision, roles=SUPERVISION_ROLES, api_key=True, label=_("Supervision office")
        ),
        UNIT: workflow.ActorRule(is_unit_handler, roles=HANDLER_ROLES, label=_("Handling unit")),
        ENTERPRISE: workflow.ActorRule(
            is_submitter, roles=(Role.ENTERPRISE_USER,), label=_("Enterprise that filed it")
        ),
        RELAY: workflow.ActorRule(
            is_rating_relay,
            roles=RELAY_ROLES,
            api_key=True,
            label=_("Supervision office, relaying a rating given by phone or letter"),
        ),
    },
    transitions={
        "triage": Transition((Status.RECEIVED, Status.TRIAGED), Status.TRIAGED, _SUPERVISION, "8"),
        "assign": Transition((Status.TRIAGED, Status.ASSIGNED), Status.ASSIGNED, _SUPERVISION, "8"),
        "object": Transition(
            (Status.ASSIGNED, Status.IN_PROGRESS),
            Status.TRIAGED,
            _UNIT,
            "8",
            requires={"reason": _("The reason for the objection")},
        ),
        "assign_handler": Transition(
            (Status.ASSIGNED, Status.IN_PROGRESS),
            Status.IN_PROGRESS,
            _UNIT,
            "8",
            requires={"official": _("The official who handles it")},
        ),
        "reply": Transition(
            (Status.ASSIGNED, Status.IN_PROGRESS),
            Status.REPLIED,
            _UNIT,
            "8",
            requires={"text": _("The reply")},
        ),
        "escalate": Transition(
            ACTIVE, Status.ESCALATED, _UNIT, "8", requires={"authority": _("The higher authority")}
        ),
        "relay_higher_answer": Transition(
            (Status.ESCALATED,),
            Status.REPLIED,
            _UNIT,
            "8",
            requires={"answer": _("The higher authority's answer")},
        ),
        "decline": Transition(
            ACTIVE, Status.REPLIED, _UNIT, "8", requires={"reason": _("The reason"), "basis": _("The basis")}
        ),
        "extension_request": Transition(
            OPEN_STATUSES, None, _UNIT, "8", requires={"reason": _("The reason for the extension")}
        ),
        "extension_decide": Transition(OPEN_STATUSES, None, _SUPERVISION, "8"),
        "urge": Transition(OPEN_STATUSES, None, _SUPERVISION, "8"),
        "rate": Transition(
            (Status.REPLIED,), None, _RATERS, "8", requires={"satisfaction": _("Satisfaction")}
        ),
        "revisit": Transition(
            (Status.REPLIED, Status.RATED, Status.CLOSED),
            None,
            _UNIT,
            "8",
            requires={"notes": _("The revisit notes")},
        ),
        "close": Transition((Status.REPLIED, Status.RATED), Status.CLOSED, _SUPERVISION, "8"),
    },
    refused=_("This appeal is %(status)s: the action %(action)s is not allowed now (article 8)."),
    step=lambda appeal, action, actor, text: _add_step(appeal, action, actor, text),
    notify=_queue_notification,
    deliver=_deliver,
)
TRANSITIONS = APPEAL_WORKFLOW.transitions


def may_act(actor, appeal: Appeal, action: str) -> bool:
    return workflow.may_act(APPEAL_WORKFLOW, actor, appeal, action)


def allowed_actions(actor, appeal: Appeal) -> list[str]:
    """Actions this actor may take on this appeal now (the detail page shows only these)."""
    return workflow.allowed_actions(APPEAL_WORKFLOW, actor, appeal)


def _transition(*, appeal: Appeal, action: str, actor, apply, data: dict | None = None) -> Appeal:
    """The engine's ``transition`` on the appeals workflow; the caller's instance is refreshed."""
    workflow.transition(APPEAL_WORKFLOW, appeal, action, actor=actor, apply=apply, data=data)
    appeal.refresh_from_db()
    return appeal


def _stage_deadline(appeal: Appeal, start: datetime.date) -> Due:
    key = {
        Track.RESOLVE: LimitKey.RESOLVE_COMPLEX
        if appeal.complexity == Complexity.COMPLEX
        else LimitKey.RESOLVE_SIMPLE,
        Track.ESCALATE: LimitKey.REPORT_UP,
        Track.DECLINE: LimitKey.NOTIFY,
    }[appeal.track]
    return _count_due(start, limit_value(key))


DUE_FIELDS = ["due_at", "due_provisional", "due_start", "due_days", "urged_on", "due_flagged_on"]


def _new_deadline(appeal: Appeal, due: Due | None) -> list[str]:
    appeal.due_at = due.due if due else None
    appeal.due_provisional = bool(due and due.provisional)
    appeal.due_start = due.start if due else None
    appeal.due_days = due.days if due else None
    appeal.urged_on = None
    appeal.due_flagged_on = None
    return list(DUE_FIELDS)


def appeal_triage(
    *, appeal: Appeal, track: str, actor, complexity: str = Complexity.SIMPLE, category: str | None = None
) -> Appeal:
    """Put the appeal on one of the three tracks; its deadline runs from the day it was received."""
    if track not in Track.values:
        raise ServiceError(
            _("Choose a track: resolve, escalate or decline (article 8)."),
            code="invalid_track",
            field="track",
        )
    if complexity not in Complexity.values:
        raise ServiceError(_("Choose simple or complex."), code="invalid_complexity", field="complexity")
    if category and category not in Category.values:
        raise ServiceError(
            _("Unknown category %(category)s."),
            code="invalid_category",
            field="category",
            params={"category": category},
        )

    def apply(locked: Appeal) -> Change:
        locked.track, locked.complexity = track, complexity
        fields = ["track", "complexity"]
        if category:
            locked.category = category
            fields.append("category")
        start = locked.stage_started_on if locked.round == 1 else clock.today()
        due = _stage_deadline(locked, start)
        fields += _new_deadline(locked, due)
        return Change(
            fields,
            gettext("Track: %(track)s; due %(date)s.")
            % {"track": Track(track).label, "date": due_text(due.due, due.provisional)},
        )

    return _transition(appeal=appeal, action="triage", actor=actor, apply=apply)


def appeal_assign(*, appeal: Appeal, unit, actor, co_units=()) -> Appeal:
    """Dispatch to a handling unit (and co-handling units); the unit may object within the window."""
    if unit is None:
        raise ServiceError(_("Choose the handling unit."), code="required", field="unit")
    co_units = [co for co in co_units if co.pk != unit.pk]

    def apply(locked: Appeal) -> Change:
        locked.handling_unit = unit
        locked.handler = None
        locked.assigned_on = clock.today()
        locked.co_handling_units.set(co_units)
        names = "、".join(co.name for co in co_units)
        text = gettext("Assigned to %(unit)s.") % {"unit": unit.name}
        if names:
            text += " " + gettext("Co-handling: %(units)s.") % {"units": names}
        return Change(
            ["handling_unit", "handler", "assigned_on", "status"],
            text,
            details={"co_units": [co.pk for co in co_units]},
        )

    # status is set explicitly so that re-assigning an ASSIGNED appeal stays ASSIGNED
    def apply_with_status(locked: Appeal) -> Change:
        change = apply(locked)
        locked.status = Status.ASSIGNED
        return change

    return _transition(appeal=appeal, action="assign", actor=actor, apply=apply_with_status)


def appeal_object(*, appeal: Appeal, reason: str, actor) -> Appeal:
    """The assigned unit objects, with a reason, within the window (1 working day by default)."""
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)

    def apply(locked: Appeal) -> Change:
        window_end = _deadline(locked.assigned_on, LimitKey.OBJECTION_WINDOW)
        if clock.today() > window_end:
            raise ServiceError(
                _(
                    "The window to object ended on %(date)s: a unit may object within %(days)s "
                    "working day(s) of the assignment (article 8)."
                ),
                code="objection_window_closed",
                field="reason",
                params={"date": window_end.isoformat(), "days": limit_value(LimitKey.OBJECTION_WINDOW)},
            )
        objection = Objection.objects.create(
            appeal=locked, unit=locked.handling_unit, reason=reason, created_at=clock.now()
        )
        unit_name = locked.handling_unit.name
        locked.handling_unit = None
        locked.handler = None
        locked.assigned_on = None
        locked.co_handling_units.clear()
        return Change(
            ["handling_unit", "handler", "assigned_on"],
            gettext("%(unit)s objected: %(reason)s") % {"unit": unit_name, "reason": reason},
            events=[
                {"actor": actor, "action": "appeals.objection.create", "instance": objection, "before": None}
            ],
        )

    return _transition(appeal=appeal, action="object", actor=actor, apply=apply, data={"reason": reason})


def conflict_check():
    """The conflict-of-interest check of the conduct app (article 15), when it is installed."""
    try:
        from qinqing.conduct.services import check_assignment
    except ImportError:
        return None
    return check_assignment


def appeal_assign_handler(*, appeal: Appeal, official, actor) -> Appeal:
    """Name the official handling it; an official linked to the enterprise must recuse (article 15)."""
    if official is None:
        raise ServiceError(_("Choose the official who handles it."), code="required", field="official")
    if appeal.handling_unit_id is None or official.unit_id != appeal.handling_unit_id:
        raise ServiceError(
            _("The handler must be an official of the handling unit."), code="wrong_unit", field="official"
        )
    if not may_act(actor, appeal, "assign_handler"):
        raise PermissionDeniedError()
    check = conflict_check()
    if check is not None and appeal.enterprise_id:
        # Before our transaction: the conduct app keeps its record of a blocked check.
        check(
            official=official,
            enterprise=appeal.enterprise,
            matter_type="appeals.appeal",
            matter_id=str(appeal.pk),
            actor=actor,
        )

    def apply(locked: Appeal) -> Change:
        locked.handler = official
        return Change(["handler"], gettext("Handler: %(name)s.") % {"name": official.person.name})

    return _transition(
        appeal=appeal, action="assign_handler", actor=actor, apply=apply, data={"official": official}
    )


def _require_track(locked: Appeal, track: str) -> None:
    if locked.track != track:
        raise ConflictError(
            _("This action belongs to the track %(track)s; triage the appeal onto it first (article 8)."),
            code="wrong_track",
            field="track",
            params={"track": Track(track).label},
        )


def appeal_reply(*, appeal: Appeal, text: str, actor) -> Appeal:
    """The handling unit's answer to the enterprise (本级办理·限时办结)."""
    text = limits.check_text(text, field="text", label=_("Reply"), limit=limits.REPORT)

    def apply(locked: Appeal) -> Change:
        _require_track(locked, Track.RESOLVE)
        locked.reply, locked.replied_at = text, clock.now()
        return Change(
            ["reply", "replied_at"],
            text,
            notify=gettext("Reply to your appeal %(number)s: %(text)s")
            % {"number": locked.tracking_number, "text": text},
        )

    return _transition(appeal=appeal, action="reply", actor=actor, apply=apply, data={"text": text})


def appeal_escalate(
    *, appeal: Appeal, authority: str, reported_on: datetime.date | None = None, actor
) -> Appeal:
    """Record the report to the higher authority (需要上报·限时报出); it stays open for the answer."""
    authority = limits.check_text(authority, field="authority", label=_("Higher authority"),
                                  limit=limits.PLACE)
    reported_on = reported_on or clock.today()
    # Reported on a day since the appeal came in, not in the future.
    limits.check_date(reported_on, field="reported_on", label=_("Date reported"), not_after=clock.today(),
                      not_before=clock.local(appeal.received_at).date() if appeal.received_at else None)

    def apply(locked: Appeal) -> Change:
        _require_track(locked, Track.ESCALATE)
        escalation = Escalation.objects.create(appeal=locked, authority=authority, reported_on=reported_on)
        fields = _new_deadline(locked, None)  # the higher authority's answer has no local deadline
        return Change(
            fields,
            gettext("Reported to %(authority)s on %(date)s.")
            % {"authority": authority, "date": reported_on.isoformat()},
            notify=gettext(
                "Your appeal %(number)s was reported to %(authority)s; we will pass on its answer."
            )
            % {"number": locked.tracking_number, "authority": authority},
            events=[
                {
                    "actor": actor,
                    "action": "appeals.escalation.create",
                    "instance": escalation,
                    "before": None,
                }
            ],
        )

    return _transition(
        appeal=appeal, action="escalate", actor=actor, apply=apply, data={"authority": authority}
    )


def appeal_relay_higher_answer(*, appeal: Appeal, answer: str, actor) -> Appeal:
    answer = limits.check_text(answer, field="answer", label=_("Answer"), limit=limits.REPORT)

    def apply(locked: Appeal) -> Change:
        events = []
        escalation = locked.escalations.filter(answer_relayed_at__isnull=True).order_by("-pk").first()
        if escalation is not None:
            before = audit.snapshot(escalation)
            escalation.answer, escalation.answer_relayed_at = answer, clock.now()
            escalation.save(update_fields=["answer", "answer_relayed_at"])
            events.append(
                {
                    "actor": actor,
                    "action": "appeals.escalation.answer",
                    "instance": escalation,
                    "before": before,
                }
            )
        locked.reply, locked.replied_at = answer, clock.now()
        return Change(
            ["reply", "replied_at"],
            answer,
            events=events,
            notify=gettext("Answer to your appeal %(number)s: %(text)s")
            % {"number": locked.tracking_number, "text": answer},
        )

    return _transition(
        appeal=appeal, action="relay_higher_answer", actor=actor, apply=apply, data={"answer": answer}
    )


def appeal_decline(*, appeal: Appeal, reason: str, basis: str, actor) -> Appeal:
    """Tell the enterprise why it cannot be handled and on what basis (不能办理·限时告知)."""
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    basis = limits.check_text(basis, field="basis", label=_("Basis"), limit=limits.REASON)

    def apply(locked: Appeal) -> Change:
        _require_track(locked, Track.DECLINE)
        locked.decline_reason, locked.decline_basis, locked.replied_at = reason, basis, clock.now()
        locked.reply = reason
        text = gettext("Cannot be handled: %(reason)s Basis: %(basis)s") % {"reason": reason, "basis": basis}
        return Change(
            ["decline_reason", "decline_basis", "reply", "replied_at"],
            text,
            notify=gettext("Your appeal %(number)s: %(text)s")
            % {"number": locked.tracking_number, "text": text},
        )

    return _transition(
        appeal=appeal, action="decline", actor=actor, apply=apply, data={"reason": reason, "basis": basis}
    )


def extension_request(*, appeal: Appeal, days: int, reason: str, actor) -> ExtensionRequest:
    """Ask for more time, before the deadline, within the cap (article 8)."""
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    max_days = limit_value(LimitKey.EXTENSION_MAX_DAYS)
    if not isinstance(days, int) or days < 1 or days > max_days:
        raise ServiceError(
            _("An extension may add 1 to %(max)s working days (article 8)."),
            code="extension_days",
            field="days",
            params={"max": max_days},
        )
    created: list[ExtensionRequest] = []

    def apply(locked: Appeal) -> Change:
        if locked.due_at is None or clock.today() > locked.due_at:
            raise ServiceError(
                _("An extension must be requested before the deadline (%(date)s) (article 8)."),
                code="extension_too_late",
                field="days",
                params={"date": locked.due_at.isoformat() if locked.due_at else "-"},
            )
        max_count = limit_value(LimitKey.EXTENSION_MAX_COUNT)
        used = locked.extensions.exclude(status=ExtensionStatus.REFUSED).count()
        if used >= max_count:
            raise ServiceError(
                _("This appeal already has %(count)s extension(s); at most %(max)s are allowed (article 8)."),
                code="extension_cap",
                field="days",
                params={"count": used, "max": max_count},
            )
        request = ExtensionRequest.objects.create(
            appeal=locked, days=days, reason=reason, requested_at=clock.now(), due_before=locked.due_at
        )
        created.append(request)
        return Change(
            [],
            gettext("Extension of %(days)s working day(s) requested: %(reason)s")
            % {"days": days, "reason": reason},
            events=[
                {
                    "actor": actor,
                    "action": "appeals.extensionrequest.create",
                    "instance": request,
                    "before": None,
                }
            ],
        )

    _transition(appeal=appeal, action="extension_request", actor=actor, apply=apply, data={"reason": reason})
    return created[0]


def extension_decide(*, request: ExtensionRequest, approve: bool, actor, note: str = "") -> ExtensionRequest:
    """The supervision office approves (the deadline moves) or refuses a pending request."""
    note = limits.check_text(note, field="note", label=_("Note"), limit=limits.REASON)

    def apply(locked: Appeal) -> Change:
        current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != ExtensionStatus.REQUESTED:
            raise ConflictError(
                _("This extension request was already decided."), code="already_decided", field="request"
            )
        before = audit.snapshot(current)
        current.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        current.decided_at, current.decision_note = clock.now(), note
        fields: list[str] = []
        if approve:
            # Counted from the deadline's own basis, so a later recount (official schedule
            # loaded) keeps the extension: add(add(s, n), d) == add(s, n + d).
            if locked.due_start is not None and locked.due_days is not None:
                due = _count_due(locked.due_start, locked.due_days + current.days)
            else:
                due = _count_due(locked.due_at or current.due_before, current.days)
            current.due_after = due.due
            fields = _new_deadline(locked, due)
        current.save(update_fields=["status", "decided_at", "decision_note", "due_after"])
        if approve:
            text = gettext("Extension approved: new deadline %(date)s.") % {
                "date": due_text(due.due, due.provisional)
            }
        else:
            text = gettext("Extension refused.")
        return Change(
            fields,
            text + (f" {current.decision_note}" if current.decision_note else ""),
            events=[
                {
                    "actor": actor,
                    "action": "appeals.extensionrequest.decide",
                    "instance": current,
                    "before": before,
                }
            ],
        )

    _transition(appeal=request.appeal, action="extension_decide", actor=actor, apply=apply)
    request.refresh_from_db()
    return request


def appeal_urge(*, appeal: Appeal, actor, text: str = "") -> Appeal:
    """催办: remind the handling unit of the deadline."""
    text = limits.check_text(text, field="text", label=_("Note"), limit=limits.REASON)

    def apply(locked: Appeal) -> Change:
        locked.urged_on = clock.today()
        return Change(["urged_on"], (text or "").strip() or gettext("Urged: the deadline is %(date)s.") % {
            "date": locked.due_at.isoformat() if locked.due_at else "-"})

    return _transition(appeal=appeal, action="urge", actor=actor, apply=apply)


def appeal_rate(*, appeal: Appeal, satisfaction: str, actor, comment: str = "") -> Rating:
    """The enterprise rates the reply. 不满意 reopens it for round 2; unresolved after round 2
    it is raised to district-leader level (article 8)."""
    comment = limits.check_text(comment, field="comment", label=_("Comment"), limit=limits.REASON)
    if satisfaction not in Satisfaction.values:
        raise ServiceError(
            _("Choose satisfied, basically satisfied or unsatisfied."),
            code="invalid_satisfaction",
            field="satisfaction",
        )
    created: list[Rating] = []

    def apply(locked: Appeal) -> Change:
        rating = Rating.objects.create(
            appeal=locked,
            round=locked.round,
            satisfaction=satisfaction,
            comment=(comment or "").strip(),
            created_at=clock.now(),
        )
        events = [{"actor": actor, "action": "appeals.rating.create", "instance": rating, "before": None}]
        created.append(rating)
        step = Satisfaction(satisfaction).label + (f": {rating.comment}" if rating.comment else "")
        if satisfaction != Satisfaction.UNSATISFIED:
            locked.status = Status.RATED
            return Change(["status"], step, events=events)
        fields = ["status", "round", "level"]
        if locked.round >= 2:
            locked.level = Level.DISTRICT_LEADER
            step += " " + gettext("Still unresolved after two rounds: raised to district-leader level.")
        else:
            locked.round = 2
            step += " " + gettext("Reopened for a second round.")
        locked.status = (
            Status.IN_PROGRESS
            if locked.handler_id
            else (Status.ASSIGNED if locked.handling_unit_id else Status.TRIAGED)
        )
        fields += _new_deadline(locked, _stage_deadline(locked, clock.today()) if locked.track else None)
        return Change(fields, step, events=events)

    _transition(appeal=appeal, action="rate", actor=actor, apply=apply, data={"satisfaction": satisfaction})
    return created[0]


def appeal_revisit(*, appeal: Appeal, notes: str, actor, method: str = "phone") -> Revisit:
    """回访: the unit or the supervision office calls back and records what it heard."""
    notes = limits.check_text(notes, field="notes", label=_("Notes"), limit=limits.REPORT)
    created: list[Revisit] = []

    def apply(locked: Appeal) -> Change:
        revisit = Revisit.objects.create(
            appeal=locked, method=(method or "phone")[:40], notes=notes, created_at=clock.now()
        )
        created.append(revisit)
        return Change(
            [],
            notes,
            events=[
                {"actor": actor, "action": "appeals.revisit.create", "instance": revisit, "before": None}
            ],
        )

    _transition(appeal=appeal, action="revisit", actor=actor, apply=apply, data={"notes": notes})
    return created[0]


def appeal_close(*, appeal: Appeal, actor) -> Appeal:
    def apply(locked: Appeal) -> Change:
        locked.closed_at = clock.now()
        return Change(["closed_at"], gettext("Closed."))

    return _transition(appeal=appeal, action="close", actor=actor, apply=apply)


def perform(*, appeal: Appeal, action: str, actor, data: dict) -> Any:
    """One entry point for the API and the HTMX forms: ``action`` plus its fields."""
    from qinqing.directory.models import Official, Unit

    def get(name, default=""):
        return data.get(name, default)

    def integer(name):
        try:
            return int(get(name))
        except (TypeError, ValueError) as error:
            raise ServiceError(_("Enter a whole number."), code="invalid", field=name) from error

    def unit_by_id(value, field):
        unit = Unit.objects.filter(pk=value, is_active=True).first() if str(value or "").isdigit() else None
        if unit is None:
            raise ServiceError(_("Choose the handling unit."), code="required", field=field)
        return unit

    if action == "triage":
        return appeal_triage(
            appeal=appeal,
            track=get("track"),
            complexity=get("complexity") or Complexity.SIMPLE,
            category=get("category") or None,
            actor=actor,
        )
    if action == "assign":
        co_ids = [value for value in (get("co_units", []) or []) if str(value).isdigit()]
        return appeal_assign(
            appeal=appeal,
            unit=unit_by_id(get("unit"), "unit"),
            co_units=list(Unit.objects.filter(pk__in=co_ids)),
            actor=actor,
        )
    if action == "object":
        return appeal_object(appeal=appeal, reason=get("reason"), actor=actor)
    if action == "assign_handler":
        official = (
            Official.objects.select_related("person").filter(pk=get("official"), is_active=True).first()
            if str(get("official")).isdigit()
            else None
        )
        return appeal_assign_handler(appeal=appeal, official=official, actor=actor)
    if action == "reply":
        return appeal_reply(appeal=appeal, text=get("text"), actor=actor)
    if action == "escalate":
        reported_on = get("reported_on") or None
        if reported_on and not isinstance(reported_on, datetime.date):
            try:
                reported_on = datetime.date.fromisoformat(str(reported_on))
            except ValueError as error:
                raise ServiceError(
                    _("Enter a date as YYYY-MM-DD."), code="invalid_date", field="reported_on"
                ) from error
        return appeal_escalate(
            appeal=appeal, authority=get("authority"), reported_on=reported_on, actor=actor
        )
    if action == "relay_higher_answer":
        return appeal_relay_higher_answer(appeal=appeal, answer=get("answer"), actor=actor)
    if action == "decline":
        return appeal_decline(appeal=appeal, reason=get("reason"), basis=get("basis"), actor=actor)
    if action == "extension_request":
        return extension_request(appeal=appeal, days=integer("days"), reason=get("reason"), actor=actor)
    if action == "extension_decide":
        request = appeal.extensions.filter(
            pk=get("request") if str(get("request")).isdigit() else None
        ).first()
        if request is None:
            raise ServiceError(_("Choose the extension request."), code="required", field="request")
        return extension_decide(
            request=request,
            approve=str(get("approve")).lower() in ("1", "true", "yes", "on"),
            note=get("note"),
            actor=actor,
        )
    if action == "urge":
        return appeal_urge(appeal=appeal, text=get("text"), actor=actor)
    if action == "rate":
        return appeal_rate(
            appeal=appeal, satisfaction=get("satisfaction"), comment=get("comment"), actor=actor
        )
    if action == "revisit":
        return appeal_revisit(appeal=appeal, notes=get("notes"), method=get("method") or "phone", actor=actor)
    if action == "close":
        return appeal_close(appeal=appeal, actor=actor)
    raise ServiceError(
        _("Unknown action %(action)s."), code="invalid_action", field="action", params={"action": action}
    )
