"""Every write of the conduct app (articles 14, 15). Keyword-only, one transaction, audited.

``check_assignment`` is THE conflict-of-interest gate: every module that puts an official
on a matter concerning an enterprise calls it first, before saving anything.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.directory.models import Enterprise, Official

from .conflicts import Conflict, find_conflicts
from .models import (
    EFFECTIVE_RECUSAL,
    AssignmentCheck,
    AssignmentExemption,
    CheckOutcome,
    ConductRules,
    Lead,
    LeadSource,
    Recusal,
    RecusalOrigin,
    RecusalStatus,
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


def _user_of(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _is_supervisor_of(actor, official: Official) -> bool:
    """The official's supervising leader, or an administrator / district leader."""
    user = _user_of(actor)
    if user is None:
        return False
    if user.is_superuser or has_role(user, Role.DISTRICT_LEADER, Role.ADMINISTRATOR):
        return True
    leader = official.supervising_leader
    return leader is not None and leader.user_id == user.pk and has_role(user, Role.SUPERVISING_LEADER)


# --- the gate -----------------------------------------------------------------------------------
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
    recused = Recusal.objects.filter(
        official=official, matter_type=matter_type, matter_id=matter_id, status__in=EFFECTIVE_RECUSAL
    ).exists()
    conflicts = find_conflicts(official=official, enterprise=enterprise)
    if not conflicts and not recused:
        return
    exempted = not recused and AssignmentExemption.objects.filter(official=official, matter_type=matter_type, matter_id=matter_id).exists()
    with transaction.atomic():
        check = AssignmentCheck.objects.create(
            official=official, enterprise=enterprise, matter_type=matter_type, matter_id=matter_id,
            outcome=CheckOutcome.EXEMPTED if exempted else CheckOutcome.BLOCKED,
            conflicts=[conflict.as_dict() for conflict in conflicts],
        )
        audit.record_event(actor=actor, action="conduct.assignment_check.exempted" if exempted else "conduct.assignment_check.blocked",
                           instance=check, before=None, details={"article": "15.7"})
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


def _decide(recusal: Recusal, *, status: str, reason: str, actor, action: str) -> Recusal:
    recusal = Recusal.objects.select_for_update().select_related("official").get(pk=recusal.pk)
    before = audit.snapshot(recusal)
    recusal.status = status
    recusal.decision_reason = reason
    recusal.decided_by = _user_of(actor) or recusal.decided_by
    recusal.decided_at = timezone.now()
    recusal.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record_event(actor=actor, action=action, instance=recusal, before=before, details={"article": "15.7"})
    return recusal


def recusal_decide(*, recusal: Recusal, approve: bool, reason: str, actor) -> Recusal:
    """The supervisor decides an application for recusal (or a reported conflict)."""
    if not _is_supervisor_of(actor, recusal.official):
        raise PermissionDeniedError(_("Only the official's supervising leader may decide on a recusal."), field="recusal")
    if recusal.status not in (RecusalStatus.PENDING, RecusalStatus.REPORTED):
        raise ServiceError(_("This recusal has already been decided."), code="already_decided", field="status")
    with transaction.atomic():
        return _decide(recusal, status=RecusalStatus.APPROVED if approve else RecusalStatus.REJECTED, reason=(reason or "").strip(),
                       actor=actor, action="conduct.recusal.approve" if approve else "conduct.recusal.reject")


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
            status=RecusalStatus.ORDERED, decision_reason=reason, decided_by=actor, decided_at=timezone.now(),
        )
        audit.record_event(actor=actor, action="conduct.recusal.order", instance=recusal, before=None, details={"article": "15.7"})
    return recusal


def recusal_refuse(*, recusal: Recusal, reason: str, actor) -> Lead:
    """The official refuses an ordered recusal: recorded, and a lead goes to the discipline office."""
    if _user_of(actor) is None or recusal.official.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the official concerned can refuse a recusal."), field="recusal")
    if recusal.status != RecusalStatus.ORDERED:
        raise ServiceError(_("Only an ordered recusal can be refused."), code="not_ordered", field="status")
    with transaction.atomic():
        recusal = _decide(recusal, status=RecusalStatus.REFUSED, reason=recusal.decision_reason, actor=actor, action="conduct.recusal.refuse")
        lead = Lead.objects.create(
            official=recusal.official, source=LeadSource.RECUSAL_REFUSED, article="15.7", recusal=recusal,
            summary=f"{recusal.matter_type}:{recusal.matter_id} — {(reason or '').strip()}",
        )
        audit.record_event(actor=actor, action="conduct.lead.create", instance=lead, before=None, details={"article": "15.7"})
    return lead
