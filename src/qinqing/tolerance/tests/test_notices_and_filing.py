"""Article 22: the alerts are delivered to named people (a notice in the application, an SMS on the appeals
outbox to those with a mobile number), across holidays; the organisation department's own account reads the
conclusions filed with it and records their receipt and use, and nothing else."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.appeals.models import NotificationStatus
from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.tolerance import services
from qinqing.tolerance.models import FilingReceipt, Notice

pytestmark = pytest.mark.django_db

YES = {
    "trial": True, "trial_evidence": "首次试点（会议纪要）",
    "exploration": True, "exploration_evidence": "上级未禁止（文件清单）",
    "unintended": True, "unintended_evidence": "无个人利益（审计报告）",
    "lawful_process": True, "public_interest": True, "no_private_gain": True, "prompt_correction": True,
}


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock, settings):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    frozen_clock("2026-09-29 10:00")  # a Tuesday before the 2026 National Day holiday (1–7 October)
    unit = directory.make_unit(name="区发改局")
    discipline = directory.make_unit(name="区纪委监委")
    org = directory.make_unit(name="区委组织部")
    other_org = directory.make_unit(name="某县委组织部")
    official_user = make_user(Role.OFFICIAL)
    official = directory.make_official(unit=unit, name="李明", position="科长", user=official_user)
    first = make_user(Role.DISCIPLINE_INSPECTOR)
    directory.make_official(unit=discipline, name="赵磊", user=first, phone="13800138000")
    second = make_user(Role.DISCIPLINE_INSPECTOR)
    directory.make_official(unit=discipline, name="钱敏", user=second)
    org_user = make_user(Role.ORGANISATION_DEPARTMENT)
    directory.make_official(unit=org, name="黄志", user=org_user, phone="13900139000")
    other_org_user = make_user(Role.ORGANISATION_DEPARTMENT)
    directory.make_official(unit=other_org, name="孙雷", user=other_org_user)
    return {
        "official_user": official_user, "official": official, "first": first, "second": second,
        "org": org, "org_user": org_user, "other_org_user": other_org_user,
    }


def _submit(w, matter="先行先试审批改革"):
    return services.request_submit(
        actor=w["official_user"], official=w["official"], submitter="official", matter=matter,
        facts="在审批改革试点中简化了一项程序", evidence="会议纪要",
    )


def _notices(kind):
    return {(n.recipient_id, n.request_id, n.due) for n in Notice.objects.filter(kind=kind)}


def test_an_overdue_step_is_delivered_after_the_holiday_to_every_inspector_then_to_the_handling_one(
    office, frozen_clock
):
    w = office
    row = _submit(w)
    assert row.step_due == datetime.date(2026, 10, 12)  # five working days across National Day
    # within the limit (the holiday does not count): nothing delivered
    assert in_english(services.overdue_alerts, datetime.date(2026, 10, 12)).startswith("0 ")
    assert not Notice.objects.exists()
    services.overdue_alerts(datetime.date(2026, 10, 13))
    # nobody has acted on it: the whole office is told, each once
    assert _notices("overdue") == {
        (w["first"].pk, row.pk, row.step_due), (w["second"].pk, row.pk, row.step_due)
    }
    services.overdue_alerts(datetime.date(2026, 10, 14))
    assert Notice.objects.count() == 2
    sms = Notice.objects.get(recipient=w["first"]).notification
    assert sms.channel == "sms" and sms.status == NotificationStatus.QUEUED and row.number in sms.text
    assert Notice.objects.get(recipient=w["second"]).notification is None  # no mobile number on file
    assert AuditEvent.objects.filter(action="tolerance.notice.deliver").count() == 2

    # the first inspector accepts it (late): the deliberation's lapse goes to them only
    frozen_clock("2026-10-14 10:00")
    services.request_accept(request=row, actor=w["first"])
    row.refresh_from_db()
    services.overdue_alerts(row.step_due + datetime.timedelta(days=1))
    late = Notice.objects.filter(kind="overdue", due=row.step_due)
    assert [n.recipient_id for n in late] == [w["first"].pk]

    web = Client()
    web.force_login(w["first"])
    page = web.get(reverse("tolerance:requests")).content.decode()
    assert 'data-testid="my-notices"' in page and row.number in page and "待发送" in page
    web.force_login(w["second"])
    page = web.get(reverse("tolerance:requests")).content.decode()
    assert "未发送：没有登记手机号码" in page


def test_the_organisation_department_receives_the_filed_conclusion_and_records_its_use(office, frozen_clock):
    w = office
    row = _submit(w)
    services.request_accept(request=row, actor=w["first"])
    services.request_deliberate(request=row, answers=YES, actor=w["first"])
    services.request_determine(request=row, determination="lighter", reasons="符合容错情形", actor=w["first"])
    row.refresh_from_db()
    with pytest.raises(PermissionDeniedError):  # not filed with the department (yet)
        services.filing_receive(request=row, actor=w["org_user"])
    services.request_file(request=row, organisation_department=w["org"], actor=w["first"])
    row.refresh_from_db()
    # delivered to the department's account, by SMS too (it has a mobile number); not to another department
    notice = Notice.objects.get(kind="filed")
    assert notice.recipient == w["org_user"] and notice.notification.status == NotificationStatus.QUEUED

    web = Client()
    web.force_login(w["org_user"])
    listing = web.get(reverse("tolerance:filings"))
    assert listing.status_code == 200 and row.number in listing.content.decode()
    detail = web.get(reverse("tolerance:filing_detail", args=[row.pk])).content.decode()
    assert "符合容错情形" in detail and 'data-testid="checklist"' in detail and "未签收" not in detail
    assert web.post(reverse("tolerance:filing_detail", args=[row.pk]), {"use_note": ""}).status_code == 302
    receipt = FilingReceipt.objects.get(request=row)
    assert receipt.received_by == w["org_user"] and receipt.received_on == datetime.date(2026, 9, 29)
    refused = web.post(reverse("tolerance:filing_detail", args=[row.pk]), {"use_note": "长" * 20000})
    assert refused.status_code == 400
    frozen_clock("2026-10-09 10:00")
    web.force_login(w["org_user"])  # ten days later: a new session
    detail = reverse("tolerance:filing_detail", args=[row.pk])
    noted = web.post(detail, {"use_note": "年度考核中不作负面评价"})
    assert noted.status_code == 302
    receipt.refresh_from_db()
    assert receipt.use_note == "年度考核中不作负面评价" and receipt.use_noted_on == datetime.date(2026, 10, 9)
    trail = [e.action for e in audit.trail_for(receipt)]
    assert trail == ["tolerance.filing.note", "tolerance.filing.receive"]
    with pytest.raises(ServiceError):  # a later visit must say something
        services.filing_receive(request=row, use_note="", actor=w["org_user"])

    # nothing else: not the requests, not another department's filing, not the office's pages
    assert web.get(reverse("tolerance:requests")).status_code == 403
    assert web.get(reverse("tolerance:request_detail", args=[row.pk])).status_code == 403
    assert web.get(reverse("legal:flags")).status_code == 403
    web.force_login(w["other_org_user"])
    assert web.get(reverse("tolerance:filing_detail", args=[row.pk])).status_code == 404
    assert row.number not in web.get(reverse("tolerance:filings")).content.decode()
    with pytest.raises(PermissionDeniedError):
        services.filing_receive(request=row, actor=w["other_org_user"])
    with pytest.raises(PermissionDeniedError):
        services.filing_receive(request=row, actor=w["first"])
    # the office sees that the department received it
    web.force_login(w["first"])
    page = web.get(reverse("tolerance:request_detail", args=[row.pk])).content.decode()
    assert "组织部门签收日期" in page and "年度考核中不作负面评价" in page


def test_a_revisit_due_is_delivered_to_the_inspectors_who_handled_the_request(office, frozen_clock):
    w = office
    row = _submit(w)
    services.request_accept(request=row, actor=w["second"])
    services.request_deliberate(request=row, answers=YES, actor=w["second"])
    services.request_determine(request=row, determination="exempted", reasons="免责", actor=w["second"])
    services.request_file(request=row, organisation_department=w["org"], actor=w["second"])
    row.refresh_from_db()
    frozen_clock(f"{row.revisit_due.isoformat()} 09:00")
    assert in_english(services.revisit_due, row.pk) == "1 revisit(s) due recorded"
    assert _notices("revisit") == {(w["second"].pk, row.pk, row.revisit_due)}
    services.overdue_alerts(row.revisit_due)  # the daily job finds the same revisit: not delivered twice
    assert Notice.objects.filter(kind="revisit").count() == 1
    # The alert itself is on the trail, once (the daily job's second finding is the same row).
    events = AuditEvent.objects.filter(action="tolerance.alert.create")
    assert [(event.object_type, event.details) for event in events] == [
        ("tolerance.Alert", {"article": "22", "kind": "revisit"})]
    assert audit.verify_chain().problems == []


def test_the_requests_the_filings_and_the_clearing_notices_are_paged_none_cut_off(office):
    from qinqing.core import clock
    from qinqing.tolerance.models import Status, ToleranceRequest

    official = office["official"]
    day = datetime.date(2026, 9, 1)
    ToleranceRequest.objects.bulk_create(
        ToleranceRequest(
            number=f"RC-P{index:03d}", official=official, unit=official.unit, submitter="official",
            submitted_by=office["official_user"], matter=f"事项{index:03d}", facts="事实", evidence="证据",
            status=Status.FILED, submitted_on=day, filed_on=day, organisation_department=office["org"],
            clearing_published_on=day, created_at=clock.now(),
        )
        for index in range(53)
    )
    web = Client()
    for user, name, marker in (
        (office["first"], "tolerance:requests", 'data-testid="request-row"'),
        (office["org_user"], "tolerance:filings", 'data-testid="filing-row"'),
        (None, "tolerance:clearings_public", "<li><a href="),
    ):
        if user is not None:
            web.force_login(user)
        else:
            web.logout()
        first = web.get(reverse(name), {"x": "1"}).content.decode()
        second = web.get(reverse(name), {"x": "1", "page": 2}).content.decode()
        assert first.count(marker) == 50 and second.count(marker) == 3, name
        assert "第 1 页，共 2 页（53 条记录）" in first and "?x=1&amp;page=2" in first, name
        assert "第 2 页，共 2 页（53 条记录）" in second, name
