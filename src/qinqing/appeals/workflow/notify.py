"""Outbound notifications: an outbox table and a registry of senders per channel.

The channels code registers a sender per channel (``register_sender("sms", send_sms)``);
a sender takes ``(notification)``, raises ``NoChannel`` when it cannot reach the recipient
at all and any other exception on a failure worth retrying.

Delivery runs right after the commit that queued the row (``APPEALS_DELIVER_ON_COMMIT``, on
by default) and in the ``appeals.notifications`` background job (core.jobs) every minute.
Each row is **claimed** before it is sent: one conditional UPDATE moves it from "queued" to
"sending" with a claim token and time, so when the on-commit delivery and one or more
workers reach the same row, exactly one of them sends it. The sender's outcome is written
only under that token. A claim older than ``CLAIM_SECONDS`` has expired (its process died
mid-send) and the row can be claimed again.

Statuses are honest: "sent" means a provider accepted the message (or, for WeChat's first
message, the passive reply answered it). A notification that no channel can deliver —
channels without a sender (portal, hotline, letter, internal notices to units) or a sender
that found no way to the recipient — is written to the log (never with the phone number
unmasked, nor the text) and marked "not sent: no channel, to be passed on by hand"; the
jobs page counts and lists those. A failure is retried with backoff (1, 2, 4, 8 minutes)
up to ``MAX_ATTEMPTS``, then marked "failed". A sender that learns the message can never be
delivered (WeChat: the user unsubscribed, the openid is invalid) raises ``Undeliverable``:
marked "failed" at once, no retries.

Fallback: a channel may name another one (``register_fallback("wechat", "sms")``). When a
notification on it ends "failed" or "not sent" and the appeal's submitter gave a mobile
number, the same text is queued once more on the fallback channel to that number, and the
first row's reason says so.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from qinqing.core import clock, district
from qinqing.core.db import insert_instance
from qinqing.core.identifiers import mask_phone

from ..models import Notification, NotificationStatus

logger = logging.getLogger("qinqing.appeals.notify")

MAX_ATTEMPTS = 5
CLAIM_SECONDS = 600  # longer than any provider call (they time out after 10 s)
BACKOFF_SECONDS = 60  # the first retry; doubled after each failure
BACKOFF_MAX_SECONDS = 3600
_SENDERS: dict[str, Callable[[Notification], None]] = {}
_FALLBACKS: dict[str, str] = {}


class NoChannel(Exception):
    """Raised by a sender that has no way to reach this recipient (no valid phone number, the
    channel is not configured): the message is only logged and waits to be passed on by hand."""


class Undeliverable(Exception):
    """Raised by a sender when the provider says the message can never be delivered to this
    recipient: marked "failed" at once (then the fallback channel, if any, is tried)."""


def register_fallback(channel: str, fallback_channel: str) -> None:
    """When a notification on ``channel`` fails or cannot be sent, resend it on ``fallback_channel``
    to the submitter's mobile number (when they gave one)."""
    _FALLBACKS[str(channel)] = str(fallback_channel)


def register_sender(channel: str, sender: Callable[[Notification], None]) -> None:
    """Deliver notifications of ``channel`` through ``sender`` (replaces any earlier one)."""
    _SENDERS[str(channel)] = sender


def unregister_sender(channel: str) -> None:
    _SENDERS.pop(str(channel), None)


def has_sender(channel: str) -> bool:
    return str(channel) in _SENDERS


def _masked_recipient(recipient: str) -> str:
    if not recipient:
        return "-"
    if recipient.replace("+", "").replace(" ", "").isdigit():
        return mask_phone(recipient)
    return recipient[:3] + "***"


def masked_recipient(notification: Notification) -> str:
    return _masked_recipient(notification.recipient)


def log_sender(notification: Notification) -> None:
    """Record in the log that a message could not be sent, without personal data."""
    logger.info(
        "notification %s on channel %s to %s (%d characters) not sent: no channel reaches the recipient",
        notification.pk,
        notification.channel,
        _masked_recipient(notification.recipient),
        len(notification.text),
    )


def sender_for(channel: str) -> Callable[[Notification], None] | None:
    return _SENDERS.get(str(channel))


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return datetime.timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(0, attempts - 1), BACKOFF_MAX_SECONDS))


# --- claiming ------------------------------------------------------------------------
def _claimable(now: datetime.datetime) -> Q:
    due = Q(status=NotificationStatus.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    expired = Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - datetime.timedelta(seconds=CLAIM_SECONDS)
    )
    return due | expired


def claim(pk: int) -> str | None:
    """Claim one notification for sending: its token, or None when it is not due or another
    sender holds it. One conditional UPDATE, so two claimants cannot both win."""
    now = clock.now()
    token = uuid.uuid4().hex
    taken = Notification.objects.filter(_claimable(now), pk=pk).update(
        status=NotificationStatus.SENDING, claim_token=token, claimed_at=now
    )
    return token if taken else None


def _finish(pk: int, token: str, **fields) -> bool:
    return bool(
        Notification.objects.filter(pk=pk, claim_token=token).update(
            claim_token="", claimed_at=None, **fields
        )
    )


def _send_claimed(pk: int, token: str) -> str:
    """Send a notification this process has claimed; returns its new status."""
    notification = Notification.objects.filter(pk=pk, claim_token=token).first()
    if notification is None:  # the claim expired and another sender took it
        return NotificationStatus.SENDING
    sender = sender_for(notification.channel)
    try:
        # the timeline line a sender writes and its reason for not sending, after a page's commit too
        with district.language():
            if sender is None:
                raise NoChannel(_("no sender for channel %(channel)s") % {"channel": notification.channel})
            sender(notification)
    except NoChannel as reason:
        log_sender(notification)
        reason_text = _with_fallback(notification, str(reason))
        _finish(
            pk, token, status=NotificationStatus.MANUAL, last_error=reason_text[:300], next_attempt_at=None
        )
        return NotificationStatus.MANUAL
    except Undeliverable as reason:
        logger.warning(
            "notification %s on channel %s can never be delivered: %s", pk, notification.channel, reason
        )
        reason_text = _with_fallback(notification, f"undeliverable: {reason}")
        _finish(
            pk,
            token,
            attempts=F("attempts") + 1,
            status=NotificationStatus.FAILED,
            last_error=reason_text[:300],
            next_attempt_at=None,
        )
        return NotificationStatus.FAILED
    except Exception as error:  # a provider outage must not break the caller; retried with backoff
        attempts = notification.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        reason_text = type(error).__name__
        if failed:
            reason_text = _with_fallback(notification, reason_text)
        _finish(pk, token, attempts=F("attempts") + 1, last_error=reason_text[:300],
                status=NotificationStatus.FAILED if failed else NotificationStatus.QUEUED,
                next_attempt_at=None if failed else clock.now() + backoff(attempts))
        logger.warning(
            "notification %s on channel %s failed (attempt %d): %s",
            pk,
            notification.channel,
            attempts,
            type(error).__name__,
        )
        return NotificationStatus.FAILED if failed else NotificationStatus.QUEUED
    _finish(
        pk,
        token,
        attempts=F("attempts") + 1,
        status=NotificationStatus.SENT,
        sent_at=clock.now(),
        last_error="",
        next_attempt_at=None,
    )
    return NotificationStatus.SENT


def _with_fallback(notification: Notification, reason: str) -> str:
    """Queue the same text on the channel's fallback to the submitter's mobile number, if there
    is one; the reason to record on the first row (naming the new row)."""
    from qinqing.core.identifiers import is_valid_mobile_phone

    fallback = _FALLBACKS.get(str(notification.channel))
    appeal = notification.appeal if notification.appeal_id else None
    phone = getattr(appeal, "contact_phone", "") or ""
    if not fallback or not phone or not is_valid_mobile_phone(phone) or not has_sender(fallback):
        return reason
    row = queue(appeal=appeal, channel=fallback, recipient=phone, text=notification.text)
    logger.info("notification %s on channel %s passed to channel %s as notification %s", notification.pk,
                notification.channel, fallback, row.pk)
    with district.language():
        return _("%(reason)s; sent on by %(channel)s (notification %(number)s)") % {
            "reason": reason, "channel": fallback, "number": row.pk}


def deliver(notification: Notification) -> bool:
    """Claim and try one notification once; True if it was sent by this call."""
    token = claim(notification.pk)
    return token is not None and _send_claimed(notification.pk, token) == NotificationStatus.SENT


def deliver_ids(ids: Iterable[int]) -> int:
    """Claim and send these notifications (those still due); how many this call sent."""
    sent = 0
    for pk in ids:
        token = claim(pk)
        sent += token is not None and _send_claimed(pk, token) == NotificationStatus.SENT
    return sent


@dataclass
class DeliveryReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    manual: int = 0
    taken_elsewhere: int = 0

    def summary(self) -> str:
        return _(
            "sent %(sent)s, to retry %(retry)s, failed %(failed)s, not sent (no channel) %(manual)s, "
            "taken by another sender %(elsewhere)s"
        ) % {"sent": self.sent, "retry": self.retry_later, "failed": self.failed, "manual": self.manual,
             "elsewhere": self.taken_elsewhere}


def _park_channelless(now: datetime.datetime, ids: list[int] | None = None) -> int:
    """Notifications of channels without any sender, marked in one statement (the sweep
    queues thousands of internal notices a day); one log line per channel."""
    rows = Notification.objects.filter(status=NotificationStatus.QUEUED).exclude(channel__in=list(_SENDERS))
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    channels = dict(rows.values_list("channel").annotate(count=Count("pk")).order_by())
    if not channels:
        return 0
    with district.language():  # shown to the administrators on the jobs page
        reason = _("no sender for this channel")
    parked = rows.update(status=NotificationStatus.MANUAL, last_error=reason, next_attempt_at=None)
    for channel, count in sorted(channels.items()):
        logger.info("%d notification(s) on channel %s not sent: no sender for this channel", count, channel)
    return parked


def deliver_report(*, ids: list[int] | None = None, limit: int = 500) -> DeliveryReport:
    """Deliver the due notifications (or only ``ids``), oldest first, each claimed first."""
    now = clock.now()
    report = DeliveryReport(manual=_park_channelless(now, ids))
    candidates = Notification.objects.filter(_claimable(now), channel__in=list(_SENDERS))
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    for pk in list(candidates.order_by("pk").values_list("pk", flat=True)[:limit]):
        token = claim(pk)
        if token is None:
            report.taken_elsewhere += 1
            continue
        status = _send_claimed(pk, token)
        if status == NotificationStatus.SENT:
            report.sent += 1
        elif status == NotificationStatus.QUEUED:
            report.retry_later += 1
        elif status == NotificationStatus.FAILED:
            report.failed += 1
        elif status == NotificationStatus.MANUAL:
            report.manual += 1
        else:
            report.taken_elsewhere += 1
    return report


def deliver_pending(*, limit: int = 500) -> int:
    """Deliver the due notifications; how many were sent (the background job's round)."""
    return deliver_report(limit=limit).sent


# --- queueing ------------------------------------------------------------------------
def queue(*, appeal, channel: str, recipient: str, text: str) -> Notification:
    """Write an outbox row in the caller's transaction; try delivering once it commits.

    Only channels with a sender (SMS, WeChat) are tried at once; the others wait for the
    background job, which marks them "to be passed on by hand" and keeps the request short.
    """
    notification = insert_instance(outbox_row(appeal=appeal, channel=channel, recipient=recipient, text=text))
    deliver_after_commit(notification)
    return notification


def queue_sms(phone: str, text: str) -> Notification:
    """An SMS that is not about an appeal (the other apps' alerts, reminders and notices), on the same
    outbox: ``queue_sms`` for ``core.notices.deliver_once``."""
    return queue(appeal=None, channel="sms", recipient=phone, text=text)


def outbox_row(*, appeal, channel: str, recipient: str, text: str) -> Notification:
    """The unsaved outbox row ``queue`` writes (for a caller that inserts it with its appeal)."""
    return Notification(appeal=appeal, **outbox_columns(channel=channel, recipient=recipient, text=text))


def outbox_columns(*, channel: str, recipient: str, text: str) -> dict:
    """The columns ``outbox_row`` sets (for a caller that writes the row as plain values)."""
    return {"channel": channel, "recipient": recipient or "", "text": str(text), "created_at": clock.now()}


def deliver_after_commit(notification: Notification) -> None:
    """Once the transaction commits, try delivering a saved outbox row (real senders only).
    The row is claimed first, so a worker that reaches it at the same moment cannot send it too."""
    deliver_id_after_commit(notification.channel, notification.pk)


def deliver_id_after_commit(channel: str, pk: int) -> None:
    """``deliver_after_commit`` of the outbox row ``pk`` on ``channel``."""
    if getattr(settings, "APPEALS_DELIVER_ON_COMMIT", True) and has_sender(channel):
        transaction.on_commit(lambda: deliver_ids([pk]))


# --- what the jobs page shows --------------------------------------------------------
def outbox_counts() -> dict[str, int]:
    """Notifications per status (every status present, zero when none)."""
    counts = dict(Notification.objects.values_list("status").annotate(count=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in NotificationStatus.values}


def manual_counts_by_channel() -> dict[str, int]:
    rows = (
        Notification.objects.filter(status=NotificationStatus.MANUAL)
        .values_list("channel")
        .annotate(count=Count("pk"))
    )
    return dict(sorted(rows.order_by()))


def to_pass_on_by_hand(*, limit: int = 50, exclude_channels: Iterable[str] = ("internal",)):
    """The newest notifications waiting to be passed on by hand (internal unit notices,
    which units also see on their queues, left out by default)."""
    rows = Notification.objects.filter(status=NotificationStatus.MANUAL).exclude(
        channel__in=list(exclude_channels)
    )
    return list(rows.select_related("appeal").order_by("-pk")[:limit])
