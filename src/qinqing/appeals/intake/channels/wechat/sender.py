"""Outbound WeChat messages: the notifications that follow the passive reply (article 8).

The callback answers the first message passively (the tracking number). Everything later —
the unit's reply, an escalation notice, a reopened appeal — is queued by the services as a
``Notification`` on channel ``wechat`` whose recipient is the user's openid; this sender
delivers it as a customer-service text message (``message/custom/send``) through wechatpy.

Configuration (``APPEAL_CHANNELS``): ``WECHAT_APP_ID`` and ``WECHAT_APP_SECRET``; without
both the notification only goes to the log and is marked "not sent: to be passed on by hand"
(``notify.NoChannel``; demo, tests). ``WECHAT_API_BASE_URL``, which settings.py leaves
unset, sends the client to another address; the tests point it at a local HTTP server.

The 48-hour window: WeChat accepts customer-service messages only within 48 hours of the
user's last message (errcode 45015 otherwise), and a unit's reply comes days later. The
callback records, in the shared cache, when each openid last wrote (``heard_from``). Within
the window the notification goes as a customer-service text; outside it (or on 45015) as a
**template message** (``message/template/send``) with the template the administrator chose
in the official account's 模板库 (``WECHAT_TEMPLATE_ID``). Since May 2023 WeChat shows no
first line nor remark, each field at most 20 characters and no line breaks, so the template
carries the tracking number, a short status and the time, and tells the user to send
"查询" — which opens a new window in which the full text is the passive reply.
``WECHAT_TEMPLATE_FIELDS`` maps our three values to the template's keys
(default ``character_string1``, ``thing2``, ``time3``).

Error codes: those that mean "never" for this user (43004 unsubscribed, 40003 invalid
openid, 43019 user blocked the account, 40037 invalid template id, 47003 template data
invalid, 48001 api not authorised) raise ``notify.Undeliverable`` — marked failed at once;
the others (-1 system busy, 45009 API quota, 45047 too many messages, network errors) are
retried with backoff (1, 2, 4, 8 minutes). A failed WeChat notification is sent on by SMS
when the submitter gave a mobile number (``notify.register_fallback("wechat", "sms")``).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import requests
from django.core.cache import cache
from django.utils.translation import gettext
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from qinqing.core import clock

from ..sms import channel_settings

logger = logging.getLogger("qinqing.appeals.channels.wechat")

TIMEOUT_SECONDS = 10
# Keep a cached access token a little shorter than WeChat says it lives, so it is never used stale.
TOKEN_MARGIN_SECONDS = 300


WINDOW = timedelta(hours=48)
WINDOW_MARGIN = timedelta(minutes=10)  # the send may take a while; do not cut it fine
OUTSIDE_WINDOW = 45015
NEVER_ERRCODES = {
    43004: "user has unsubscribed",
    40003: "invalid openid",
    43019: "user has blocked the account",
    40037: "invalid template id",
    47003: "template data invalid",
    48001: "api not authorised for this account",
}
TEMPLATE_FIELD_DEFAULTS = {"number": "character_string1", "status": "thing2", "time": "time3"}
TEMPLATE_FIELD_MAX = 20  # WeChat's rule since 2023-05-04: each field at most 20 characters, no line breaks


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
    key = (
        config.get("WECHAT_APP_ID", ""),
        config.get("WECHAT_APP_SECRET", ""),
        config.get("WECHAT_API_BASE_URL", ""),
    )
    with _clients_lock:
        if key not in _clients:
            _clients[key] = QinqingWeChatClient(
                key[0],
                key[1],
                api_base_url=key[2] or None,
                session=DjangoCacheStorage(),
                timeout=TIMEOUT_SECONDS,
            )
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


def _window_key(openid: str) -> str:
    return "appeals:wechat:heard:" + openid


def heard_from(openid: str) -> None:
    """The user wrote to the account just now (called by the callback for every verified message)."""
    if openid:
        cache.set(
            _window_key(openid),
            clock.now().timestamp(),
            timeout=int((WINDOW + WINDOW_MARGIN).total_seconds()),
        )


def within_window(openid: str) -> bool:
    """Whether a customer-service message to ``openid`` is still allowed (48 hours since its last message)."""
    heard = cache.get(_window_key(openid)) if openid else None
    if heard is None:
        return False
    return clock.now().timestamp() - float(heard) < (WINDOW - WINDOW_MARGIN).total_seconds()


def fit_field(text: str, limit: int = TEMPLATE_FIELD_MAX) -> str:
    """One template field: no line breaks, at most ``limit`` characters (an ellipsis when cut)."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def template_data(notification) -> dict:
    """The template message's fields: the tracking number, a short status, the time."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    fields = {**TEMPLATE_FIELD_DEFAULTS, **(channel_settings().get("WECHAT_TEMPLATE_FIELDS") or {})}
    appeal = notification.appeal if notification.appeal_id else None
    number = appeal.tracking_number if appeal is not None else ""
    status = _("New message; send 查询 to read it")
    values = {
        "number": fit_field(number, 32),  # character_string: 32 letters, digits or symbols
        "status": fit_field(status),
        "time": timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M"),
    }
    return {fields[name]: {"value": value} for name, value in values.items()}


def _timeline(notification, *, template: bool) -> None:
    """A reply delivered through WeChat says so on the appeal's timeline (and how)."""
    from django.utils.translation import gettext

    from qinqing.appeals.workflow.letters import delivery_step

    appeal = notification.appeal if notification.appeal_id else None
    if appeal is None or appeal.replied_at is None or appeal.replied_at > notification.created_at:
        return
    text = (
        gettext("The reply was announced by a WeChat template message (the user reads it by sending 查询).")
        if template
        else gettext("The reply was sent as a WeChat message.")
    )
    delivery_step(appeal, "reply_wechat_template" if template else "reply_wechat", text)


def _refused(notification, error: WeChatClientException):
    from qinqing.appeals.workflow import notify

    # errcode and errmsg are WeChat's own words; the openid and the text stay out of the log.
    logger.warning(
        "WeChat refused notification %s: errcode %s %s", notification.pk, error.errcode, error.errmsg
    )
    if error.errcode in NEVER_ERRCODES:
        return notify.Undeliverable(f"WeChat errcode {error.errcode}: {NEVER_ERRCODES[error.errcode]}")
    return WeChatDeliveryFailed(f"errcode {error.errcode}")


def wechat_sender(notification) -> None:
    """Outbox sender for the ``wechat`` channel: a customer-service text within 48 hours of the
    user's last message, a template message after that."""
    from qinqing.appeals.workflow import notify

    if not notification.recipient:
        raise notify.NoChannel(gettext("no openid to send to"))
    if is_passive_acknowledgement(notification):  # already delivered as the callback's passive reply
        return
    if not outbound_configured():
        raise notify.NoChannel(
            gettext("WeChat customer-service messages are not configured (WECHAT_APP_ID, WECHAT_APP_SECRET)")
        )
    template_id = channel_settings().get("WECHAT_TEMPLATE_ID", "")
    try:
        if within_window(notification.recipient):
            try:
                client().message.send_text(notification.recipient, notification.text)
                _timeline(notification, template=False)
                return
            except WeChatClientException as error:
                if error.errcode != OUTSIDE_WINDOW:
                    raise _refused(notification, error) from error
        if not template_id:
            raise notify.NoChannel(gettext(
                "outside WeChat's 48-hour window and no template message configured (WECHAT_TEMPLATE_ID)"
            ))
        try:
            client().message.send_template(notification.recipient, template_id, template_data(notification))
        except WeChatClientException as error:
            raise _refused(notification, error) from error
        _timeline(notification, template=True)
    except requests.RequestException as error:
        logger.warning("WeChat unreachable for notification %s: %s", notification.pk, type(error).__name__)
        raise WeChatDeliveryFailed(type(error).__name__) from error
