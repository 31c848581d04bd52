"""Support funds (article 10) and project support (article 20): every write, keyword-only, one transaction,
audited.

A programme is set up with what it supports (funding or a project: ``FundProgramme.support``), its rules,
budget and dates; an enterprise applies while it is open and is checked with integrity's
``priority_standing(enterprise, purpose=programme.support)`` — article 21's restriction for the purpose's
activity (fiscal subsidies for funding; public resource trading, tenders and projects, for project support:
a restricted applicant is refused, the article and the logged check cited) and article 20's priority list
(recorded on the application). Each reviewer passes conduct's conflict-of-interest gate
(``check_assignment``) before seeing the file or scoring it; a conflicted reviewer is stopped (article 15.7).
Approval on ``core.workflow`` (``commitments.fund_application``); results published with an objection period
in working days on the core calendar; objections answered; payments recorded against the approved amount.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from qinqing.core import attachments as core_attachments
from qinqing.core import audit, clock, letters, limits, numbering, workflow
from qinqing.core.calendar import deadlines
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role, is_administrator
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from . import letters as fund_letters
from . import selectors
from .models import (
    ApplicationStatus,
    FundApplication,
    FundObjection,
    FundPayment,
    FundProgramme,
    FundReview,
    ProgrammeStatus,
    Support,
)

ARTICLE = "10"


def article_of(programme: FundProgramme) -> str:
    """The article a programme's events cite: 10 (support funds), 20 (project support and its priority)."""
    return ARTICLE if programme.support == Support.FUNDS else "20"
MATTER = "commitments.fund_application"
DECISION_NUMBERS = numbering.Series(
    "commitments.fund_decision", "扶持决〔{period}〕{number:04d}号", numbering.yearly
)


def _money(value, *, field) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError) as error:
        raise ServiceError(_("Give the amount in yuan."), code="invalid", field=field) from error
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise ServiceError(_("Give the amount in yuan."), code="out_of_range", field=field)
    return amount.quantize(Decimal("0.01"))


def is_fund_unit(actor, obj) -> bool:
    unit_id = obj.unit_id if isinstance(obj, FundProgramme) else obj.programme.unit_id
    if is_administrator(actor):
        return True
    return has_role(
        actor, Role.DEPARTMENT_HANDLER, Role.SUPERVISING_LEADER
    ) and unit_id in selectors.unit_ids(actor)


def is_fund_approver(actor, application) -> bool:
    if is_administrator(actor):
        return True
    return has_role(actor, Role.SUPERVISING_LEADER) and application.programme.unit_id in selectors.unit_ids(
        actor
    )


APPROVER = "approver"
APPLICATION_WORKFLOW = Workflow(
    name="commitments.fund_application",
    model=FundApplication,
    actors={APPROVER: ActorRule(is_fund_approver, roles=(Role.SUPERVISING_LEADER, Role.ADMINISTRATOR))},
    transitions={
        "approve": Transition(
            (ApplicationStatus.SUBMITTED,), ApplicationStatus.APPROVED, (APPROVER,), ARTICLE
        ),
        "reject": Transition(
            (ApplicationStatus.SUBMITTED,),
            ApplicationStatus.REJECTED,
            (APPROVER,),
            ARTICLE,
            requires={"reason": _("The reason")},
        ),
    },
)


def programme_create(
    *,
    unit,
    title: str,
    rules: str,
    budget,
    opens_on,
    closes_on,
    objection_workdays: int = 5,
    support: str = Support.FUNDS,
    actor,
) -> FundProgramme:
    if not (
        is_administrator(actor)
        or (has_role(actor, Role.DEPARTMENT_HANDLER) and unit.pk in selectors.unit_ids(actor))
    ):
        raise PermissionDeniedError()
    if support not in Support.values:
        raise ServiceError(
            _("Choose what the programme supports: funding or a project."),
            code="invalid_choice",
            field="support",
        )
    title = limits.check_text(title, field="title", label=_("Programme"), limit=limits.PLACE, required=True)
    rules = limits.check_text(rules, field="rules", label=_("Rules"), limit=limits.REPORT, required=True)
    budget = _money(budget, field="budget")
    today = clock.today()
    opens_on = limits.check_date(
        opens_on,
        field="opens_on",
        label=_("Applications open on"),
        not_before=today - limits.YEAR,
        not_after=today + limits.YEAR,
    )
    closes_on = limits.check_date(
        closes_on,
        field="closes_on",
        label=_("Applications close on"),
        not_before=opens_on,
        not_after=opens_on + limits.YEAR,
    )
    if not isinstance(objection_workdays, int) or not 1 <= objection_workdays <= 30:
        raise ServiceError(
            _("The objection period is 1 to 30 working days."),
            code="out_of_range",
            field="objection_workdays",
        )
    with transaction.atomic():
        row = FundProgramme.objects.create(
            unit=unit,
            support=support,
            title=title,
            rules=rules,
            budget=budget,
            opens_on=opens_on,
            closes_on=closes_on,
            objection_workdays=objection_workdays,
            created_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="commitments.fundprogramme.create", instance=row,
            details={"article": article_of(row)},
        )
    return row


def apply(
    *, programme: FundProgramme, enterprise, amount, description: str, actor, attachments=()
) -> FundApplication:
    """The enterprise applies, with its attachments (cleaned by ``core.attachments``); a party restricted for
    what the programme supports — fiscal subsidies, or public resource trading for project support — is
    refused (article 21)."""
    from qinqing.integrity.services.evaluation import priority_standing

    from . import documents

    if enterprise.pk not in selectors.enterprise_ids(actor):
        raise PermissionDeniedError()
    today = clock.today()
    if programme.status != ProgrammeStatus.OPEN or not programme.opens_on <= today <= programme.closes_on:
        raise ConflictError(
            _("This programme is not open for applications."), code="closed", field="programme"
        )
    amount = _money(amount, field="amount")
    description = limits.check_text(
        description, field="description", label=_("Application"), limit=limits.REPORT, required=True
    )
    cleaned = core_attachments.clean_uploads(attachments)
    standing = priority_standing(enterprise, purpose=programme.support, caller=actor)
    if standing.restricted:
        raise ServiceError(
            _(
                "%(name)s is restricted from fiscal subsidies under article 21 of the policy "
                "(eligibility check %(check)s); the application is refused."
            )
            if programme.support == Support.FUNDS
            else _(
                "%(name)s is restricted from public resource trading and project support under article 21 "
                "of the policy (eligibility check %(check)s); the application is refused."
            ),
            code="restricted",
            field="enterprise",
            params={"name": enterprise.name, "check": standing.check_id},
        )
    try:
        with core_attachments.removed_on_error() as stored, transaction.atomic():
            row = FundApplication.objects.create(
                programme=programme,
                enterprise=enterprise,
                amount=amount,
                description=description,
                eligibility_check=standing.check_id,
                priority=standing.on_priority_list,
                submitted_by=actor,
                created_at=clock.now(),
            )
            audit.record_event(
                actor=actor,
                action="commitments.fundapplication.submit",
                instance=row,
                details={"article": article_of(programme), "priority": standing.on_priority_list},
            )
            documents.add_files(owner=row, cleaned=cleaned, actor=actor, stored=stored, folder="funds")
    except IntegrityError as error:  # its files were removed on the way out
        raise ConflictError(
            _("Your enterprise has already applied to this programme."), code="duplicate", field="programme"
        ) from error
    return row


def _gate(application: FundApplication, actor) -> None:
    """Conduct's conflict gate, before the reviewer sees the file (article 15.7)."""
    from qinqing.conduct.services import check_assignment
    from qinqing.directory import selectors as directory

    if not is_fund_unit(actor, application):
        raise PermissionDeniedError()
    official = directory.official_for_user(actor)
    if official is None:
        if is_administrator(actor):
            return
        raise PermissionDeniedError()
    check_assignment(
        official=official,
        enterprise=application.enterprise,
        matter_type=MATTER,
        matter_id=str(application.pk),
        actor=actor,
    )


def review_file(*, application: FundApplication, actor) -> FundApplication:
    """The file, for a reviewer who passed the conflict gate (raises ``RecusalRequired`` otherwise)."""
    _gate(application, actor)
    return application


def review_score(*, application: FundApplication, score, comment: str = "", actor) -> FundReview:
    _gate(application, actor)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ConflictError(
            _("This application is already decided."), code="invalid_transition", field="score"
        )
    try:
        score = int(score)
    except (TypeError, ValueError) as error:
        raise ServiceError(_("The score is from 0 to 100."), code="invalid", field="score") from error
    if not 0 <= score <= 100:
        raise ServiceError(_("The score is from 0 to 100."), code="out_of_range", field="score")
    comment = limits.check_text(comment, field="comment", label=_("Comment"), limit=limits.REASON)
    try:
        with transaction.atomic():
            row = FundReview.objects.create(
                application=application, reviewer=actor, score=score, comment=comment, created_at=clock.now()
            )
            audit.record_event(
                actor=actor, action="commitments.fundreview.score", instance=row,
            details={"article": article_of(application.programme)},
            )
    except IntegrityError as error:
        raise ConflictError(
            _("You have already scored this application."), code="duplicate", field="score"
        ) from error
    return row


def decide(
    *, application: FundApplication, approve: bool, amount=None, reason: str = "", actor
) -> FundApplication:
    reason = limits.check_text(reason, field="reason", label=_("The reason"), limit=limits.REASON)
    if approve:
        amount = _money(amount, field="amount")
        if amount > application.amount:
            raise ServiceError(
                _("The approved amount exceeds the amount requested."), code="out_of_range", field="amount"
            )
        if not application.reviews.exists():
            raise ConflictError(
                _("No reviewer has scored this application yet."), code="unreviewed", field="amount"
            )

    def numbered(locked) -> list[str]:
        # the decision's number and day, for its letter to the enterprise (taken in the transaction: no gaps)
        locked.decided_on = clock.today()
        locked.decision_number = numbering.take(DECISION_NUMBERS, locked.decided_on).text
        # who the letter is from, as of today: a reprint after the unit is renamed still shows it
        letters.keep_issuer(locked, fund_letters.FUND_DECISION, fund_letters.fund_issuer(locked), actor=actor)
        return ["decision_number", "decided_on"]

    def change(locked):
        if not approve:
            locked.decision = reason
            return Change(fields=["decision", *numbered(locked)])
        approved = FundApplication.objects.filter(
            programme=locked.programme, status=ApplicationStatus.APPROVED
        ).aggregate(total=Sum("approved_amount"))["total"] or Decimal("0")
        if approved + amount > locked.programme.budget:
            raise ConflictError(
                _("The approvals would exceed the programme's budget."), code="over_budget", field="amount"
            )
        locked.approved_amount, locked.decision = amount, reason
        return Change(
            fields=["approved_amount", "decision", *numbered(locked)], details={"amount": str(amount)}
        )

    return workflow.transition(
        APPLICATION_WORKFLOW,
        application,
        "approve" if approve else "reject",
        actor=actor,
        apply=change,
        data={"reason": reason or ("-" if approve else "")},
    )


def register_deadlines() -> None:
    """The objection period, counted in working days, recounted when a year's schedule is loaded (the
    programme's page and the enterprises' fund page show the date as it now stands)."""
    deadlines.register(FundProgramme, "objections_until", open=Q(status=ProgrammeStatus.PUBLISHED),
                       action="commitments.fundprogramme.deadline_recount")


def results_publish(*, programme: FundProgramme, actor) -> FundProgramme:
    """Publish the results; objections are taken for ``objection_workdays`` working days after today."""
    if not is_fund_unit(actor, programme):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = FundProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.status == ProgrammeStatus.PUBLISHED:
            raise ConflictError(
                _("The results are already published."), code="invalid_transition", field="status"
            )
        if locked.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
            raise ConflictError(_("Decide every application first."), code="undecided", field="status")
        before = audit.snapshot(locked)
        today = clock.today()
        locked.status, locked.published_on = ProgrammeStatus.PUBLISHED, today
        deadlines.count(locked, "objections_until", start=today, days=locked.objection_workdays, actor=actor)
        locked.save(update_fields=["status", "published_on", "objections_until"])
        audit.record_event(
            actor=actor,
            action="commitments.fundprogramme.publish",
            instance=locked,
            before=before,
            details={"article": article_of(locked), "objections_until": locked.objections_until.isoformat()},
        )
    return locked


def objection_raise(*, application: FundApplication, text: str, actor) -> FundObjection:
    """An applicant objects to the published result within the objection period (working days)."""
    programme = FundProgramme.objects.get(pk=application.programme_id)  # as saved, not as last read
    if application.enterprise_id not in selectors.enterprise_ids(actor):
        raise PermissionDeniedError()
    if programme.status != ProgrammeStatus.PUBLISHED or clock.today() > programme.objections_until:
        raise ConflictError(
            _("Objections are taken from the publication of the results until %(until)s."),
            code="objection_period",
            field="text",
            params={"until": programme.objections_until.isoformat() if programme.objections_until else "—"},
        )
    text = limits.check_text(text, field="text", label=_("Objection"), limit=limits.REASON, required=True)
    with transaction.atomic():
        row = FundObjection.objects.create(
            application=application, text=text, raised_by=actor, created_at=clock.now()
        )
        audit.record_event(
            actor=actor, action="commitments.fundobjection.raise", instance=row,
            details={"article": article_of(programme)},
        )
    return row


def objection_answer(*, objection: FundObjection, answer: str, actor) -> FundObjection:
    if not is_fund_unit(actor, objection.application):
        raise PermissionDeniedError()
    answer = limits.check_text(answer, field="answer", label=_("Answer"), limit=limits.REPORT, required=True)
    with transaction.atomic():
        locked = FundObjection.objects.select_for_update().get(pk=objection.pk)
        if locked.answered_on:
            raise ConflictError(
                _("This objection is already answered."), code="invalid_transition", field="answer"
            )
        before = audit.snapshot(locked)
        locked.answer, locked.answered_on = answer, clock.today()
        locked.save(update_fields=["answer", "answered_on"])
        audit.record_event(
            actor=actor,
            action="commitments.fundobjection.answer",
            instance=locked,
            before=before,
            details={"article": article_of(objection.application.programme)},
        )
    return locked


def payment_record(*, application: FundApplication, amount, paid_on, reference: str, actor) -> FundPayment:
    """A payment against the approval: never more in total than the approved amount."""
    if not is_fund_unit(actor, application):
        raise PermissionDeniedError()
    amount = _money(amount, field="amount")
    reference = limits.check_text(
        reference, field="reference", label=_("Payment reference"), limit=limits.NAME, required=True
    )
    paid_on = limits.past_date(paid_on, field="paid_on", label=_("Paid on"), years=3)
    with transaction.atomic():
        locked = FundApplication.objects.select_for_update().get(pk=application.pk)
        if (
            locked.status != ApplicationStatus.APPROVED
            or locked.programme.status != ProgrammeStatus.PUBLISHED
        ):
            raise ConflictError(
                _("Payments follow an approval whose result is published."),
                code="invalid_transition",
                field="amount",
            )
        paid = locked.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if paid + amount > locked.approved_amount:
            raise ConflictError(
                _("The payments would exceed the approved amount."), code="over_approval", field="amount"
            )
        row = FundPayment.objects.create(
            application=locked, amount=amount, paid_on=paid_on, reference=reference
        )
        audit.record_event(
            actor=actor, action="commitments.fundpayment.record", instance=row,
            details={"article": article_of(locked.programme)},
        )
    return row
