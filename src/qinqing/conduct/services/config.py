"""The administrator's conduct rules (``ConductRules``): the limits the article-14/15 checks use."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import is_administrator

from ..models import ConductRules
from .actors import _user_of


def rules() -> ConductRules:
    """The administrator's rules, or the defaults if none were saved yet."""
    return ConductRules.objects.order_by("pk").first() or ConductRules()


RULE_FIELDS = (
    "reception_standard_per_head",
    "working_hours_start",
    "working_hours_end",
    "gift_hand_in_days",
    "near_limit_percent",
)


def rules_update(
    *,
    actor,
    reception_standard_per_head,
    working_hours_start,
    working_hours_end,
    gift_hand_in_days,
    near_limit_percent,
) -> ConductRules:
    """An administrator sets the limits the article-14/15 checks use (saved as the one rules row)."""
    from decimal import Decimal

    user = _user_of(actor)
    if user is None or not is_administrator(user):
        raise PermissionDeniedError(_("Only an administrator may change the conduct rules."), field="rules")
    standard = Decimal(reception_standard_per_head)
    if standard <= 0:
        raise ServiceError(
            _("The reception standard per head must be more than zero (article 14 item 3)."),
            code="invalid",
            field="reception_standard_per_head",
        )
    if working_hours_start >= working_hours_end:
        raise ServiceError(
            _(
                "Working hours must end after they start (article 14 item 3: no alcohol during "
                "working hours)."
            ),
            code="invalid",
            field="working_hours_end",
        )
    if not 1 <= int(gift_hand_in_days) <= 365:
        raise ServiceError(
            _("The period to hand in a gift must be between 1 and 365 days (article 15 item 1)."),
            code="invalid",
            field="gift_hand_in_days",
        )
    if not 1 <= int(near_limit_percent) <= 100:
        raise ServiceError(
            _("The near-limit share must be a whole percentage of the reception standard from 1 to 100."),
            code="invalid",
            field="near_limit_percent",
        )
    values = {"reception_standard_per_head": standard, "working_hours_start": working_hours_start,
              "working_hours_end": working_hours_end, "gift_hand_in_days": int(gift_hand_in_days),
              "near_limit_percent": int(near_limit_percent)}
    with transaction.atomic():
        current = ConductRules.objects.select_for_update().order_by("pk").first()
        if current is None:
            current = ConductRules.objects.create(**values)
            audit.record_event(
                actor=actor,
                action="conduct.rules.create",
                instance=current,
                before=None,
                details={"article": "14"},
            )
            return current
        before = audit.snapshot(current)
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        audit.record_event(
            actor=actor,
            action="conduct.rules.update",
            instance=current,
            before=before,
            details={"article": "14"},
        )
    return current
