"""Outbound WeChat messages: the notifications that follow the passive reply (article 8).

The callback answers the first message passively (the tracking number). Everything later —
the unit's reply, an escalation notice, a reopened appeal — is queued by the services as a
``Notification`` on channel ``wechat`` whose recipient is the user's openid; this sender
delivers it as a customer-service text message (``message/custom/send``) through wechatpy.

Configuration (``APPEAL_CHANNELS``): ``WECHAT_APP_ID`` and ``WECHAT_APP_SECRET``; without
both the notification only goes to the log and is marked "not sent: to be passed on by hand"
(``notify.NoChannel``; demo, tests). ``WECHAT_API_BASE_URL``
(optional, not in settings.py) points the client elsewhere — a local stub in tests.

Limits to know: WeChat accepts customer-service messages only within 48 hours of the
user's last message (errcode 45015 otherwise); such a notification fails like any other
provider error and is retried with backoff until ``notify.MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
import threading

import requests
from django.core.cache import cache
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from .sms import channel_settings

logger = logging.getLogger("qinqing.appeals.channels.wechat")

TIMEOUT_SECONDS = 10
# Keep a cached access token a little shorter than WeChat says it lives, so it is never used stale.
TOKEN_MARGIN_SECONDS = 300


class WeChatDeliveryFailed(Exception):
    """WeChat refused the message or could not be reached; the outbox retries it."""


class DjangoCacheStorage(SessionStorage):
    """wechatpy's token storage in the Django cache: every process (web and worker) shares one
    access token. Each fetch of a new token makes the previous one expire within minutes, so
    per-process tokens would keep invalidating each other."""

    prefix = "appeals:wechat:"

    def get(self, key, default=None):
        value = cache.get(self.prefix + key)
        return default if value is None else value

    def set(self, key, value, ttl=None):
        timeout = max(int(ttl) - TOKEN_MARGIN_SECONDS, 60) if ttl else None
        cache.set(self.prefix + key, value, timeout=timeout)

    def delete(self, key):
        cache.delete(self.prefix + key)


class QinqingWeChatClient(WeChatClient):
    """wechatpy's client, with the token request also going to ``API_BASE_URL``
    (wechatpy writes the token URL out in full, so overriding the base would miss it)."""

    def __init__(self, appid, secret, *, api_base_url: str | None = None, **kwargs):
        super().__init__(appid, secret, **kwargs)
        if api_base_url:
            self.API_BASE_URL = api_base_url if api_base_url.endswith("/") else api_base_url + "/"

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


_clients: dict[tuple[str, str, str], QinqingWeChatClient] = {}
_clients_lock = threading.Lock()


def outbound_configured() -> bool:
    config = channel_settings()
    return bool(config.get("WECHAT_APP_ID") and config.get("WECHAT_APP_SECRET"))


def client() -> QinqingWeChatClient:
    """One client per configuration and process (it keeps its HTTP connection pool)."""
    config = channel_settings()
    key = (config.get("WECHAT_APP_ID", ""), config.get("WECHAT_APP_SECRET", ""), config.get("WECHAT_API_BASE_URL", ""))
    with _clients_lock:
        if key not in _clients:
            _clients[key] = QinqingWeChatClient(key[0], key[1], api_base_url=key[2] or None, session=DjangoCacheStorage(),
                                                timeout=TIMEOUT_SECONDS)
        return _clients[key]


def forget_access_token() -> None:
    """Drop the cached token (after the secret changed; tests)."""
    config = channel_settings()
    DjangoCacheStorage().delete(f"{config.get('WECHAT_APP_ID', '')}_access_token")
    with _clients_lock:
        _clients.clear()


def is_passive_acknowledgement(notification) -> bool:
    """The first notification of a WeChat appeal is its acknowledgement, which the callback
    already sent as the passive reply; sending it again would say the same thing twice."""
    from qinqing.appeals.models import Notification

    if notification.appeal_id is None:
        return False
    return not Notification.objects.filter(appeal_id=notification.appeal_id, pk__lt=notification.pk).exists()


def wechat_sender(notification) -> None:
    """Outbox sender for the ``wechat`` channel: a customer-service text message to the openid."""
    from qinqing.appeals.workflow import notify

    if not notification.recipient:
        raise notify.NoChannel("no openid to send to")
    if is_passive_acknowledgement(notification):  # already delivered as the callback's passive reply
        return
    if not outbound_configured():
        raise notify.NoChannel("WeChat customer-service messages are not configured (WECHAT_APP_ID, WECHAT_APP_SECRET)")
    try:
        client().message.send_text(notification.recipient, notification.text)
    except WeChatClientException as error:
        # errcode and errmsg are WeChat's own words; the openid and the text stay out of the log.
        logger.warning("WeChat refused notification %s: errcode %s %s", notification.pk, error.errcode, error.errmsg)
        raise WeChatDeliveryFailed(f"errcode {error.errcode}") from error
    except requests.RequestException as error:
        logger.warning("WeChat unreachable for notification %s: %s", notification.pk, type(error).__name__)
        raise WeChatDeliveryFailed(type(error).__name__) from error
