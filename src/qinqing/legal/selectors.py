"""Reads of the legal-environment app, scoped to the actor (404 alike for missing and another's).

The flags are computed here from the registered rows, never stored: an action without a legal basis
(article 15.6: a charge or measure must rest on one), repeated inspections of one enterprise within the
configured period, a measure past its term and not lifted, and retaliation (an action against an
enterprise on or after the day it sued a government body, article 13; not a court's or procuratorate's own
measure).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import has_role, is_administrator

from .access import WATCHERS
from .models import (
    Action,
    ActionKind,
    Assessment,
    LawsuitCase,
    LegalSettings,
    Notice,
    Objection,
    Obligation,
    ObligationAlert,
    ProtectionRequest,
    ProtectionStatus,
    Recommendation,
    RetaliationAssessment,
)


def sees_all(user) -> bool:
    return has_role(user, *WATCHERS) or getattr(user, "is_superuser", False)


def unit_ids(user) -> set[int]:
    """The units whose registrations a handler or supervising leader works on: their own and below."""
    from qinqing.directory import selectors as directory

    official = directory.official_for_user(user)
    return directory.descendant_unit_ids(official.unit_id) if official else set()


def enterprise_ids(user) -> set[int]:
    from qinqing.directory import selectors as directory

    return set(directory.enterprises_for_user(user).values_list("pk", flat=True))


def _scoped(rows, user, *, enterprise_field="enterprise_id", unit_field="unit_id"):
    if sees_all(user):
        return rows
    if has_role(user, "enterprise_user"):
        return rows.filter(**{f"{enterprise_field}__in": enterprise_ids(user)})
    return rows.filter(**{f"{unit_field}__in": unit_ids(user)})


def settings_row() -> LegalSettings:
    return LegalSettings.objects.filter(pk=1).first() or LegalSettings(pk=1)


def actions(user):
    return _scoped(Action.objects.select_related("enterprise", "unit"), user)


def action_for(user, pk: int) -> Action:
    row = actions(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def cases(user):
    """The cases of the actor's scope; a court's own account also sees the cases it tries (court_unit)."""
    rows = LawsuitCase.objects.select_related("enterprise", "unit", "court_unit")
    if sees_all(user) or has_role(user, "enterprise_user"):
        return _scoped(rows, user)
    ids = unit_ids(user)
    return rows.filter(Q(unit_id__in=ids) | Q(court_unit_id__in=ids))


def is_party(user, case) -> bool:
    """Whether ``user`` acts for the body that is the case's party (or administers every unit)."""
    if is_administrator(user):
        return True
    return has_role(user, "department_handler", "enforcement_body") and case.unit_id in unit_ids(user)


def is_court(user, case) -> bool:
    """Whether ``user`` is the account of the case's court (a directory unit of organ type court)."""
    if is_administrator(user):
        return case.court_unit_id is not None
    return (
        case.court_unit_id is not None
        and has_role(user, "enforcement_body")
        and case.court_unit_id in unit_ids(user)
    )


def case_for(user, pk: int) -> LawsuitCase:
    row = cases(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def protections(user):
    rows = ProtectionRequest.objects.select_related("enterprise", "unit")
    if sees_all(user):
        return rows
    if has_role(user, "enterprise_user"):
        return rows.filter(enterprise_id__in=enterprise_ids(user))
    # a body sees the requests not yet taken by anyone and those it handles
    return rows.filter(unit_id__in=unit_ids(user)) | rows.filter(unit__isnull=True)


def protection_for(user, pk: int) -> ProtectionRequest:
    row = protections(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def _party_or_body(rows, user, *, enterprise_field: str, unit_field: str):
    """A decision's letter is for exactly the enterprise concerned and the deciding body: the enterprise's
    accounts, the body's (its handlers and its own account, ``services.acting_units``) and administrators;
    not the watchers, who see the ledgers but are neither."""
    from .services import acting_units

    units = acting_units(user)
    if units is None:
        return rows
    scope = Q(**{f"{unit_field}__in": units})
    if has_role(user, "enterprise_user"):
        scope |= Q(**{f"{enterprise_field}__in": enterprise_ids(user)})
    return rows.filter(scope)


def answered_objection(user, pk: int) -> Objection:
    """An answered objection for its letter (articles 12, 15.6); 404 while unanswered and for another's."""
    rows = Objection.objects.select_related("action__enterprise", "action__unit", "appeal").exclude(
        answered_on=None
    )
    return _one_for_party_or_body(rows, user, pk, enterprise_field="action__enterprise_id",
                                  unit_field="action__unit_id")


def decided_protection(user, pk: int) -> ProtectionRequest:
    """A protection request taken on or closed, for its letter (article 11); 404 while only requested and
    for another's."""
    rows = ProtectionRequest.objects.select_related("enterprise", "unit").filter(
        status__in=(ProtectionStatus.ACCEPTED, ProtectionStatus.CLOSED), unit__isnull=False
    )
    return _one_for_party_or_body(rows, user, pk, enterprise_field="enterprise_id", unit_field="unit_id")


def _one_for_party_or_body(rows, user, pk: int, *, enterprise_field: str, unit_field: str):
    """Row ``pk`` of ``rows`` if ``user`` is its party or its body (``_party_or_body``); 404 otherwise."""
    row = _party_or_body(rows, user, enterprise_field=enterprise_field, unit_field=unit_field)
    row = row.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


@dataclass
class Flag:
    code: str
    label: object
    action: Action
    detail: str = ""
    case: LawsuitCase | None = None  # a retaliation flag's lawsuit
    assessment: object = None  # a retaliation flag's RetaliationAssessment (confirmed), if assessed


FLAG_LABELS = {
    "no_basis": _("No legal basis registered"),
    "repeated": _("Repeated inspections within the period"),
    "past_term": _("Measure past its term and not lifted"),
    "retaliation": _("After the enterprise sued a government body"),
}


# Article 13 (3) names retaliation by administrative organs (行政机关…滥用行政权打击报复诉讼方); a court's
# preservation measure or a procuratorate's measure in its own proceedings is not flagged as retaliation.
JUDICIAL_ORGAN_TYPES = ("court", "procuratorate")


def flags_of(rows, today: datetime.date | None = None) -> list[Flag]:
    """The flags over ``rows`` (actions); each action may carry several."""
    today = today or clock.today()
    rows = list(rows)
    setting = settings_row()
    window = datetime.timedelta(days=setting.repeat_window_days)
    enterprises = {row.enterprise_id for row in rows}
    inspections = defaultdict(list)
    for enterprise_id, day in Action.objects.filter(
        enterprise_id__in=enterprises, kind=ActionKind.INSPECTION
    ).values_list("enterprise_id", "started_on"):
        inspections[enterprise_id].append(day)
    sued = {}
    for case in LawsuitCase.objects.filter(enterprise_id__in=enterprises, enterprise_sued=True).order_by(
        "filed_on"
    ):
        sued.setdefault(case.enterprise_id, case)
    assessed = {
        row.action_id: row
        for row in RetaliationAssessment.objects.filter(action_id__in=[row.pk for row in rows])
    }
    found = []
    for row in rows:
        if row.kind in (ActionKind.MEASURE, ActionKind.CHARGE) and not row.legal_basis.strip():
            found.append(Flag("no_basis", FLAG_LABELS["no_basis"], row))
        if row.kind == ActionKind.MEASURE and row.ends_on and row.ends_on < today and row.lifted_on is None:
            found.append(Flag("past_term", FLAG_LABELS["past_term"], row, row.ends_on.isoformat()))
        if row.kind == ActionKind.INSPECTION:
            within = [
                d for d in inspections[row.enterprise_id] if row.started_on - window < d <= row.started_on
            ]
            if len(within) > setting.repeat_limit:
                found.append(
                    Flag(
                        "repeated",
                        FLAG_LABELS["repeated"],
                        row,
                        f"{len(within)} / {setting.repeat_window_days}",
                    )
                )
        case = sued.get(row.enterprise_id)
        if (
            case is not None
            and row.started_on >= case.filed_on
            and row.unit.organ_type not in JUDICIAL_ORGAN_TYPES
            # the discipline office found it was not retaliation: no longer raised
            and getattr(assessed.get(row.pk), "outcome", "") != Assessment.DISMISSED
        ):
            found.append(
                Flag(
                    "retaliation",
                    FLAG_LABELS["retaliation"],
                    row,
                    case.case_number,
                    case=case,
                    assessment=assessed.get(row.pk),
                )
            )
    return found


def flags(user, today: datetime.date | None = None) -> list[Flag]:
    return flags_of(actions(user), today)


def retaliation_assessments(user):
    """The discipline office's findings on retaliation flags (article 13 (3)) over the units the user sees."""
    rows = RetaliationAssessment.objects.select_related("action__enterprise", "action__unit", "case")
    return _scoped(rows, user, enterprise_field="action__enterprise_id", unit_field="action__unit_id")


def recommendations(user):
    """Procuratorial recommendations: every one for the watchers; to or from the user's own units otherwise
    (the body they went to, the procuratorate that issued them); none for an enterprise."""
    rows = Recommendation.objects.select_related("procuratorate", "unit", "case")
    if sees_all(user):
        return rows
    if has_role(user, "enterprise_user"):
        return rows.none()
    ids = unit_ids(user)
    return rows.filter(Q(unit_id__in=ids) | Q(procuratorate_id__in=ids))


def recommendation_for(user, pk: int) -> Recommendation:
    try:
        return recommendations(user).get(pk=pk)
    except (Recommendation.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def overdue_recommendations(user, today: datetime.date | None = None):
    return recommendations(user).filter(replied_on__isnull=True, reply_due__lt=today or clock.today())


def overdue_obligations(user):
    rows = Obligation.objects.select_related("case__enterprise", "case__unit").filter(
        performed_on__isnull=True, alerts__isnull=False
    )
    return _scoped(rows, user, enterprise_field="case__enterprise_id", unit_field="case__unit_id").distinct()


def obligation_alerts():
    return ObligationAlert.objects.select_related("obligation__case")


def my_notices(user):
    """The flags and overdue obligations delivered to ``user`` (``services._deliver``), newest first."""
    return Notice.objects.filter(recipient_id=user.pk).select_related(
        "action__enterprise", "obligation__case", "unit", "notification"
    )


def delivered_notices(user):
    """Every notice delivered and its SMS state, for those who see every unit (the office's check that
    the flags reached someone); none for others."""
    if not sees_all(user):
        return Notice.objects.none()
    return Notice.objects.select_related(
        "recipient", "action__enterprise", "obligation__case", "unit", "notification"
    )
