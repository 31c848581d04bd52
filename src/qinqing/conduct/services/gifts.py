"""Gifts, red envelopes, cash gifts and securities (article 15 item 1): recorded, handed in."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits, numbering, workflow
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.workflow import Change, Transition, Workflow
from qinqing.directory.models import Enterprise, Official

from ..models import GiftDisposition, GiftRecord
from .actors import ACTORS, DISCIPLINE_OFFICE, _user_of


# --- gifts (15.1) ----------------------------------------------------------------------------------
def gift_record(*, official: Official, direction: str, kind: str, value, occurred_on, disposition: str, actor,
                giver_enterprise: Enterprise | None = None, giver_name: str = "", description: str = ""):
    """The official records a gift, red envelope, cash gift or security offered or received (15.1)."""
    from decimal import Decimal

    from ..models import GiftDirection, GiftDisposition, GiftKind, GiftRecord

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the official themselves may record their gifts."), field="official"
        )
    if direction not in GiftDirection.values:
        raise ServiceError(
            _("Choose whether the item was offered or received."), code="invalid_choice", field="direction"
        )
    if kind not in GiftKind.values:
        raise ServiceError(_("Choose the kind of item."), code="invalid_choice", field="kind")
    if disposition not in GiftDisposition.values or disposition == GiftDisposition.HANDED_IN:
        # Handing in is done by the discipline office, which issues the receipt.
        raise ServiceError(
            _("Choose refused, returned or not yet handed in; the discipline office records the handing in."),
            code="invalid_choice",
            field="disposition",
        )
    if giver_enterprise is None and not (giver_name or "").strip():
        raise ServiceError(
            _("Name who offered or gave the item (an enterprise or a person)."),
            code="required",
            field="giver_name",
        )
    limits.check_text(giver_name, field="giver_name", label=_("From (person)"), limit=limits.NAME)
    limits.check_text(description, field="description", label=_("Description"), limit=limits.DESCRIPTION)
    limits.past_date(
        occurred_on, field="occurred_on", label=_("Date offered or received")
    )  # 15.1: no gift from the future
    if Decimal(value) < 0:
        raise ServiceError(_("The value cannot be negative."), code="negative", field="value")
    limits.check_number(Decimal(value), field="value", label=_("Value (yuan)"), most=limits.AMOUNT_12)
    with transaction.atomic():
        gift = GiftRecord.objects.create(
            official=official,
            direction=direction,
            kind=kind,
            value=Decimal(value),
            occurred_on=occurred_on,
            disposition=disposition,
            giver_enterprise=giver_enterprise,
            giver_name=(giver_name or "").strip(),
            description=(description or "").strip(),
            recorded_at=clock.now(),
        )
        audit.record_event(
            actor=actor, action="conduct.gift.record", instance=gift, before=None, details={"article": "15.1"}
        )
    return gift


GIFT_WORKFLOW = Workflow(
    name="conduct.gift",
    model=GiftRecord,
    state_field="disposition",
    actors=ACTORS,
    transitions={
        "hand_in": Transition(
            (GiftDisposition.PENDING,),
            GiftDisposition.HANDED_IN,
            (DISCIPLINE_OFFICE,),
            "15.1",
            refused=_("Only an item not yet handed in can be handed in (article 15 item 1)."),
            denied=_("Only the discipline office issues hand-in receipts."),
        ),
    },
)
# 亲清收〔2026〕0001号: one series per year, gap-free; GiftRecord.receipt_number is unique as well.
RECEIPT_NUMBERS = numbering.Series(
    "conduct.gift_receipt", "亲清收〔{period}〕{number:04d}号", numbering.yearly
)


def gift_hand_in(*, gift, actor, handed_in_on=None):
    """The discipline office receives a handed-in item and issues a numbered receipt."""
    user = _user_of(actor)

    def apply(locked):
        locked.handed_in_on = handed_in_on or clock.today()
        locked.receipt_number = numbering.take(RECEIPT_NUMBERS).text
        locked.receipt_issued_by = user
        return Change(["handed_in_on", "receipt_number", "receipt_issued_by"])

    return workflow.transition(GIFT_WORKFLOW, gift, "hand_in", actor=actor, apply=apply)
