"""Recusal (article 15 item 7): reported, applied for, decided, ordered, refused."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.workflow import Change, Transition, Workflow
from qinqing.directory.models import Enterprise, Official

from ..models import Lead, LeadSource, Recusal, RecusalOrigin, RecusalStatus
from .actors import ACTORS, OVERSIGHT, OWNER, SUPERVISING_LEADER, _is_supervisor_of, _user_of


# --- recusal (15.7) -----------------------------------------------------------------------------
def recusal_report(
    *,
    official: Official,
    matter_type: str,
    matter_id: str,
    actor,
    enterprise: Enterprise | None = None,
    description: str = "",
    apply: bool = False,
) -> Recusal:
    """The official reports a possible conflict in advance, or (``apply=True``) applies for recusal."""
    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the official themselves may report a conflict or apply for recusal."), field="official"
        )
    description = limits.check_text(description, field="description", label=_("Description"),
                                    limit=limits.REASON)
    _check_matter(matter_type, matter_id)
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
        "approve": Transition(
            _UNDECIDED,
            RecusalStatus.APPROVED,
            (SUPERVISING_LEADER, OVERSIGHT),
            "15.7",
            refused=_DECIDED,
            denied=_DECIDE_DENIED,
        ),
        "reject": Transition(
            _UNDECIDED,
            RecusalStatus.REJECTED,
            (SUPERVISING_LEADER, OVERSIGHT),
            "15.7",
            refused=_DECIDED,
            denied=_DECIDE_DENIED,
        ),
        "refuse": Transition(
            (RecusalStatus.ORDERED,),
            RecusalStatus.REFUSED,
            (OWNER,),
            "15.7",
            refused=_("Only an ordered recusal can be refused (article 15 item 7)."),
            denied=_("Only the official concerned can refuse a recusal."),
        ),
    },
)


def _check_matter(matter_type: str, matter_id) -> None:
    limits.check_text(matter_type, field="matter_type", label=_("Matter type"), limit=MATTER)
    limits.check_text(str(matter_id), field="matter_id", label=_("Matter"), limit=MATTER)


MATTER = 64  # a matter's type and reference (the Recusal columns' length)


def _decided(locked: Recusal, *, reason: str, actor) -> Change:
    locked.decision_reason = reason
    locked.decided_by = _user_of(actor) or locked.decided_by
    locked.decided_at = clock.now()
    return Change(["decision_reason", "decided_by", "decided_at"])


def recusal_decide(*, recusal: Recusal, approve: bool, reason: str, actor) -> Recusal:
    """The supervisor decides an application for recusal (or a reported conflict)."""
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    return workflow.transition(RECUSAL_WORKFLOW, recusal, "approve" if approve else "reject", actor=actor,
                               apply=lambda locked: _decided(locked, reason=reason, actor=actor))


def recusal_order(*, official: Official, matter_type: str, matter_id: str, reason: str, actor,
                  enterprise: Enterprise | None = None) -> Recusal:
    """Article 15 item 7: where an official should recuse and did not, the supervisor orders it."""
    if not _is_supervisor_of(actor, official):
        raise PermissionDeniedError(
            _("Only the official's supervising leader may order a recusal."), field="official"
        )
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    _check_matter(matter_type, matter_id)
    if not reason:
        raise ServiceError(
            _("An ordered recusal needs a reason (article 15 item 7)."),
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        recusal = Recusal.objects.create(
            official=official,
            enterprise=enterprise,
            matter_type=matter_type,
            matter_id=str(matter_id),
            origin=RecusalOrigin.ORDERED,
            status=RecusalStatus.ORDERED,
            decision_reason=reason,
            decided_by=actor,
            decided_at=clock.now(),
        )
        audit.record_event(
            actor=actor,
            action="conduct.recusal.order",
            instance=recusal,
            before=None,
            details={"article": "15.7"},
        )
    return recusal


def recusal_refuse(*, recusal: Recusal, reason: str, actor) -> Lead:
    """The official refuses an ordered recusal: recorded, and a lead goes to the discipline office."""
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    created: list[Lead] = []

    def apply(locked: Recusal) -> Change:
        change = _decided(locked, reason=locked.decision_reason, actor=actor)
        lead = Lead.objects.create(
            official=locked.official, source=LeadSource.RECUSAL_REFUSED, article="15.7", recusal=locked,
            summary=f"{locked.matter_type}:{locked.matter_id} — {(reason or '').strip()}",
        )
        created.append(lead)
        change.events = [
            {
                "actor": actor,
                "action": "conduct.lead.create",
                "instance": lead,
                "before": None,
                "details": {"article": "15.7"},
            }
        ]
        return change

    workflow.transition(RECUSAL_WORKFLOW, recusal, "refuse", actor=actor, apply=apply)
    return created[0]
