"""The integrity evaluation (articles 20, 21): a score from the records by the published rule set.

``evaluate(enterprise)`` computes it now, every contribution explained (which record, which
rule, how many points, why it counts or no longer does); the records of the enterprise's head
count too. ``recompute_for`` stores a new ``Evaluation`` row when the result changed (called
by the record and listing services in their transactions), so the history is kept. A listing
in force caps the grade at D whatever the points. ``rules_update`` is the administrator's edit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, district
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.directory.models import Enterprise

from ..models import (
    BASE_SCORE,
    DEFAULT_RULES,
    GRADES,
    Evaluation,
    EvaluationRule,
    IntegrityRecord,
    RecordKind,
)


def rules() -> dict[str, tuple[int, int]]:
    """kind -> (points, months): the stored rule set over the defaults."""
    table = {str(kind): value for kind, value in DEFAULT_RULES.items()}
    table.update({rule.kind: (rule.points, rule.months) for rule in EvaluationRule.objects.all()})
    return table


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class Result:
    score: int
    grade: str
    contributions: list[dict]
    capped: bool


def _party_records(enterprise: Enterprise):
    party = Q(uscc=enterprise.uscc)
    head = enterprise.legal_representative
    if head is not None and head.resident_id_index:
        party |= Q(id_index=head.resident_id_index)
    return IntegrityRecord.objects.filter(party).select_related("listing").order_by("occurred_on", "pk")


def evaluate(enterprise: Enterprise, *, on: datetime.date | None = None) -> Result:
    on = on or clock.today()
    table = rules()
    contributions, score, capped = [], BASE_SCORE, False
    for record in _party_records(enterprise):
        points, months = table.get(record.kind, (0, 0))
        until = record.expires_on
        if months:
            window = _add_months(record.occurred_on, months)
            until = min(until, window) if until else window
        whose = _t("the head's record") if record.id_index else _t("the enterprise's record")
        if record.withdrawn_on is not None and record.withdrawn_on <= on:
            counts, why = False, _t("withdrawn on %(date)s") % {"date": record.withdrawn_on.isoformat()}
        elif record.occurred_on > on:
            counts, why = False, _t("dated after today")
        elif until is not None and until < on:
            counts, why = False, _t("counted until %(date)s") % {"date": until.isoformat()}
        else:
            counts = True
            why = (
                (_t("counts until %(date)s") % {"date": until.isoformat()})
                if until
                else _t("counts until withdrawn")
            )
        if counts and record.kind == RecordKind.LISTING and record.listing is not None:
            live = any(r.in_force(on) for r in record.listing.restrictions.all())
            capped = capped or live
        contributions.append(
            {
                "record": record.pk,
                "date": record.occurred_on.isoformat(),
                "kind": record.kind,
                "kind_label": str(record.get_kind_display()),
                "title": record.title,
                "source": record.source,
                "whose": whose,
                "points": points if counts else 0,
                "rule_points": points,
                "counts": counts,
                "why": why,
            }
        )
        if counts:
            score += points
    grade = next(letter for floor, letter in GRADES if score >= floor)
    if capped:
        grade = "D"
    return Result(score=score, grade=grade, contributions=contributions, capped=capped)


def recompute(enterprise: Enterprise, *, trigger: str) -> Evaluation | None:
    """Store the evaluation if it differs from the last one stored (history of changes). Its explanations
    are worded in the district's language: a recompute caused from an English page is then no change."""
    with district.language():
        result = evaluate(enterprise)
    last = Evaluation.objects.filter(enterprise=enterprise).order_by("-computed_at", "-pk").first()
    if (
        last is not None
        and last.score == result.score
        and last.grade == result.grade
        and last.contributions == result.contributions
    ):
        return None
    return Evaluation.objects.create(
        enterprise=enterprise,
        computed_at=clock.now(),
        score=result.score,
        grade=result.grade,
        contributions=result.contributions,
        trigger=trigger[:100],
    )


def enterprises_of(*, uscc: str = "", id_index: str = "") -> list[Enterprise]:
    """The directory enterprises a record's party touches: the enterprise itself, or those the person heads."""  # noqa: E501
    query = (
        Q(uscc=uscc) if uscc else Q(legal_representative__resident_id_index=id_index) if id_index else None
    )
    return (
        list(Enterprise.objects.filter(query).select_related("legal_representative"))
        if query is not None
        else []
    )


def recompute_for(*, uscc: str = "", id_index: str = "", trigger: str) -> None:
    for enterprise in enterprises_of(uscc=uscc, id_index=id_index):
        recompute(enterprise, trigger=trigger)


DAILY_TRIGGER = "integrity.daily: records aged"
LOOKBACK_DAYS = 7  # days looked back each run, so a worker down for a few days misses nothing


def _aged_parties(today: datetime.date, since: datetime.date) -> set[tuple[str, str]]:
    """(uscc, id_index) of every party one of whose records or restrictions started counting, stopped
    counting or ended between ``since`` and ``today``: the evaluations time alone may have changed."""
    from ..models import Restriction

    began = Q(occurred_on__gt=since, occurred_on__lte=today) | Q(
        withdrawn_on__gt=since, withdrawn_on__lte=today
    )
    ended = Q(expires_on__gte=since, expires_on__lt=today)
    for kind, (_points, months) in rules().items():
        if months:  # the rule's window (occurred_on + months) ended in the period; a few days' margin
            low = _add_months(since, -months) - datetime.timedelta(days=3)
            high = _add_months(today, -months) + datetime.timedelta(days=3)
            ended |= Q(kind=kind, occurred_on__gte=low, occurred_on__lte=high)
    parties = set(IntegrityRecord.objects.filter(began | ended).values_list("uscc", "id_index"))
    restrictions = Restriction.objects.filter(
        Q(start__gt=since, start__lte=today) | Q(end__gte=since, end__lt=today)
        | Q(lifted_on__gt=since, lifted_on__lte=today)
    )
    parties |= set(restrictions.values_list("listing__uscc", "listing__id_index"))
    return parties


def recompute_aged(*, lookback_days: int = LOOKBACK_DAYS) -> str:
    """The daily job (core.jobs ``integrity.recompute``): store a new evaluation for every enterprise
    whose result changed because of the date alone — a record expired or left its rule's window, a
    dated record began to count, a listing's restrictions began or ended. History is kept: a row is
    added only when the result differs from the last one stored."""
    today = clock.today()
    since = today - datetime.timedelta(days=max(1, lookback_days))
    parties = _aged_parties(today, since)
    enterprises: dict[int, Enterprise] = {}
    for uscc, id_index in parties:
        for enterprise in enterprises_of(uscc=uscc) if uscc else enterprises_of(id_index=id_index):
            enterprises[enterprise.pk] = enterprise
    changed = 0
    for enterprise in enterprises.values():
        with transaction.atomic():
            changed += recompute(enterprise, trigger=DAILY_TRIGGER) is not None
    return _t("%(count)s enterprises looked at, %(changed)s evaluations changed") % {
        "count": len(enterprises), "changed": changed}


def rules_update(*, values: dict[str, tuple[int, int]], actor) -> list[EvaluationRule]:
    """The administrator's edit of the rule set: kind -> (points, months). Audited per changed rule."""
    if not (
        getattr(actor, "is_superuser", False)
        or has_role(actor, Role.ADMINISTRATOR, Role.CREDIT_ADMINISTRATOR)
    ):
        raise PermissionDeniedError(field="rules")
    events, changed = [], []
    with transaction.atomic():
        for kind, (points, months) in values.items():
            if kind not in RecordKind.values:
                raise ServiceError(
                    _("Unknown record kind %(kind)s."), code="invalid_kind", field=kind, params={"kind": kind}
                )
            if not -1000 <= int(points) <= 1000 or int(months) < 0:
                raise ServiceError(
                    _("Points must be between -1000 and 1000 and months not negative."),
                    code="invalid",
                    field=kind,
                )
            rule = EvaluationRule.objects.select_for_update().filter(kind=kind).first()
            current = (rule.points, rule.months) if rule is not None else DEFAULT_RULES.get(kind)
            if current == (int(points), int(months)):
                continue
            before = audit.snapshot(rule) if rule is not None else None
            if rule is None:
                rule = EvaluationRule(kind=kind)
            rule.points, rule.months = int(points), int(months)
            rule.save()
            changed.append(rule)
            events.append(
                {
                    "actor": actor,
                    "action": "integrity.rule.change",
                    "instance": rule,
                    "before": before,
                    "details": {"article": "21"},
                }
            )
        if events:
            audit.record_events(events)
    return changed


def _unknown_purpose(purpose: str) -> ServiceError:
    return ServiceError(
        _("Unknown purpose %(purpose)s."),
        code="invalid_purpose",
        field="purpose",
        params={"purpose": purpose},
    )


def priority_list(*, purpose: str = "", limit: int = 200) -> list[tuple[Enterprise, Result]]:
    """Article 20: enterprises with good integrity (grade A today) and no restriction in force, theirs
    or their head's — for ``purpose`` (funds, project, honour, political_arrangement) none for its
    activity, without a purpose none at all — for priority in funds, projects, honours and political
    arrangements; best first. Computed now from the records."""
    from ..models import PURPOSE_ACTIVITY, Purpose
    from .eligibility import _enterprise_restrictions

    if purpose and purpose not in Purpose.values:
        raise _unknown_purpose(purpose)
    today = clock.today()
    with_positive = (
        IntegrityRecord.objects.filter(polarity="positive", occurred_on__lte=today)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .exclude(uscc="")
        .values_list("uscc", flat=True)
    )
    enterprises = list(
        Enterprise.objects.filter(uscc__in=with_positive).select_related("legal_representative")
    )
    activity = str(PURPOSE_ACTIVITY[purpose]) if purpose else ""
    usccs = [e.uscc for e in enterprises]
    restricted = _enterprise_restrictions(today, activity, usccs) if enterprises else {}
    rows = []
    for enterprise in enterprises:
        if restricted.get(enterprise.uscc, ([], None))[0]:
            continue
        result = evaluate(enterprise, on=today)
        if result.grade == "A":
            rows.append((enterprise, result))
    rows.sort(key=lambda row: (-row[1].score, row[0].name))
    return rows[:limit]


PRIORITY_GRADE = "A"


@dataclass
class Standing:
    """An enterprise's standing for one article-20 purpose: on the priority list or not, and why."""

    purpose: str
    on_priority_list: bool
    grade: str
    score: int
    restricted: bool
    reasons: list[str]
    result: Result
    answer: object  # the logged EligibilityAnswer
    basis: str = "20"

    @property
    def check_id(self) -> str:
        return self.answer.check_id


def priority_standing(enterprise: Enterprise, *, purpose: str, caller=None) -> Standing:
    """Article 20, the one call for every module that hands out funds, project support, honours or political
    arrangements (funds, issue 14, calls it too): the evaluation today and article 21's restriction for the
    purpose's activity (an eligibility check, logged). On the priority list: grade A and not restricted."""
    from ..models import PURPOSE_ACTIVITY, Purpose
    from .eligibility import eligibility

    if purpose not in Purpose.values:
        raise _unknown_purpose(purpose)
    activity = PURPOSE_ACTIVITY[purpose]
    result = evaluate(enterprise)
    answer = eligibility(enterprise=enterprise, activity=activity, caller=caller,
                         purpose=f"integrity.priority.{purpose}")
    reasons = []
    if result.grade != PRIORITY_GRADE:
        reasons.append(_t("Grade %(grade)s today; the priority list takes grade %(needed)s (article 20).")
                       % {"grade": result.grade, "needed": PRIORITY_GRADE})
    if not answer.eligible:
        reasons.append(_t("Restricted for %(activity)s (article 21).") % {"activity": activity.label})
    on_list = not reasons
    if on_list:
        reasons.append(
            _t("Grade %(grade)s and no restriction for %(activity)s: on the priority list (article 20).")
            % {"grade": result.grade, "activity": activity.label}
        )
    return Standing(purpose=purpose, on_priority_list=on_list, grade=result.grade, score=result.score,
                    restricted=not answer.eligible, reasons=reasons, result=result, answer=answer)
