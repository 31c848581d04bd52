"""SMS: the inbound gateway's signature, status queries, and outbound delivery backends.

Inbound: the SMS gateway POSTs each received message to ``/webhooks/sms/`` with
``X-Qinqing-Timestamp`` (Unix seconds) and ``X-Qinqing-Signature`` (hex HMAC-SHA256 of
``timestamp + "." + raw body`` under the shared secret). A missing secret, a stale
timestamp or a wrong signature is refused before anything is read or stored.

Outbound: ``SmsBackend.send(phone=, text=)``. ``ConsoleSmsBackend`` prints the masked
number and the text (demo); ``TencentCloudSmsBackend`` sends through Tencent Cloud SMS
with the approved template of each notification kind and its typed values
(``send_template``, see ``templates``); a free text goes only through the free-text
template when one is configured (``TENCENTCLOUD_SMS_TEMPLATE_ID``). The backend is chosen by ``settings.APPEAL_CHANNELS["SMS_BACKEND"]``.
"""  # noqa: E501

from __future__ import annotations

import abc
import hashlib
import hmac
import json
import re
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from qinqing.core.identifiers import mask_phone

TIMESTAMP_HEADER = "X-Qinqing-Timestamp"
SIGNATURE_HEADER = "X-Qinqing-Signature"


def channel_settings() -> dict:
    return getattr(settings, "APPEAL_CHANNELS", {})


# --- inbound signature -------------------------------------------------------------------
class SignatureRejected(Exception):
    """The request is not provably from our gateway (the reason stays in the server log)."""


def gateway_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """What the gateway sends: hex HMAC-SHA256 over ``timestamp.body``."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_gateway_request(
    *, secret: str, timestamp: str | None, signature: str | None, body: bytes,
    max_skew_seconds: int = 300, now: float | None = None,
) -> None:
    """Raise ``SignatureRejected`` unless the signature matches and the timestamp is fresh.

    The timestamp is part of the signed text, so an old request cannot be re-dated; the
    freshness window bounds how long a captured request could be replayed (the view also
    remembers signatures it has accepted within that window).
    """
    if not secret:
        raise SignatureRejected("no gateway secret configured")
    if not timestamp or not signature:
        raise SignatureRejected("missing timestamp or signature")
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise SignatureRejected("timestamp is not an integer") from error
    current = time.time() if now is None else now
    if abs(current - sent_at) > max_skew_seconds:
        raise SignatureRejected("stale timestamp")
    expected = gateway_signature(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureRejected("signature mismatch")


@dataclass(frozen=True)
class InboundSms:
    phone: str
    text: str
    message_id: str = ""


def parse_gateway_body(body: bytes) -> InboundSms:
    """The gateway's JSON: ``{"from": "+8613800138000", "text": "...", "message_id": "..."}``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("body is not JSON") from error
    if not isinstance(data, dict):
        raise ValueError("body is not a JSON object")
    phone = str(data.get("from") or "").strip()
    text = str(data.get("text") or "").strip()
    if not phone or not text:
        raise ValueError("from and text are required")
    return InboundSms(phone=phone, text=text, message_id=str(data.get("message_id") or "")[:100])


def parse_tencent_reply(body: bytes, *, expected_token: str, token: str, sign_name: str,
                        max_age_seconds: int = 86400, now: float | None = None) -> InboundSms:
    """Tencent Cloud SMS's reply callback: ``{"extend": "", "mobile": "13xxxxxxxxx", "nationcode": "86",
    "sign": "签名", "text": "用户回复的内容", "time": 1457336869}``. Raises ``SignatureRejected`` (a wrong
    URL token, another signature, a stale time) or ``ValueError`` (not that format)."""
    if not expected_token:
        raise SignatureRejected("no Tencent Cloud callback token configured")
    if not hmac.compare_digest(expected_token.encode(), (token or "").encode()):
        raise SignatureRejected("wrong callback token")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("body is not JSON") from error
    if not isinstance(data, dict):
        raise ValueError("body is not a JSON object")
    mobile, text = str(data.get("mobile") or "").strip(), str(data.get("text") or "").strip()
    nationcode = str(data.get("nationcode") or "").strip().lstrip("+")
    if not mobile or not text or not nationcode or data.get("time") is None:
        raise ValueError("mobile, nationcode, text and time are required")
    if nationcode != "86":
        raise ValueError("only mainland numbers (nationcode 86) are handled")
    if sign_name and str(data.get("sign") or "").strip("【】 ") != sign_name:
        raise SignatureRejected("a reply to another signature")
    try:
        sent_at = int(data["time"])
    except (TypeError, ValueError) as error:
        raise ValueError("time is not a Unix timestamp") from error
    current = time.time() if now is None else now
    if abs(current - sent_at) > max_age_seconds:
        raise SignatureRejected("stale time")
    message_id = hashlib.sha256(f"{mobile}|{sent_at}|{text}".encode()).hexdigest()[:40]
    return InboundSms(phone=mobile, text=text, message_id=message_id)


# "查询 QQ2025..." / "CX QQ2025...": a status query for that tracking number.
STATUS_QUERY = re.compile(
    r"^\s*(?:查询|查|CX)\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9\-]{3,40})\s*$", re.IGNORECASE
)


def status_query_tracking_number(text: str) -> str | None:
    match = STATUS_QUERY.match(text or "")
    return match.group(1).upper() if match else None


# --- outbound backends -----------------------------------------------------------------------
@dataclass(frozen=True)
class SmsSendResult:
    accepted: bool
    provider_message_id: str = ""
    error: str = ""


class SmsBackend(abc.ABC):
    """Sends one text to one mainland mobile number. Implementations never log the full number."""

    @abc.abstractmethod
    def send(self, *, phone: str, text: str) -> SmsSendResult:
        """Hand the text to the provider; say whether it was accepted."""

    def send_template(self, *, phone: str, kind: str, values: list[str]) -> SmsSendResult:
        """Send the approved template of ``kind`` (templates) with these values; backends
        without templates send the rendered text."""
        from .templates import TEMPLATES

        return self.send(phone=phone, text=TEMPLATES[kind].render(values))


class ConsoleSmsBackend(SmsBackend):
    """Demo backend: prints the masked number and the text to standard output."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, *, phone: str, text: str) -> SmsSendResult:
        stream = self.stream or sys.stdout
        stream.write(f"[sms] to {mask_phone(phone)}: {text}\n")
        stream.flush()
        return SmsSendResult(accepted=True)


class TencentCloudSmsBackend(SmsBackend):
    """Tencent Cloud SMS (API 2021-01-11) through its Python SDK.

    Mainland SMS must use an approved signature and template; each notification kind has its
    own template with typed, length-limited variables (``templates``). ``endpoint``/``protocol``
    are settings so tests and private deployments can point the SDK elsewhere.
    """

    def __init__(self, *, secret_id: str, secret_key: str, region: str, app_id: str, sign_name: str,
                 template_id: str = "", endpoint: str = "sms.tencentcloudapi.com", protocol: str = "https",
                 timeout_seconds: int = 10, templates: dict[str, str] | None = None):
        missing = [name for name, value in (
            ("TENCENTCLOUD_SECRET_ID", secret_id), ("TENCENTCLOUD_SECRET_KEY", secret_key),
            ("TENCENTCLOUD_SMS_APP_ID", app_id), ("TENCENTCLOUD_SMS_SIGN_NAME", sign_name),
        ) if not value]
        if not template_id and not any((templates or {}).values()):
            missing.append("TENCENTCLOUD_SMS_TEMPLATES")
        if missing:
            raise ImproperlyConfigured(
                "Tencent Cloud SMS needs APPEAL_CHANNELS settings: " + ", ".join(missing)
            )
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.region = region
        self.app_id = app_id
        self.sign_name = sign_name
        self.template_id = template_id
        self.templates = {kind: value for kind, value in (templates or {}).items() if value}
        self.endpoint = endpoint
        self.protocol = protocol
        self.timeout_seconds = timeout_seconds

    @classmethod
    def from_settings(cls) -> TencentCloudSmsBackend:
        config = channel_settings()
        return cls(
            secret_id=config.get("TENCENTCLOUD_SECRET_ID", ""),
            secret_key=config.get("TENCENTCLOUD_SECRET_KEY", ""),
            region=config.get("TENCENTCLOUD_SMS_REGION", "ap-guangzhou"),
            app_id=config.get("TENCENTCLOUD_SMS_APP_ID", ""),
            sign_name=config.get("TENCENTCLOUD_SMS_SIGN_NAME", ""),
            template_id=config.get("TENCENTCLOUD_SMS_TEMPLATE_ID", ""),
            endpoint=config.get("TENCENTCLOUD_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
            protocol=config.get("TENCENTCLOUD_SMS_PROTOCOL", "https"),
            templates=config.get("TENCENTCLOUD_SMS_TEMPLATES") or {},
        )

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http_profile = HttpProfile(
            protocol=self.protocol, endpoint=self.endpoint, reqTimeout=self.timeout_seconds
        )
        profile = ClientProfile(httpProfile=http_profile)
        return sms_client.SmsClient(
            credential.Credential(self.secret_id, self.secret_key), self.region, profile
        )


    def build_request(
        self, *, phone: str, text: str = "", template_id: str = "", values: list[str] | None = None
    ):
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id or self.template_id
        request.TemplateParamSet = list(values) if values is not None else [text]
        request.PhoneNumberSet = [e164(phone)]
        return request

    def send(self, *, phone: str, text: str) -> SmsSendResult:
        """A notice's own sentence as the value of the free-text template (``templates.FREE_TEXT_TEMPLATE``,
        as registered at the provider), checked against the rules with the signature first."""
        from .templates import FREE_TEXT_TEMPLATE, check_values

        if not self.template_id:
            raise ImproperlyConfigured(
                "no free-text template (TENCENTCLOUD_SMS_TEMPLATE_ID) for a notice"
            )
        check_values(FREE_TEXT_TEMPLATE, [text], sign_name=self.sign_name)
        return self._send(self.build_request(phone=phone, text=text))

    def send_template(self, *, phone: str, kind: str, values: list[str]) -> SmsSendResult:
        """The approved template for ``kind`` with its typed values (checked against the rules first)."""
        from .templates import TEMPLATES, check_values

        template_id = self.templates.get(kind)
        if not template_id:
            raise ImproperlyConfigured(
                f"no approved Tencent Cloud template id for {kind} (TENCENTCLOUD_SMS_TEMPLATES)"
            )
        check_values(TEMPLATES[kind], values, sign_name=self.sign_name)
        return self._send(self.build_request(phone=phone, template_id=template_id, values=values))

    def _send(self, request) -> SmsSendResult:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            # The SDK's message never contains the phone number; the code tells operators why.
            return SmsSendResult(accepted=False, error=f"{error.get_code()}: {error.get_message()}")
        statuses = response.SendStatusSet or []
        if not statuses:
            return SmsSendResult(accepted=False, error="empty SendStatusSet")
        status = statuses[0]
        if status.Code != "Ok":
            return SmsSendResult(accepted=False, error=f"{status.Code}: {status.Message}")
        return SmsSendResult(accepted=True, provider_message_id=status.SerialNo or "")


def e164(phone: str) -> str:
    """Tencent Cloud wants +86 and the 11 digits."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return "+86" + digits


BACKENDS = {
    "console": "qinqing.appeals.intake.channels.sms.ConsoleSmsBackend",
    "tencentcloud": "qinqing.appeals.intake.channels.sms.TencentCloudSmsBackend",
}


def sms_backend() -> SmsBackend:
    """The configured backend (built per call: settings may change in tests, building is cheap)."""
    name = channel_settings().get("SMS_BACKEND", "console")
    backend_class = import_string(BACKENDS.get(name, name))
    if hasattr(backend_class, "from_settings"):
        return backend_class.from_settings()
    return backend_class()


def send_sms(*, phone: str, text: str) -> SmsSendResult:
    return sms_backend().send(phone=phone, text=text)


def send_sms_template(*, phone: str, kind: str, values: list[str]) -> SmsSendResult:
    return sms_backend().send_template(phone=phone, kind=kind, values=values)
