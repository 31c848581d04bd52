"""Every write of the fault-tolerance app (article 22): keyword-only, one transaction, audited.

The request moves on ``core.workflow`` (``tolerance.request``): submitted → accepted (or refused) →
deliberated → determined → filed; linking a discipline case, publishing the clearing notice and the
revisit keep the status. Each step's due date is counted in working days on the core calendar from
the editable ``TimeLimits``; the daily job ``tolerance.overdue`` records what is past due.

Dependencies point inward: tolerance reads supervision (a case is found through
``supervision.selectors.queue``, the inspector's own view) and records its factor in its own
``CaseFactor`` table; supervision never imports tolerance.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, jobs, limits, numbering, workflow
from qinqing.core.calendar import deadlines
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from .access import OFFICE, ORGANISATION, SUBMITTERS
from .models import (
    CONDITIONS,
    DISTINCTIONS,
    OPEN_STATUSES,
    TOLERATED,
    Alert,
    AlertKind,
    CaseFactor,
    Determination,
    FilingReceipt,
    Notice,
    NoticeKind,
    Status,
    Submitter,
    TimeLimits,
    ToleranceRequest,
)

SERIES = numbering.Series("tolerance.request", "容错〔{period}〕{number:04d}号")
REVISIT_HOUR = datetime.time(9, 0)


def is_office(actor, _obj=None) -> bool:
    return has_role(actor, *OFFICE) or getattr(actor, "is_superuser", False)


OFFICE_RULE = "office"
REQUEST_WORKFLOW = Workflow(
    name="tolerance.request",
    model=ToleranceRequest,
    actors={OFFICE_RULE: ActorRule(is_office, roles=OFFICE, label=_("Discipline office"))},
    transitions={
        "accept": Transition((Status.SUBMITTED,), Status.ACCEPTED, (OFFICE_RULE,), "22"),
        "refuse": Transition(
            (Status.SUBMITTED,),
            Status.REFUSED,
            (OFFICE_RULE,),
            "22",
            requires={"reason": _("Reason for not accepting")},
        ),
        "deliberate": Transition((Status.ACCEPTED,), Status.DELIBERATED, (OFFICE_RULE,), "22"),
        "determine": Transition(
            (Status.DELIBERATED,),
            Status.DETERMINED,
            (OFFICE_RULE,),
            "22",
            requires={"determination": _("Determination"), "reasons": _("Reasons")},
        ),
        "file": Transition(
            (Status.DETERMINED,),
            Status.FILED,
            (OFFICE_RULE,),
            "22",
            requires={"organisation_department": _("Organisation department")},
        ),
        "link_case": Transition(
            (Status.SUBMITTED, Status.ACCEPTED, Status.DELIBERATED),
            None,
            (OFFICE_RULE,),
            "22",
            requires={"case": _("Case number")},
        ),
        "publish_clearing": Transition(
            (Status.FILED,), None, (OFFICE_RULE,), "22", requires={"text": _("Clearing notice")}
        ),
        "revisit": Transition(
            (Status.FILED,), None, (OFFICE_RULE,), "22", requires={"note": _("Revisit notes")}
        ),
    },
)


def time_limits() -> TimeLimits:
    """The time limits in force: the saved row, or the defaults (unsaved) until the office edits them."""
    return TimeLimits.objects.filter(pk=1).first() or TimeLimits(pk=1)


def time_limits_update(
    *, accept_days: int, deliberate_days: int, determine_days: int, revisit_days: int, actor
) -> TimeLimits:
    if not is_office(actor):
        raise PermissionDeniedError()
    values = {
        "accept_days": (accept_days, _("Acceptance (working days)"), 1, 30),
        "deliberate_days": (deliberate_days, _("Deliberation (working days)"), 1, 90),
        "determine_days": (determine_days, _("Determination (working days)"), 1, 60),
        "revisit_days": (revisit_days, _("Revisit after (working days)"), 5, 250),
    }
    for field, (value, label, low, high) in values.items():
        if not isinstance(value, int) or not low <= value <= high:
            raise ServiceError(
                _("%(field)s must be between %(low)d and %(high)d."),
                code="out_of_range",
                field=field,
                params={"field": label, "low": low, "high": high},
            )
    with transaction.atomic():
        row = TimeLimits.objects.select_for_update().filter(pk=1).first()
        before = audit.snapshot(row) if row is not None else None
        row = row or TimeLimits(pk=1)
        for field, (value, *_rest) in values.items():
            setattr(row, field, value)
        row.save()
        audit.record_event(
            actor=actor,
            action="tolerance.timelimits.update",
            instance=row,
            before=before,
            details={"article": "22"},
        )
    return row


def _official_of(actor):
    from qinqing.directory.models import Official

    return Official.objects.filter(user=actor, is_active=True).select_related("unit").first()


def request_submit(
    *, official, submitter: str, matter: str, facts: str, evidence: str, actor
) -> ToleranceRequest:
    """Submission (提出): by the official themselves or by their unit (a colleague of the same unit)."""
    if not (has_role(actor, *SUBMITTERS) or getattr(actor, "is_superuser", False)):
        raise PermissionDeniedError()
    if submitter not in Submitter.values:
        raise ServiceError(_("Choose who submits the request."), code="invalid_choice", field="submitter")
    if official is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="official", params={"field": _("Official")}
        )
    mine = _official_of(actor)
    if submitter == Submitter.OFFICIAL and (mine is None or mine.pk != official.pk):
        raise ServiceError(
            _("An official submits only for themselves; a unit submits for its officials."),
            code="not_own",
            field="official",
        )
    if submitter == Submitter.UNIT and (mine is None or mine.unit_id != official.unit_id):
        raise ServiceError(_("A unit submits only for its own officials."), code="not_own", field="official")
    matter = limits.check_text(
        matter, field="matter", label=_("Matter"), limit=limits.PLACE, required=True
    )
    facts = limits.check_text(
        facts, field="facts", label=_("Facts"), limit=limits.REPORT, required=True
    )
    evidence = limits.check_text(
        evidence, field="evidence", label=_("Evidence"), limit=limits.REPORT, required=True
    )
    today = clock.today()
    accept_days = time_limits().accept_days
    due = calendar.deadline(today, accept_days)
    with transaction.atomic():
        number = numbering.take(SERIES, today)
        row = ToleranceRequest.objects.create(
            number=number.text,
            official=official,
            unit_id=official.unit_id,
            submitter=submitter,
            submitted_by=actor,
            matter=matter,
            facts=facts,
            evidence=evidence,
            submitted_on=today,
            step_due=due,
            created_at=clock.now(),
        )
        deadlines.keep(row, "step_due", start=today, days=accept_days, actor=actor)
        audit.record_event(
            actor=actor, action="tolerance.request.submit", instance=row, details={"article": "22"}
        )
    return row


def request_accept(*, request: ToleranceRequest, actor) -> ToleranceRequest:
    """Acceptance (受理); the deliberation's time limit starts."""

    def apply(locked):
        locked.accepted_on = clock.today()
        deadlines.count(locked, "step_due", start=locked.accepted_on, days=time_limits().deliberate_days,
                        actor=actor)
        return Change(fields=["accepted_on", "step_due"])

    return workflow.transition(REQUEST_WORKFLOW, request, "accept", actor=actor, apply=apply)


def request_refuse(*, request: ToleranceRequest, reason: str, actor) -> ToleranceRequest:
    reason = limits.check_text(
        reason, field="reason", label=_("Reason for not accepting"), limit=limits.REASON
    )

    def apply(locked):
        locked.refuse_reason = reason
        locked.refused_on = clock.today()
        locked.step_due = None
        return Change(fields=["refuse_reason", "refused_on", "step_due"])

    return workflow.transition(
        REQUEST_WORKFLOW, request, "refuse", actor=actor, apply=apply, data={"reason": reason}
    )


def request_deliberate(
    *, request: ToleranceRequest, answers: dict, notes: str = "", actor
) -> ToleranceRequest:
    """Deliberation (审议): each of the three distinctions answered, with its evidence, and the conditions.

    ``answers`` maps each distinction and condition name to True/False and ``<distinction>_evidence``
    to its text; an unanswered item or a distinction without evidence is refused naming the item.
    """
    values = {}
    for name, label in DISTINCTIONS + CONDITIONS:
        value = answers.get(name)
        if value not in (True, False):
            raise ServiceError(_("Answer: %(field)s."), code="required", field=name, params={"field": label})
        values[name] = value
    for name, label in DISTINCTIONS:
        key = f"{name}_evidence"
        text = limits.check_text(answers.get(key), field=key, label=label, limit=limits.REASON)
        values[key] = limits.check_required(
            text, field=key, label=_("Evidence for “%(item)s”") % {"item": label}
        )
    notes = limits.check_text(notes, field="notes", label=_("Deliberation notes"), limit=limits.REPORT)

    def apply(locked):
        for field, value in values.items():
            setattr(locked, field, value)
        locked.deliberation_notes = notes
        locked.deliberated_on = clock.today()
        deadlines.count(locked, "step_due", start=locked.deliberated_on, days=time_limits().determine_days,
                        actor=actor)
        return Change(fields=[*values, "deliberation_notes", "deliberated_on", "step_due"])

    return workflow.transition(REQUEST_WORKFLOW, request, "deliberate", actor=actor, apply=apply)


def may_tolerate(request: ToleranceRequest) -> bool:
    """Tolerance (exempted, lighter, mitigated) needs every distinction on the tolerable side and no
    private gain (article 22: 三个区分开来)."""
    return (
        all(getattr(request, name) is True for name, _label in DISTINCTIONS)
        and request.no_private_gain is True
    )


def request_determine(
    *, request: ToleranceRequest, determination: str, reasons: str, actor
) -> ToleranceRequest:
    """Determination (界定) with reasons; recorded as a factor on the linked discipline case, if any."""
    if determination not in Determination.values:
        raise ServiceError(_("Choose the determination."), code="invalid_choice", field="determination")
    reasons = limits.check_text(reasons, field="reasons", label=_("Reasons"), limit=limits.REPORT)

    def apply(locked):
        if determination in TOLERATED and not may_tolerate(locked):
            raise ConflictError(
                _(
                    "Tolerance needs all three distinctions on the tolerable side and no private gain "
                    "(article 22); determine it as not tolerated or deliberate again."
                ),
                code="not_tolerable",
                field="determination",
            )
        locked.determination = determination
        locked.reasons = reasons
        locked.determined_on = clock.today()
        locked.step_due = None
        events = []
        if locked.case_id:
            factor = CaseFactor.objects.create(
                request=locked,
                case_id=locked.case_id,
                determination=determination,
                reasons=reasons,
                recorded_on=locked.determined_on,
            )
            events.append(
                {
                    "actor": actor,
                    "action": "tolerance.casefactor.record",
                    "instance": factor,
                    "fresh": True,
                    "details": {"article": "22"},
                }
            )
        return Change(
            fields=["determination", "reasons", "determined_on", "step_due"],
            events=events,
            details={"determination": determination},
        )

    return workflow.transition(
        REQUEST_WORKFLOW,
        request,
        "determine",
        actor=actor,
        apply=apply,
        data={"determination": determination, "reasons": reasons},
    )


def request_file(*, request: ToleranceRequest, organisation_department, actor) -> ToleranceRequest:
    """The conclusion filed with the discipline office and the organisation department, whose accounts are
    told (a notice; an SMS where they have a mobile number); the revisit is scheduled (a one-off run of
    ``tolerance.revisit`` on its due day)."""

    def apply(locked):
        locked.organisation_department = organisation_department
        locked.filed_on = clock.today()
        deadlines.count(locked, "revisit_due", start=locked.filed_on, days=time_limits().revisit_days,
                        actor=actor)
        return Change(fields=["organisation_department", "filed_on", "revisit_due"])

    with transaction.atomic():  # the filing and its notices to the department's accounts commit together
        row = workflow.transition(
            REQUEST_WORKFLOW,
            request,
            "file",
            actor=actor,
            apply=apply,
            data={"organisation_department": organisation_department},
        )
        _deliver(
            [
                (user, NoticeKind.FILED, row, None, f"filed:{row.pk}")
                for user in organisation_accounts(organisation_department)
            ]
        )
    _schedule_revisit(row)
    return row


def _schedule_revisit(row: ToleranceRequest) -> None:
    moment = datetime.datetime.combine(row.revisit_due, REVISIT_HOUR, tzinfo=clock.now().tzinfo)
    transaction.on_commit(lambda: jobs.enqueue("tolerance.revisit", at=moment, request_id=row.pk))


def _revisit_moved(row: ToleranceRequest, change) -> None:
    """The revisit's one-off run follows its date (the run at the old date finds it not yet due)."""
    _schedule_revisit(row)


def register_deadlines() -> None:
    """Each step's due date and the revisit, counted in working days, recounted when a year's schedule
    is loaded (core.calendar.deadlines) while the step or the revisit is still to be done."""
    action = "tolerance.request.deadline_recount"
    deadlines.register(ToleranceRequest, "step_due", open=Q(status__in=OPEN_STATUSES), action=action)
    deadlines.register(ToleranceRequest, "revisit_due", action=action, moved=_revisit_moved,
                       open=Q(status=Status.FILED, revisit_done_on__isnull=True))


def request_link_case(*, request: ToleranceRequest, case_number: str, actor) -> ToleranceRequest:
    """Link the discipline case (a supervision report the inspector may see) the request concerns."""
    from qinqing.supervision import selectors as supervision

    case_number = limits.check_text(case_number, field="case", label=_("Case number"), limit=limits.NAME)
    case = supervision.queue(actor).filter(number=case_number).first() if case_number else None
    if case_number and case is None:
        raise ServiceError(
            _("No discipline case %(number)s that you may see."),
            code="not_found",
            field="case",
            params={"number": case_number},
        )

    def apply(locked):
        locked.case = case
        return Change(fields=["case"])

    return workflow.transition(
        REQUEST_WORKFLOW, request, "link_case", actor=actor, apply=apply, data={"case": case}
    )


def request_publish_clearing(*, request: ToleranceRequest, text: str, actor) -> ToleranceRequest:
    """Publish a clearing notice (澄清正名): only for an official exempted from responsibility."""
    text = limits.check_text(text, field="text", label=_("Clearing notice"), limit=limits.REPORT)

    def apply(locked):
        if locked.determination != Determination.EXEMPTED:
            raise ConflictError(
                _(
                    "A clearing notice is published only for an official exempted from "
                    "responsibility (article 22)."
                ),
                code="not_cleared",
                field="text",
            )
        locked.clearing_text = text
        locked.clearing_published_on = clock.today()
        return Change(fields=["clearing_text", "clearing_published_on"])

    return workflow.transition(
        REQUEST_WORKFLOW, request, "publish_clearing", actor=actor, apply=apply, data={"text": text}
    )


def request_revisit(*, request: ToleranceRequest, note: str, actor) -> ToleranceRequest:
    note = limits.check_text(note, field="note", label=_("Revisit notes"), limit=limits.REPORT)

    def apply(locked):
        if locked.revisit_done_on:
            raise ConflictError(_("The revisit is already recorded."), code="duplicate", field="note")
        locked.revisit_note = note
        locked.revisit_done_on = clock.today()
        return Change(fields=["revisit_note", "revisit_done_on"])

    return workflow.transition(
        REQUEST_WORKFLOW, request, "revisit", actor=actor, apply=apply, data={"note": note}
    )


# --- notices: delivered to named people ------------------------------------------------------------------
NOTICE_ACTOR = audit.SystemActor("tolerance")


def handling_inspectors(request: ToleranceRequest) -> list:
    """The discipline inspectors who acted on the request (its audit trail), in office; every inspector
    while nobody has acted on it yet (a request just submitted belongs to the whole office)."""
    from django.contrib.auth import get_user_model

    from qinqing.core.models import AuditEvent

    inspectors = get_user_model().objects.filter(is_active=True, groups__name=OFFICE[0])
    acted = AuditEvent.objects.filter(
        object_type__in=audit.labels_of(ToleranceRequest),
        object_id=str(request.pk),
        actor_user__isnull=False,
    ).values("actor_user_id")
    handling = inspectors.filter(pk__in=acted).exclude(pk=request.submitted_by_id)
    return list((handling if handling.exists() else inspectors).distinct().order_by("pk"))


def organisation_accounts(unit) -> list:
    """The organisation department's accounts: users with the organisation-department role whose
    directory record is in that unit, in office."""
    from django.contrib.auth import get_user_model

    if unit is None:
        return []
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=ORGANISATION[0],
            official__unit_id=unit.pk,
            official__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _sms_text(kind: str, request: ToleranceRequest, due, particulars) -> str:
    from django.utils.translation import gettext, gettext_lazy

    from qinqing.core import notices

    return notices.sms_text(
        gettext_lazy("[%(office)s] Fault tolerance %(number)s: %(what)s%(due)s. Please see the platform."),
        office=gettext_lazy("Discipline office"),
        particulars=particulars,
        number=request.number,
        what=NoticeKind(kind).label,
        due=lambda: (gettext(" (due %(day)s)") % {"day": due.isoformat()}) if due else "",
    )


def _deliver(items) -> int:
    """``items``: (user, kind, request, due, key). A notice in the application for each not yet delivered
    (key unique per recipient) and an SMS on the appeals outbox to those with a mobile number; audited.
    Runs in the caller's transaction (the SMS is tried once it commits)."""
    from qinqing.appeals.workflow import notify
    from qinqing.core import district
    from qinqing.core.notices import Delivery, deliver_once
    from qinqing.directory.selectors import mobile_for_user

    particulars = district.current()
    deliveries = [
        Delivery(
            user,
            key,
            {"kind": kind, "request": request, "due": due},
            lambda kind=kind, request=request, due=due: _sms_text(kind, request, due, particulars),
            {"article": "22"},
        )
        for user, kind, request, due, key in items
    ]
    return deliver_once(
        Notice,
        deliveries,
        phone_of=mobile_for_user,
        queue_sms=notify.queue_sms,
        action="tolerance.notice.deliver",
        actor=NOTICE_ACTOR,
    )


# --- the organisation department's receipt --------------------------------------------------------------
def _check_organisation(actor, request: ToleranceRequest) -> None:
    from qinqing.directory.selectors import unit_for_user

    unit = unit_for_user(actor)
    if not has_role(actor, *ORGANISATION) or unit is None or request.organisation_department_id != unit.pk:
        raise PermissionDeniedError()
    if request.status != Status.FILED:
        raise ConflictError(
            _("Only a filed conclusion is received."), code="invalid_transition", field="status"
        )


def filing_receive(*, request: ToleranceRequest, use_note: str = "", actor) -> FilingReceipt:
    """The organisation department records that it received the filed conclusion and, optionally, the use
    it made of it (e.g. a note for the official's cadre evaluation); a later note replaces the earlier one
    (each change audited)."""
    _check_organisation(actor, request)
    use_note = limits.check_text(
        use_note, field="use_note", label=_("Use by the organisation department"), limit=limits.REPORT
    )
    today = clock.today()
    with transaction.atomic():
        row = FilingReceipt.objects.select_for_update().filter(request=request).first()
        if row is None:
            row = FilingReceipt.objects.create(
                request=request,
                unit_id=request.organisation_department_id,
                received_by=actor,
                received_on=today,
                use_note=use_note,
                use_noted_on=today if use_note else None,
            )
            audit.record_event(
                actor=actor, action="tolerance.filing.receive", instance=row, details={"article": "22"}
            )
            return row
        if not use_note:
            raise ServiceError(
                _("%(field)s is required."),
                code="required",
                field="use_note",
                params={"field": _("Use by the organisation department")},
            )
        before = audit.snapshot(row)
        row.use_note, row.use_noted_on = use_note, today
        row.save(update_fields=["use_note", "use_noted_on"])
        audit.record_event(
            actor=actor,
            action="tolerance.filing.note",
            instance=row,
            before=before,
            details={"article": "22"},
        )
    return row


# --- the daily job ---------------------------------------------------------------------------------------
def _alert(rows, kind, today, due_of) -> int:
    made = 0
    now = clock.now()
    notices, events = [], []
    for row in rows:
        due = due_of(row)
        alert, created = Alert.objects.get_or_create(
            request=row, kind=kind, status=row.status, due=due, defaults={"created_at": now}
        )
        if created:
            events.append({"actor": NOTICE_ACTOR, "action": "tolerance.alert.create", "instance": alert,
                           "fresh": True, "details": {"article": "22", "kind": kind}})
        made += created
        key = f"{kind}:{row.pk}:{row.status}:{due.isoformat()}"
        notices += [(user, kind, row, due, key) for user in handling_inspectors(row)]
    audit.record_events(events)  # one insert for the alerts this run found
    _deliver(notices)
    return made


def overdue_alerts(today: datetime.date | None = None) -> str:
    """Record each open request whose step is past its time limit and each revisit due (idempotent per
    step and due date), shown on the requests page, and deliver each to the inspectors handling the
    request: a notice in the application, an SMS to those with a mobile number."""
    today = today or clock.today()
    with transaction.atomic():
        jobs.exclusive("tolerance.overdue")
        late = ToleranceRequest.objects.filter(status__in=OPEN_STATUSES, step_due__lt=today)
        overdue = _alert(late, AlertKind.OVERDUE, today, lambda row: row.step_due)
        revisits = _revisits(today)
    return _("%(overdue)s overdue step(s), %(revisits)s revisit(s) due recorded") % {
        "overdue": overdue, "revisits": revisits}


def _revisits(today) -> int:
    due = ToleranceRequest.objects.filter(
        status=Status.FILED, revisit_done_on__isnull=True, revisit_due__lte=today
    )
    return _alert(due, AlertKind.REVISIT, today, lambda row: row.revisit_due)


def revisit_due(request_id: int | None = None) -> str:
    """The one-off run scheduled at filing: record the revisit as due (if not yet done)."""
    with transaction.atomic():
        made = _revisits(clock.today())
    return _("%(made)s revisit(s) due recorded") % {"made": made}
