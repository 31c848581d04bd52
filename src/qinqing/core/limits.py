"""Lengths by purpose and sensible date bounds, checked by the services (forms and API alike).

A free-text field is as long as its purpose needs: a name, a place, a short description, a
reason or a report — not 20,000 characters. A date is checked against what it records: a gift
received in 2030 has not happened yet. Each refusal is a ``ServiceError`` naming the field, with
the limit in the message, so the form shows it next to the field and the API answers 400.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from . import clock
from .errors import ServiceError

# Characters, by purpose.
NAME = 100  # a person's or an enterprise's name, a signatory
PLACE = 200  # a place, a title, a role held
DESCRIPTION = 300  # a short description of an item
REASON = 2000  # a reason, a purpose, a list of participants, notes
REPORT = 5000  # a reply, an answer, a report

YEAR = datetime.timedelta(days=366)


def check_text(value: str | None, *, field: str, label, limit: int, required: bool = False) -> str:
    """``value`` stripped; refused (code ``too_long``) when longer than ``limit``, and (code
    ``required``) when empty if ``required``."""
    text = (value or "").strip()
    if len(text) > limit:
        raise ServiceError(
            _("%(field)s may be at most %(limit)d characters long (%(length)d given)."),
            code="too_long",
            field=field,
            params={"field": label, "limit": limit, "length": len(text)},
        )
    return check_required(text, field=field, label=label) if required else text


# Numbers, by purpose: what the columns hold and a form may send (a DecimalField(max_digits=9) holds under
# 10,000,000; a PositiveIntegerField under 2**31 — past them PostgreSQL refuses the row, a 500).
COUNT_OF_PEOPLE = 100_000  # participants, attendees
AMOUNT_9 = Decimal("9999999.99")  # yuan in a DecimalField(max_digits=9, decimal_places=2)
AMOUNT_12 = Decimal("9999999999.99")  # yuan in a DecimalField(max_digits=12, decimal_places=2)


def check_number(value, *, field: str, label, most, least=0):
    """``value`` (an int or Decimal) within [least, most]; refused (code ``out_of_range``) otherwise.
    ``None`` passes: whether it is required is the caller's rule."""
    if value is None:
        return None
    if value < least or value > most:
        raise ServiceError(
            _("%(field)s must be between %(least)s and %(most)s (%(value)s given)."),
            code="out_of_range",
            field=field,
            params={"field": label, "least": least, "most": most, "value": value},
        )
    return value


def check_required(value: str | None, *, field: str, label) -> str:
    """``value`` stripped; refused (code ``required``) when nothing is left."""
    text = (value or "").strip()
    if not text:
        raise ServiceError(_("%(field)s is required."), code="required", field=field, params={"field": label})
    return text


def check_date(value: datetime.date | None, *, field: str, label, not_after: datetime.date | None = None,
               not_before: datetime.date | None = None) -> datetime.date | None:
    """``value`` within [not_before, not_after]; refused (code ``date_out_of_range``) otherwise."""
    if value is None:
        return None
    if not_after is not None and value > not_after:
        if not_after == clock.today():
            message = _("%(field)s cannot be in the future (%(value)s is after today, %(bound)s).")
        else:
            message = _("%(field)s must be on or before %(bound)s (%(value)s given).")
        raise ServiceError(
            message,
            code="date_out_of_range",
            field=field,
            params={"field": label, "value": value.isoformat(), "bound": not_after.isoformat()},
        )
    if not_before is not None and value < not_before:
        raise ServiceError(
            _("%(field)s must be on or after %(bound)s (%(value)s given)."),
            code="date_out_of_range",
            field=field,
            params={"field": label, "value": value.isoformat(), "bound": not_before.isoformat()},
        )
    return value


def past_date(value, *, field: str, label, years: int = 5):
    """A date of something that has happened: not after today, not more than ``years`` back."""
    today = clock.today()
    return check_date(value, field=field, label=label, not_after=today, not_before=today - years * YEAR)
