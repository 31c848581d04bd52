"""SMS intake: the gateway webhook (signed, fresh, not replayed) and the outbound backends."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.urls import reverse

from qinqing.appeals.intake.channels import register_senders, sms_sender
from qinqing.appeals.intake.channels.sms import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ConsoleSmsBackend,
    TencentCloudSmsBackend,
    gateway_signature,
    status_query_tracking_number,
)
from qinqing.appeals.models import Appeal, Channel, Notification
from qinqing.appeals.workflow import notify

SECRET = "test-gateway-secret"
PHONE = "13800138000"


@pytest.fixture(autouse=True)
def _channel_settings(settings, request):
    # The cache is the database (settings.CACHES): only tests that may use the database clear it.
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_db:
        cache.clear()
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_GATEWAY_SECRET": SECRET,
        "SMS_BACKEND": "console",
    }
    settings.APPEALS_DELIVER_ON_COMMIT = False
    yield
    if uses_db:
        cache.clear()


def post_sms(client, payload: dict, *, secret=SECRET, timestamp=None, signature=None):
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signature or gateway_signature(secret=secret, timestamp=timestamp, body=body)
    return client.post(reverse("appeals_channels:sms_webhook"), data=body, content_type="application/json",
                       headers={TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature})


@pytest.mark.django_db
def test_signed_sms_files_an_appeal_and_queues_the_acknowledgement_by_sms(client):
    response = post_sms(
        client, {"from": "+86 138 0013 8000", "text": "厂区门口道路积水严重，希望尽快修复排水管网。"}
    )
    assert response.status_code == 200
    data = response.json()
    appeal = Appeal.objects.get()
    from qinqing.core.transparency import receipts

    assert data == {"kind": "filed", "tracking_number": appeal.tracking_number, "merged": False,
                    "receipt": receipts.for_appeal(appeal).code}
    assert appeal.channel == Channel.SMS
    assert appeal.contact_phone == PHONE
    acknowledgement = Notification.objects.get(appeal=appeal)
    assert acknowledgement.channel == "sms" and acknowledgement.recipient == PHONE
    assert appeal.tracking_number in acknowledgement.text


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["wrong_secret", "tampered_body", "missing_headers", "garbage_signature"])
def test_badly_signed_sms_is_refused_and_nothing_is_stored(client, case):
    payload = {"from": PHONE, "text": "伪造的诉求"}
    if case == "wrong_secret":
        response = post_sms(client, payload, secret="not-the-secret")
    elif case == "tampered_body":
        timestamp = str(int(time.time()))
        good = gateway_signature(
            secret=SECRET, timestamp=timestamp, body=json.dumps({"from": PHONE, "text": "原文"}).encode()
        )
        response = post_sms(client, payload, timestamp=timestamp, signature=good)
    elif case == "missing_headers":
        response = client.post(
            reverse("appeals_channels:sms_webhook"), data=json.dumps(payload), content_type="application/json"
        )
    else:
        response = post_sms(client, payload, signature="00" * 32)
    assert response.status_code == 403
    assert Appeal.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_sms_with_a_stale_timestamp_is_refused_even_when_correctly_signed(client):
    response = post_sms(
        client, {"from": PHONE, "text": "六分钟前签名的消息"}, timestamp=int(time.time()) - 6 * 60
    )
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_replayed_sms_request_is_refused_and_files_nothing_twice(client):
    body = json.dumps({"from": PHONE, "text": "重放测试诉求内容"}).encode()
    timestamp = str(int(time.time()))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: gateway_signature(secret=SECRET, timestamp=timestamp, body=body),
    }
    url = reverse("appeals_channels:sms_webhook")
    first = client.post(url, data=body, content_type="application/json", headers=headers)
    again = client.post(url, data=body, content_type="application/json", headers=headers)
    assert first.status_code == 200
    assert again.status_code == 403
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_webhook_refuses_everything_when_no_secret_is_configured(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_GATEWAY_SECRET": ""}
    response = post_sms(client, {"from": PHONE, "text": "无密钥"}, secret="")
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_status_query_by_sms_replies_with_the_status_and_files_nothing(client, capsys):
    filed = post_sms(client, {"from": PHONE, "text": "申请办理施工许可需要哪些材料？"}).json()
    capsys.readouterr()
    response = post_sms(client, {"from": PHONE, "text": f"查询 {filed['tracking_number']}"})
    assert response.status_code == 200
    assert response.json()["kind"] == "status"
    assert filed["tracking_number"] in response.json()["reply"]
    assert Appeal.objects.count() == 1
    printed = capsys.readouterr().out
    assert "138****8000" in printed and PHONE not in printed


@pytest.mark.django_db
def test_status_query_from_another_phone_learns_nothing(client):
    filed = post_sms(client, {"from": PHONE, "text": "关于税收优惠政策的咨询内容"}).json()
    response = post_sms(client, {"from": "13900139000", "text": f"CX {filed['tracking_number']}"})
    assert response.status_code == 200
    reply = response.json()["reply"]
    assert "关于税收" not in reply
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_same_text_from_the_same_phone_is_merged_and_answers_the_original_number(client):
    first = post_sms(client, {"from": PHONE, "text": "园区路灯损坏多日，夜间出行不便，请求维修。"}).json()
    second = post_sms(client, {"from": PHONE, "text": "园区路灯损坏多日，夜间出行不便，请求维修！"}).json()
    assert second["merged"] is True
    assert second["tracking_number"] == first["tracking_number"]


def test_status_query_texts_are_recognised():
    assert status_query_tracking_number("查询 sq20250101000001") == "SQ20250101000001"
    assert status_query_tracking_number("CX：SQ20250101000001") == "SQ20250101000001"
    assert status_query_tracking_number("cx SQ20250101000001 ") == "SQ20250101000001"
    assert status_query_tracking_number("查询一下补贴政策什么时候发放") is None


def test_console_backend_prints_a_masked_number_never_the_full_one():
    stream = io.StringIO()
    result = ConsoleSmsBackend(stream=stream).send(phone=PHONE, text="您的诉求已受理")
    assert result.accepted
    assert stream.getvalue() == "[sms] to 138****8000: 您的诉求已受理\n"


class _StubTencentCloud(BaseHTTPRequestHandler):
    """Answers like the Tencent Cloud SMS API; remembers what the SDK sent."""

    requests: list = []
    answer_code = "Ok"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append({"headers": dict(self.headers), "body": json.loads(body)})
        status = {"SerialNo": "2433:1234", "PhoneNumber": "+8613800138000", "Fee": 1, "SessionContext": "",
                  "Code": type(self).answer_code, "Message": "send success", "IsoCode": "CN"}
        answer = json.dumps({"Response": {"SendStatusSet": [status], "RequestId": "req-1"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def tencent_stub():
    _StubTencentCloud.requests = []
    _StubTencentCloud.answer_code = "Ok"
    server = HTTPServer(("127.0.0.1", 0), _StubTencentCloud)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _tencent_backend(server):
    return TencentCloudSmsBackend(
        secret_id="AKIDtest",
        secret_key="secret",
        region="ap-guangzhou",
        app_id="1400000001",
        sign_name="某区政务",
        template_id="100001",
        endpoint=f"127.0.0.1:{server.server_port}",
        protocol="http",
    )


def test_tencent_cloud_backend_sends_a_signed_send_sms_request_through_the_sdk(tencent_stub):
    result = _tencent_backend(tencent_stub).send(phone="138-0013-8000", text="您的诉求已受理")
    assert result.accepted and result.provider_message_id == "2433:1234"
    (request,) = _StubTencentCloud.requests
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert request["headers"]["X-TC-Version"] == "2021-01-11"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    assert request["body"] == {
        "PhoneNumberSet": ["+8613800138000"], "SmsSdkAppId": "1400000001", "SignName": "某区政务",
        "TemplateId": "100001", "TemplateParamSet": ["您的诉求已受理"],
    }


def test_tencent_cloud_backend_reports_a_refused_message(tencent_stub):
    _StubTencentCloud.answer_code = "LimitExceeded.PhoneNumberDailyLimit"
    result = _tencent_backend(tencent_stub).send(phone=PHONE, text="您的诉求已受理")
    assert not result.accepted
    assert result.error.startswith("LimitExceeded.PhoneNumberDailyLimit")


def test_tencent_cloud_backend_without_credentials_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_BACKEND": "tencentcloud",
        "TENCENTCLOUD_SECRET_ID": "",
    }
    with pytest.raises(ImproperlyConfigured):
        TencentCloudSmsBackend.from_settings()


@pytest.mark.django_db
def test_outbox_delivers_sms_acknowledgements_through_the_configured_backend(client, settings, tencent_stub):
    register_senders()
    assert notify.sender_for("sms") is sms_sender
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_BACKEND": "tencentcloud",
        "TENCENTCLOUD_SECRET_ID": "AKIDtest",
        "TENCENTCLOUD_SECRET_KEY": "secret",
        "TENCENTCLOUD_SMS_APP_ID": "1400000001",
        "TENCENTCLOUD_SMS_SIGN_NAME": "某区政务",
        "TENCENTCLOUD_SMS_TEMPLATE_ID": "",
        "TENCENTCLOUD_SMS_ENDPOINT": f"127.0.0.1:{tencent_stub.server_port}",
        "TENCENTCLOUD_SMS_PROTOCOL": "http",
        "TENCENTCLOUD_SMS_TEMPLATES": {"acknowledgement": "2001001", "reply_ready": "2001002"},
    }
    filed = post_sms(client, {"from": PHONE, "text": "企业用电增容申请迟迟没有答复。"}).json()
    assert notify.deliver_pending() == 1
    (request,) = _StubTencentCloud.requests
    # The acknowledgement template with its typed values: the number, then the date (no free text),
    # then the filing's receipt code (issue 19).
    assert request["body"]["TemplateId"] == "2001001"
    number, due, receipt = request["body"]["TemplateParamSet"]
    assert number == filed["tracking_number"] and len(due) <= 12
    from qinqing.appeals.models import Appeal
    from qinqing.core.transparency import receipts

    assert receipt == receipts.for_appeal(Appeal.objects.get(tracking_number=number)).code
    assert Notification.objects.get().status == "sent"


# --- Tencent Cloud SMS reply callback (回复短信回调), in the provider's own format ----------------------
CALLBACK_TOKEN = "b1f3c9a7d2e84f6a9c0d"


def tencent_reply(client, *, text: str, mobile: str = PHONE, sign: str = "某区政务", at: int | None = None,
                  token: str = CALLBACK_TOKEN, nationcode: str = "86"):
    body = {"extend": "", "mobile": mobile, "nationcode": nationcode, "sign": sign, "text": text,
            "time": int(time.time()) if at is None else at}
    url = reverse("appeals_channels:sms_tencent_callback", kwargs={"token": token})
    return client.post(
        url, data=json.dumps(body, ensure_ascii=False).encode(), content_type="application/json"
    )


@pytest.fixture
def tencent_callback(settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "TENCENTCLOUD_SMS_CALLBACK_TOKEN": CALLBACK_TOKEN,
                                "TENCENTCLOUD_SMS_SIGN_NAME": "某区政务"}


@pytest.mark.django_db
def test_tencent_reply_callback_files_an_appeal_and_answers_in_tencents_format(client, tencent_callback):
    at = int(time.time())
    response = tencent_reply(client, text="厂区门口道路破损，货车无法通行，请协调维修。", at=at)
    assert response.status_code == 200
    assert response.json() == {"result": 0, "errmsg": "OK"}
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.SMS and appeal.contact_phone == PHONE
    # Tencent retries a callback it had no answer to: the same reply files once, still answered OK.
    assert tencent_reply(client, text="厂区门口道路破损，货车无法通行，请协调维修。", at=at).json() == {
        "result": 0, "errmsg": "OK"}
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["wrong_token", "other_sign", "stale", "no_token_configured"])
def test_tencent_reply_callback_refuses_what_is_not_ours_and_stores_nothing(
    client, settings, tencent_callback, case
):
    kwargs = {"text": "伪造的回复"}
    if case == "wrong_token":
        kwargs["token"] = "guessed-token"
    elif case == "other_sign":
        kwargs["sign"] = "别的公司"
    elif case == "stale":
        kwargs["at"] = int(time.time()) - 3 * 86400
    else:
        settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "TENCENTCLOUD_SMS_CALLBACK_TOKEN": ""}
    response = tencent_reply(client, **kwargs)
    assert response.status_code == 403 and response.json()["result"] != 0
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_tencent_reply_callback_answers_a_status_query(client, tencent_callback):
    tencent_reply(client, text="企业用电增容申请迟迟没有答复。")
    number = Appeal.objects.get().tracking_number
    response = tencent_reply(client, text=f"查询 {number}")
    assert response.json() == {"result": 0, "errmsg": "OK"}
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_tencent_reply_callback_with_a_malformed_body_is_a_tencent_error(client, tencent_callback):
    url = reverse("appeals_channels:sms_tencent_callback", kwargs={"token": CALLBACK_TOKEN})
    response = client.post(url, data=b'{"mobile": "13800138000"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["result"] != 0
    assert Appeal.objects.count() == 0


def test_the_sms_providers_sdk_logs_no_phone_number_or_text_even_at_debug_level(tencent_stub, settings):
    """The Tencent Cloud SDK logs each request and answer at DEBUG (the phone number set and the
    text); an operator's QINQING_LOG_LEVEL=DEBUG must not put them in the server log."""
    import logging
    import logging.config

    class Kept(logging.Handler):
        records: list = []

        def emit(self, record):
            self.records.append(record)

    logging.config.dictConfig({**settings.LOGGING, "root": {**settings.LOGGING["root"], "level": "DEBUG"}})
    kept = Kept()
    logging.getLogger().addHandler(kept)
    try:
        result = _tencent_backend(tencent_stub).send(phone=PHONE, text="您的诉求已受理")
        assert result.accepted
    finally:
        logging.getLogger().removeHandler(kept)
        logging.config.dictConfig(settings.LOGGING)
    logged = "\n".join(record.getMessage() for record in kept.records)
    assert PHONE not in logged
    assert "您的诉求已受理" not in logged and "\\u60a8\\u7684" not in logged


def test_production_refuses_to_start_with_the_sms_backend_that_prints_texts_to_the_log(settings):
    """The console backend prints each text (a report's one-time access code, a listed party's name)."""
    from qinqing.appeals.checks import sms_backend_logs_no_texts_in_production as check

    settings.PRODUCTION = True
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    assert [error.id for error in check(None)] == ["appeals.E001"]
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS,
                                "SMS_BACKEND": "qinqing.appeals.intake.channels.sms.ConsoleSmsBackend"}
    assert [error.id for error in check(None)] == ["appeals.E001"]
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "tencentcloud"}
    assert check(None) == []
    settings.PRODUCTION = False
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    assert check(None) == []  # the demo's stand-in for a phone
