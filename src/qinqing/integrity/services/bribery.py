"""Bribery-record queries (行贿犯罪档案查询, article 21): asked by an enterprise, answered within three working days.

``bribery_request`` sets the due date with the working-day calendar (core.calendar; a year
without a published schedule is refused, never guessed). ``bribery_found`` reads the bribery
convictions on record for the enterprise and its head (what the office sees when it answers);
``bribery_answer`` (on core.workflow) records the result, takes the letter's number from
core.numbering and a verification code; the letter is printed as a PDF (``integrity.letters``).
"""  # noqa: E501

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, letters, limits, numbering, workflow
from qinqing.core.calendar import deadlines
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow
from qinqing.directory.models import EnterpriseMembership

from ..models import BriberyQuery, BriberyQueryStatus, BriberyResult, IntegrityRecord, RecordKind
from ..time_limits import BRIBERY_ANSWER

BRIBERY_SERIES = numbering.Series("integrity.bribery", "亲清档查〔{period}〕{number:04d}号", numbering.yearly)


def _credit(actor, _obj=None) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or (getattr(actor, "is_authenticated", False)
                                                            and has_role(actor, Role.CREDIT_ADMINISTRATOR))


OFFICE = "credit_office"
BRIBERY_WORKFLOW = Workflow(
    name="integrity.bribery",
    model=BriberyQuery,
    actors={OFFICE: ActorRule(_credit, roles=(Role.CREDIT_ADMINISTRATOR,), label=_("credit administrator"))},
    transitions={
        "answer": Transition(
            (BriberyQueryStatus.PENDING,),
            BriberyQueryStatus.ANSWERED,
            (OFFICE,),
            "21",
            requires={"result": _("The result")},
        )
    },
)


def bribery_request(*, enterprise, purpose: str, actor) -> BriberyQuery:
    member = getattr(actor, "is_authenticated", False) and EnterpriseMembership.objects.filter(
        user_id=actor.pk, enterprise=enterprise).exists()
    if not (member or _credit(actor)):
        raise PermissionDeniedError(field="enterprise")
    if not (purpose or "").strip():
        raise ServiceError(
            _("%(field)s is required."), code="required", field="purpose", params={"field": _("Purpose")}
        )
    limits.check_text(purpose, field="purpose", label=_("Purpose"), limit=limits.DESCRIPTION)
    today = clock.today()
    answer_workdays = BRIBERY_ANSWER.value()  # data (integrity/time_limits.py)
    due = calendar.add_workdays(today, answer_workdays)
    with transaction.atomic():
        row = BriberyQuery.objects.create(
            enterprise=enterprise,
            purpose=purpose.strip(),
            requested_on=today,
            due_on=due,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        deadlines.keep(row, "due_on", start=today, days=answer_workdays, actor=actor)
        audit.record_event(
            actor=actor, action="integrity.bribery.request", instance=row, details={"article": "21"}
        )
    return row


def register_deadlines() -> None:
    """The answer's due date, recounted when a year's schedule is loaded while the query is pending."""
    deadlines.register(BriberyQuery, "due_on", open=Q(status=BriberyQueryStatus.PENDING),
                       action="integrity.bribery.deadline_recount")


def bribery_found(query: BriberyQuery) -> list[IntegrityRecord]:
    """The bribery convictions on record for the enterprise and its head, in force on the day asked."""
    enterprise = query.enterprise
    party = Q(uscc=enterprise.uscc)
    head = enterprise.legal_representative
    if head is not None and head.resident_id_index:
        party |= Q(id_index=head.resident_id_index)
    rows = IntegrityRecord.objects.filter(party, kind=RecordKind.BRIBERY_CONVICTION)
    return [row for row in rows if row.in_force(clock.today())]


def bribery_answer(*, query: BriberyQuery, result: str, text: str = "", actor) -> BriberyQuery:
    limits.check_text(text, field="text", label=_("Result details"), limit=limits.REPORT)
    if result and result not in (BriberyResult.NO_RECORD, BriberyResult.RECORD_FOUND):
        raise ServiceError(_("The result is no_record or record_found."), code="invalid", field="result")
    if result == BriberyResult.NO_RECORD and bribery_found(query):
        raise ServiceError(
            _(
                "A bribery conviction is on record for this enterprise or its head: the result cannot be "
                "'no record' (article 21)."
            ),
            code="record_on_file",
            field="result",
        )

    def apply(locked: BriberyQuery) -> Change:
        today = clock.today()
        locked.result, locked.result_text = result, (text or "").strip()
        locked.number = numbering.take(BRIBERY_SERIES, today).text
        locked.verification_code, locked.answered_on = letters.new_code(), today
        locked.answered_by = actor if getattr(actor, "pk", None) else None
        return Change(["result", "result_text", "number", "verification_code", "answered_on", "answered_by"])

    return workflow.transition(
        BRIBERY_WORKFLOW, query, "answer", actor=actor, apply=apply, data={"result": result}
    )
