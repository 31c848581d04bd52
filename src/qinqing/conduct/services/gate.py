"""THE conflict-of-interest gate (article 15 item 7) and the integrity hook (article 21).

``check_assignment``: every module that puts an official on a matter concerning an enterprise
calls it first, before saving anything.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, db, limits
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.directory.models import Enterprise, Official

from ..conflicts import Conflict, find_conflicts
from ..models import EFFECTIVE_RECUSAL, AssignmentCheck, AssignmentExemption, CheckOutcome, Recusal
from .actors import _is_supervisor_of


class RecusalRequired(ServiceError):
    """The official (or a related person) is linked to the enterprise: article 15 item 7."""

    status = 409


    def __init__(
        self, *, conflicts: list[Conflict], recused: bool = False, check: AssignmentCheck | None = None
    ):
        if recused:
            message = _(
                "This official has recused themselves (or was ordered to) from this matter; "
                "assign another official (article 15 item 7)."
            )
        else:
            message = _(
                "Recusal required: the official or a related person is linked to this enterprise "
                "(article 15 item 7): %(evidence)s"
            )
        evidence = "; ".join(conflict.evidence() for conflict in conflicts)
        super().__init__(message, code="recusal_required", field="official", params={"evidence": evidence})
        self.conflicts = conflicts
        self.check = check
        self.article = "15.7"


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


def check_assignment(
    *, official: Official, enterprise: Enterprise, matter_type: str, matter_id: str, actor
) -> None:
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
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "conduct.assignment_check.exempted"
                    if exempted
                    else "conduct.assignment_check.blocked",
                    "instance": check,
                    "before": None,
                    "details": {"article": "15.7"},
                    "fresh": True,
                }
            ]
        )
    if not exempted:
        raise RecusalRequired(conflicts=conflicts, recused=recused, check=check)


def exemption_grant(
    *, official: Official, enterprise: Enterprise, matter_type: str, matter_id: str, reason: str, actor
) -> AssignmentExemption:
    """A supervisor lets a conflicted official handle this one matter, giving a reason."""
    if not _is_supervisor_of(actor, official):
        raise PermissionDeniedError(
            _("Only the official's supervising leader may grant an exemption."), field="official"
        )
    reason = limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    if not reason:
        raise ServiceError(
            _("An exemption needs a reason (article 15 item 7)."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        exemption = AssignmentExemption.objects.create(
            official=official,
            enterprise=enterprise,
            matter_type=matter_type,
            matter_id=str(matter_id),
            reason=reason,
            granted_by=actor,
        )
        audit.record_event(
            actor=actor,
            action="conduct.exemption.grant",
            instance=exemption,
            before=None,
            details={"article": "15.7"},
        )
    return exemption


# --- integrity hook -------------------------------------------------------------------------------
def is_enterprise_restricted(enterprise: Enterprise) -> bool:
    """Whether the enterprise (or its head) is bound by any of article 21's restrictions today.

    Asks the integrity app's eligibility service (every answer is logged there); the
    pre-approval shows a restricted enterprise as a warning citing article 21.
    """
    from qinqing.integrity.services import eligibility

    return not eligibility(enterprise=enterprise, purpose="conduct.activity_check").eligible
