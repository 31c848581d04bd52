"""Telling people (articles 16, 17): a real-name reporter who can be reached gets a neutral SMS or
WeChat notice through the appeals outbox (its real senders); an anonymous one reads with the receipt
code only; inspectors get notices in the application of what falls due, counted in working days."""

import datetime
import logging

import pytest
from django.core.cache import cache

from qinqing.appeals.models import Notification, NotificationStatus
from qinqing.appeals.workflow import notify
from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.supervision import services
from qinqing.supervision.models import EarlyReminder, InspectorNotice, Message, NoticeKind, Report

pytestmark = pytest.mark.django_db

NAME, MOBILE, TEXT = "实名举报人周独特", "13912345678", "某局长收受礼金独特文本NTC"
REPLY = "答复独特内容NTC"


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock, settings):
    frozen_clock("2026-11-30 10:00")
    cache.clear()
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    settings.QINQING_PUBLIC_BASE_URL = "https://qinqing.example.gov.cn"
    unit = directory.make_unit(name="区纪委监委")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="ntc1")
    other = make_user(Role.DISCIPLINE_INSPECTOR, username="ntc2")
    directory.make_official(unit=unit, name="赵磊", user=inspector)
    directory.make_official(unit=unit, name="钱多", user=other)
    return inspector, other


def _submit(**extra):
    values = {
        "text": TEXT,
        "category": "other",
        "real_name": True,
        "reporter_name": NAME,
        "reporter_contact": f"手机 {MOBILE}",
        "rate_limited": False,
    }
    values.update(extra)
    return services.report_submit(**values)


def test_a_real_name_reporter_gets_neutral_sms_notices_that_are_really_sent(
    office, capsys, caplog, django_capture_on_commit_callbacks
):
    inspector, _other = office
    caplog.set_level(logging.DEBUG)
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report=report, actor=inspector)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(report=report, kind="reply", body=REPLY, actor=inspector)
    rows = list(Notification.objects.order_by("pk"))
    assert [(row.channel, row.recipient, row.status, row.appeal_id) for row in rows] == [
        ("sms", MOBILE, NotificationStatus.SENT, None),
        ("sms", MOBILE, NotificationStatus.SENT, None),
    ]
    assert rows[0].text == f"您的举报{report.number}已受理，详情请凭回执码在举报页面查看。"
    assert rows[1].text == f"您的举报{report.number}有新的答复，请凭回执码在举报页面查看。"
    assert all("http" not in row.text for row in rows)  # no link in an SMS (template rules)
    printed = capsys.readouterr().out  # the console SMS backend: what the provider would have got
    assert printed.count("[sms] to 139****5678") == 2
    for secret in (NAME, TEXT, REPLY, MOBILE, "被接受", "礼金"):
        assert secret not in printed, secret
        assert all(secret not in row.text for row in rows), secret
        assert secret not in caplog.text, secret
    for secret in (NAME, TEXT, REPLY, MOBILE):
        assert not AuditEvent.objects.filter(details__icontains=secret).exists()
    messages = list(Message.objects.filter(report=report).order_by("pk"))
    assert [m.notification_id for m in messages] == [row.pk for row in rows]
    # the inspector sees on the report what really happened to each notice
    from django.test import Client

    client = Client()
    client.force_login(inspector)
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert page.count('data-testid="notice-delivery"') == 2 and "已发送" in page
    figures = client.get("/supervision/figures/").content.decode()
    assert "已发送 2" in figures.split('data-testid="outbound"')[1].split("</p>")[0]


def test_a_failing_provider_is_not_reported_as_sent(office, django_capture_on_commit_callbacks):
    inspector, _other = office
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    previous = notify.sender_for("sms")

    def refuses(notification):
        raise RuntimeError("gateway down")

    notify.register_sender("sms", refuses)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.report_accept(report=report, actor=inspector)
    finally:
        notify.register_sender("sms", previous)
    row = Notification.objects.get()
    assert row.status == NotificationStatus.QUEUED and row.attempts == 1 and row.next_attempt_at
    assert row.sent_at is None
    from django.test import Client

    client = Client()
    client.force_login(inspector)
    figures = client.get("/supervision/figures/").content.decode()
    outbound = figures.split('data-testid="outbound"')[1].split("</p>")[0]
    assert "待发送 1" in outbound and "已发送" not in outbound


def test_the_result_notice_and_erasure_forget_the_number(office, django_capture_on_commit_callbacks):
    inspector, _other = office
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    services.report_dispose(report=report, disposal="preliminary", actor=inspector)
    services.report_conclude(
        report=report, finding="unsubstantiated", conclusion="经核查不属实", actor=inspector
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_send_result(report=report, text="经核查，反映问题不属实。", actor=inspector)
    result = Notification.objects.order_by("pk").last()
    assert result.status == NotificationStatus.SENT and "结果" in result.text and "不属实" not in result.text
    services.report_erase(report=report, actor=inspector)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {""}
    assert audit.verify_chain().ok


def test_anonymous_and_unreachable_reporters_get_no_outbound_message(office, client):
    inspector, _other = office
    anonymous, _code = services.report_submit(
        text=TEXT, category="other", real_name=False, reporter_contact=MOBILE, channel="sms",
        rate_limited=False,
    )
    landline, _code = _submit(reporter_contact="010-12345678，来信寄某街道")
    for report in (anonymous, landline):
        services.assign(report=report, inspector=inspector, actor=inspector)
        services.report_accept(report=report, actor=inspector)
        services.message_send(report=report, kind="question", body="请补充时间地点", actor=inspector)
    assert not Notification.objects.exists()
    assert Message.objects.filter(notification__isnull=False).count() == 0
    client.force_login(inspector)
    assert "电话或信件" in client.get(f"/supervision/reports/{landline.pk}/").content.decode()
    assert "回执码" in client.get(f"/supervision/reports/{anonymous.pk}/").content.decode()


def test_a_wechat_notice_carries_the_link(office, django_capture_on_commit_callbacks):
    inspector, _other = office
    report, _code = _submit(reporter_contact="wechat:oOPENID123", channel="wechat")
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    row = Notification.objects.get()
    assert (row.channel, row.recipient) == ("wechat", "oOPENID123")
    assert row.text.endswith("举报页面：https://qinqing.example.gov.cn/supervision/report/status/")


def test_how_a_reporter_is_reached():
    def reach(contact, real_name=True):
        return services.reporter_reach(Report(real_name=real_name, reporter_contact=contact))

    assert reach("wechat:oABC123") == ("wechat", "oABC123")
    assert reach("+86 139-1234-5678") == ("sms", MOBILE)
    assert reach(MOBILE, real_name=False) is None
    assert reach("zhou@example.com") is None and reach("") is None


def test_inspectors_are_told_what_falls_due_counted_across_national_day(office, frozen_clock, client):
    inspector, other = office
    frozen_clock("2026-09-30 07:00")  # Wednesday; 1–7 October is the National Day holiday
    official = directory.make_official(name="孙某", unit=directory.make_unit(name="区住建局"))
    within = services.reminder_create(official=official, concern="苗头性问题甲", actor=inspector)
    EarlyReminder.objects.filter(pk=within.pk).update(follow_up_due=datetime.date(2026, 10, 9))
    beyond = services.reminder_create(official=official, concern="苗头性问题乙", actor=other)
    EarlyReminder.objects.filter(pk=beyond.pk).update(follow_up_due=datetime.date(2026, 10, 12))
    priority, _code = _submit(category="collusion")
    services.assign(report=priority, inspector=inspector, actor=inspector)
    services.report_accept(report=priority, actor=inspector)
    Report.objects.filter(pk=priority.pk).update(verify_due=datetime.date(2026, 10, 10))  # a make-up Saturday
    unassigned, _code = _submit(text="无人承办的举报")
    Report.objects.filter(pk=unassigned.pk).update(accept_due=datetime.date(2026, 10, 8))

    # 9 calendar days ahead but only 2 working days (8 and 9 October): due within 3 working days
    assert in_english(services.due_notices) == "2 notice(s) to inspectors, 0 already given"
    notices = list(InspectorNotice.objects.order_by("pk"))
    assert [(n.recipient, n.kind, n.reminder_id, n.report_id, n.due) for n in notices] == [
        (inspector, NoticeKind.FOLLOW_UP, within.pk, None, datetime.date(2026, 10, 9)),
        (inspector, NoticeKind.VERIFY, None, priority.pk, datetime.date(2026, 10, 10)),
    ]
    assert in_english(services.due_notices) == "0 notice(s) to inspectors, 2 already given"  # once each
    assert AuditEvent.objects.filter(action="supervision.notice.create").count() == 2

    frozen_clock("2026-10-08 07:00")  # back at work: 12 October is now 3 working days away
    assert in_english(services.due_notices).startswith("1 notice(s)")
    assert InspectorNotice.objects.filter(recipient=other, reminder=beyond, kind="follow_up").exists()

    client.force_login(inspector)
    page = client.get("/supervision/").content.decode()
    assert 'data-testid="my-notices"' in page and priority.number in page
    assert TEXT not in page and NAME not in page


def test_inspectors_are_told_as_many_working_days_ahead_as_the_administrator_set(
    office, frozen_clock, make_user
):
    """The inspectors' warning is data (core.time_limits, default 3 working days): set to 4, a follow-up due
    on 12 October (8, 9, 10 — a make-up Saturday — and 12 October) is told on 30 September; and the erasure
    of sealed content 40 days ahead is told once its warning is set to 40 days (default 30)."""
    from qinqing.core import time_limits

    inspector, _other = office
    admin = make_user(Role.ADMINISTRATOR)
    frozen_clock("2026-09-30 07:00")
    official = directory.make_official(name="孙某", unit=directory.make_unit(name="区住建局"))
    reminder = services.reminder_create(official=official, concern="苗头性问题乙", actor=inspector)
    EarlyReminder.objects.filter(pk=reminder.pk).update(follow_up_due=datetime.date(2026, 10, 12))
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    Report.objects.filter(pk=report.pk).update(status="closed", retain_until=datetime.date(2026, 11, 9))
    assert in_english(services.due_notices).startswith("0 notice(s)")
    time_limits.time_limit_set(actor=admin, key="supervision.due_warning", value=4)
    time_limits.time_limit_set(actor=admin, key="supervision.retention_warning", value=40)
    assert in_english(services.due_notices).startswith("2 notice(s)")
    kinds = set(InspectorNotice.objects.values_list("kind", flat=True))
    assert kinds == {NoticeKind.FOLLOW_UP, NoticeKind.RETENTION}


def test_retention_erasure_is_announced_to_the_assigned_inspector(office, frozen_clock):
    inspector, _other = office
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    Report.objects.filter(pk=report.pk).update(
        status="closed", retain_until=datetime.date(2026, 12, 20)
    )
    services.due_notices()
    notice = InspectorNotice.objects.get(kind=NoticeKind.RETENTION)
    assert notice.recipient == inspector and notice.due == datetime.date(2026, 12, 20)


def test_an_inspector_with_a_mobile_number_is_also_told_by_sms_naming_no_content(
    office, frozen_clock, client
):
    """Article 16: what falls due reaches the inspector outside the application too — an SMS on the outbox
    when the directory has their mobile number (the report's number and the date, never its content; a
    reminder talk's follow-up names nobody); without a number, the page says it was not sent."""
    inspector, other = office
    from qinqing.directory.models import Official
    from qinqing.directory.services import person_update

    person_update(person=Official.objects.get(user=inspector).person, phone="13800009999", actor=inspector)
    frozen_clock("2026-09-30 07:00")
    official = directory.make_official(name="孙某", unit=directory.make_unit(name="区住建局"))
    talk = services.reminder_create(official=official, concern="苗头性问题甲", actor=inspector)
    EarlyReminder.objects.filter(pk=talk.pk).update(follow_up_due=datetime.date(2026, 10, 9))
    priority, _code = _submit(category="collusion")
    services.assign(report=priority, inspector=inspector, actor=inspector)
    services.assign(report=priority, inspector=other, actor=inspector)
    services.report_accept(report=priority, actor=inspector)
    Report.objects.filter(pk=priority.pk).update(verify_due=datetime.date(2026, 10, 10))
    before = set(Notification.objects.values_list("pk", flat=True))

    services.due_notices()
    sent = Notification.objects.exclude(pk__in=before).order_by("pk")
    assert [(row.channel, row.recipient) for row in sent] == [("sms", "13800009999")] * 2
    follow_up, verify = (row.text for row in sent)
    assert "孙某" not in follow_up and "苗头" not in follow_up and "2026-10-09" in follow_up
    assert priority.number in verify and "2026-10-10" in verify and TEXT not in verify and NAME not in verify
    assert InspectorNotice.objects.get(recipient=other).notification is None
    event = AuditEvent.objects.filter(action="supervision.notice.create").order_by("seq").first()
    assert event.details == {"article": "16", "sms": True}

    client.force_login(other)
    assert "未发送：没有登记手机号码" in client.get("/supervision/").content.decode()


def test_form_limits_name_the_field_and_the_rule(office, client):
    inspector, _other = office
    client.force_login(inspector)
    unit = directory.make_unit(name="区交通局")
    long_theme = client.post(
        "/supervision/inspections/",
        {"unit": unit.pk, "kind": "open", "theme": "主" * 201, "planned_on": "2026-12-01"},
    )
    assert long_theme.status_code == 400 and 'data-field="theme"' in long_theme.content.decode()
    assert "200" in long_theme.content.decode()
    bad_date = client.post(
        "/supervision/inspections/", {"unit": unit.pk, "kind": "open", "theme": "作风", "planned_on": "明天"}
    )
    assert bad_date.status_code == 400 and 'data-field="planned_on"' in bad_date.content.decode()
    far = client.post(
        "/supervision/inspections/",
        {"unit": unit.pk, "kind": "open", "theme": "作风", "planned_on": "2031-01-01"},
    )
    assert far.status_code == 400 and 'data-field="planned_on"' in far.content.decode()
    page = client.get("/supervision/inspections/").content.decode()
    assert 'type="date" name="planned_on"' in page and 'id="id_planned_on"' in page  # core.forms.DateInput
    directory.make_official(name="吴某", unit=unit)  # named on the form, not picked from a list
    future_talk = client.post(
        "/supervision/reminders/", {"official": "吴某", "concern": "苗头", "talk_on": "2026-12-05"}
    )
    assert future_talk.status_code == 400 and 'data-field="talk_on"' in future_talk.content.decode()
    talk = client.post(
        "/supervision/reminders/", {"official": "吴某", "concern": "苗头", "talk_on": "2026-11-27"}
    )
    assert talk.status_code == 302
    assert EarlyReminder.objects.get().talk_on == datetime.date(2026, 11, 27)
    with pytest.raises(services.ServiceError) as refused:
        _submit(reporter_name="名" * 101)
    assert refused.value.field == "reporter_name" and refused.value.code == "too_long"
    api = client.post(
        "/api/v1/supervision/reports",
        {"text": "x", "category": "other", "real_name": False, "subject_text": "对" * 301},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["field"] == "subject_text"


def test_on_the_provisional_years_last_days_what_can_be_counted_is_told_what_cannot_is_skipped(
        office, frozen_clock):
    """2024–2026 loaded, 2027 provisional: on Wednesday 2027-12-29 the three working days ahead run into
    2028, which nothing covers, and the job failed whole. A follow-up due Friday 2027-12-31 (two working
    days on) is told; one due 2028-01-05 may or may not be within three working days: skipped, no notice,
    and the run fails saying one record could not be counted and that 2028's notice must be loaded."""
    from qinqing.core.errors import ServiceError

    inspector, other = office
    frozen_clock("2027-12-01 10:00")
    official = directory.make_official(name="孙某", unit=directory.make_unit(name="区住建局"))
    within = services.reminder_create(official=official, concern="苗头性问题甲", actor=inspector)
    EarlyReminder.objects.filter(pk=within.pk).update(follow_up_due=datetime.date(2027, 12, 31))
    beyond = services.reminder_create(official=official, concern="苗头性问题乙", actor=other)
    EarlyReminder.objects.filter(pk=beyond.pk).update(follow_up_due=datetime.date(2028, 1, 5))

    frozen_clock("2027-12-29 07:00")
    with pytest.raises(ServiceError) as skipped:
        services.due_notices()
    assert skipped.value.code == "calendar_year_not_loaded"
    assert (skipped.value.params["count"], skipped.value.params["year"]) == (1, 2028)
    told = list(InspectorNotice.objects.values_list("recipient", "kind", "reminder_id", "due"))
    assert told == [(inspector.pk, NoticeKind.FOLLOW_UP, within.pk, datetime.date(2027, 12, 31))]
