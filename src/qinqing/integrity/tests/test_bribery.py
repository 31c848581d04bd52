"""Bribery-record queries: asked by the enterprise, due in three working days, answered with a numbered, verifiable PDF letter."""  # noqa: E501

import datetime

import pytest
from django.urls import reverse

from qinqing.core.audit import SystemActor
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.core.testing import pdf_pages
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import BriberyQuery

pytestmark = pytest.mark.django_db


def test_a_query_is_due_in_three_working_days_and_answered_with_a_verifiable_letter(
    client, make_user, workday_calendar, frozen_clock
):
    frozen_clock("2026-09-30 10:00")  # before the National Day holiday: 1-7 October are not working days
    enterprise = directory.make_enterprise(name="投标人有限公司")
    user, credit = make_user(Role.ENTERPRISE_USER), make_user(Role.CREDIT_ADMINISTRATOR)
    directory.make_membership(user=user, enterprise=enterprise)
    with pytest.raises(PermissionDeniedError):
        services.bribery_request(enterprise=directory.make_enterprise(), purpose="投标", actor=user)
    client.force_login(user)
    assert (
        client.post(
            "/integrity/bribery/", {"enterprise": enterprise.pk, "purpose": "参加区政府采购项目投标"}
        ).status_code
        == 302
    )
    query = BriberyQuery.objects.get()
    assert query.due_on == datetime.date(
        2026, 10, 10
    )  # 10-8, 10-9 and the make-up Saturday 10-10, by the calendar
    client.force_login(credit)
    assert client.post(f"/integrity/bribery/{query.pk}/answer/", {"result": "no_record"}).status_code == 302
    query.refresh_from_db()
    assert (
        query.number == "亲清档查〔2026〕0001号"
        and query.status == "answered"
        and len(query.verification_code) == 12
    )
    client.force_login(user)
    pdf = client.get(f"/integrity/bribery/{query.pk}/letter.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    (letter,) = pdf_pages(pdf.content)
    # the letter is no approval letter (the shared label said 本批准函); dated as an official letter is
    assert "本函可在以下地址核验" in letter and "批准函" not in letter
    assert "2026年9月30日" in letter and letter.endswith("—1—")
    client.logout()
    page = client.get("/integrity/bribery/verify/", {"code": query.verification_code}).content.decode()
    assert query.number in page and "投标人有限公司" in page
    assert (
        'data-testid="not-verified"'
        in client.get("/integrity/bribery/verify/", {"code": "NOSUCHCODE"}).content.decode()
    )


def test_a_query_is_due_in_as_many_working_days_as_the_administrator_set(
    make_user, workday_calendar, frozen_clock
):
    """The answer's working days are data (core.time_limits, default 3): set to 5, a query of Wednesday 30
    September is due on Tuesday 13 October (8, 9, 10 — a make-up Saturday —, 12 and 13 October)."""
    from qinqing.core import calendar, time_limits

    frozen_clock("2026-09-30 10:00")
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="integrity.bribery_answer", value=5)
    query = services.bribery_request(enterprise=directory.make_enterprise(), purpose="投标", actor=credit)
    assert query.due_on == calendar.add_workdays(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 13)


def test_the_pages_say_the_time_limits_the_administrator_set(make_user, client):
    """The pages' hints read the limits as they are set, not the defaults written into their words: the
    bribery page's answer period, the education page's plan reminder, the measures page's expiry warning,
    the discipline office's retention warning and the public report page's acceptance period."""
    from qinqing.core import time_limits
    from qinqing.supervision import services as supervision

    admin = make_user(Role.ADMINISTRATOR)
    for key, value in (("integrity.bribery_answer", 5), ("policy.plan_warning", 6),
                       ("policy.expiry_warning", 45), ("supervision.retention_warning", 40)):
        time_limits.time_limit_set(actor=admin, key=key, value=value)
    client.force_login(make_user(Role.CREDIT_ADMINISTRATOR))
    assert "5个工作日内以编号的结果函答复" in client.get(reverse("integrity:bribery")).content.decode()
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER))
    assert "计划活动举办前 6 个工作日提醒组织者" in client.get(reverse("policy:education")).content.decode()
    assert "45 天内失效的政策文件" in client.get(reverse("policy:measures")).content.decode()
    assert "40 天内将删除内容的举报" in client.get(reverse("supervision:dashboard")).content.decode()
    supervision.deadlines_update(accept_days=10, result_days=15, verify_days=60, actor=admin)
    client.logout()
    assert "10 个工作日内告知是否受理" in client.get(reverse("supervision:report_new")).content.decode()


def test_no_record_cannot_be_answered_when_a_conviction_is_on_file(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    head = directory.make_person()
    enterprise = directory.make_enterprise(legal_representative=head)
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    services.record_add(person=head, kind="bribery_conviction", title="行贿罪判决", source="区人民法院",
                        occurred_on=datetime.date(2025, 5, 1), actor=SystemActor("test"))
    query = services.bribery_request(enterprise=enterprise, purpose="投标", actor=credit)
    with pytest.raises(ServiceError) as error:
        services.bribery_answer(query=query, result="no_record", actor=credit)
    assert error.value.code == "record_on_file"
    answered = services.bribery_answer(
        query=query, result="record_found", text="法定代表人2025年行贿罪判决", actor=credit
    )
    assert answered.result == "record_found"


def test_a_due_date_counted_on_the_provisional_year_is_counted_again_when_the_notice_is_loaded(
    make_user, workday_calendar, frozen_clock
):
    from qinqing.core import audit
    from qinqing.core.calendar.services import calendar_notice_load
    from qinqing.core.models import AuditEvent, DeadlineBasis
    from qinqing.core.testing import NOTICE_2027

    frozen_clock("2027-01-27 10:00")  # 2027 not yet loaded: its provisional schedule works Sunday 31 January
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    pending = services.bribery_request(enterprise=directory.make_enterprise(), purpose="投标", actor=credit)
    answered = services.bribery_request(enterprise=directory.make_enterprise(), purpose="投标", actor=credit)
    assert pending.due_on == answered.due_on == datetime.date(2027, 1, 31)
    services.bribery_answer(query=answered, result="no_record", actor=credit)

    calendar_notice_load(text=NOTICE_2027, actor=make_user(Role.ADMINISTRATOR))

    pending.refresh_from_db()
    answered.refresh_from_db()
    assert pending.due_on == datetime.date(2027, 2, 1), "the notice does not work Sunday 31 January"
    assert answered.due_on == datetime.date(2027, 1, 31), "an answered query is left as it was"
    event = AuditEvent.objects.get(action="integrity.bribery.deadline_recount")
    assert event.object_id == str(pending.pk)
    assert (event.details["calendar_year"], event.details["due_before"], event.details["due_after"]) == (
        2027, "2027-01-31", "2027-02-01")
    assert not DeadlineBasis.objects.exists()
    assert audit.verify_chain().ok
