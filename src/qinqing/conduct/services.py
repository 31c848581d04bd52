"""Every write of the conduct app (articles 14, 15). Keyword-only, one transaction, audited.

``check_assignment`` is THE conflict-of-interest gate: every module that puts an official
on a matter concerning an enterprise calls it first, before saving anything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, db, limits, numbering, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow
from qinqing.directory.models import Enterprise, Official

from .conflicts import Conflict, find_conflicts, watch_statements
from .models import (
    EFFECTIVE_RECUSAL,
    ActivityRequest,
    ActivityStatus,
    AssignmentCheck,
    AssignmentExemption,
    CheckOutcome,
    ConductRules,
    GiftDisposition,
    GiftRecord,
    Lead,
    LeadSource,
    Recusal,
    RecusalOrigin,
    RecusalStatus,
    ScreeningWatch,
)

__all__ = ["RecusalRequired", "check_assignment", "find_conflicts"]


class RecusalRequired(ServiceError):
    """The official (or a related person) is linked to the enterprise: article 15 item 7."""

    status = 409

    def __init__(self, *, conflicts: list[Conflict], recused: bool = False, check: AssignmentCheck | None = None):
        if recused:
            message = _("This official has recused themselves (or was ordered to) from this matter; assign another official (article 15 item 7).")
        else:
            message = _("Recusal required: the official or a related person is linked to this enterprise (article 15 item 7): %(evidence)s")
        evidence = "; ".join(conflict.evidence() for conflict in conflicts)
        super().__init__(message, code="recusal_required", field="official", params={"evidence": evidence})
        self.conflicts = conflicts
        self.check = check
        self.article = "15.7"


def rules() -> ConductRules:
    """The administrator's rules, or the defaults if none were saved yet."""
    return ConductRules.objects.order_by("pk").first() or ConductRules()


RULE_FIELDS = ("reception_standard_per_head", "working_hours_start", "working_hours_end", "gift_hand_in_days", "near_limit_percent")


def rules_update(*, actor, reception_standard_per_head, working_hours_start, working_hours_end, gift_hand_in_days,
                 near_limit_percent) -> ConductRules:
    """An administrator sets the limits the article-14/15 checks use (saved as the one rules row)."""
    from decimal import Decimal

    user = _user_of(actor)
    if user is None or not (user.is_superuser or has_role(user, Role.ADMINISTRATOR)):
        raise PermissionDeniedError(_("Only an administrator may change the conduct rules."), field="rules")
    standard = Decimal(reception_standard_per_head)
    if standard <= 0:
        raise ServiceError(_("The reception standard per head must be more than zero (article 14 item 3)."), code="invalid",
                           field="reception_standard_per_head")
    if working_hours_start >= working_hours_end:
        raise ServiceError(_("Working hours must end after they start (article 14 item 3: no alcohol during working hours)."),
                           code="invalid", field="working_hours_end")
    if not 1 <= int(gift_hand_in_days) <= 365:
        raise ServiceError(_("The period to hand in a gift must be between 1 and 365 days (article 15 item 1)."), code="invalid",
                           field="gift_hand_in_days")
    if not 1 <= int(near_limit_percent) <= 100:
        raise ServiceError(_("The near-limit share must be a whole percentage of the reception standard from 1 to 100."), code="invalid",
                           field="near_limit_percent")
    values = {"reception_standard_per_head": standard, "working_hours_start": working_hours_start,
              "working_hours_end": working_hours_end, "gift_hand_in_days": int(gift_hand_in_days),
              "near_limit_percent": int(near_limit_percent)}
    with transaction.atomic():
        current = ConductRules.objects.select_for_update().order_by("pk").first()
        if current is None:
            current = ConductRules.objects.create(**values)
            audit.record_event(actor=actor, action="conduct.rules.create", instance=current, before=None, details={"article": "14"})
            return current
        before = audit.snapshot(current)
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        audit.record_event(actor=actor, action="conduct.rules.update", instance=current, before=before, details={"article": "14"})
    return current


def _user_of(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _is_oversight(actor, obj=None) -> bool:
    """An administrator or a district leader (they may act for any official's supervisor)."""
    user = _user_of(actor)
    return user is not None and (user.is_superuser or has_role(user, Role.DISTRICT_LEADER, Role.ADMINISTRATOR))


def _is_supervising_leader(actor, official: Official) -> bool:
    """The official's own supervising leader (in that role)."""
    user = _user_of(actor)
    leader = official.supervising_leader if user is not None else None
    return leader is not None and leader.user_id == user.pk and has_role(user, Role.SUPERVISING_LEADER)


def _is_supervisor_of(actor, official: Official) -> bool:
    """The official's supervising leader, or an administrator / district leader."""
    return _is_oversight(actor) or _is_supervising_leader(actor, official)


def _is_official_themselves(actor, obj) -> bool:
    """``obj`` (a request, recusal, gift) belongs to the acting official."""
    user = _user_of(actor)
    return user is not None and obj.official.user_id == user.pk


def _is_discipline_office(actor, obj=None) -> bool:
    user = _user_of(actor)
    return user is not None and (user.is_superuser or has_role(user, Role.DISCIPLINE_INSPECTOR))


# --- who may act on conduct's workflows (core.workflow) -----------------------------------------
OWNER = "owner"  # the official the request, recusal or gift belongs to
SUPERVISING_LEADER = "supervising_leader"  # that official's supervising leader
OVERSIGHT = "oversight"  # district leaders and administrators
DISCIPLINE_OFFICE = "discipline_office"  # discipline inspectors

ACTORS = {
    OWNER: ActorRule(_is_official_themselves, roles=(), label=_("The official themselves")),
    SUPERVISING_LEADER: ActorRule(lambda actor, obj: _is_supervising_leader(actor, obj.official), roles=(Role.SUPERVISING_LEADER,),
                                  label=_("The official's supervising leader")),
    # never on their own request or recusal
    OVERSIGHT: ActorRule(lambda actor, obj: _is_oversight(actor) and not _is_official_themselves(actor, obj),
                         roles=(Role.DISTRICT_LEADER, Role.ADMINISTRATOR), label=_("District leader or administrator")),
    DISCIPLINE_OFFICE: ActorRule(_is_discipline_office, roles=(Role.DISCIPLINE_INSPECTOR,), label=_("Discipline office")),
}


# --- the gate -----------------------------------------------------------------------------------
# Both look-ups in one raw statement: a blocked check needs the exemption too, every statement is
# a round trip on the gate every assignment passes, and compiling the equivalent ORM query (two
# Exists subqueries) cost more than running it.
_MATTER_SQL = (
    "SELECT EXISTS (SELECT 1 FROM {recusal} WHERE official_id = %s AND matter_type = %s AND matter_id = %s"
    " AND status IN ({effective})),"
    " EXISTS (SELECT 1 FROM {exemption} WHERE official_id = %s AND matter_type = %s AND matter_id = %s)"
)


def _recused_and_exempted(*, official: Official, matter_type: str, matter_id: str) -> tuple[bool, bool]:
    """Whether the official has an effective recusal, and an exemption, for this matter."""
    sql = _MATTER_SQL.format(recusal=Recusal._meta.db_table, exemption=AssignmentExemption._meta.db_table,
                             effective=", ".join(["%s"] * len(EFFECTIVE_RECUSAL)))
    matter = [official.pk, matter_type, matter_id]
    recused, exempted = db.execute(sql, [*matter, *(str(status) for status in EFFECTIVE_RECUSAL), *matter])[0]
    return bool(recused), bool(exempted)


def check_assignment(*, official: Official, enterprise: Enterprise, matter_type: str, matter_id: str, actor) -> None:
    """Stop the assignment of ``official`` to a matter concerning ``enterprise`` if they must recuse.

    Raises ``RecusalRequired`` (409, field "official", ``.conflicts`` = evidence) when the
    official or a related person is linked to the enterprise, or the official has an effective
    recusal for this matter. A supervisor's ``AssignmentExemption`` for this official and
    matter lets a conflicted assignment through (recorded). A blocked check is recorded
    (``AssignmentCheck``, audited) — call this BEFORE opening your own transaction, otherwise
    your rollback also removes that record. Nothing else is written.
    """
    matter_id = str(matter_id)
    recused, exempted = _recused_and_exempted(official=official, matter_type=matter_type, matter_id=matter_id)
    conflicts = find_conflicts(official=official, enterprise=enterprise)
    if not conflicts and not recused:
        return
    exempted = exempted and not recused
    with transaction.atomic():
        check = AssignmentCheck.objects.create(
            official=official, enterprise=enterprise, matter_type=matter_type, matter_id=matter_id,
            outcome=CheckOutcome.EXEMPTED if exempted else CheckOutcome.BLOCKED,
            conflicts=[conflict.as_dict() for conflict in conflicts],
        )
        # ``fresh``: the row was just inserted from these plain values, so its audit snapshot is
        # taken without reading it back.
        audit.record_events([{"actor": actor, "action": "conduct.assignment_check.exempted" if exempted else "conduct.assignment_check.blocked",
                              "instance": check, "before": None, "details": {"article": "15.7"}, "fresh": True}])
    if not exempted:
        raise RecusalRequired(conflicts=conflicts, recused=recused, check=check)


def exemption_grant(*, official: Official, enterprise: Enterprise, matter_type: str, matter_id: str, reason: str, actor) -> AssignmentExemption:
    """A supervisor lets a conflicted official handle this one matter, giving a reason."""
    if not _is_supervisor_of(actor, official):
        raise PermissionDeniedError(_("Only the official's supervising leader may grant an exemption."), field="official")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("An exemption needs a reason (article 15 item 7)."), code="reason_required", field="reason")
    with transaction.atomic():
        exemption = AssignmentExemption.objects.create(
            official=official, enterprise=enterprise, matter_type=matter_type, matter_id=str(matter_id), reason=reason, granted_by=actor,
        )
        audit.record_event(actor=actor, action="conduct.exemption.grant", instance=exemption, before=None, details={"article": "15.7"})
    return exemption


# --- recusal (15.7) -----------------------------------------------------------------------------
def recusal_report(*, official: Official, matter_type: str, matter_id: str, actor, enterprise: Enterprise | None = None,
                   description: str = "", apply: bool = False) -> Recusal:
    """The official reports a possible conflict in advance, or (``apply=True``) applies for recusal."""
    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official themselves may report a conflict or apply for recusal."), field="official")
    with transaction.atomic():
        recusal = Recusal.objects.create(
            official=official, enterprise=enterprise, matter_type=matter_type, matter_id=str(matter_id),
            origin=RecusalOrigin.APPLIED if apply else RecusalOrigin.REPORTED,
            status=RecusalStatus.PENDING if apply else RecusalStatus.REPORTED,
            description=(description or "").strip(),
        )
        audit.record_event(actor=actor, action="conduct.recusal.apply" if apply else "conduct.recusal.report",
                           instance=recusal, before=None, details={"article": "15.7"})
    return recusal


_UNDECIDED = (RecusalStatus.PENDING, RecusalStatus.REPORTED)
_DECIDED = _("This recusal has already been decided (article 15 item 7).")
_DECIDE_DENIED = _("Only the official's supervising leader may decide on a recusal.")
RECUSAL_WORKFLOW = Workflow(
    name="conduct.recusal",
    model=Recusal,
    actors=ACTORS,
    transitions={
        "approve": Transition(_UNDECIDED, RecusalStatus.APPROVED, (SUPERVISING_LEADER, OVERSIGHT), "15.7", refused=_DECIDED,
                              denied=_DECIDE_DENIED),
        "reject": Transition(_UNDECIDED, RecusalStatus.REJECTED, (SUPERVISING_LEADER, OVERSIGHT), "15.7", refused=_DECIDED,
                             denied=_DECIDE_DENIED),
        "refuse": Transition((RecusalStatus.ORDERED,), RecusalStatus.REFUSED, (OWNER,), "15.7",
                             refused=_("Only an ordered recusal can be refused (article 15 item 7)."),
                             denied=_("Only the official concerned can refuse a recusal.")),
    },
)


def _decided(locked: Recusal, *, reason: str, actor) -> Change:
    locked.decision_reason = reason
    locked.decided_by = _user_of(actor) or locked.decided_by
    locked.decided_at = clock.now()
    return Change(["decision_reason", "decided_by", "decided_at"])


def recusal_decide(*, recusal: Recusal, approve: bool, reason: str, actor) -> Recusal:
    """The supervisor decides an application for recusal (or a reported conflict)."""
    reason = (reason or "").strip()
    return workflow.transition(RECUSAL_WORKFLOW, recusal, "approve" if approve else "reject", actor=actor,
                               apply=lambda locked: _decided(locked, reason=reason, actor=actor))


def recusal_order(*, official: Official, matter_type: str, matter_id: str, reason: str, actor,
                  enterprise: Enterprise | None = None) -> Recusal:
    """Article 15 item 7: where an official should recuse and did not, the supervisor orders it."""
    if not _is_supervisor_of(actor, official):
        raise PermissionDeniedError(_("Only the official's supervising leader may order a recusal."), field="official")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("An ordered recusal needs a reason (article 15 item 7)."), code="reason_required", field="reason")
    with transaction.atomic():
        recusal = Recusal.objects.create(
            official=official, enterprise=enterprise, matter_type=matter_type, matter_id=str(matter_id), origin=RecusalOrigin.ORDERED,
            status=RecusalStatus.ORDERED, decision_reason=reason, decided_by=actor, decided_at=clock.now(),
        )
        audit.record_event(actor=actor, action="conduct.recusal.order", instance=recusal, before=None, details={"article": "15.7"})
    return recusal


def recusal_refuse(*, recusal: Recusal, reason: str, actor) -> Lead:
    """The official refuses an ordered recusal: recorded, and a lead goes to the discipline office."""
    created: list[Lead] = []

    def apply(locked: Recusal) -> Change:
        change = _decided(locked, reason=locked.decision_reason, actor=actor)
        lead = Lead.objects.create(
            official=locked.official, source=LeadSource.RECUSAL_REFUSED, article="15.7", recusal=locked,
            summary=f"{locked.matter_type}:{locked.matter_id} — {(reason or '').strip()}",
        )
        created.append(lead)
        change.events = [{"actor": actor, "action": "conduct.lead.create", "instance": lead, "before": None, "details": {"article": "15.7"}}]
        return change

    workflow.transition(RECUSAL_WORKFLOW, recusal, "refuse", actor=actor, apply=apply)
    return created[0]


# --- integrity hook -------------------------------------------------------------------------------
def is_enterprise_restricted(enterprise: Enterprise) -> bool:
    """Whether the enterprise (or its head) is bound by any of article 21's restrictions today.

    Asks the integrity app's eligibility service (every answer is logged there); the
    pre-approval shows a restricted enterprise as a warning citing article 21.
    """
    from qinqing.integrity.services import eligibility

    return not eligibility(enterprise=enterprise, purpose="conduct.activity_check").eligible


# --- pre-approval of enterprise events (article 14) -------------------------------------------------
class FindingLevel:
    VIOLATION = "violation"  # the leader cannot approve while this stands
    WARNING = "warning"  # marked for the leader and the discipline office
    PASSED = "passed"


RULE_MESSAGES = {
    "situation_valid": _("The event is one of the three permitted situations."),
    "situation_invalid": _("The event must be one of the three permitted situations (work meal, public business event, organiser's dinner)."),
    "cost_within_standard": _("Cost per head %(cost)s yuan is within the reception standard of %(limit)s yuan."),
    "cost_near_limit": _("Cost per head %(cost)s yuan is %(percent)s%% of the reception standard of %(limit)s yuan."),
    "cost_over_standard": _("Cost per head %(cost)s yuan exceeds the local official reception standard of %(limit)s yuan."),
    "alcohol_in_working_hours": _("Alcohol may not be served during working hours (%(day)s is a working day, %(start)s–%(end)s)."),
    "alcohol_outside_working_hours": _("Alcohol is served outside working hours."),
    "no_alcohol": _("No alcohol is served."),
    "lottery_not_confirmed": _("Confirm that there is no lottery at the event."),
    "unrelated_not_confirmed": _("Confirm that there are no activities unrelated to official duties."),
    "no_lottery_or_unrelated": _("No lottery and no activities unrelated to official duties (confirmed)."),
    "filed_in_advance": _("Filed before the event."),
    "filed_late": _("Filed late: the event starts before approval could be given. Reason: %(reason)s"),
    "enterprise_restricted": _("%(enterprise)s is on the integrity blacklist."),
    "enterprise_not_restricted": _("No enterprise involved is on the integrity blacklist (integrity module pending: always answers no)."),
    "conflict_of_interest": _("Conflict of interest: %(evidence)s"),
    "no_conflict_of_interest": _("No conflict of interest found."),
}


def finding_message(finding: dict) -> str:
    message = RULE_MESSAGES.get(finding.get("rule"), finding.get("rule", ""))
    params = finding.get("params") or {}
    return str(message) % params if params else str(message)


def _finding(rule: str, level: str, article: str, **params) -> dict:
    return {"rule": rule, "level": level, "article": article, "params": {key: str(value) for key, value in params.items()}}


def _is_workday(day) -> bool:
    """Working day from the calendar, the provisional year included (core.calendar); a date in a
    year beyond that is refused with the calendar's clear error, never guessed (issue #9 item 6)."""
    from qinqing.core import calendar

    try:
        return calendar.is_workday(day)
    except ServiceError as error:
        raise ServiceError(error.message, code=error.code, field="event_date", params=error.params) from error


def evaluate_activity(*, official: Official, situation: str, enterprises, event_date, start_time, end_time, cost_per_head,
                      alcohol_served: bool, no_lottery_confirmed: bool, no_unrelated_activities_confirmed: bool,
                      late_reason: str = "", now=None) -> list[dict]:
    """Every article-14 rule (and the conflict check) applied to a draft request. Pure read."""
    import datetime
    from decimal import Decimal

    from .models import SITUATION_ARTICLE, Situation

    current = rules()
    findings: list[dict] = []
    if situation in Situation.values:
        findings.append(_finding("situation_valid", FindingLevel.PASSED, SITUATION_ARTICLE[Situation(situation)]))
    else:
        findings.append(_finding("situation_invalid", FindingLevel.VIOLATION, "14"))
    if cost_per_head is not None:
        cost = Decimal(cost_per_head)
        limit = current.reception_standard_per_head
        if cost > limit:
            findings.append(_finding("cost_over_standard", FindingLevel.VIOLATION, "14.3", cost=cost, limit=limit))
        elif limit and cost * 100 >= limit * current.near_limit_percent:
            findings.append(_finding("cost_near_limit", FindingLevel.WARNING, "14.3", cost=cost, limit=limit, percent=int(cost * 100 / limit)))
        else:
            findings.append(_finding("cost_within_standard", FindingLevel.PASSED, "14.3", cost=cost, limit=limit))
    if alcohol_served and event_date and start_time and end_time:
        overlaps = start_time < current.working_hours_end and end_time > current.working_hours_start
        if _is_workday(event_date) and overlaps:
            findings.append(_finding("alcohol_in_working_hours", FindingLevel.VIOLATION, "14.3", day=event_date.isoformat(),
                                     start=current.working_hours_start.strftime("%H:%M"), end=current.working_hours_end.strftime("%H:%M")))
        else:
            findings.append(_finding("alcohol_outside_working_hours", FindingLevel.PASSED, "14.3"))
    else:
        findings.append(_finding("no_alcohol", FindingLevel.PASSED, "14.3"))
    if not no_lottery_confirmed:
        findings.append(_finding("lottery_not_confirmed", FindingLevel.VIOLATION, "14.2"))
    if not no_unrelated_activities_confirmed:
        findings.append(_finding("unrelated_not_confirmed", FindingLevel.VIOLATION, "14.2"))
    if no_lottery_confirmed and no_unrelated_activities_confirmed:
        findings.append(_finding("no_lottery_or_unrelated", FindingLevel.PASSED, "14.2"))
    now = now or clock.now()
    if event_date and start_time:
        starts = timezone.make_aware(datetime.datetime.combine(event_date, start_time))
        if starts <= now:
            findings.append(_finding("filed_late", FindingLevel.WARNING, "14", reason=(late_reason or "").strip() or "—"))
        else:
            findings.append(_finding("filed_in_advance", FindingLevel.PASSED, "14"))
    enterprises = list(enterprises or [])
    restricted = [enterprise for enterprise in enterprises if is_enterprise_restricted(enterprise)]
    for enterprise in restricted:
        findings.append(_finding("enterprise_restricted", FindingLevel.WARNING, "21", enterprise=enterprise.name))
    if enterprises and not restricted:
        findings.append(_finding("enterprise_not_restricted", FindingLevel.PASSED, "21"))
    conflicts = [conflict for enterprise in enterprises for conflict in find_conflicts(official=official, enterprise=enterprise)]
    for conflict in conflicts:
        findings.append(_finding("conflict_of_interest", FindingLevel.VIOLATION, "15.7", evidence=conflict.evidence()))
    if enterprises and not conflicts:
        findings.append(_finding("no_conflict_of_interest", FindingLevel.PASSED, "15.7"))
    return findings


def activity_submit(*, official: Official, situation: str, enterprises, event_date, start_time, end_time, place: str, purpose: str,
                    participants: str, cost_per_head, actor, participant_count: int = 1, people_involved: str = "",
                    alcohol_served: bool = False, no_lottery_confirmed: bool = False, no_unrelated_activities_confirmed: bool = False,
                    late_reason: str = ""):
    """The official files a request for written approval before the event (article 14)."""
    from .models import ActivityRequest, Situation

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official themselves may file this request."), field="official")
    if situation not in Situation.values:
        raise ServiceError(RULE_MESSAGES["situation_invalid"], code="situation_invalid", field="situation")
    if end_time <= start_time:
        raise ServiceError(_("The end time must be after the start time."), code="end_before_start", field="end_time")
    for value, field, label in ((place, "place", _("Place")), (purpose, "purpose", _("Purpose")), (participants, "participants", _("Participants"))):
        if not (value or "").strip():
            raise ServiceError(_("%(field)s is required."), code="required", field=field, params={"field": label})
    for value, field, label, limit in ((place, "place", _("Place"), limits.PLACE), (purpose, "purpose", _("Purpose"), limits.REASON),
                                       (participants, "participants", _("Participants"), limits.REASON),
                                       (people_involved, "people_involved", _("Enterprise people involved"), limits.REASON),
                                       (late_reason, "late_reason", _("Reason for filing late"), limits.REASON)):
        limits.check_text(value, field=field, label=label, limit=limit)
    # Filed before the event (late filings within a month, with a reason), for an event within a year.
    today = clock.today()
    limits.check_date(event_date, field="event_date", label=_("Date"), not_before=today - datetime.timedelta(days=31),
                      not_after=today + limits.YEAR)
    enterprises = list(enterprises or [])
    if not enterprises:
        raise ServiceError(_("Name at least one enterprise involved."), code="required", field="enterprises")
    findings = evaluate_activity(
        official=official, situation=situation, enterprises=enterprises, event_date=event_date, start_time=start_time, end_time=end_time,
        cost_per_head=cost_per_head, alcohol_served=alcohol_served, no_lottery_confirmed=no_lottery_confirmed,
        no_unrelated_activities_confirmed=no_unrelated_activities_confirmed, late_reason=late_reason,
    )
    is_late = any(finding["rule"] == "filed_late" for finding in findings)
    if is_late and not (late_reason or "").strip():
        raise ServiceError(_("The event has already started: a late filing needs a reason (article 14)."), code="late_reason_required",
                           field="late_reason")
    with transaction.atomic():
        activity = ActivityRequest.objects.create(
            official=official, situation=situation, people_involved=(people_involved or "").strip(), event_date=event_date,
            start_time=start_time, end_time=end_time, place=place.strip(), purpose=purpose.strip(), participants=participants.strip(),
            participant_count=participant_count or 1, cost_per_head=cost_per_head, alcohol_served=alcohol_served,
            no_lottery_confirmed=no_lottery_confirmed, no_unrelated_activities_confirmed=no_unrelated_activities_confirmed,
            late_reason=(late_reason or "").strip() if is_late else "", is_late=is_late, findings=findings, submitted_at=clock.now(),
        )
        activity.enterprises.set(enterprises)
        audit.record_event(actor=actor, action="conduct.activity.submit", instance=activity, before=None,
                           details={"article": "14", "enterprises": [enterprise.pk for enterprise in enterprises]})
    return activity


def _letter_code() -> str:
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
    return "".join(secrets.choice(alphabet) for _index in range(12))


_ACTIVITY_DECIDED = _("This request has already been decided (article 14).")
_ACTIVITY_DENIED = _("Only the official's supervising leader may decide this request (article 14).")
ACTIVITY_WORKFLOW = Workflow(
    name="conduct.activity",
    model=ActivityRequest,
    actors=ACTORS,
    transitions={
        "approve": Transition((ActivityStatus.SUBMITTED,), ActivityStatus.APPROVED, (SUPERVISING_LEADER,), "14",
                              refused=_ACTIVITY_DECIDED, denied=_ACTIVITY_DENIED),
        "refuse": Transition((ActivityStatus.SUBMITTED,), ActivityStatus.REFUSED, (SUPERVISING_LEADER,), "14",
                             requires={"reason": _("The reason for the refusal")}, refused=_ACTIVITY_DECIDED, denied=_ACTIVITY_DENIED),
        "report": Transition((ActivityStatus.APPROVED,), ActivityStatus.REPORTED, (OWNER,), "14",
                             refused=_("Only an approved event can be reported on (article 14)."),
                             denied=_("Only the official themselves may report on the event.")),
    },
)
# 亲清批〔2026〕0001号: one series per year, gap-free (taken inside the approval's transaction).
LETTER_NUMBERS = numbering.Series("conduct.letter", "亲清批〔{period}〕{number:04d}号", numbering.yearly)


def activity_decide(*, activity, approve: bool, reason: str, actor):
    """The supervising leader approves (issuing the numbered letter) or refuses, with a reason."""
    from .models import ApprovalLetter

    user = _user_of(actor)
    official = activity.official
    if user is not None and official.user_id == user.pk:
        raise ServiceError(_("You cannot approve or refuse your own request (article 14: the supervising leader decides)."),
                           code="self_approval", field="status")
    action = "approve" if approve else "refuse"
    # Before the conflict gate, which records what it blocks: only the leader's attempt counts.
    workflow.check_actor(ACTIVITY_WORKFLOW, actor, activity, action)
    reason = (reason or "").strip()
    if approve:
        violations = [finding for finding in activity.findings if finding["level"] == FindingLevel.VIOLATION and finding["rule"] != "conflict_of_interest"]
        if violations:
            raise ServiceError(_("This request breaks a rule and cannot be approved: %(rule)s"), code="rule_violation", field="status",
                               params={"rule": finding_message(violations[0])})
        # The conflict gate: an official linked to an enterprise involved must recuse (15.7).
        for enterprise in activity.enterprises.all():
            check_assignment(official=official, enterprise=enterprise, matter_type="conduct.activity", matter_id=str(activity.pk), actor=actor)

    def apply(locked):
        locked.decided_by = user
        locked.decision_reason = reason
        locked.decided_at = clock.now()
        change = Change(["decided_by", "decision_reason", "decided_at"])
        if approve:
            number = numbering.take(LETTER_NUMBERS)
            letter = ApprovalLetter.objects.create(
                activity=locked, year=int(number.period), sequence=number.value, number=number.text,
                verification_code=_letter_code(), issued_at=locked.decided_at,
            )
            change.events = [{"actor": actor, "action": "conduct.letter.issue", "instance": letter, "before": None, "details": {"article": "14"}}]
        return change

    return workflow.transition(ACTIVITY_WORKFLOW, activity, action, actor=actor, apply=apply, data={"reason": reason})


def activity_report(*, activity, actual_cost_per_head, actual_participants: str, actor, actual_participant_count: int = 1,
                    alcohol_served: bool = False, items_received: str = ""):
    """After the event the official reports what happened; differences become a lead (article 14, 16)."""
    from decimal import Decimal

    from .models import ActivityReport

    activity = ActivityRequest.objects.select_related("official").get(pk=activity.pk)
    workflow.check_actor(ACTIVITY_WORKFLOW, actor, activity, "report")
    limits.check_text(actual_participants, field="actual_participants", label=_("Actual participants"), limit=limits.REASON)
    limits.check_text(items_received, field="items_received", label=_("Anything received"), limit=limits.REASON)
    actual_cost = Decimal(actual_cost_per_head)
    differences = []
    if actual_cost > activity.cost_per_head:
        differences.append({"field": "cost_per_head", "approved": str(activity.cost_per_head), "actual": str(actual_cost), "article": "14.3"})
    if actual_cost > rules().reception_standard_per_head:
        differences.append({"field": "reception_standard", "approved": str(rules().reception_standard_per_head), "actual": str(actual_cost),
                            "article": "14.3"})
    if (actual_participant_count or 1) != activity.participant_count:
        differences.append({"field": "participant_count", "approved": str(activity.participant_count),
                            "actual": str(actual_participant_count), "article": "14"})
    if alcohol_served and not activity.alcohol_served:
        differences.append({"field": "alcohol_served", "approved": "no", "actual": "yes", "article": "14.3"})
    if (items_received or "").strip():
        differences.append({"field": "items_received", "approved": "", "actual": items_received.strip(), "article": "15.1"})
    created: list[ActivityReport] = []

    def apply(locked):
        report = ActivityReport.objects.create(
            activity=locked, actual_cost_per_head=actual_cost, actual_participants=(actual_participants or "").strip(),
            actual_participant_count=actual_participant_count or 1, alcohol_served=alcohol_served,
            items_received=(items_received or "").strip(), differences=differences, reported_at=clock.now(),
        )
        created.append(report)
        events = [{"actor": actor, "action": "conduct.activity_report.create", "instance": report, "before": None, "details": {"article": "14"}}]
        if differences:
            lead = Lead.objects.create(
                official=locked.official, source=LeadSource.ACTIVITY_DIFFERENCE, article="14", activity=locked,
                summary="; ".join(f"{item['field']}: {item['approved'] or '—'} → {item['actual']}" for item in differences),
            )
            events.append({"actor": actor, "action": "conduct.lead.create", "instance": lead, "before": None, "details": {"article": "14"}})
        return Change([], events=events)

    workflow.transition(ACTIVITY_WORKFLOW, activity, "report", actor=actor, apply=apply)
    return created[0]


# --- gifts (15.1) ----------------------------------------------------------------------------------
def gift_record(*, official: Official, direction: str, kind: str, value, occurred_on, disposition: str, actor,
                giver_enterprise: Enterprise | None = None, giver_name: str = "", description: str = ""):
    """The official records a gift, red envelope, cash gift or security offered or received (15.1)."""
    from decimal import Decimal

    from .models import GiftDirection, GiftDisposition, GiftKind, GiftRecord

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official themselves may record their gifts."), field="official")
    if direction not in GiftDirection.values:
        raise ServiceError(_("Choose whether the item was offered or received."), code="invalid_choice", field="direction")
    if kind not in GiftKind.values:
        raise ServiceError(_("Choose the kind of item."), code="invalid_choice", field="kind")
    if disposition not in GiftDisposition.values or disposition == GiftDisposition.HANDED_IN:
        # Handing in is done by the discipline office, which issues the receipt.
        raise ServiceError(_("Choose refused, returned or not yet handed in; the discipline office records the handing in."),
                           code="invalid_choice", field="disposition")
    if giver_enterprise is None and not (giver_name or "").strip():
        raise ServiceError(_("Name who offered or gave the item (an enterprise or a person)."), code="required", field="giver_name")
    limits.check_text(giver_name, field="giver_name", label=_("From (person)"), limit=limits.NAME)
    limits.check_text(description, field="description", label=_("Description"), limit=limits.DESCRIPTION)
    limits.past_date(occurred_on, field="occurred_on", label=_("Date offered or received"))  # 15.1: no gift from the future
    if Decimal(value) < 0:
        raise ServiceError(_("The value cannot be negative."), code="negative", field="value")
    with transaction.atomic():
        gift = GiftRecord.objects.create(
            official=official, direction=direction, kind=kind, value=Decimal(value), occurred_on=occurred_on, disposition=disposition,
            giver_enterprise=giver_enterprise, giver_name=(giver_name or "").strip(), description=(description or "").strip(),
            recorded_at=clock.now(),
        )
        audit.record_event(actor=actor, action="conduct.gift.record", instance=gift, before=None, details={"article": "15.1"})
    return gift


GIFT_WORKFLOW = Workflow(
    name="conduct.gift",
    model=GiftRecord,
    state_field="disposition",
    actors=ACTORS,
    transitions={
        "hand_in": Transition((GiftDisposition.PENDING,), GiftDisposition.HANDED_IN, (DISCIPLINE_OFFICE,), "15.1",
                              refused=_("Only an item not yet handed in can be handed in (article 15 item 1)."),
                              denied=_("Only the discipline office issues hand-in receipts.")),
    },
)
# 亲清收〔2026〕0001号: one series per year, gap-free; GiftRecord.receipt_number is unique as well.
RECEIPT_NUMBERS = numbering.Series("conduct.gift_receipt", "亲清收〔{period}〕{number:04d}号", numbering.yearly)


def gift_hand_in(*, gift, actor, handed_in_on=None):
    """The discipline office receives a handed-in item and issues a numbered receipt."""
    user = _user_of(actor)

    def apply(locked):
        locked.handed_in_on = handed_in_on or clock.today()
        locked.receipt_number = numbering.take(RECEIPT_NUMBERS).text
        locked.receipt_issued_by = user
        return Change(["handed_in_on", "receipt_number", "receipt_issued_by"])

    return workflow.transition(GIFT_WORKFLOW, gift, "hand_in", actor=actor, apply=apply)


# --- integrity pledge (15.b1–15.b6) -----------------------------------------------------------------
PLEDGE_REQUIREMENTS = ["15.b1", "15.b2", "15.b3", "15.b4", "15.b5", "15.b6"]


def pledge_sign(*, enterprise: Enterprise, signatory_name: str, accepted: list[str], actor):
    """An enterprise's head signs the integrity pledge online, accepting all six requirements."""
    from qinqing.directory.models import EnterpriseMembership

    from .models import IntegrityPledge

    user = _user_of(actor)
    if user is None or not EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).exists():
        raise PermissionDeniedError(_("Only an account acting for this enterprise may sign its pledge."), field="enterprise")
    missing = [key for key in PLEDGE_REQUIREMENTS if key not in (accepted or [])]
    if missing:
        raise ServiceError(_("Accept each of the six requirements (missing: %(missing)s)."), code="requirements_missing",
                           field="accepted", params={"missing": ", ".join(missing)})
    if not (signatory_name or "").strip():
        raise ServiceError(_("%(field)s is required."), code="required", field="signatory_name", params={"field": _("Signed by")})
    with transaction.atomic():
        if IntegrityPledge.objects.filter(enterprise=enterprise).exists():
            raise ServiceError(_("This enterprise has already signed the integrity pledge."), code="already_signed", field="enterprise")
        pledge = IntegrityPledge.objects.create(enterprise=enterprise, signed_by=user, signatory_name=signatory_name.strip(),
                                                signed_on=clock.today(), requirements=PLEDGE_REQUIREMENTS)
        audit.record_event(actor=actor, action="conduct.pledge.sign", instance=pledge, before=None, details={"article": "15"})
    return pledge


# --- related-person declarations (15.2–15.4) --------------------------------------------------------
def related_person_declare(*, official: Official, name: str, relationship: str, actor, resident_id: str = "", phone: str = "",
                           occupation: str = "", changed_on=None, holdings: list[dict] | None = None):
    """The official declares a related person with their job, offices and shareholdings.

    Writes go through the directory services (Person, RelatedPerson, EnterpriseLink of kind
    ``declared_interest``); this records the declaration and whether it came within the period.
    ``holdings``: ``[{"enterprise": Enterprise, "role": "...", "share_percent": "12.5"}]``.
    """
    from qinqing.directory import services as directory_services
    from qinqing.directory.models import LinkKind

    from .models import RelatedPersonDeclaration

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official themselves may declare their related persons."), field="official")
    today = clock.today()
    changed_on = changed_on or today
    limits.past_date(changed_on, field="changed_on", label=_("Change happened on"), years=30)
    limits.check_text(occupation, field="occupation", label=_("Job and office"), limit=limits.PLACE)
    for holding in holdings or []:
        limits.check_text(holding.get("role", ""), field="holding_role", label=_("Role or office held"), limit=limits.PLACE)
    with transaction.atomic():
        person = directory_services.person_find_or_create(name=name, resident_id=resident_id, phone=phone, actor=actor)
        related, _created = directory_services.related_person_upsert(official=official, person=person, relationship=relationship,
                                                                     occupation=occupation, declared_on=today, actor=actor)
        declared = []
        for holding in holdings or []:
            link, _created = directory_services.enterprise_link_upsert(
                person=person, enterprise=holding["enterprise"], kind=LinkKind.DECLARED_INTEREST, role=holding.get("role", ""),
                share_percent=holding.get("share_percent") or None, source="declaration", actor=actor,
            )
            declared.append({"enterprise_id": holding["enterprise"].pk, "link_id": link.pk, "role": holding.get("role", ""),
                             "share_percent": str(holding.get("share_percent") or "")})
        declaration = RelatedPersonDeclaration.objects.create(
            official=official, related_person=related, changed_on=changed_on, declared_on=today,
            is_late=(today - changed_on).days > rules().related_change_days, holdings=declared,
        )
        audit.record_event(actor=actor, action="conduct.declaration.create", instance=declaration, before=None, details={"article": "15"})
    return declaration


def annual_confirm(*, official: Official, actor, year: int | None = None):
    """The official confirms their declared related persons are complete for ``year``."""
    from .models import AnnualConfirmation

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official themselves may confirm their declaration."), field="official")
    year = year or clock.today().year
    with transaction.atomic():
        if AnnualConfirmation.objects.filter(official=official, year=year).exists():
            raise ServiceError(_("You have already confirmed your declaration for %(year)s."), code="already_confirmed", field="year",
                               params={"year": year})
        confirmation = AnnualConfirmation.objects.create(official=official, year=year, confirmed_at=clock.now())
        audit.record_event(actor=actor, action="conduct.annual_confirmation.create", instance=confirmation, before=None,
                           details={"article": "15"})
    return confirmation


# --- screening -------------------------------------------------------------------------------------
def screening_run(*, incremental: bool = False, since=None):
    """Run the district screening; incremental mode starts from ``since`` or the last run."""
    from .conflicts import screen
    from .models import ScreeningRun

    if incremental and since is None:
        last = ScreeningRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
        since = last.started_at if last else None
    run = ScreeningRun.objects.create(started_at=clock.now(), incremental_since=since)
    conflicts = screen(since=since)
    run.conflicts_found = len(conflicts)
    run.finished_at = clock.now()
    run.save(update_fields=["conflicts_found", "finished_at"])
    return run, conflicts


@dataclass(frozen=True)
class WatchRebuild:
    """What ``screening_watch_rebuild`` found and did."""

    rows: int  # rows in the rebuilt list
    missing: int  # rows the triggers had NOT added: 0 unless a trigger was dropped or bypassed
    stale: int  # rows removed: links or enterprises since re-pointed at someone else (harmless)


def screening_watch_rebuild() -> WatchRebuild:
    """Rebuild the screening watch list (``ScreeningWatch``) from the directory (article 15 item 7).

    The triggers keep the list complete on their own; this trims the stale rows they leave and
    reports any row they missed. Derived data, like an index: no audit event (the directory
    rows it is computed from are audited). One transaction; on PostgreSQL the list is locked
    against the triggers' inserts meanwhile (reads, including screening, go on).
    """
    table = connection.ops.quote_name(ScreeningWatch._meta.db_table)
    statements = watch_statements()
    missing = rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        for column, select in statements.items():
            cursor.execute(f"SELECT COUNT(*) FROM ({select}) wanted "  # noqa: S608 (identifiers from model metadata)
                           f"WHERE NOT EXISTS (SELECT 1 FROM {table} w WHERE w.{column} = wanted.id)")
            missing += cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for column, select in statements.items():
            cursor.execute(f"INSERT INTO {table} ({column}) {select}")
            rows += cursor.rowcount
    return WatchRebuild(rows=rows, missing=missing, stale=before - (rows - missing))
