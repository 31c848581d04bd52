"""The flags and overdue obligations are delivered (articles 13, 15.6): a notice in the application to each
supervising leader over the body and each discipline inspector, once; an SMS on the appeals outbox to those
whose directory record has a mobile number, with its honest state (queued, sent, failed, not sent)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.appeals.models import Notification, NotificationStatus
from qinqing.appeals.tests.sms_backends import SENT
from qinqing.appeals.workflow import notify
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.legal import services
from qinqing.legal.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-28 10:00")
    government = directory.make_unit(name="示范区人民政府")
    bureau = directory.make_unit(name="区市场监管局", parent=government)
    other = directory.make_unit(name="区税务局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler, phone="13700137000")
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="副局长", user=leader, phone="13800138000")
    above = make_user(Role.SUPERVISING_LEADER)  # over the whole government: sees the bureau's flags too
    directory.make_official(unit=government, name="何副区长", position="副区长", user=above)
    other_leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(
        unit=other, name="钱领导", position="局长", user=other_leader, phone="13900139000"
    )
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)  # no directory record: in the application only
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    return {
        "bureau": bureau, "other": other, "handler": handler, "leader": leader, "above": above,
        "other_leader": other_leader, "inspector": inspector, "enterprise": enterprise,
    }


def _register(w, kind="charge", subtype="fine", day=datetime.date(2026, 9, 20), **extra):
    return services.action_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind=kind, subtype=subtype, started_on=day,
        actor=w["handler"], **extra,
    )


def _delivered(kind):
    return {(n.recipient_id, n.action_id or n.obligation_id) for n in Notice.objects.filter(kind=kind)}


def test_a_charge_without_a_legal_basis_is_delivered_to_the_units_leaders_and_the_office_once(world, sms):
    w = world
    sms("RecordingSms")
    fine = _register(w, amount="5000")
    _register(w, legal_basis="《行政处罚法》第二十八条", amount="800")  # with a basis: nothing to deliver
    recipients = {w["leader"].pk, w["above"].pk, w["inspector"].pk}
    assert _delivered("no_basis") == {(pk, fine.pk) for pk in recipients}
    # only the leader has a mobile number: one SMS queued, not yet sent; the others in the application only
    leader_notice = Notice.objects.get(recipient=w["leader"])
    assert leader_notice.notification.status == NotificationStatus.QUEUED and SENT == []
    assert Notice.objects.filter(notification__isnull=True).count() == 2
    assert notify.deliver_report().sent == 1
    leader_notice.notification.refresh_from_db()
    assert leader_notice.notification.status == NotificationStatus.SENT
    assert SENT[0][0] == "13800138000" and "区市场监管局" in SENT[0][1] and "罚款" in SENT[0][1]
    assert AuditEvent.objects.filter(action="legal.notice.deliver").count() == 3
    # the daily job finds the same flag: nothing delivered twice
    assert in_english(services.flag_notices).startswith("0 ")
    assert not Notice.objects.filter(recipient__in=[w["other_leader"], w["handler"]]).exists()

    page = Client()
    page.force_login(w["leader"])
    html = page.get(reverse("legal:flags")).content.decode()
    assert 'data-testid="my-notices"' in html and "已发送" in html
    page.force_login(w["inspector"])
    html = page.get(reverse("legal:flags")).content.decode()
    assert "未发送：没有登记手机号码" in html and 'data-testid="delivered-notices"' in html


def test_a_flag_raised_from_an_english_page_is_sent_in_the_districts_language(world, sms):
    """The SMS goes to the leader, whatever language the handler who registered the charge reads: the
    flag's kind and the charge's kind (罚款, not "fine") in the district's language."""
    from django.utils import translation

    w = world
    sms("RecordingSms")
    with translation.override("en"):
        _register(w, amount="5000")
    assert notify.deliver_report().sent == 1
    assert SENT[0][0] == "13800138000" and "罚款" in SENT[0][1] and "fine" not in SENT[0][1].lower()


def test_repeated_inspections_and_a_measure_past_its_term_are_delivered(world, sms, frozen_clock):
    w = world
    sms("RecordingSms")
    for day in (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)):
        _register(w, kind="inspection", subtype="inspection", day=day)
    assert not Notice.objects.exists()
    third = _register(w, kind="inspection", subtype="inspection", day=datetime.date(2026, 9, 25))
    assert _delivered("repeated") == {(u.pk, third.pk) for u in (w["leader"], w["above"], w["inspector"])}
    seal = _register(
        w, kind="measure", subtype="seal", legal_basis="《行政强制法》第二十五条",
        ends_on=datetime.date(2026, 10, 5),
    )
    # the term ends during the National Day holiday: past it on the 6th, found by the daily job that day
    frozen_clock("2026-10-05 08:00")
    assert in_english(services.flag_notices).startswith("0 ")
    frozen_clock("2026-10-06 08:00")
    assert in_english(services.flag_notices).startswith("3 ")
    assert in_english(services.flag_notices).startswith("0 ")
    assert _delivered("past_term") == {(u.pk, seal.pk) for u in (w["leader"], w["above"], w["inspector"])}


def test_a_lawsuit_then_later_actions_are_delivered_as_possible_retaliation(world, sms):
    w = world
    sms("RecordingSms")
    later = _register(w, kind="inspection", subtype="inspection", day=datetime.date(2026, 9, 20))
    assert not Notice.objects.filter(kind="retaliation").exists()
    # the lawsuit is registered afterwards, filed before the inspection: the inspection is delivered now
    services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="administrative", court="示范区人民法院",
        case_number="（2026）示0101行初20号", filed_on=datetime.date(2026, 9, 10), actor=w["handler"],
    )
    assert _delivered("retaliation") == {(u.pk, later.pk) for u in (w["leader"], w["above"], w["inspector"])}


def test_an_overdue_judgment_obligation_is_delivered_and_a_refused_sms_ends_failed(world, sms, frozen_clock):
    w = world
    sms("RefusingSms")
    case = services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="administrative", court="示范区人民法院",
        case_number="（2026）示0101行初12号", filed_on=datetime.date(2026, 6, 1), actor=w["handler"],
    )
    services.case_update(
        case=case, cooperation="按期提交证据", outcome="judgment", outcome_on=datetime.date(2026, 9, 1),
        actor=w["handler"],
    )
    case.refresh_from_db()
    owed = services.obligation_add(
        case=case, text="退还罚款五千元", due_on=datetime.date(2026, 9, 30), actor=w["handler"]
    )
    # the deadline is the court's date, not working days: late from 1 October, holiday or not
    before = in_english(services.obligation_alerts, datetime.date(2026, 9, 30))
    assert before.endswith("0 notice(s) delivered")
    assert in_english(services.obligation_alerts, datetime.date(2026, 10, 1)) == (
        "1 overdue obligation(s) recorded, 3 notice(s) delivered"
    )
    assert in_english(services.obligation_alerts, datetime.date(2026, 10, 2)).startswith("0 ")
    assert _delivered("obligation") == {(u.pk, owed.pk) for u in (w["leader"], w["above"], w["inspector"])}
    notice = Notice.objects.get(kind="obligation", recipient=w["leader"])
    notify.deliver_report()
    notice.notification.refresh_from_db()
    assert notice.notification.status == NotificationStatus.QUEUED and notice.notification.attempts == 1
    Notification.objects.filter(pk=notice.notification_id).update(attempts=notify.MAX_ATTEMPTS - 1)
    frozen_clock("2026-10-01 12:00")
    notify.deliver_report()
    notice.notification.refresh_from_db()
    assert notice.notification.status == NotificationStatus.FAILED and notice.notification.sent_at is None
    page = Client()
    page.force_login(w["leader"])
    html = page.get(reverse("legal:flags")).content.decode()
    assert "（2026）示0101行初12号" in html and "失败" in html


def test_without_an_sms_template_the_sms_is_not_sent_and_says_so(world, settings):
    w = world
    settings.APPEALS_DELIVER_ON_COMMIT = False
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_BACKEND": "tencentcloud",
        "TENCENTCLOUD_SECRET_ID": "",
        "TENCENTCLOUD_SMS_TEMPLATE_ID": "",
        "TENCENTCLOUD_SMS_TEMPLATES": {},
    }
    _register(w, amount="100")
    notify.deliver_report()
    notice = Notice.objects.get(recipient=w["leader"])
    notice.notification.refresh_from_db()
    assert notice.notification.status == NotificationStatus.MANUAL  # never "sent"
