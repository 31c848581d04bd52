"""The procuratorate's legal supervision on the ledger (articles 12, 13): a procuratorial recommendation
(检察建议) to a body, answered in writing within two months or by the earlier date set; one not answered is
delivered to the body's leaders and the discipline office."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.appeals.models import Notification
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.models import OrganType
from qinqing.directory.tests import factories as directory
from qinqing.legal import services
from qinqing.legal.models import Notice, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock, settings):
    frozen_clock("2026-11-30 10:00")
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    procuratorate = directory.make_unit(name="示范区人民检察院", organ_type=OrganType.PROCURATORATE)
    bureau = directory.make_unit(name="区市场监管局")
    other = directory.make_unit(name="区税务局")
    prosecutor = make_user(Role.ENFORCEMENT_BODY)
    directory.make_official(unit=procuratorate, name="检察官甲", user=prosecutor)
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="局长", user=leader, phone="13900002222")
    stranger = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=other, name="钱多", user=stranger)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    return {
        "procuratorate": procuratorate,
        "bureau": bureau,
        "other": other,
        "prosecutor": prosecutor,
        "handler": handler,
        "leader": leader,
        "stranger": stranger,
        "inspector": inspector,
    }


def _issue(w, **extra):
    values = {
        "unit": w["bureau"],
        "number": "示检行建〔2026〕1号",
        "content": "对某企业查封账簿超期未解除，建议依法解除",
        "issued_on": datetime.date(2026, 11, 2),
        "actor": w["prosecutor"],
    }
    values.update(extra)
    return services.recommendation_issue(**values)


def test_the_answer_is_due_two_months_after_issue_or_by_an_earlier_date(world):
    w = world
    row = _issue(w)
    assert row.reply_due == datetime.date(2027, 1, 2) and row.procuratorate == w["procuratorate"]
    assert services.add_months(datetime.date(2026, 12, 31), 2) == datetime.date(2027, 2, 28)
    urgent = _issue(w, number="示检行建〔2026〕2号", reply_due=datetime.date(2026, 11, 20))
    assert urgent.reply_due == datetime.date(2026, 11, 20)
    with pytest.raises(ServiceError) as refused:
        _issue(w, number="示检行建〔2026〕3号", reply_due=datetime.date(2027, 1, 3))
    assert (refused.value.code, refused.value.field) == ("date_out_of_range", "reply_due")
    with pytest.raises(ConflictError) as refused:
        _issue(w)
    assert refused.value.field == "number"
    with pytest.raises(PermissionDeniedError):
        _issue(w, number="示检行建〔2026〕4号", actor=w["handler"])  # only the procuratorate's own account
    case = services.case_register(
        enterprise=directory.make_enterprise(),
        unit=w["other"],
        kind="administrative",
        court="示范区人民法院",
        case_number="（2026）示0101行初30号",
        filed_on=datetime.date(2026, 9, 1),
        actor=w["stranger"],
    )
    with pytest.raises(ServiceError) as refused:
        _issue(w, number="示检行建〔2026〕5号", case=case)  # another body's lawsuit
    assert refused.value.field == "case"
    assert AuditEvent.objects.filter(action="legal.recommendation.create").count() == 2


def test_the_body_answers_once_and_an_unanswered_one_is_delivered_when_overdue(
    world, frozen_clock, django_capture_on_commit_callbacks
):
    w = world
    answered, waiting = _issue(w), _issue(w, number="示检行建〔2026〕2号")
    with pytest.raises(PermissionDeniedError):
        services.recommendation_answer(recommendation=answered, reply="已解除", actor=w["stranger"])
    services.recommendation_answer(recommendation=answered, reply="已于11月25日解除查封", actor=w["handler"])
    with pytest.raises(ConflictError):
        services.recommendation_answer(recommendation=answered, reply="再答", actor=w["handler"])
    frozen_clock("2027-01-04 08:00")  # both were due on 2 January 2027
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_notices()
    notices = Notice.objects.filter(kind="recommendation")
    assert {(n.recommendation_id, n.recipient) for n in notices} == {
        (waiting.pk, w["leader"]),
        (waiting.pk, w["inspector"]),
    }
    sms = Notification.objects.get()
    assert sms.recipient == "13900002222" and "示检行建〔2026〕2号" in sms.text and "【" not in sms.text
    services.flag_notices()
    assert Notice.objects.filter(kind="recommendation").count() == 2  # once per person


def test_the_pages_register_answer_and_refuse_on_the_field(world):
    w = world
    web = Client()
    web.force_login(w["prosecutor"])
    url = reverse("legal:recommendations")
    answer = web.post(
        url,
        {
            "unit": w["bureau"].pk,
            "number": "示检行建〔2026〕7号",
            "content": "建议规范涉企检查频次",
            "issued_on": "2026-11-20",
        },
    )
    assert answer.status_code == 302
    row = Recommendation.objects.get()
    assert row.reply_due == datetime.date(2027, 1, 20)
    web.force_login(w["stranger"])
    assert "示检行建" not in web.get(url).content.decode()  # another body's recommendation
    assert web.post(reverse("legal:recommendation_answer", args=[row.pk]), {"reply": "x"}).status_code == 404
    web.force_login(w["handler"])
    refused = web.post(reverse("legal:recommendation_answer", args=[row.pk]), {"reply": ""})
    assert refused.status_code == 400 and 'data-field="reply"' in refused.content.decode()
    done = web.post(reverse("legal:recommendation_answer", args=[row.pk]), {"reply": "已制定检查计划"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.replied_on == datetime.date(2026, 11, 30)
    refused = web.post(
        url, {"unit": w["bureau"].pk, "number": "x", "content": "y", "issued_on": "2026-11-20"}
    )
    assert refused.status_code == 403  # a handler does not issue recommendations
