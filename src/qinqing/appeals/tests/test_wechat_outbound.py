"""Outbound WeChat notifications (customer-service messages through wechatpy) against a local
stub of the WeChat API: the token request and the send request both reach 127.0.0.1, never
the network. The callback's passive reply is not sent a second time."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from qinqing.appeals.intake import services as intake_services
from qinqing.appeals.intake.channels.wechat import sender as wechat_sender
from qinqing.appeals.models import Channel, Notification, NotificationStatus, Track
from qinqing.appeals.workflow import notify
from qinqing.appeals.workflow import services as workflow_services
from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role
from qinqing.core.testing import make_api_key

from . import factories
from .test_channels_wechat import OPENID, post_message, reply_of, text_message_xml

pytestmark = pytest.mark.django_db

APP_ID = "wx0123456789abcdef"
APP_SECRET = "stub-app-secret"


class StubWeChat:
    """A tiny WeChat API: /cgi-bin/token hands out a token, /cgi-bin/message/custom/send records the body."""

    def __init__(self):
        self.tokens_issued = 0
        self.sent: list[dict] = []
        self.send_queries: list[dict] = []
        self.token_queries: list[dict] = []
        self.next_send_results: list[dict] = []
        self.templates: list[dict] = []
        self.next_template_results: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                if url.path == "/cgi-bin/token":
                    stub.token_queries.append(parse_qs(url.query))
                    stub.tokens_issued += 1
                    self._answer({"access_token": f"TOKEN-{stub.tokens_issued}", "expires_in": 7200})
                else:
                    self._answer({"errcode": 404, "errmsg": "unknown path"})

            def do_POST(self):  # noqa: N802
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if url.path == "/cgi-bin/message/template/send":
                    stub.templates.append(json.loads(body.decode()))
                    answer = stub.next_template_results.pop(0) if stub.next_template_results else {
                        "errcode": 0, "errmsg": "ok", "msgid": 200228332}
                    self._answer(answer)
                    return
                if url.path != "/cgi-bin/message/custom/send":
                    self._answer({"errcode": 404, "errmsg": "unknown path"})
                    return
                stub.sent.append(json.loads(body.decode()))
                stub.send_queries.append(parse_qs(url.query))
                self._answer(
                    stub.next_send_results.pop(0)
                    if stub.next_send_results
                    else {"errcode": 0, "errmsg": "ok"}
                )

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def stub(settings, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    settings.APPEALS_DELIVER_ON_COMMIT = False
    with StubWeChat() as server:
        settings.APPEAL_CHANNELS = {
            **settings.APPEAL_CHANNELS,
            "WECHAT_TOKEN": "test-wechat-token",
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_ENCODING_AES_KEY": "",
            "WECHAT_API_BASE_URL": server.base_url,
        }
        cache.clear()
        wechat_sender.forget_access_token()
        yield server
        wechat_sender.forget_access_token()
        cache.clear()


@pytest.fixture
def wechat_appeal(workday_calendar, make_user):
    """A WeChat appeal triaged and assigned to a unit, its acknowledgement delivered by the passive reply."""
    unit = factories.make_unit("区商务局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = intake_services.appeal_file(
        channel=Channel.WECHAT,
        title="",
        content="出口退税三个月没有到账，请帮忙催办。",
        actor=SystemActor("channel:wechat"),
        external_user_id=OPENID,
    ).appeal
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    wechat_sender.heard_from(OPENID)  # as the callback records when the message came in
    return {"appeal": appeal, "handler": handler, "supervisor": supervisor}


def _reply(wechat_appeal, text="退税已于今日到账，请查收。") -> Notification:
    workflow_services.appeal_reply(appeal=wechat_appeal["appeal"], text=text, actor=wechat_appeal["handler"])
    return Notification.objects.filter(appeal=wechat_appeal["appeal"]).order_by("-pk").first()


def test_the_units_reply_goes_to_the_user_as_a_customer_service_text_message(stub, wechat_appeal):
    notify.deliver_pending()  # the acknowledgement: already answered passively, nothing sent
    assert stub.sent == []
    notification = _reply(wechat_appeal)
    assert notification.channel == "wechat" and notification.status == NotificationStatus.QUEUED

    assert notify.deliver_pending() == 1

    assert stub.token_queries == [
        {"grant_type": ["client_credential"], "appid": [APP_ID], "secret": [APP_SECRET]}
    ]
    assert stub.sent == [{"touser": OPENID, "msgtype": "text", "text": {"content": notification.text}}]
    assert (
        "退税已于今日到账" in notification.text
        and wechat_appeal["appeal"].tracking_number in notification.text
    )
    assert stub.send_queries[0]["access_token"] == ["TOKEN-1"]
    notification.refresh_from_db()
    assert (
        notification.status == NotificationStatus.SENT
        and notification.attempts == 1
        and notification.sent_at is not None
    )


def test_the_access_token_is_fetched_once_and_reused(stub, wechat_appeal):
    workflow_services.appeal_urge(appeal=wechat_appeal["appeal"], actor=wechat_appeal["supervisor"])
    _reply(wechat_appeal, "第一次答复")
    workflow_services.appeal_rate(
        appeal=wechat_appeal["appeal"], satisfaction="unsatisfied", actor=make_api_key("appeals:write")[0]
    )
    _reply(wechat_appeal, "第二次答复")
    notify.deliver_pending()
    assert [message["text"]["content"] for message in stub.sent if "答复" in message["text"]["content"]] == [
        Notification.objects.filter(text__contains="第一次答复").get().text,
        Notification.objects.filter(text__contains="第二次答复").get().text,
    ]
    assert stub.tokens_issued == 1


def test_a_wechat_error_counts_an_attempt_and_the_worker_retries_later(stub, wechat_appeal, frozen_clock):
    notify.deliver_pending()
    notification = _reply(wechat_appeal)
    stub.next_send_results.append({"errcode": -1, "errmsg": "system error"})

    assert notify.deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED  # still in the outbox: the worker tries again
    assert (
        notification.attempts == 1
        and notification.last_error == "WeChatDeliveryFailed"
        and notification.sent_at is None
    )
    assert notification.next_attempt_at is not None  # after a pause (backoff), not in the very next round
    assert notify.deliver_pending() == 0 and len(stub.sent) == 1

    frozen_clock(notification.next_attempt_at + datetime.timedelta(seconds=1))
    assert notify.deliver_pending() == 1  # the worker's next round after the pause; WeChat accepts it now
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 2
    assert len(stub.sent) == 2 and stub.sent[0] == stub.sent[1]


def test_a_message_wechat_keeps_refusing_is_marked_failed_after_the_last_attempt(
    stub, wechat_appeal, frozen_clock
):
    notify.deliver_pending()
    notification = _reply(wechat_appeal)
    stub.next_send_results.extend(
        {"errcode": 45047, "errmsg": "out of response count limit"} for _ in range(notify.MAX_ATTEMPTS)
    )
    pauses = []
    for _round in range(notify.MAX_ATTEMPTS):
        notify.deliver_pending()
        notification.refresh_from_db()
        if notification.next_attempt_at:
            pauses.append(notification.next_attempt_at)
            frozen_clock(notification.next_attempt_at)
    assert [b - a for a, b in zip(pauses, pauses[1:], strict=False)] == [
        notify.backoff(2), notify.backoff(3), notify.backoff(4)]  # the pauses grow: 2, 4, 8 minutes
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.attempts == notify.MAX_ATTEMPTS
    assert (
        notify.deliver_pending() == 0 and len(stub.sent) == notify.MAX_ATTEMPTS
    )  # failed rows are left alone


def test_the_callbacks_passive_reply_is_not_sent_again_but_the_later_reply_is(
    client, stub, make_user, workday_calendar
):
    response = post_message(client, text_message_xml("用地审批材料已经提交，一直没有答复。"))
    acknowledgement = Notification.objects.get()
    assert acknowledgement.appeal.tracking_number in reply_of(response)
    notify.deliver_pending()
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == NotificationStatus.SENT and stub.sent == [] and stub.tokens_issued == 0

    unit = factories.make_unit("区自然资源局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = acknowledgement.appeal
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    workflow_services.appeal_reply(appeal=appeal, text="材料已审核通过。", actor=handler)
    notify.deliver_pending()
    assert [message["touser"] for message in stub.sent] == [OPENID]
    assert "材料已审核通过" in stub.sent[0]["text"]["content"]


def test_without_an_app_secret_notifications_only_go_to_the_log_and_are_not_counted_as_sent(
    settings, wechat_appeal, caplog
):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": "",
                                "WECHAT_API_BASE_URL": "http://127.0.0.1:9/cgi-bin/"}
    notification = _reply(wechat_appeal)
    with caplog.at_level("INFO", logger="qinqing.appeals.notify"):
        notify.deliver_pending()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.MANUAL and notification.sent_at is None
    assert "未配置微信客服消息" in notification.last_error  # in the district's language
    assert OPENID not in caplog.text and "退税" not in caplog.text


TEMPLATE_ID = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
PHONE = "13800138000"


def test_a_reply_after_48_hours_goes_as_a_template_message_then_by_sms_when_that_fails(
        stub, settings, wechat_appeal, frozen_clock, capsys):
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "WECHAT_TEMPLATE_ID": TEMPLATE_ID,
        "SMS_BACKEND": "console",
    }
    appeal = wechat_appeal["appeal"]
    notify.deliver_pending()
    frozen_clock(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    )  # the unit replies a week later
    first = _reply(wechat_appeal, "补贴资金已拨付。")
    assert notify.deliver_pending() == 1
    assert not [
        m for m in stub.sent if "补贴资金" in m["text"]["content"]
    ]  # no customer-service message outside the window
    (template,) = stub.templates
    assert template["touser"] == OPENID and template["template_id"] == TEMPLATE_ID
    assert template["data"]["character_string1"]["value"] == appeal.tracking_number
    assert all(
        len(field["value"]) <= 20 and "\n" not in field["value"]
        for key, field in template["data"].items()
        if key != "character_string1"
    )
    first.refresh_from_db()
    assert first.status == NotificationStatus.SENT
    assert appeal.steps.filter(kind="reply_wechat_template").exists()  # the timeline says which

    # The submitter gave a mobile number (an operator added it); WeChat now says the user unsubscribed.
    type(appeal).objects.filter(pk=appeal.pk).update(contact_phone=PHONE)
    stub.next_template_results.append({"errcode": 43004, "errmsg": "require subscribe"})
    workflow_services.appeal_rate(
        appeal=appeal, satisfaction="unsatisfied", actor=make_api_key("appeals:write")[0]
    )
    notify.deliver_pending()
    Notification.objects.filter(appeal=appeal).update(status=NotificationStatus.SENT)
    stub.next_template_results[:] = [{"errcode": 43004, "errmsg": "require subscribe"}]
    sent_templates = len(stub.templates)
    second = _reply(wechat_appeal, "第二次答复：请于周五前补交材料。")
    notify.deliver_pending()
    second.refresh_from_db()
    assert (
        second.status == NotificationStatus.FAILED and second.attempts == 1 and second.next_attempt_at is None
    )
    assert "43004" in second.last_error and "sms" in second.last_error
    by_sms = Notification.objects.get(appeal=appeal, channel="sms")
    assert by_sms.recipient == PHONE and by_sms.text == second.text
    assert notify.deliver_pending() == 1
    by_sms.refresh_from_db()
    assert by_sms.status == NotificationStatus.SENT
    assert "138****8000" in capsys.readouterr().out
    assert appeal.steps.filter(kind="reply_sms").exists()
    assert len(stub.templates) == sent_templates + 1  # "never" is not retried


def test_a_user_who_wrote_within_48_hours_gets_a_customer_service_message_and_45015_falls_back_to_the_template(  # noqa: E501
    stub, settings, wechat_appeal, frozen_clock
):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_TEMPLATE_ID": TEMPLATE_ID}
    notify.deliver_pending()
    frozen_clock(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=47))
    _reply(wechat_appeal, "窗口之内的答复")
    assert notify.deliver_pending() == 1
    assert stub.templates == [] and "窗口之内的答复" in stub.sent[-1]["text"]["content"]
    # WeChat's own clock says the window has closed: the template message goes instead, in the same attempt.
    workflow_services.appeal_rate(appeal=wechat_appeal["appeal"], satisfaction="unsatisfied",
                                  actor=make_api_key("appeals:write")[0])
    Notification.objects.update(status=NotificationStatus.SENT)  # the rating's own notices are not under test
    stub.next_send_results.append({"errcode": 45015, "errmsg": "response out of time limit"})
    notification = _reply(wechat_appeal, "刚好过了窗口的答复")
    assert notify.deliver_pending() == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1
    assert len(stub.templates) == 1


def test_outside_the_window_without_a_template_or_a_phone_the_message_is_passed_on_by_hand(
    stub, wechat_appeal, frozen_clock
):
    notify.deliver_pending()
    frozen_clock(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3))
    notification = _reply(wechat_appeal)
    notify.deliver_pending()
    notification.refresh_from_db()
    assert (
        notification.status == NotificationStatus.MANUAL and "WECHAT_TEMPLATE_ID" in notification.last_error
    )
    assert not Notification.objects.filter(channel="sms").exists()


def test_a_busy_wechat_is_retried_with_backoff_not_marked_failed(stub, settings, wechat_appeal, frozen_clock):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_TEMPLATE_ID": TEMPLATE_ID}
    notify.deliver_pending()
    frozen_clock(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3))
    stub.next_template_results.append({"errcode": -1, "errmsg": "system error"})
    notification = _reply(wechat_appeal)
    notify.deliver_pending()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED and notification.next_attempt_at is not None
    frozen_clock(notification.next_attempt_at + datetime.timedelta(seconds=1))
    assert notify.deliver_pending() == 1
