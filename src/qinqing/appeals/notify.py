"""Outbound notifications: an outbox table and a registry of senders per channel.

The channels code registers a sender per channel (``register_sender("sms", send_sms)``);
a sender takes ``(notification)`` and raises on failure. Channels without a sender fall
back to the log, which never shows a phone number unmasked (nor the message text, which
may carry personal details). Delivery runs right after the commit that queued the row
(``APPEALS_DELIVER_ON_COMMIT``, on by default) and again in ``./qinqing worker``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F

from qinqing.core import clock
from qinqing.core.db import insert_instance
from qinqing.core.identifiers import mask_phone

from .models import Notification, NotificationStatus

logger = logging.getLogger("qinqing.appeals.notify")

MAX_ATTEMPTS = 5
_SENDERS: dict[str, Callable[[Notification], None]] = {}


def register_sender(channel: str, sender: Callable[[Notification], None]) -> None:
    """Deliver notifications of ``channel`` through ``sender`` (replaces any earlier one)."""
    _SENDERS[str(channel)] = sender


def unregister_sender(channel: str) -> None:
    _SENDERS.pop(str(channel), None)


def _masked_recipient(recipient: str) -> str:
    if not recipient:
        return "-"
    if recipient.replace("+", "").replace(" ", "").isdigit():
        return mask_phone(recipient)
    return recipient[:3] + "***"


def log_sender(notification: Notification) -> None:
    """Fallback: record that a message would be sent, without personal data."""
    logger.info(
        "notification %s on channel %s to %s (%d characters)",
        notification.pk,
        notification.channel,
        _masked_recipient(notification.recipient),
        len(notification.text),
    )


def sender_for(channel: str) -> Callable[[Notification], None]:
    return _SENDERS.get(channel, log_sender)


def deliver(notification: Notification) -> bool:
    """Try one notification once; record the outcome on the outbox row."""
    try:
        sender_for(notification.channel)(notification)
    except Exception as error:  # a provider outage must not break the caller; the worker retries
        attempts = notification.attempts + 1
        status = NotificationStatus.FAILED if attempts >= MAX_ATTEMPTS else NotificationStatus.QUEUED
        Notification.objects.filter(pk=notification.pk).update(
            attempts=F("attempts") + 1, status=status, last_error=type(error).__name__[:300]
        )
        logger.warning("notification %s on channel %s failed: %s", notification.pk, notification.channel, type(error).__name__)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        attempts=F("attempts") + 1, status=NotificationStatus.SENT, sent_at=clock.now(), last_error=""
    )
    return True


def deliver_ids(ids: Iterable[int]) -> int:
    sent = 0
    for notification in Notification.objects.filter(pk__in=list(ids), status=NotificationStatus.QUEUED):
        sent += deliver(notification)
    return sent


def deliver_pending(*, limit: int = 500) -> int:
    """Deliver queued notifications, oldest first (the worker calls this every round)."""
    sent = 0
    for notification in Notification.objects.filter(status=NotificationStatus.QUEUED).order_by("pk")[:limit]:
        sent += deliver(notification)
    return sent


def queue(*, appeal, channel: str, recipient: str, text: str) -> Notification:
    """Write an outbox row in the caller's transaction; try delivering once it commits.

    Only channels with a real sender (SMS, WeChat) are tried at once; the others (the
    portal and API answer in the response itself, letters are printed) wait for the
    worker, which keeps the request path short.
    """
    notification = insert_instance(outbox_row(appeal=appeal, channel=channel, recipient=recipient, text=text))
    deliver_after_commit(notification)
    return notification


def outbox_row(*, appeal, channel: str, recipient: str, text: str) -> Notification:
    """The unsaved outbox row ``queue`` writes (for a caller that inserts it with its appeal)."""
    return Notification(appeal=appeal, channel=channel, recipient=recipient or "", text=str(text), created_at=clock.now())


def deliver_after_commit(notification: Notification) -> None:
    """Once the transaction commits, try delivering a saved outbox row (real senders only)."""
    if getattr(settings, "APPEALS_DELIVER_ON_COMMIT", True) and str(notification.channel) in _SENDERS:
        transaction.on_commit(lambda: deliver_ids([notification.pk]))
