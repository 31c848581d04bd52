"""Every write of the legal-environment app (articles 11, 12, 13, 15.6): keyword-only, one transaction,
audited. A body registers only for its own unit (or an administrator for any); an enterprise user acts only
for its own enterprise. The objection becomes an appeal through the appeals intake (``appeal_file``)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, district, jobs, letters, limits
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role, is_administrator

from . import letters as legal_letters
from . import selectors
from .models import (
    SUBTYPES,
    Action,
    ActionKind,
    LawsuitCase,
    LawsuitKind,
    LegalSettings,
    Objection,
    ObjectionStatus,
    Obligation,
    ObligationAlert,
    OutcomeKind,
    ProtectionKind,
    ProtectionRequest,
    ProtectionStatus,
    Recommendation,
    RetaliationAssessment,
    Subtype,
)

EVENT = {"article": "12"}


BODY_ROLES = (Role.DEPARTMENT_HANDLER, Role.ENFORCEMENT_BODY)


def acting_units(actor) -> set[int] | None:
    """The units ``actor`` acts for as a body: a department handler's or an enforcement body's own unit and
    the units below it; None for an administrator (every unit); none for anyone else."""
    if is_administrator(actor):
        return None
    return selectors.unit_ids(actor) if has_role(actor, *BODY_ROLES) else set()


def _check_body(actor, unit) -> None:
    """A department handler or an enforcement body's own account acts for their own unit (and the units
    below it); another body's rows are refused."""
    units = acting_units(actor)
    if units is not None and (unit is None or unit.pk not in units):
        raise PermissionDeniedError()


def _check_court(actor, case) -> None:
    """The court of a case (its directory unit) acts through its own enforcement-body account."""
    if is_administrator(actor):
        return
    if (
        case.court_unit_id is None
        or not has_role(actor, Role.ENFORCEMENT_BODY)
        or case.court_unit_id not in selectors.unit_ids(actor)
    ):
        raise PermissionDeniedError()


def _check_party_or_court(actor, case) -> None:
    try:
        _check_body(actor, case.unit)
    except PermissionDeniedError:
        _check_court(actor, case)


def _court_unit(court_unit):
    from qinqing.directory.models import OrganType

    if court_unit is not None and court_unit.organ_type != OrganType.COURT:
        raise ServiceError(
            _("Choose a unit registered as a people's court."), code="invalid_choice", field="court_unit"
        )
    return court_unit


def _check_enterprise(actor, enterprise_id) -> None:
    if enterprise_id not in selectors.enterprise_ids(actor):
        raise PermissionDeniedError()


def settings_update(*, repeat_window_days: int, repeat_limit: int, actor) -> LegalSettings:
    if not (has_role(actor, Role.DISCIPLINE_INSPECTOR) or is_administrator(actor)):
        raise PermissionDeniedError()
    if not isinstance(repeat_window_days, int) or not 7 <= repeat_window_days <= 730:
        raise ServiceError(
            _("The period must be between 7 and 730 days."), code="out_of_range", field="repeat_window_days"
        )
    if not isinstance(repeat_limit, int) or not 1 <= repeat_limit <= 50:
        raise ServiceError(
            _("The number allowed must be between 1 and 50."), code="out_of_range", field="repeat_limit"
        )
    with transaction.atomic():
        row = LegalSettings.objects.select_for_update().filter(pk=1).first()
        before = audit.snapshot(row) if row is not None else None
        row = row or LegalSettings(pk=1)
        row.repeat_window_days, row.repeat_limit = repeat_window_days, repeat_limit
        row.save()
        audit.record_event(
            actor=actor,
            action="legal.settings.update",
            instance=row,
            before=before,
            details={"article": "15.6"},
        )
    return row


def action_register(
    *,
    enterprise,
    unit,
    kind: str,
    subtype: str,
    started_on,
    legal_basis: str = "",
    approval: str = "",
    ends_on=None,
    amount=None,
    details: str = "",
    harm_limitation: str = "",
    actor,
) -> Action:
    """Register a compulsory measure, an inspection or a charge. A missing legal basis is recorded as given
    (and flagged), not refused: the register must show what was actually done."""
    _check_body(actor, unit)
    if kind not in ActionKind.values:
        raise ServiceError(_("Choose what is registered."), code="invalid_choice", field="kind")
    if subtype not in SUBTYPES[kind]:
        raise ServiceError(
            _("This kind of action does not fit what is registered."), code="invalid_choice", field="subtype"
        )
    if started_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="started_on", params={"field": _("Date")}
        )
    started_on = limits.past_date(started_on, field="started_on", label=_("Date"))
    if ends_on is not None:
        ends_on = limits.check_date(
            ends_on,
            field="ends_on",
            label=_("Term ends on"),
            not_before=started_on,
            not_after=started_on + 5 * limits.YEAR,
        )
    if amount is not None:
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError) as error:
            raise ServiceError(_("Give the amount in yuan."), code="invalid", field="amount") from error
        if amount < 0 or amount >= Decimal("1e12"):
            raise ServiceError(_("Give the amount in yuan."), code="out_of_range", field="amount")
    with transaction.atomic():
        row = Action.objects.create(
            enterprise=enterprise,
            unit=unit,
            kind=kind,
            subtype=subtype,
            started_on=started_on,
            ends_on=ends_on,
            legal_basis=limits.check_text(
                legal_basis, field="legal_basis", label=_("Legal basis"), limit=limits.DESCRIPTION
            ),
            approval=limits.check_text(
                approval, field="approval", label=_("Approval"), limit=limits.DESCRIPTION
            ),
            amount=amount,
            details=limits.check_text(
                details, field="details", label=_("Details and findings"), limit=limits.REPORT
            ),
            harm_limitation=limits.check_text(
                harm_limitation,
                field="harm_limitation",
                label=_("What limited the harm"),
                limit=limits.REASON,
            ),
            registered_by=actor,
            created_at=clock.now(),
        )
        audit.record_event(
            actor=actor,
            action="legal.action.register",
            instance=row,
            details={"article": "15.6" if kind != ActionKind.MEASURE else "12"},
        )
        deliver_flags([row])  # no basis, one inspection too many, after a lawsuit: delivered at once
    return row


def action_lift(*, action: Action, lifted_on=None, actor) -> Action:
    _check_body(actor, action.unit)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.kind != ActionKind.MEASURE or locked.lifted_on:
            raise ConflictError(
                _("Only a compulsory measure in force can be lifted."),
                code="invalid_transition",
                field="lifted_on",
            )
        lifted_on = limits.check_date(
            lifted_on or clock.today(),
            field="lifted_on",
            label=_("Lifted on"),
            not_before=locked.started_on,
            not_after=clock.today(),
        )
        before = audit.snapshot(locked)
        locked.lifted_on = lifted_on
        locked.save(update_fields=["lifted_on"])
        audit.record_event(
            actor=actor, action="legal.action.lift", instance=locked, before=before, details=EVENT
        )
    return locked


def objection_raise(*, action: Action, text: str, actor) -> Objection:
    """The enterprise objects to what was registered about it."""
    _check_enterprise(actor, action.enterprise_id)
    text = limits.check_text(text, field="text", label=_("Objection"), limit=limits.REASON, required=True)
    with transaction.atomic():
        row = Objection.objects.create(action=action, text=text, raised_by=actor, created_at=clock.now())
        audit.record_event(actor=actor, action="legal.objection.raise", instance=row, details=EVENT)
    return row


def objection_answer(*, objection: Objection, answer: str, actor) -> Objection:
    _check_body(actor, objection.action.unit)
    answer = limits.check_text(answer, field="answer", label=_("Answer"), limit=limits.REPORT, required=True)
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.OPEN:
            raise ConflictError(
                _("This objection is already answered."), code="invalid_transition", field="answer"
            )
        before = audit.snapshot(locked)
        locked.answer, locked.answered_on, locked.status = answer, clock.today(), ObjectionStatus.ANSWERED
        locked.save(update_fields=["answer", "answered_on", "status"])
        letters.keep_issuer(locked, legal_letters.OBJECTION_ANSWER, legal_letters.objection_issuer(locked),
                            actor=actor)
        audit.record_event(
            actor=actor, action="legal.objection.answer", instance=locked, before=before, details=EVENT
        )
    return locked


def objection_to_appeal(*, objection: Objection, actor) -> Objection:
    """The enterprise takes its objection further as an appeal (appeals intake, article 8)."""
    from qinqing.appeals.intake.services import appeal_file
    from qinqing.appeals.models import Channel

    action = objection.action
    _check_enterprise(actor, action.enterprise_id)
    if objection.status == ObjectionStatus.APPEALED:
        raise ConflictError(
            _("This objection is already an appeal."), code="invalid_transition", field="objection"
        )
    with district.language():  # the appeal's text is read by the district's handlers
        content = str(_("Objection to %(what)s registered by %(body)s on %(date)s: %(text)s")) % {
            "what": action.get_subtype_display(),
            "body": action.unit.name,
            "date": action.started_on.isoformat(),
            "text": objection.text,
        }
        if objection.answer:
            content += "\n" + str(_("Answer: %(answer)s")) % {"answer": objection.answer}
        title = str(_("Objection to a registered action"))[:100]
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status == ObjectionStatus.APPEALED:
            raise ConflictError(
                _("This objection is already an appeal."), code="invalid_transition", field="objection"
            )
        result = appeal_file(
            channel=Channel.ENTERPRISE_WEB,
            title=title,
            content=content[: limits.REPORT],
            actor=actor,
            enterprise=action.enterprise,
            contact_name=action.enterprise.name[:100],
        )
        before = audit.snapshot(locked)
        locked.appeal, locked.status = result.appeal, ObjectionStatus.APPEALED
        locked.save(update_fields=["appeal", "status"])
        audit.record_event(
            actor=actor, action="legal.objection.appeal", instance=locked, before=before, details=EVENT
        )
    return locked


# --- protection (article 11) ------------------------------------------------------------------------------
def protection_request(*, enterprise, kind: str, description: str, actor) -> ProtectionRequest:
    _check_enterprise(actor, enterprise.pk)
    if kind not in ProtectionKind.values:
        raise ServiceError(_("Choose what happened."), code="invalid_choice", field="kind")
    description = limits.check_text(
        description, field="description", label=_("What happened"), limit=limits.REPORT, required=True
    )
    with transaction.atomic():
        row = ProtectionRequest.objects.create(
            enterprise=enterprise,
            kind=kind,
            description=description,
            requested_by=actor,
            created_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="legal.protection.request", instance=row, details={"article": "11"}
        )
    return row


def protection_update(
    *, request: ProtectionRequest, step: str, text: str, unit=None, actor
) -> ProtectionRequest:
    """``accept`` (the body takes it on), ``progress`` (a note), ``close`` (with the result)."""
    text = limits.check_text(text, field="text", label=_("Progress"), limit=limits.REPORT, required=True)
    with transaction.atomic():
        locked = ProtectionRequest.objects.select_for_update().get(pk=request.pk)
        before = audit.snapshot(locked)
        if step == "accept" and locked.status == ProtectionStatus.REQUESTED:
            unit = unit or _own_unit(actor)
            _check_body(actor, unit)
            locked.unit, locked.status, locked.accepted_on = unit, ProtectionStatus.ACCEPTED, clock.today()
            locked.progress = text
        elif step in ("progress", "close") and locked.status == ProtectionStatus.ACCEPTED:
            _check_body(actor, locked.unit)
            if step == "close":
                locked.result, locked.status, locked.closed_on = text, ProtectionStatus.CLOSED, clock.today()
            else:
                locked.progress = (locked.progress + "\n" if locked.progress else "") + text
        else:
            raise ConflictError(_("This step is not possible now."), code="invalid_transition", field="step")
        locked.save()
        if step in ("accept", "close"):  # the notice of acceptance, then of the result
            letters.keep_issuer(locked, legal_letters.PROTECTION_NOTICE,
                                legal_letters.protection_issuer(locked), actor=actor)
        audit.record_event(
            actor=actor,
            action=f"legal.protection.{step}",
            instance=locked,
            before=before,
            details={"article": "11"},
        )
    return locked


def _own_unit(actor):
    from qinqing.directory.selectors import unit_for_user

    unit = unit_for_user(actor)
    if unit is None:
        raise PermissionDeniedError()
    return unit


# --- litigation (article 13) ------------------------------------------------------------------------------
def case_register(
    *,
    enterprise,
    unit,
    kind: str,
    court: str,
    case_number: str,
    filed_on,
    enterprise_sued: bool = True,
    court_unit=None,
    actor,
) -> LawsuitCase:
    _check_body(actor, unit)
    court_unit = _court_unit(court_unit)
    if court_unit is not None and not (court or "").strip():
        court = court_unit.name
    if kind not in LawsuitKind.values:
        raise ServiceError(_("Choose the kind of case."), code="invalid_choice", field="kind")
    if filed_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="filed_on", params={"field": _("Filed on")}
        )
    filed_on = limits.past_date(filed_on, field="filed_on", label=_("Filed on"), years=10)
    with transaction.atomic():
        row = LawsuitCase.objects.create(
            enterprise=enterprise,
            unit=unit,
            kind=kind,
            filed_on=filed_on,
            enterprise_sued=bool(enterprise_sued),
            court_unit=court_unit,
            court=limits.check_text(
                court, field="court", label=_("Court"), limit=limits.PLACE, required=True
            ),
            case_number=limits.check_text(
                case_number, field="case_number", label=_("Case number"), limit=limits.NAME, required=True
            ),
            created_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="legal.lawsuitcase.register", instance=row, details={"article": "13"}
        )
        if row.enterprise_sued:  # actions already registered on or after the filing day: retaliation?
            deliver_flags(
                Action.objects.filter(enterprise=enterprise, started_on__gte=filed_on).select_related(
                    "enterprise", "unit"
                )
            )
    return row


def case_update(
    *, case: LawsuitCase, cooperation: str | None = None, outcome: str = "", outcome_on=None, actor
) -> LawsuitCase:
    """The party body records its cooperation (article 13's three positives); the party body or the court
    records the judgment, ruling or mediation."""
    if cooperation is not None:
        _check_body(actor, case.unit)
    else:
        _check_party_or_court(actor, case)
    if outcome and outcome not in OutcomeKind.values:
        raise ServiceError(_("Choose the outcome."), code="invalid_choice", field="outcome")
    with transaction.atomic():
        locked = LawsuitCase.objects.select_for_update().get(pk=case.pk)
        before = audit.snapshot(locked)
        if cooperation is not None:
            locked.cooperation = limits.check_text(
                cooperation, field="cooperation", label=_("Cooperation"), limit=limits.REPORT
            )
        if outcome:
            if outcome_on is None:
                raise ServiceError(
                    _("%(field)s is required."),
                    code="required",
                    field="outcome_on",
                    params={"field": _("Decided on")},
                )
            locked.outcome = outcome
            locked.outcome_on = limits.check_date(
                outcome_on,
                field="outcome_on",
                label=_("Decided on"),
                not_before=locked.filed_on,
                not_after=clock.today(),
            )
        locked.save()
        audit.record_event(
            actor=actor,
            action="legal.lawsuitcase.update",
            instance=locked,
            before=before,
            details={"article": "13"},
        )
    return locked


def case_court_record(*, case: LawsuitCase, text: str, actor) -> LawsuitCase:
    """The court notes its investigation and evidence requests to the body and how the body responded
    (article 13 (2): the body supports the judicial organ's investigation and evidence collection)."""
    _check_court(actor, case)
    text = limits.check_text(
        text, field="court_record", label=_("The court's record"), limit=limits.REPORT, required=True
    )
    with transaction.atomic():
        locked = LawsuitCase.objects.select_for_update().get(pk=case.pk)
        before = audit.snapshot(locked)
        locked.court_record = text
        locked.save(update_fields=["court_record"])
        audit.record_event(
            actor=actor,
            action="legal.lawsuitcase.court_record",
            instance=locked,
            before=before,
            details={"article": "13"},
        )
    return locked


def obligation_add(*, case: LawsuitCase, text: str, due_on, actor) -> Obligation:
    _check_party_or_court(actor, case)
    case = LawsuitCase.objects.get(pk=case.pk)  # the outcome as saved, not as the caller last read it
    if not case.outcome:
        raise ConflictError(
            _("Record the judgment, ruling or mediation first."), code="outcome_required", field="text"
        )
    text = limits.check_text(
        text, field="text", label=_("Obligation"), limit=limits.DESCRIPTION, required=True
    )
    if due_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="due_on", params={"field": _("Due on")}
        )
    due_on = limits.check_date(
        due_on,
        field="due_on",
        label=_("Due on"),
        not_before=case.outcome_on,
        not_after=case.outcome_on + 5 * limits.YEAR,
    )
    with transaction.atomic():
        row = Obligation.objects.create(case=case, text=text, due_on=due_on)
        audit.record_event(
            actor=actor, action="legal.obligation.add", instance=row, details={"article": "13"}
        )
    return row


def obligation_perform(*, obligation: Obligation, performance: str, actor) -> Obligation:
    _check_body(actor, obligation.case.unit)
    performance = limits.check_text(
        performance, field="performance", label=_("How it was performed"), limit=limits.REPORT, required=True
    )
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if locked.performed_on:
            raise ConflictError(_("Already performed."), code="invalid_transition", field="performance")
        before = audit.snapshot(locked)
        locked.performance, locked.performed_on = performance, clock.today()
        locked.save(update_fields=["performance", "performed_on"])
        audit.record_event(
            actor=actor,
            action="legal.obligation.perform",
            instance=locked,
            before=before,
            details={"article": "13"},
        )
    return locked


def obligation_alerts(today: datetime.date | None = None) -> str:
    """Daily: record each obligation not performed by its deadline (once), shown on the ledger and the
    flags page, and deliver it to the body's supervising leaders and the discipline inspectors (a notice
    in the application; an SMS to those with a mobile number)."""
    today = today or clock.today()
    with transaction.atomic():
        jobs.exclusive("legal.obligations")
        due = list(
            Obligation.objects.filter(
                performed_on__isnull=True, due_on__lt=today, alerts__isnull=True
            ).select_related("case__enterprise", "case__unit")
        )
        made = ObligationAlert.objects.bulk_create(
            [ObligationAlert(obligation=row, found_on=today) for row in due]
        )
        audit.record_bulk_events(actor=NOTICE_ACTOR, action="legal.obligationalert.create",
                                 model=ObligationAlert, pks=[alert.pk for alert in made],
                                 details={"article": "13"})
        delivered = _deliver(
            [
                {
                    "kind": "obligation",
                    "key": f"obligation:{row.pk}",
                    "unit": row.case.unit,
                    "obligation": row,
                    "sms": {
                        "kind": "obligation", "unit": row.case.unit, "enterprise": row.case.enterprise,
                        "what": f"{row.case.case_number} {row.text}"[:80], "day": row.due_on,
                    },
                }
                for row in due
            ]
        )
    return _("%(made)s overdue obligation(s) recorded, %(delivered)s notice(s) delivered") % {
        "made": len(made), "delivered": delivered}


# --- article 13 (3): the discipline office's finding on a retaliation flag ----------------------------------
def retaliation_assess(
    *, action: Action, outcome: str, reasoning: str, answerable: str = "", accountability: str = "", actor
) -> RetaliationAssessment:
    """The discipline office assesses a retaliation flag (an action against an enterprise on or after the day
    it sued a government body): retaliation found, naming the people answerable and the accountability
    pursued, or not retaliation, with the reason (the flag is then no longer raised). Once per action."""
    from .models import Assessment

    if not has_role(actor, Role.DISCIPLINE_INSPECTOR):
        raise PermissionDeniedError(
            _("The discipline office assesses retaliation flags (article 13)."), field="outcome"
        )
    if outcome not in Assessment.values:
        raise ServiceError(_("Choose the assessment."), code="invalid_choice", field="outcome")
    reasoning = limits.check_text(
        reasoning, field="reasoning", label=_("The reasoning"), limit=limits.REPORT, required=True
    )
    answerable = limits.check_text(
        answerable, field="answerable", label=_("The people answerable"), limit=limits.REASON
    )
    accountability = limits.check_text(
        accountability, field="accountability", label=_("The accountability pursued"), limit=limits.REASON
    )
    if outcome == Assessment.CONFIRMED and not answerable:
        raise ServiceError(
            _("Name the people answerable for the retaliation (article 13)."),
            code="required",
            field="answerable",
        )
    with transaction.atomic():
        locked = Action.objects.select_for_update().select_related("unit").get(pk=action.pk)
        if RetaliationAssessment.objects.filter(action=locked).exists():
            raise ConflictError(_("This flag has already been assessed."), field="outcome")
        flag = next((f for f in selectors.flags_of([locked]) if f.code == "retaliation"), None)
        if flag is None:
            raise ConflictError(_("This action carries no retaliation flag to assess."), field="outcome")
        row = RetaliationAssessment.objects.create(
            action=locked,
            case=flag.case,
            outcome=outcome,
            reasoning=reasoning,
            answerable=answerable,
            accountability=accountability,
            assessed_by=actor,
            assessed_at=clock.now(),
        )
        audit.record_event(
            actor=actor,
            action="legal.retaliationassessment.create",
            instance=row,
            details={"article": "13", "outcome": outcome},
        )
    return row


# --- the procuratorate's legal supervision: recommendations (检察建议) and the bodies' answers -------------
RECOMMENDATION_MONTHS = 2  # the body answers within two months unless the procuratorate sets an earlier date


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has none: 31 Dec + 2 → 28 or 29 Feb)."""
    import calendar as month_calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def procuratorate_for(actor):
    """The procuratorate an enforcement-body account acts for, or None (any other account)."""
    from qinqing.directory.models import OrganType
    from qinqing.directory.selectors import unit_for_user

    unit = unit_for_user(actor) if has_role(actor, Role.ENFORCEMENT_BODY) else None
    return unit if unit is not None and unit.organ_type == OrganType.PROCURATORATE else None


def recommendation_issue(
    *, unit, number: str, content: str, issued_on=None, reply_due=None, action=None, case=None, actor
) -> Recommendation:
    """The procuratorate registers a recommendation to ``unit`` (about one of its registered actions or
    lawsuits, or its enforcement in general); the answer is due two months after it is issued, or on the
    earlier date given."""
    procuratorate = procuratorate_for(actor)
    if procuratorate is None:
        raise PermissionDeniedError(
            _("Only a procuratorate's own account issues procuratorial recommendations."), field="unit"
        )
    if unit is None:
        raise ServiceError(_("Choose the body the recommendation goes to."), code="required", field="unit")
    if unit.pk == procuratorate.pk:
        raise ServiceError(_("A recommendation goes to another body."), code="invalid", field="unit")
    number = limits.check_text(number, field="number", label=_("The recommendation number"),
                               limit=limits.NAME, required=True)
    content = limits.check_text(content, field="content", label=_("The recommendation"), limit=limits.REPORT,
                                required=True)
    issued_on = limits.past_date(issued_on, field="issued_on", label=_("Issued on")) or clock.today()
    latest = add_months(issued_on, RECOMMENDATION_MONTHS)
    reply_due = limits.check_date(reply_due, field="reply_due", label=_("The answer's due date"),
                                  not_before=issued_on, not_after=latest) or latest
    for row, field in ((action, "action"), (case, "case")):
        if row is not None and row.unit_id != unit.pk:
            raise ServiceError(_("It must be one of that body's own."), code="invalid", field=field)
    try:
        with transaction.atomic():
            row = Recommendation.objects.create(
                procuratorate=procuratorate, unit=unit, number=number, content=content, issued_on=issued_on,
                reply_due=reply_due, action=action, case=case, created_by=actor, created_at=clock.now(),
            )
            audit.record_event(actor=actor, action="legal.recommendation.create", instance=row,
                               details={"article": "13" if case is not None else "12"})
    except IntegrityError as error:
        raise ConflictError(
            _("The recommendation number %(number)s is already registered."), field="number",
            params={"number": number},
        ) from error
    return row


def recommendation_answer(*, recommendation: Recommendation, reply: str, actor) -> Recommendation:
    """The body answers the recommendation in writing (once)."""
    reply = limits.check_text(reply, field="reply", label=_("The answer"), limit=limits.REPORT, required=True)
    _check_body(actor, recommendation.unit)
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if locked.replied_on is not None:
            raise ConflictError(_("This recommendation has already been answered."), field="reply")
        before = audit.snapshot(locked)
        locked.reply, locked.replied_on = reply, clock.today()
        locked.save(update_fields=["reply", "replied_on"])
        audit.record_event(actor=actor, action="legal.recommendation.answer", instance=locked, before=before,
                           details={"article": "13" if locked.case_id else "12"})
    return locked


def recommendation_notices(today: datetime.date | None = None) -> int:
    """Deliver each recommendation past its answer date and not answered to the body's supervising leaders and
    the discipline inspectors (once per person); in the caller's transaction."""
    today = today or clock.today()
    overdue = Recommendation.objects.filter(replied_on__isnull=True, reply_due__lt=today).select_related(
        "unit", "procuratorate"
    )
    return _deliver(
        [
            {
                "kind": "recommendation",
                "key": f"recommendation:{row.pk}",
                "unit": row.unit,
                "recommendation": row,
                "article": "13" if row.case_id else "12",
                # the SMS names the procuratorate where a flag names the enterprise
                "sms": {"kind": "recommendation", "unit": row.unit, "enterprise": row.procuratorate,
                        "what": row.number, "day": row.reply_due},
            }
            for row in overdue
        ]
    )


# --- notices: the flags and overdue obligations delivered to named people ----------------------------------
NOTICE_ACTOR = audit.SystemActor("legal")


def _ancestor_ids(unit_id: int) -> set[int]:
    from qinqing.directory.models import Unit

    found, current = set(), unit_id
    while current is not None and current not in found:
        found.add(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return found


def notice_recipients(unit) -> list:
    """Who a flag about ``unit`` goes to (articles 13, 15.6): the supervising leaders in office over the
    unit (of the unit or a unit above it: their flags page covers it) and every discipline inspector."""
    from django.contrib.auth import get_user_model

    from qinqing.directory.models import Official

    leaders = Official.objects.filter(
        unit_id__in=_ancestor_ids(unit.pk),
        is_active=True,
        user__is_active=True,
        user__groups__name=Role.SUPERVISING_LEADER,
    ).values_list("user_id", flat=True)
    inspectors = get_user_model().objects.filter(is_active=True, groups__name=Role.DISCIPLINE_INSPECTOR)
    wanted = set(leaders) | set(inspectors.values_list("pk", flat=True))
    users = get_user_model().objects.filter(pk__in=wanted)
    return list(users.order_by("pk"))


def _sms_text(kind: str, *, unit, enterprise, what, day, particulars) -> str:
    from django.utils.translation import gettext_lazy

    from qinqing.core import notices

    from .models import NoticeKind

    if kind == "recommendation":  # ``enterprise`` is the procuratorate that made it
        message = gettext_lazy(
            "[%(office)s] Legal environment: %(flag)s. %(enterprise)s's %(what)s to %(body)s was to be "
            "answered by %(day)s. Please see the flags page."
        )
    else:
        message = gettext_lazy(
            "[%(office)s] Legal environment: %(flag)s. %(body)s, %(enterprise)s: %(what)s (%(day)s). "
            "Please see the flags page."
        )
    return notices.sms_text(
        message,
        office=gettext_lazy("Discipline office"),
        particulars=particulars,
        flag=NoticeKind(kind).label,
        body=unit.name,
        enterprise=enterprise.name,
        what=what,
        day=day.isoformat(),
    )


def _deliver(items: list[dict]) -> int:
    """Write one notice per recipient and item not yet delivered (``key`` unique per recipient) and queue
    an SMS to each recipient with a mobile number (``item["sms"]``: what ``_sms_text`` words, worded only
    for them); audited. Runs in the caller's transaction."""
    import functools

    from qinqing.appeals.workflow import notify
    from qinqing.core.notices import Delivery, deliver_once
    from qinqing.directory.selectors import mobile_for_user

    from .models import Notice

    recipients_by_unit: dict[int, list] = {}
    deliveries, particulars = [], district.current()
    for item in items:
        unit = item["unit"]
        if unit.pk not in recipients_by_unit:
            recipients_by_unit[unit.pk] = notice_recipients(unit)
        fields = {"kind": item["kind"], "action": item.get("action"), "obligation": item.get("obligation"),
                  "recommendation": item.get("recommendation"), "unit": unit}
        article = item.get("article") or ("13" if item["kind"] in ("obligation", "retaliation") else "15.6")
        deliveries += [
            Delivery(
                user,
                item["key"],
                fields,
                functools.partial(_sms_text, particulars=particulars, **item["sms"]),
                {"article": article},
            )
            for user in recipients_by_unit[unit.pk]
        ]
    return deliver_once(
        Notice,
        deliveries,
        phone_of=mobile_for_user,
        queue_sms=notify.queue_sms,
        action="legal.notice.deliver",
        actor=NOTICE_ACTOR,
    )


def _flag_items(flags) -> list[dict]:
    items = []
    for flag in flags:
        row = flag.action
        key = f"{flag.code}:{row.pk}"
        if flag.code == "past_term":
            key += f":{row.ends_on.isoformat()}"
        items.append(
            {
                "kind": flag.code,
                "key": key,
                "unit": row.unit,
                "action": row,
                # the label stays lazy: the SMS is worded in the district's language
                "sms": {
                    "kind": flag.code, "unit": row.unit, "enterprise": row.enterprise,
                    "what": Subtype(row.subtype).label, "day": row.started_on,
                },
            }
        )
    return items


def deliver_flags(rows, today: datetime.date | None = None) -> int:
    """Deliver the flags over ``rows`` (actions) not delivered yet; in the caller's transaction."""
    return _deliver(_flag_items(selectors.flags_of(rows, today)))


def flag_notices(today: datetime.date | None = None) -> str:
    """Daily (``legal.notices``): every flag over the register delivered once to the unit's supervising
    leaders and the discipline inspectors (a measure passing its term is found here; a flag raised by a
    registration is delivered with it), and every procuratorial recommendation not answered by its date."""
    today = today or clock.today()
    with transaction.atomic():
        jobs.exclusive("legal.notices")
        made = deliver_flags(Action.objects.select_related("enterprise", "unit"), today)
        made += recommendation_notices(today)
    return _("%(made)s notice(s) delivered") % {"made": made}
