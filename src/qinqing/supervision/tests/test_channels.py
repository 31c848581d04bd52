"""SMS and WeChat messages starting with 举报 go to supervision (article 17), never into the appeals pool."""

import pytest
from django.core.cache import cache

from qinqing.appeals.models import Appeal, Notification
from qinqing.appeals.tests import test_channels_sms as sms_tests
from qinqing.appeals.tests import test_channels_wechat as wechat_tests
from qinqing.supervision import services
from qinqing.supervision.channels import report_text
from qinqing.supervision.models import Report

pytestmark = pytest.mark.django_db

TEXT = "区市场监管局某科长索要购物卡独特SMS文本"


@pytest.fixture(autouse=True)
def _channels(settings, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    cache.clear()
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_GATEWAY_SECRET": sms_tests.SECRET,
        "SMS_BACKEND": "console",
        "WECHAT_TOKEN": wechat_tests.TOKEN,
        "WECHAT_APP_ID": wechat_tests.APP_ID,
        "WECHAT_ENCODING_AES_KEY": "",
    }
    settings.APPEALS_DELIVER_ON_COMMIT = False
    yield
    cache.clear()


def test_the_keyword():
    assert report_text("举报：某科长吃拿卡要") == "某科长吃拿卡要"
    assert report_text("举报 某科长") == "某科长"
    assert report_text("我要咨询政策") is None


def test_an_sms_report_goes_to_supervision_with_its_code_sent_back_only(client, capsys):
    response = sms_tests.post_sms(client, {"from": "13800138000", "text": f"举报：{TEXT}"})
    assert response.status_code == 200 and response.json() == {"kind": "report"}
    assert not Appeal.objects.exists() and not Notification.objects.exists()
    report = Report.objects.get()
    assert (
        report.channel == "sms"
        and report.text == TEXT
        and report.reporter_contact == "13800138000"
        and not report.real_name
    )
    sent = capsys.readouterr().out  # the console SMS backend
    code = next(word for word in sent.replace("（", " ").replace("）", " ").split() if word.count("-") == 4)
    assert services.report_by_code(code, client="x").pk == report.pk


def test_a_wechat_report_is_answered_with_the_receipt_code_and_files_no_appeal(client):
    response = wechat_tests.post_message(client, wechat_tests.text_message_xml(f"举报 {TEXT}"))
    reply = wechat_tests.reply_of(response)
    report = Report.objects.get()
    assert report.number in reply and report.channel == "wechat"
    assert report.reporter_contact == f"wechat:{wechat_tests.OPENID}"
    assert not Appeal.objects.exists()
    ordinary = wechat_tests.post_message(client, wechat_tests.text_message_xml("园区道路积水，请修缮"))
    assert wechat_tests.reply_of(ordinary) and Appeal.objects.count() == 1


def test_the_mailbox_report_category_goes_to_supervision(client):
    response = client.post(
        "/portal/appeals/",
        {
            "contact_name": "李四",
            "contact_phone": "13912345678",
            "category": "not_ours",
            "title": "举报某科长",
            "content": TEXT,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/supervision/report/filed/"
    assert 'data-testid="receipt-code"' in client.get(response["Location"]).content.decode()
    assert not Appeal.objects.exists()
    report = Report.objects.get()
    assert (
        report.real_name
        and report.reporter_name == "李四"
        and TEXT in report.text
        and report.channel == "web"
    )
