"""Every write of the liaison app (articles 7 and 9): keyword-only, one transaction, audited.

Status workflows on ``core.workflow``: ``liaison.list`` (a responsibility list published in a
scope), ``liaison.meeting`` (held with minutes, or cancelled), ``liaison.decision`` (consulted,
adopted — never without a completed consultation, article 9 — or withdrawn) and
``liaison.consultation`` (completed with its conclusion).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, letters, limits, numbering, workflow
from qinqing.core.errors import ConflictError, NotFound, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from . import letters as liaison_letters
from .access import MANAGERS
from .models import (
    Consultation,
    ConsultationAssociation,
    ConsultationForm,
    ConsultationInvitation,
    ConsultationStatus,
    Decision,
    DecisionStatus,
    FollowUp,
    Leader,
    LeaderEnterprise,
    ListStatus,
    Meeting,
    MeetingAssociation,
    MeetingInvitation,
    MeetingKind,
    MeetingProblem,
    MeetingStatus,
    Opinion,
    Outcome,
    ResponsibilityList,
    Scope,
    VisitPeriod,
)

#: the reply letters' numbers to those who gave an opinion (liaison.letters, article 9)
REPLY_NUMBERS = numbering.Series(
    "liaison.opinion_reply", "意见复〔{period}〕{number:04d}号", numbering.yearly
)


def is_manager(actor, _obj=None) -> bool:
    return has_role(actor, *MANAGERS) or getattr(actor, "is_superuser", False)


MANAGER = "manager"
_MANAGER_RULE = {MANAGER: ActorRule(is_manager, roles=MANAGERS, label=_("Liaison office"))}


def _require_manager(actor) -> None:
    if not is_manager(actor):
        raise PermissionDeniedError()


def _future_date(value, *, field: str, label, required: bool = True):
    if value is None:
        if required:
            raise ServiceError(
                _("%(field)s is required."), code="required", field=field, params={"field": label}
            )
        return None
    today = clock.today()
    return limits.check_date(
        value, field=field, label=label, not_before=today - limits.YEAR, not_after=today + 2 * limits.YEAR
    )


def _active_associations(associations) -> list:
    """The federation and chambers invited, once each; an inactive one is refused on the field."""
    associations = list(dict.fromkeys(associations))
    for association in associations:
        if not association.is_active:
            raise ServiceError(
                _("%(name)s is no longer active."),
                code="inactive",
                field="associations",
                params={"name": association.name},
            )
    return associations


# --- leaders and key enterprises (article 7) -------------------------------------------------------------
def leader_add(*, official, actor) -> Leader:
    """Put a district leader on the liaison roster (again, if they had left it)."""
    _require_manager(actor)
    if not official.is_active:
        raise ServiceError(
            _("%(name)s is no longer in office."),
            code="inactive",
            field="official",
            params={"name": official.person.name},
        )
    with transaction.atomic():
        leader = Leader.objects.select_for_update().filter(official=official).first()
        if leader is not None:
            if leader.is_active:
                raise ConflictError(
                    _("%(name)s is already on the roster."),
                    code="duplicate",
                    field="official",
                    params={"name": official.person.name},
                )
            before = audit.snapshot(leader)
            leader.is_active = True
            leader.save(update_fields=["is_active"])
            audit.record_event(actor=actor, action="liaison.leader.rejoin", instance=leader, before=before)
            return leader
        leader = Leader.objects.create(official=official, added_at=clock.now())
        audit.record_event(actor=actor, action="liaison.leader.add", instance=leader)
    return leader


def link_add(*, leader, enterprise, started_on: datetime.date | None = None, actor) -> LeaderEnterprise:
    """Link a leader to a key enterprise (article 7: 领导干部联系重点企业)."""
    _require_manager(actor)
    if not enterprise.is_key_enterprise:
        raise ServiceError(
            _("%(name)s is not a key enterprise: mark it as one in the directory first (article 7)."),
            code="not_key_enterprise",
            field="enterprise",
            params={"name": enterprise.name},
        )
    started_on = limits.past_date(started_on or clock.today(), field="started_on", label=_("since"))
    try:
        with transaction.atomic():
            link = LeaderEnterprise.objects.create(
                leader=leader, enterprise=enterprise, started_on=started_on
            )
            audit.record_event(actor=actor, action="liaison.leaderenterprise.add", instance=link)
    except IntegrityError as error:
        raise ConflictError(
            _("%(leader)s is already linked to %(name)s."),
            code="duplicate",
            field="enterprise",
            params={"leader": leader.official.person.name, "name": enterprise.name},
        ) from error
    return link


def link_end(*, link, actor) -> LeaderEnterprise:
    _require_manager(actor)
    with transaction.atomic():
        locked = LeaderEnterprise.objects.select_for_update().get(pk=link.pk)
        if locked.ended_on is not None:
            return locked
        before = audit.snapshot(locked)
        locked.ended_on = max(clock.today(), locked.started_on)
        locked.save(update_fields=["ended_on"])
        audit.record_event(actor=actor, action="liaison.leaderenterprise.end", instance=locked, before=before)
    return locked


# --- responsibility lists (帮扶责任清单) -----------------------------------------------------------------
LIST_WORKFLOW = Workflow(
    name="liaison.list",
    model=ResponsibilityList,
    actors=_MANAGER_RULE,
    transitions={
        "publish": Transition(
            (ListStatus.DRAFT, ListStatus.WITHDRAWN),
            ListStatus.PUBLISHED,
            (MANAGER,),
            "7",
            requires={"scope": _("Who may read it")},
        ),
        "withdraw": Transition((ListStatus.PUBLISHED,), ListStatus.WITHDRAWN, (MANAGER,), "7"),
    },
)


def list_create(
    *,
    leader,
    year: int,
    title: str,
    content: str,
    visits_per_period: int = 0,
    visit_period: str = VisitPeriod.QUARTER,
    actor,
) -> ResponsibilityList:
    """A leader's list for a year, with the visit frequency it promises (``visits_per_period`` visits or
    roundtables in each ``visit_period``; the frequency page compares the visits held with it)."""
    _require_manager(actor)
    if visit_period not in VisitPeriod.values:
        raise ServiceError(
            _("Choose how often the visits are due."), code="invalid_choice", field="visit_period"
        )
    if not isinstance(visits_per_period, int) or not 0 <= visits_per_period <= 31:
        raise ServiceError(
            _("The visits promised must be between %(low)d and %(high)d."),
            code="out_of_range",
            field="visits_per_period",
            params={"low": 0, "high": 31},
        )
    title = limits.check_text(
        title, field="title", label=_("Title"), limit=limits.PLACE, required=True
    )
    content = limits.check_text(
        content, field="content", label=_("Responsibilities"), limit=limits.REPORT, required=True
    )
    this_year = clock.today().year
    if not isinstance(year, int) or not this_year - 5 <= year <= this_year + 1:
        raise ServiceError(
            _("The year must be between %(low)d and %(high)d."),
            code="out_of_range",
            field="year",
            params={"low": this_year - 5, "high": this_year + 1},
        )
    with transaction.atomic():
        row = ResponsibilityList.objects.create(
            leader=leader,
            year=year,
            title=title,
            content=content,
            visits_per_period=visits_per_period,
            visit_period=visit_period,
            created_at=clock.now(),
        )
        audit.record_event(actor=actor, action="liaison.list.create", instance=row)
    return row


def list_publish(*, responsibility_list, scope: str, actor) -> ResponsibilityList:
    if scope and scope not in Scope.values:
        raise ServiceError(_("Choose who may read it."), code="invalid_choice", field="scope")

    def apply(locked):
        locked.scope = scope
        locked.published_at = clock.now()
        return Change(fields=["scope", "published_at"], details={"scope": scope})

    return workflow.transition(
        LIST_WORKFLOW, responsibility_list, "publish", actor=actor, apply=apply, data={"scope": scope}
    )


def list_withdraw(*, responsibility_list, actor) -> ResponsibilityList:
    return workflow.transition(LIST_WORKFLOW, responsibility_list, "withdraw", actor=actor)


# --- meetings: visits, roundtables, communication meetings -----------------------------------------------
MEETING_WORKFLOW = Workflow(
    name="liaison.meeting",
    model=Meeting,
    actors=_MANAGER_RULE,
    transitions={
        "hold": Transition(
            (MeetingStatus.SCHEDULED,),
            MeetingStatus.HELD,
            (MANAGER,),
            "7",
            requires={"minutes": _("Minutes")},
        ),
        "cancel": Transition(
            (MeetingStatus.SCHEDULED,),
            MeetingStatus.CANCELLED,
            (MANAGER,),
            "7",
            requires={"reason": _("Reason for cancelling")},
        ),
    },
)


def meeting_schedule(
    *,
    kind: str,
    title: str,
    scheduled_on,
    place: str = "",
    leader=None,
    participants: str = "",
    enterprises=(),
    associations=(),
    actor,
) -> Meeting:
    """Schedule a visit, roundtable or communication meeting; enterprises, the federation and chambers are
    invited by their directory records (``participants``: the departments taking part, in words)."""
    _require_manager(actor)
    if kind not in MeetingKind.values:
        raise ServiceError(_("Choose the kind of meeting."), code="invalid_choice", field="kind")
    title = limits.check_text(
        title, field="title", label=_("Title"), limit=limits.PLACE, required=True
    )
    place = limits.check_text(place, field="place", label=_("Place"), limit=limits.PLACE)
    participants = limits.check_text(
        participants, field="participants", label=_("Taking part"), limit=limits.REASON
    )
    scheduled_on = _future_date(scheduled_on, field="scheduled_on", label=_("Date"))
    enterprises = list(dict.fromkeys(enterprises))
    associations = _active_associations(associations)
    if kind != MeetingKind.COMMUNICATION and not enterprises:
        raise ServiceError(_("Invite at least one enterprise."), code="required", field="enterprises")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=title,
            scheduled_on=scheduled_on,
            place=place,
            leader=leader,
            participants=participants,
            created_by=actor,
            created_at=clock.now(),
        )
        invitations = MeetingInvitation.objects.bulk_create(
            [MeetingInvitation(meeting=meeting, enterprise=e) for e in enterprises]
        ) + MeetingAssociation.objects.bulk_create(
            [MeetingAssociation(meeting=meeting, association=a) for a in associations]
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "liaison.meeting.schedule",
                    "instance": meeting,
                    "fresh": True,
                    "details": {"article": "7"},
                }
            ]
            + [
                {
                    "actor": actor,
                    "action": f"liaison.{row._meta.model_name}.add",
                    "instance": row,
                    "fresh": True,
                }
                for row in invitations
            ]
        )
    return meeting


def meeting_hold(*, meeting, minutes: str, held_on=None, actor) -> Meeting:
    minutes = limits.check_text(minutes, field="minutes", label=_("Minutes"), limit=limits.REPORT)
    held_on = limits.past_date(held_on or clock.today(), field="held_on", label=_("Held on"))

    def apply(locked):
        locked.minutes = minutes
        locked.held_on = held_on
        return Change(fields=["minutes", "held_on"])

    return workflow.transition(
        MEETING_WORKFLOW, meeting, "hold", actor=actor, apply=apply, data={"minutes": minutes}
    )


def meeting_cancel(*, meeting, reason: str, actor) -> Meeting:
    reason = limits.check_text(reason, field="reason", label=_("Reason for cancelling"), limit=limits.REASON)

    def apply(locked):
        locked.cancel_reason = reason
        return Change(fields=["cancel_reason"])

    return workflow.transition(
        MEETING_WORKFLOW, meeting, "cancel", actor=actor, apply=apply, data={"reason": reason}
    )


def problem_raise(*, meeting, title: str, text: str, enterprise=None, actor) -> MeetingProblem:
    """Record a problem raised at a held meeting and file it as an appeal in the same step: the appeal
    (appeals intake, channel roundtable or visit) tracks it to its reply; the problem links both ways."""
    from qinqing.appeals.intake.services import appeal_file
    from qinqing.appeals.models import Channel

    _require_manager(actor)
    title = limits.check_text(
        title, field="title", label=_("Title"), limit=limits.PLACE, required=True
    )
    text = limits.check_text(
        text, field="text", label=_("Problem raised"), limit=limits.REASON, required=True
    )
    if enterprise is not None and not meeting.invitations.filter(enterprise=enterprise).exists():
        raise ServiceError(
            _("%(name)s was not invited to this meeting."),
            code="not_invited",
            field="enterprise",
            params={"name": enterprise.name},
        )
    channel = Channel.VISIT if meeting.kind == MeetingKind.VISIT else Channel.ROUNDTABLE
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.HELD:
            raise ConflictError(
                _("Record the minutes first: problems are recorded for a meeting that was held (article 7)."),
                code="invalid_transition",
                field="status",
            )
        content = f"{text}\n\n（{meeting.get_kind_display()}：{meeting.title}，{meeting.held_on:%Y-%m-%d}）"
        result = appeal_file(
            channel=channel,
            title=title,
            content=content,
            actor=actor,
            enterprise=enterprise,
            contact_name=enterprise.name[:100] if enterprise else "",
        )
        problem = MeetingProblem.objects.create(
            meeting=meeting,
            enterprise=enterprise,
            title=title,
            text=text,
            appeal=result.appeal,
            raised_at=clock.now(),
        )
        audit.record_event(
            actor=actor,
            action="liaison.meetingproblem.raise",
            instance=problem,
            details={"appeal": result.appeal.tracking_number, "article": "7"},
        )
    return problem


def follow_up_add(*, meeting, task: str, unit=None, due_on, actor) -> FollowUp:
    _require_manager(actor)
    task = limits.check_text(
        task, field="task", label=_("Task"), limit=limits.DESCRIPTION, required=True
    )
    due_on = _future_date(due_on, field="due_on", label=_("Due on"))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConflictError(_("The meeting was cancelled."), code="invalid_transition", field="status")
    with transaction.atomic():
        row = FollowUp.objects.create(meeting=meeting, task=task, unit=unit, due_on=due_on)
        audit.record_event(actor=actor, action="liaison.followup.add", instance=row)
    return row


def follow_up_done(*, follow_up, result: str, done_on=None, actor) -> FollowUp:
    _require_manager(actor)
    result = limits.check_text(
        result, field="result", label=_("Result"), limit=limits.REASON, required=True
    )
    done_on = limits.past_date(done_on or clock.today(), field="done_on", label=_("Done on"))
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.done_on is not None:
            raise ConflictError(
                _("This follow-up is already done."), code="invalid_transition", field="done_on"
            )
        before = audit.snapshot(locked)
        locked.done_on, locked.result = done_on, result
        locked.save(update_fields=["done_on", "result"])
        audit.record_event(actor=actor, action="liaison.followup.done", instance=locked, before=before)
    return locked


# --- consultation before decisions (article 9) -----------------------------------------------------------
DECISION_WORKFLOW = Workflow(
    name="liaison.decision",
    model=Decision,
    actors=_MANAGER_RULE,
    transitions={
        "consult": Transition(
            (DecisionStatus.DRAFT, DecisionStatus.CONSULTING), DecisionStatus.CONSULTING, (MANAGER,), "9"
        ),
        "adopt": Transition(
            (DecisionStatus.DRAFT, DecisionStatus.CONSULTING), DecisionStatus.ADOPTED, (MANAGER,), "9"
        ),
        "withdraw": Transition(
            (DecisionStatus.DRAFT, DecisionStatus.CONSULTING),
            DecisionStatus.WITHDRAWN,
            (MANAGER,),
            "9",
            requires={"reason": _("Reason")},
        ),
    },
)
CONSULTATION_WORKFLOW = Workflow(
    name="liaison.consultation",
    model=Consultation,
    actors=_MANAGER_RULE,
    transitions={
        "complete": Transition(
            (ConsultationStatus.OPEN,),
            ConsultationStatus.COMPLETED,
            (MANAGER,),
            "9",
            requires={"conclusion": _("Conclusion")},
        ),
    },
)


def decision_register(*, title: str, summary: str, unit=None, actor) -> Decision:
    _require_manager(actor)
    title = limits.check_text(
        title, field="title", label=_("Title"), limit=limits.PLACE, required=True
    )
    summary = limits.check_text(
        summary, field="summary", label=_("What it decides"), limit=limits.REPORT, required=True
    )
    with transaction.atomic():
        decision = Decision.objects.create(
            title=title, summary=summary, unit=unit, created_by=actor, created_at=clock.now()
        )
        audit.record_event(
            actor=actor, action="liaison.decision.register", instance=decision, details={"article": "9"}
        )
    return decision


def consultation_add(
    *,
    decision,
    form: str,
    held_on,
    place: str = "",
    invite_federation: bool = True,
    invited_chambers: str = "",
    enterprises=(),
    associations=(),
    actor,
) -> Consultation:
    """Register a hearing, expert review or forum on the decision; the decision is then in consultation.
    The federation and chambers are invited by their directory records (``associations``); inviting the
    federation's record sets ``invite_federation``. ``invited_chambers`` (names in words) is kept only for
    consultations registered before chambers were records."""
    from qinqing.directory.models import AssociationKind

    if form not in ConsultationForm.values:
        raise ServiceError(_("Choose the form of consultation."), code="invalid_choice", field="form")
    held_on = _future_date(held_on, field="held_on", label=_("Held on"))
    place = limits.check_text(place, field="place", label=_("Place"), limit=limits.PLACE)
    invited_chambers = limits.check_text(
        invited_chambers, field="invited_chambers", label=_("Chambers invited"), limit=limits.DESCRIPTION
    )
    enterprises = list(dict.fromkeys(enterprises))
    associations = _active_associations(associations)
    invite_federation = bool(invite_federation) or any(
        a.kind == AssociationKind.FEDERATION for a in associations
    )
    if not (invite_federation or invited_chambers or enterprises or associations):
        raise ServiceError(
            _("Invite the federation, a chamber or at least one enterprise (article 9)."),
            code="required",
            field="enterprises",
        )
    created = {}

    def apply(locked):
        consultation = Consultation.objects.create(
            decision=locked,
            form=form,
            held_on=held_on,
            place=place,
            invite_federation=invite_federation,
            invited_chambers=invited_chambers,
            created_at=clock.now(),
        )
        invitations = ConsultationInvitation.objects.bulk_create(
            [ConsultationInvitation(consultation=consultation, enterprise=e) for e in enterprises]
        ) + ConsultationAssociation.objects.bulk_create(
            [ConsultationAssociation(consultation=consultation, association=a) for a in associations]
        )
        created["consultation"] = consultation
        return Change(
            events=[
                {
                    "actor": actor,
                    "action": "liaison.consultation.add",
                    "instance": consultation,
                    "fresh": True,
                }
            ]
            + [
                {
                    "actor": actor,
                    "action": f"liaison.{row._meta.model_name}.add",
                    "instance": row,
                    "fresh": True,
                }
                for row in invitations
            ],
            details={"form": form},
        )

    workflow.transition(DECISION_WORKFLOW, decision, "consult", actor=actor, apply=apply)
    return created["consultation"]


def consultation_complete(*, consultation, conclusion: str, actor) -> Consultation:
    conclusion = limits.check_text(conclusion, field="conclusion", label=_("Conclusion"), limit=limits.REPORT)

    def apply(locked):
        locked.conclusion = conclusion
        locked.completed_at = clock.now()
        return Change(fields=["conclusion", "completed_at"])

    return workflow.transition(
        CONSULTATION_WORKFLOW,
        consultation,
        "complete",
        actor=actor,
        apply=apply,
        data={"conclusion": conclusion},
    )


def invited_enterprise_ids(actor) -> list[int]:
    """The enterprises the actor acts for (their memberships)."""
    from qinqing.directory.models import EnterpriseMembership

    return list(EnterpriseMembership.objects.filter(user=actor).values_list("enterprise_id", flat=True))


def acting_for(actor) -> tuple[bool, list[int]]:
    """Whom a federation/chamber account acts for: (the federation?, the chambers' ids).

    A staff account with a chamber's membership acts for that chamber (and for the federation only with
    the federation's membership too); a staff account with no chamber membership is the federation's
    (its staff are officials of the federation, the way the accounts were made before chambers were
    records)."""
    from qinqing.directory.models import AssociationKind, AssociationMembership

    if not has_role(actor, Role.FEDERATION_STAFF):
        return False, []
    rows = list(
        AssociationMembership.objects.filter(user=actor, association__is_active=True).values_list(
            "association_id", "association__kind"
        )
    )
    chambers = [pk for pk, kind in rows if kind == AssociationKind.CHAMBER]
    federation = any(kind == AssociationKind.FEDERATION for _pk, kind in rows) or not chambers
    return federation, chambers


def opinion_submit(*, consultation, text: str, actor) -> Opinion:
    """An invited party's opinion: the federation (its staff) when it was invited, a chamber (its account)
    when its record was invited, an enterprise's account when its enterprise was. Anyone else gets
    "not found" (they may not see the consultation)."""
    text = limits.check_text(
        text, field="text", label=_("Opinion"), limit=limits.REPORT, required=True
    )
    enterprise = association = None
    for_federation, chambers = acting_for(actor)
    invited_chamber = (
        consultation.association_invitations.filter(association_id__in=chambers)
        .select_related("association")
        .first()
        if chambers
        else None
    )
    if for_federation and consultation.invite_federation:
        from qinqing.directory.models import AssociationKind, Official

        invited = (
            consultation.association_invitations.filter(association__kind=AssociationKind.FEDERATION)
            .select_related("association")
            .first()
        )
        association = invited.association if invited else None
        official = Official.objects.filter(user=actor).select_related("unit").first()
        organisation = (
            association.name
            if association
            else official.unit.name
            if official
            else str(Role.FEDERATION_STAFF.label)
        )
    elif invited_chamber is not None:
        association = invited_chamber.association
        organisation = association.name
    else:
        invited = (
            consultation.invitations.filter(enterprise_id__in=invited_enterprise_ids(actor))
            .select_related("enterprise")
            .first()
        )
        if not has_role(actor, Role.ENTERPRISE_USER) or invited is None:
            raise NotFound()
        enterprise = invited.enterprise
        organisation = enterprise.name
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status != ConsultationStatus.OPEN:
            raise ConflictError(
                _("This consultation is closed: opinions are no longer taken (article 9)."),
                code="invalid_transition",
                field="status",
            )
        opinion = Opinion.objects.create(
            consultation=locked,
            author=actor,
            organisation=organisation[:200],
            enterprise=enterprise,
            association=association,
            text=text,
            submitted_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="liaison.opinion.submit", instance=opinion, details={"article": "9"}
        )
    return opinion


def opinion_answer(*, opinion, outcome: str, response: str, actor) -> Opinion:
    """Whether the opinion was adopted, and why not: a reason is required unless it was adopted in full.
    The first answer takes the reply letter's number (意见复〔year〕NNNN号); the answer may be revised
    until the decision is adopted or withdrawn, which makes it final (the letter's seal)."""
    _require_manager(actor)
    if outcome not in (Outcome.ADOPTED, Outcome.PARTLY, Outcome.NOT_ADOPTED):
        raise ServiceError(
            _("Choose whether the opinion was adopted."), code="invalid_choice", field="outcome"
        )
    response = limits.check_text(response, field="response", label=_("Answer"), limit=limits.REASON)
    if outcome != Outcome.ADOPTED and not response:
        raise ServiceError(
            _("Say why the opinion was not adopted (article 9)."), code="required", field="response"
        )
    with transaction.atomic():
        locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
        if locked.consultation.decision.status in (DecisionStatus.ADOPTED, DecisionStatus.WITHDRAWN):
            raise ConflictError(_("The decision is closed."), code="invalid_transition", field="status")
        before = audit.snapshot(locked)
        locked.outcome, locked.response, locked.answered_at = outcome, response, clock.now()
        fields = ["outcome", "response", "answered_at"]
        if not locked.reply_number:  # the reply letter's number: at the first answer, kept if revised
            locked.reply_number = numbering.take(REPLY_NUMBERS, clock.today()).text
            fields.append("reply_number")
        locked.save(update_fields=fields)
        letters.keep_issuer(locked, liaison_letters.REPLY, liaison_letters.issuing_unit(locked), actor=actor)
        audit.record_event(
            actor=actor,
            action="liaison.opinion.answer",
            instance=locked,
            before=before,
            details={"article": "9"},
        )
    return locked


def decision_adopt(*, decision, adopted_on=None, actor) -> Decision:
    """Mark the decision adopted: refused (article 9) without a completed consultation, or while an
    opinion received has not been answered."""
    adopted_on = limits.past_date(adopted_on or clock.today(), field="adopted_on", label=_("Adopted on"))

    def apply(locked):
        consultations = Consultation.objects.filter(decision=locked)
        if not consultations.filter(status=ConsultationStatus.COMPLETED).exists():
            raise ConflictError(
                _(
                    "A decision touching enterprises' major interests cannot be adopted before a "
                    "consultation (hearing, expert review or forum) is completed (article 9)."
                ),
                code="consultation_required",
                field="status",
            )
        pending = Opinion.objects.filter(consultation__decision=locked, outcome=Outcome.PENDING).count()
        if pending:
            raise ConflictError(
                _(
                    "%(count)d opinion(s) received have not been answered: say whether each was adopted "
                    "and why not before adopting the decision (article 9)."
                ),
                code="opinions_unanswered",
                field="status",
                params={"count": pending},
            )
        locked.adopted_on = adopted_on
        return Change(fields=["adopted_on"])

    return workflow.transition(DECISION_WORKFLOW, decision, "adopt", actor=actor, apply=apply)


def decision_withdraw(*, decision, reason: str, actor) -> Decision:
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    return workflow.transition(
        DECISION_WORKFLOW,
        decision,
        "withdraw",
        actor=actor,
        data={"reason": reason},
        apply=lambda locked: Change(details={"reason": reason}),
    )


def feedback_publish(*, decision, feedback: str, actor) -> Decision:
    """Publish the feedback to those consulted (what was adopted and why not) after a completed
    consultation."""
    _require_manager(actor)
    feedback = limits.check_text(
        feedback, field="feedback", label=_("Feedback"), limit=limits.REPORT, required=True
    )
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.consultations.filter(status=ConsultationStatus.COMPLETED).exists():
            raise ConflictError(
                _("Complete a consultation before publishing its feedback (article 9)."),
                code="consultation_required",
                field="feedback",
            )
        before = audit.snapshot(locked)
        locked.feedback, locked.feedback_published_at = feedback, clock.now()
        locked.save(update_fields=["feedback", "feedback_published_at"])
        audit.record_event(
            actor=actor,
            action="liaison.decision.feedback",
            instance=locked,
            before=before,
            details={"article": "9"},
        )
    return locked
