"""A notice delivered to a named person: once per person and item, shown in the application, and an SMS
when the person has a mobile number — its state the outbox row's, never claimed.

``PersonNotice`` is the abstract model (legal.Notice, tolerance.Notice): a subclass declares its own
``kind`` (its choices), what the notice is about, the ``notification`` foreign key to the outbox row
(``appeals.Notification``: core names no app) and a unique constraint on (recipient, key).
``deliver_once`` writes the notices not yet delivered; the caller passes how a person's mobile number is
found and how an SMS is queued (the appeals outbox), so core imports no app. ``sms_text`` words such an
SMS: in the district's language, signed by the district's issuing office, at most ``SMS_LIMIT`` characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, district

SMS_LIMIT = 300  # characters; the provider splits long texts, a notice should not need more


def sms_text(message, *, office, particulars: district.District | None = None, **params) -> str:
    """An SMS of a notice: ``message`` (lazy, with ``%(office)s`` and the ``params``' placeholders) worded
    in the district's language, ``%(office)s`` the district's issuing office, else its name, else
    ``office`` (a lazy fallback such as "Discipline office"); cut at ``SMS_LIMIT``. A ``params`` value is
    lazy or plain, or a callable worded in the district's language too. ``particulars``: the district's,
    read once by a caller that words many SMS (else read here)."""
    with district.language():
        particulars = particulars or district.current()
        text = str(message) % {
            "office": particulars.issuing_office or particulars.district_name or str(office),
            **{name: str(value() if callable(value) else value) for name, value in params.items()},
        }
    return text[:SMS_LIMIT]


class PersonNotice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    key = models.CharField(max_length=80)  # what the notice is about; unique per recipient
    created_at = models.DateTimeField(_("delivered at"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


@dataclass
class Delivery:
    """One notice to deliver: ``fields`` are the subclass's own (kind, what it is about); ``sms`` the
    text, or a callable giving it (called only for a person with a mobile number); ``details`` go into
    the audit event with ``sms``: whether an SMS was queued."""

    recipient: Any
    key: str
    fields: dict
    sms: str | Callable[[], str]
    details: dict = field(default_factory=dict)


def deliver_once(
    model: type[PersonNotice],
    deliveries: Iterable[Delivery],
    *,
    phone_of: Callable[[Any], str],
    queue_sms: Callable[[str, str], Any],
    action: str,
    actor: str,
) -> int:
    """Write a ``model`` notice for each delivery not yet made (same recipient and key), queue an SMS
    (``queue_sms(phone, text)``, returning the outbox row kept as ``notification``) for each recipient
    whose ``phone_of(user)`` is not empty, and record one audit event ``action`` per notice. Runs in the
    caller's transaction; returns how many notices were written."""
    deliveries = list(deliveries)
    if not deliveries:
        return 0
    existing = set(
        model.objects.filter(
            recipient_id__in={item.recipient.pk for item in deliveries},
            key__in={item.key for item in deliveries},
        ).values_list("recipient_id", "key")
    )
    events, phones, now = [], {}, clock.now()
    for item in deliveries:
        user = item.recipient
        if (user.pk, item.key) in existing:
            continue
        existing.add((user.pk, item.key))
        if user.pk not in phones:
            phones[user.pk] = phone_of(user)
        notification = None
        if phones[user.pk]:
            text = item.sms() if callable(item.sms) else item.sms
            notification = queue_sms(phones[user.pk], text)
        notice = model.objects.create(
            recipient=user, key=item.key, notification=notification, created_at=now, **item.fields
        )
        events.append(
            {
                "actor": actor,
                "action": action,
                "instance": notice,
                "before": None,
                "details": {**item.details, "sms": notification is not None},
            }
        )
    audit.record_events(events)
    return len(events)
