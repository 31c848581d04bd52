"""What the intake webhooks and pages share: enterprise matching, rate limits, status texts.

Channel users see only what the enterprise may see: status, deadline, reply and the
public timeline (never internal notes nor the names of the officials involved).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from qinqing.appeals.models import Appeal, Status
from qinqing.appeals.selectors import INTERNAL_STEP_KINDS, public_timeline  # noqa: F401 (one definition for every page)
from qinqing.directory.models import Enterprise

from .sms import channel_settings

HOUR = 3600


def match_enterprise(uscc: str) -> Enterprise | None:
    """The active directory enterprise with this (already validated) code, or None.

    The public portal has no actor to scope by; the code is public information printed
    on every business licence, so matching it reveals nothing new.
    """
    if not uscc:
        return None
    return Enterprise.objects.filter(uscc=uscc.strip().upper(), is_active=True).first()


def _bucket_key(kind: str, value: str) -> str:
    # Hashed with the secret key: the cache never holds a phone number or address in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{kind}|{value}".encode()).hexdigest()[:32]
    return f"appeals:channels:rate:{kind}:{digest}"


def rate_limit_exceeded(kind: str, value: str, *, limit: int, window_seconds: int = HOUR) -> bool:
    """Count one attempt in a fixed window; True once ``limit`` attempts were already made."""
    if not value or limit <= 0:
        return False
    key = _bucket_key(kind, value)
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
    return count > limit


def limit_setting(name: str, default: int) -> int:
    return int(channel_settings().get(name, default))


def seen_before(kind: str, value: str, *, window_seconds: int) -> bool:
    """Remember ``value`` for a while; True if it was already remembered (replay/retry)."""
    return not cache.add(_bucket_key(kind, value), 1, timeout=window_seconds)


def status_text(appeal: Appeal) -> str:
    """One short message (SMS or WeChat) with the appeal's number, status, deadline and reply."""
    parts = [
        _("Appeal %(number)s: %(status)s.")
        % {"number": appeal.tracking_number, "status": Status(appeal.status).label}
    ]
    if appeal.is_open and appeal.due_at:
        parts.append(_("Due by %(date)s.") % {"date": appeal.due_at.isoformat()})
    if appeal.reply:
        reply = appeal.reply if len(appeal.reply) <= 120 else appeal.reply[:119] + "…"
        parts.append(_("Reply: %(reply)s") % {"reply": reply})
    return " ".join(parts)


def latest_appeals_for_external_user(external_user_id: str, *, limit: int = 3) -> list[Appeal]:
    """The WeChat user's own most recent appeals (merged repeats answer with their original)."""
    if not external_user_id:
        return []
    appeals = (
        Appeal.objects.filter(external_user_id=external_user_id)
        .select_related("merged_into")
        .order_by("-received_at", "-pk")
    )
    result: list[Appeal] = []
    seen: set[int] = set()
    for appeal in appeals[: limit * 3]:
        shown = appeal.merged_into if appeal.merged_into_id else appeal
        if shown.pk not in seen:
            seen.add(shown.pk)
            result.append(shown)
        if len(result) == limit:
            break
    return result
