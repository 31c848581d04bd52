"""Pre-approval of enterprise events (article 14): the rule checks, the request, the leader's
decision with its numbered letter, and the report after the event."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, letters, limits, numbering, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.workflow import Change, Transition, Workflow
from qinqing.directory.models import Official

from .. import letters as conduct_letters
from ..conflicts import find_conflicts
from ..models import ActivityRequest, ActivityStatus, Lead, LeadSource
from .actors import ACTORS, OWNER, SUPERVISING_LEADER, _user_of
from .config import rules
from .gate import check_assignment, is_enterprise_restricted


# --- pre-approval of enterprise events (article 14) -------------------------------------------------
class FindingLevel:
    VIOLATION = "violation"  # the leader cannot approve while this stands
    WARNING = "warning"  # marked for the leader and the discipline office
    PASSED = "passed"


RULE_MESSAGES = {
    "situation_valid": _("The event is one of the three permitted situations."),
    "situation_invalid": _(
        "The event must be one of the three permitted situations (work meal, public business "
        "event, organiser's dinner)."
    ),
    "cost_within_standard": _(
        "Cost per head %(cost)s yuan is within the reception standard of %(limit)s yuan."
    ),
    "cost_near_limit": _(
        "Cost per head %(cost)s yuan is %(percent)s%% of the reception standard of %(limit)s yuan."
    ),
    "cost_over_standard": _(
        "Cost per head %(cost)s yuan exceeds the local official reception standard of %(limit)s yuan."
    ),
    "alcohol_in_working_hours": _(
        "Alcohol may not be served during working hours (%(day)s is a working day, %(start)s–%(end)s)."
    ),
    "alcohol_outside_working_hours": _("Alcohol is served outside working hours."),
    "no_alcohol": _("No alcohol is served."),
    "lottery_not_confirmed": _("Confirm that there is no lottery at the event."),
    "unrelated_not_confirmed": _("Confirm that there are no activities unrelated to official duties."),
    "no_lottery_or_unrelated": _("No lottery and no activities unrelated to official duties (confirmed)."),
    "filed_in_advance": _("Filed before the event."),
    "filed_late": _("Filed late: the event starts before approval could be given. Reason: %(reason)s"),
    "enterprise_restricted": _("%(enterprise)s is on the integrity blacklist."),
    "enterprise_not_restricted": _(
        "No enterprise involved is on the integrity blacklist (integrity module pending: always answers no)."
    ),
    "conflict_of_interest": _("Conflict of interest: %(evidence)s"),
    "no_conflict_of_interest": _("No conflict of interest found."),
}


def finding_message(finding: dict) -> str:
    message = RULE_MESSAGES.get(finding.get("rule"), finding.get("rule", ""))
    params = finding.get("params") or {}
    return str(message) % params if params else str(message)


def _finding(rule: str, level: str, article: str, **params) -> dict:
    return {
        "rule": rule,
        "level": level,
        "article": article,
        "params": {key: str(value) for key, value in params.items()},
    }


def _is_workday(day) -> bool:
    """Working day from the calendar, the provisional year included (core.calendar); a date in a
    year beyond that is refused with the calendar's clear error, never guessed (issue #9 item 6)."""
    from qinqing.core import calendar

    try:
        return calendar.is_workday(day)
    except ServiceError as error:
        raise ServiceError(error.message, code=error.code, field="event_date", params=error.params) from error


ALCOHOL_RULES = ("alcohol_in_working_hours", "alcohol_outside_working_hours", "no_alcohol")


def _alcohol_finding(current, alcohol_served, event_date, start_time, end_time) -> dict:
    """Article 14.3: no alcohol in working hours on a working day (the calendar's, make-up days included)."""
    if alcohol_served and event_date and start_time and end_time:
        overlaps = start_time < current.working_hours_end and end_time > current.working_hours_start
        if _is_workday(event_date) and overlaps:
            return _finding(
                "alcohol_in_working_hours",
                FindingLevel.VIOLATION,
                "14.3",
                day=event_date.isoformat(),
                start=current.working_hours_start.strftime("%H:%M"),
                end=current.working_hours_end.strftime("%H:%M"),
            )
        return _finding("alcohol_outside_working_hours", FindingLevel.PASSED, "14.3")
    return _finding("no_alcohol", FindingLevel.PASSED, "14.3")


def activity_findings_recount(*, year: int, actor, source: str = "") -> int:
    """A schedule listener (core.calendar.services): when a year's schedule is set, the working-day rule
    (14.3) of every request still awaiting the leader whose event falls in that year is checked again —
    a day the provisional year took for a make-up workday may be a rest day in the notice, or the other
    way round. Each request whose finding changed is saved with one audit event naming the year loaded;
    returns how many changed."""
    current = rules()
    events = []
    with transaction.atomic():
        pending = ActivityRequest.objects.select_for_update().filter(
            status=ActivityStatus.SUBMITTED, alcohol_served=True, event_date__year=year
        ).order_by("pk")
        for activity in pending:
            try:
                finding = _alcohol_finding(current, True, activity.event_date, activity.start_time,
                                           activity.end_time)
            except ServiceError:
                continue  # the event's year can no longer be counted: keep what was found
            stale = [row for row in activity.findings if row.get("rule") in ALCOHOL_RULES]
            if stale == [finding]:
                continue
            before = audit.snapshot(activity)
            activity.findings = [
                finding if row.get("rule") in ALCOHOL_RULES else row for row in activity.findings
            ] if stale else [*activity.findings, finding]
            activity.save(update_fields=["findings"])
            events.append({
                "actor": actor, "action": "conduct.activity.findings_recount", "instance": activity,
                "before": before,
                "details": {"article": "14", "reason": "calendar_year_loaded", "calendar_year": year,
                            "source": source, "event_date": activity.event_date.isoformat(),
                            "rule_before": [row.get("rule") for row in stale], "rule_after": finding["rule"]},
            })
        if events:
            audit.record_events(events)
    return len(events)


def evaluate_activity(
    *,
    official: Official,
    situation: str,
    enterprises,
    event_date,
    start_time,
    end_time,
    cost_per_head,
    alcohol_served: bool,
    no_lottery_confirmed: bool,
    no_unrelated_activities_confirmed: bool,
    late_reason: str = "",
    now=None,
) -> list[dict]:
    """Every article-14 rule (and the conflict check) applied to a draft request. Pure read."""
    import datetime
    from decimal import Decimal

    from ..models import SITUATION_ARTICLE, Situation

    current = rules()
    findings: list[dict] = []
    if situation in Situation.values:
        findings.append(
            _finding("situation_valid", FindingLevel.PASSED, SITUATION_ARTICLE[Situation(situation)])
        )
    else:
        findings.append(_finding("situation_invalid", FindingLevel.VIOLATION, "14"))
    if cost_per_head is not None:
        cost = Decimal(cost_per_head)
        limit = current.reception_standard_per_head
        if cost > limit:
            findings.append(
                _finding("cost_over_standard", FindingLevel.VIOLATION, "14.3", cost=cost, limit=limit)
            )
        elif limit and cost * 100 >= limit * current.near_limit_percent:
            findings.append(
                _finding(
                    "cost_near_limit",
                    FindingLevel.WARNING,
                    "14.3",
                    cost=cost,
                    limit=limit,
                    percent=int(cost * 100 / limit),
                )
            )
        else:
            findings.append(
                _finding("cost_within_standard", FindingLevel.PASSED, "14.3", cost=cost, limit=limit)
            )
    findings.append(_alcohol_finding(current, alcohol_served, event_date, start_time, end_time))
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
            findings.append(
                _finding("filed_late", FindingLevel.WARNING, "14", reason=(late_reason or "").strip() or "—")
            )
        else:
            findings.append(_finding("filed_in_advance", FindingLevel.PASSED, "14"))
    enterprises = list(enterprises or [])
    restricted = [enterprise for enterprise in enterprises if is_enterprise_restricted(enterprise)]
    for enterprise in restricted:
        findings.append(
            _finding("enterprise_restricted", FindingLevel.WARNING, "21", enterprise=enterprise.name)
        )
    if enterprises and not restricted:
        findings.append(_finding("enterprise_not_restricted", FindingLevel.PASSED, "21"))
    # The gate's own conflicts (check_assignment, when the leader approves), shown to the official: through
    # a person declared under a name that is not the name of record, the holdings they declared for them only.
    conflicts = [
        conflict
        for enterprise in enterprises
        for conflict in find_conflicts(official=official, enterprise=enterprise)
    ]
    for conflict in conflicts:
        findings.append(
            _finding("conflict_of_interest", FindingLevel.VIOLATION, "15.7", evidence=conflict.evidence())
        )
    if enterprises and not conflicts:
        findings.append(_finding("no_conflict_of_interest", FindingLevel.PASSED, "15.7"))
    return findings


def activity_submit(
    *,
    official: Official,
    situation: str,
    enterprises,
    event_date,
    start_time,
    end_time,
    place: str,
    purpose: str,
    participants: str,
    cost_per_head,
    actor,
    participant_count: int = 1,
    people_involved: str = "",
    alcohol_served: bool = False,
    no_lottery_confirmed: bool = False,
    no_unrelated_activities_confirmed: bool = False,
    late_reason: str = "",
):
    """The official files a request for written approval before the event (article 14)."""
    from ..models import ActivityRequest, Situation

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the official themselves may file this request."), field="official"
        )
    if situation not in Situation.values:
        raise ServiceError(RULE_MESSAGES["situation_invalid"], code="situation_invalid", field="situation")
    if end_time <= start_time:
        raise ServiceError(
            _("The end time must be after the start time."), code="end_before_start", field="end_time"
        )
    limits.check_number(participant_count, field="participant_count", label=_("Number of participants"),
                        least=1, most=limits.COUNT_OF_PEOPLE)
    limits.check_number(None if cost_per_head is None else Decimal(cost_per_head), field="cost_per_head",
                        label=_("Expected cost per head (yuan)"), most=limits.AMOUNT_9)
    for value, field, label in (
        (place, "place", _("Place")),
        (purpose, "purpose", _("Purpose")),
        (participants, "participants", _("Participants")),
    ):
        if not (value or "").strip():
            raise ServiceError(
                _("%(field)s is required."), code="required", field=field, params={"field": label}
            )
    for value, field, label, limit in (
        (place, "place", _("Place"), limits.PLACE),
        (purpose, "purpose", _("Purpose"), limits.REASON),
        (participants, "participants", _("Participants"), limits.REASON),
        (people_involved, "people_involved", _("Enterprise people involved"), limits.REASON),
        (late_reason, "late_reason", _("Reason for filing late"), limits.REASON),
    ):
        limits.check_text(value, field=field, label=label, limit=limit)
    # Filed before the event (late filings within a month, with a reason), for an event within a year.
    today = clock.today()
    limits.check_date(
        event_date,
        field="event_date",
        label=_("Date"),
        not_before=today - datetime.timedelta(days=31),
        not_after=today + limits.YEAR,
    )
    enterprises = list(enterprises or [])
    if not enterprises:
        raise ServiceError(_("Name at least one enterprise involved."), code="required", field="enterprises")
    findings = evaluate_activity(
        official=official,
        situation=situation,
        enterprises=enterprises,
        event_date=event_date,
        start_time=start_time,
        end_time=end_time,
        cost_per_head=cost_per_head,
        alcohol_served=alcohol_served,
        no_lottery_confirmed=no_lottery_confirmed,
        no_unrelated_activities_confirmed=no_unrelated_activities_confirmed,
        late_reason=late_reason,
    )
    is_late = any(finding["rule"] == "filed_late" for finding in findings)
    if is_late and not (late_reason or "").strip():
        raise ServiceError(
            _("The event has already started: a late filing needs a reason (article 14)."),
            code="late_reason_required",
            field="late_reason",
        )
    with transaction.atomic():
        activity = ActivityRequest.objects.create(
            official=official,
            situation=situation,
            people_involved=(people_involved or "").strip(),
            event_date=event_date,
            start_time=start_time,
            end_time=end_time,
            place=place.strip(),
            purpose=purpose.strip(),
            participants=participants.strip(),
            participant_count=participant_count or 1,
            cost_per_head=cost_per_head,
            alcohol_served=alcohol_served,
            no_lottery_confirmed=no_lottery_confirmed,
            no_unrelated_activities_confirmed=no_unrelated_activities_confirmed,
            late_reason=(late_reason or "").strip() if is_late else "",
            is_late=is_late,
            findings=findings,
            submitted_at=clock.now(),
        )
        activity.enterprises.set(enterprises)
        audit.record_event(
            actor=actor,
            action="conduct.activity.submit",
            instance=activity,
            before=None,
            details={"article": "14", "enterprises": [enterprise.pk for enterprise in enterprises]},
        )
    return activity


_ACTIVITY_DECIDED = _("This request has already been decided (article 14).")
_ACTIVITY_DENIED = _("Only the official's supervising leader may decide this request (article 14).")
ACTIVITY_WORKFLOW = Workflow(
    name="conduct.activity",
    model=ActivityRequest,
    actors=ACTORS,
    transitions={
        "approve": Transition(
            (ActivityStatus.SUBMITTED,),
            ActivityStatus.APPROVED,
            (SUPERVISING_LEADER,),
            "14",
            refused=_ACTIVITY_DECIDED,
            denied=_ACTIVITY_DENIED,
        ),
        "refuse": Transition(
            (ActivityStatus.SUBMITTED,),
            ActivityStatus.REFUSED,
            (SUPERVISING_LEADER,),
            "14",
            requires={"reason": _("The reason for the refusal")},
            refused=_ACTIVITY_DECIDED,
            denied=_ACTIVITY_DENIED,
        ),
        "report": Transition(
            (ActivityStatus.APPROVED,),
            ActivityStatus.REPORTED,
            (OWNER,),
            "14",
            refused=_("Only an approved event can be reported on (article 14)."),
            denied=_("Only the official themselves may report on the event."),
        ),
    },
)
# 亲清批〔2026〕0001号: one series per year, gap-free (taken inside the approval's transaction).
LETTER_NUMBERS = numbering.Series("conduct.letter", "亲清批〔{period}〕{number:04d}号", numbering.yearly)


def activity_decide(*, activity, approve: bool, reason: str, actor):
    """The supervising leader approves (issuing the numbered letter) or refuses, with a reason."""
    from ..models import ApprovalLetter

    user = _user_of(actor)
    official = activity.official
    if user is not None and official.user_id == user.pk:
        raise ServiceError(
            _("You cannot approve or refuse your own request (article 14: the supervising leader decides)."),
            code="self_approval",
            field="status",
        )
    action = "approve" if approve else "refuse"
    # Before the conflict gate, which records what it blocks: only the leader's attempt counts.
    workflow.check_actor(ACTIVITY_WORKFLOW, actor, activity, action)
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    if approve:
        violations = [
            finding
            for finding in activity.findings
            if finding["level"] == FindingLevel.VIOLATION and finding["rule"] != "conflict_of_interest"
        ]
        if violations:
            raise ServiceError(
                _("This request breaks a rule and cannot be approved: %(rule)s"),
                code="rule_violation",
                field="status",
                params={"rule": finding_message(violations[0])},
            )
        # The conflict gate: an official linked to an enterprise involved must recuse (15.7).
        for enterprise in activity.enterprises.all():
            check_assignment(
                official=official,
                enterprise=enterprise,
                matter_type="conduct.activity",
                matter_id=str(activity.pk),
                actor=actor,
            )

    def apply(locked):
        locked.decided_by = user
        locked.decision_reason = reason
        locked.decided_at = clock.now()
        change = Change(["decided_by", "decision_reason", "decided_at"])
        if approve:
            number = numbering.take(LETTER_NUMBERS)
            letter = ApprovalLetter.objects.create(
                activity=locked, year=int(number.period), sequence=number.value, number=number.text,
                verification_code=letters.new_code(), issued_at=locked.decided_at,
            )
            # the letter is from the leader's unit and signed by the leader as they are today, whatever
            # the unit is called or the leader's post is later
            letters.keep_issuer(letter, conduct_letters.APPROVAL, conduct_letters.issuing_unit(locked),
                                actor=actor, signatory=conduct_letters.approver(locked))
            change.events = [
                {
                    "actor": actor,
                    "action": "conduct.letter.issue",
                    "instance": letter,
                    "before": None,
                    "details": {"article": "14"},
                }
            ]
        return change

    return workflow.transition(
        ACTIVITY_WORKFLOW, activity, action, actor=actor, apply=apply, data={"reason": reason}
    )


def activity_report(
    *,
    activity,
    actual_cost_per_head,
    actual_participants: str,
    actor,
    actual_participant_count: int = 1,
    alcohol_served: bool = False,
    items_received: str = "",
):
    """After the event the official reports what happened; differences become a lead (article 14, 16)."""
    from decimal import Decimal

    from ..models import ActivityReport

    activity = ActivityRequest.objects.select_related("official").get(pk=activity.pk)
    workflow.check_actor(ACTIVITY_WORKFLOW, actor, activity, "report")
    limits.check_text(
        actual_participants, field="actual_participants", label=_("Actual participants"), limit=limits.REASON
    )
    limits.check_text(
        items_received, field="items_received", label=_("Anything received"), limit=limits.REASON
    )
    actual_cost = limits.check_number(Decimal(actual_cost_per_head), field="actual_cost_per_head",
                                      label=_("Actual cost per head (yuan)"), most=limits.AMOUNT_9)
    limits.check_number(actual_participant_count, field="actual_participant_count",
                        label=_("Actual number of participants"), least=1, most=limits.COUNT_OF_PEOPLE)
    differences = []
    if actual_cost > activity.cost_per_head:
        differences.append(
            {
                "field": "cost_per_head",
                "approved": str(activity.cost_per_head),
                "actual": str(actual_cost),
                "article": "14.3",
            }
        )
    if actual_cost > rules().reception_standard_per_head:
        differences.append(
            {
                "field": "reception_standard",
                "approved": str(rules().reception_standard_per_head),
                "actual": str(actual_cost),
                "article": "14.3",
            }
        )
    if (actual_participant_count or 1) != activity.participant_count:
        differences.append({"field": "participant_count", "approved": str(activity.participant_count),
                            "actual": str(actual_participant_count), "article": "14"})
    if alcohol_served and not activity.alcohol_served:
        differences.append({"field": "alcohol_served", "approved": "no", "actual": "yes", "article": "14.3"})
    if (items_received or "").strip():
        differences.append(
            {"field": "items_received", "approved": "", "actual": items_received.strip(), "article": "15.1"}
        )
    created: list[ActivityReport] = []

    def apply(locked):
        report = ActivityReport.objects.create(
            activity=locked,
            actual_cost_per_head=actual_cost,
            actual_participants=(actual_participants or "").strip(),
            actual_participant_count=actual_participant_count or 1,
            alcohol_served=alcohol_served,
            items_received=(items_received or "").strip(),
            differences=differences,
            reported_at=clock.now(),
        )
        created.append(report)
        events = [
            {
                "actor": actor,
                "action": "conduct.activity_report.create",
                "instance": report,
                "before": None,
                "details": {"article": "14"},
            }
        ]
        if differences:
            lead = Lead.objects.create(
                official=locked.official,
                source=LeadSource.ACTIVITY_DIFFERENCE,
                article="14",
                activity=locked,
                summary="; ".join(
                    f"{item['field']}: {item['approved'] or '—'} → {item['actual']}" for item in differences
                ),
            )
            events.append(
                {
                    "actor": actor,
                    "action": "conduct.lead.create",
                    "instance": lead,
                    "before": None,
                    "details": {"article": "14"},
                }
            )
        return Change([], events=events)

    workflow.transition(ACTIVITY_WORKFLOW, activity, "report", actor=actor, apply=apply)
    return created[0]
