"""Two decisions an enterprise receives as letters on the district's paper, through ``core.letters``.

* The answer to its objection (异议答复书) about a compulsory measure (article 12), an inspection or a
  charge (article 15 (6)): a letter once the body has answered, dated by the answer.
* The decision on its request for protection (article 11): the notice that the body took it on
  (保护申请受理通知书, dated by the acceptance) and, once closed, the notice of the result
  (保护申请办理结果通知书, dated by the closing; a request the body declines is closed with the reason).

Neither is a formal decision with a document number of its own (文号): an answer and a notice of
handling, so each letter names the record it answers (the objection's, the request's number in the
platform) instead of taking a number from ``core.numbering``. Both are final when made — an answer is
given once, an acceptance and a closing have no step back — so each carries the seal. Each is from the
body that decided (``core.letters``: its name and seal): the objection's answer from the body whose action
it is, the protection notices from the handling body (the district's office for a request none took on),
as they were when the body answered, accepted or closed (``letters.keep_issuer`` in the services).
"""

from __future__ import annotations

from qinqing.core import letters

from .models import ActionKind, Objection, ProtectionRequest, ProtectionStatus

OBJECTION_ANSWER = letters.issued_when_decided("legal.objection_answer", Objection)
PROTECTION_NOTICE = letters.issued_when_decided("legal.protection_notice", ProtectionRequest)


def objection_issuer(row: Objection):
    """The body whose action the objection is about answers it: its name and seal."""
    return row.action.unit


def protection_issuer(row: ProtectionRequest):
    """The handling body (none: the district's office)."""
    return row.unit


def objection_article(row: Objection) -> str:
    """Article 12 for a compulsory measure; 15 (6) (no arbitrary inspections, charges or fines) otherwise."""
    return "12" if row.action.kind == ActionKind.MEASURE else "15.6"


def protection_accepted_on(row: ProtectionRequest):
    """The day the body took the request on; for a row accepted before ``accepted_on`` was kept, the day of
    its acceptance's audit event."""
    if row.accepted_on:
        return row.accepted_on
    from django.utils import timezone

    from qinqing.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action="legal.protection.accept", object_type="legal.ProtectionRequest", object_id=str(row.pk)
        )
        .order_by("seq")
        .first()
    )
    return timezone.localdate(event.occurred_at) if event else None


def _objection_context(row: Objection) -> dict:
    # the body answers the objection to its own action: its name and seal (core.letters)
    return {"row": row, "action": row.action, "article": objection_article(row), "day": row.answered_on,
            "issuer": letters.issuer_of(row, OBJECTION_ANSWER, objection_issuer(row))}


def _protection_context(row: ProtectionRequest) -> dict:
    closed = row.status == ProtectionStatus.CLOSED
    accepted_on = protection_accepted_on(row)
    return {
        "row": row,
        "closed": closed,
        "accepted_on": accepted_on,
        "day": row.closed_on if closed else accepted_on,
        "issuer": letters.issuer_of(row, PROTECTION_NOTICE, protection_issuer(row)),
    }


def objection_html(row: Objection) -> str:
    return letters.render_html("legal/objection_letter_pdf.html", _objection_context(row))


def objection_pdf(row: Objection, *, base_url: str = "") -> bytes:
    return letters.render_pdf("legal/objection_letter_pdf.html", _objection_context(row), base_url=base_url)


def protection_html(row: ProtectionRequest) -> str:
    return letters.render_html("legal/protection_letter_pdf.html", _protection_context(row))


def protection_pdf(row: ProtectionRequest, *, base_url: str = "") -> bytes:
    return letters.render_pdf("legal/protection_letter_pdf.html", _protection_context(row), base_url=base_url)
