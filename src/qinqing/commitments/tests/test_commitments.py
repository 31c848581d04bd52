"""The commitments memorandum (article 10): workflow, scopes, breach flags as appeals, deadline alerts in
working days across a real holiday, the ledger import, the public pages and their Atom feed."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qinqing.appeals.models import Appeal
from qinqing.commitments import importing, selectors, services
from qinqing.commitments.models import AlertKind, Commitment, DeadlineAlert, Scope, Status
from qinqing.core import audit, calendar
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-14 10:00")
    bureau = directory.make_unit(name="区投资促进局")
    other = directory.make_unit(name="区税务局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    other_handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=other, name="周敏", user=other_handler)
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="局长", user=leader)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=enterprise)
    other_firm = directory.make_enterprise(name="示范区远航物流有限公司")
    other_firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=other_firm_user, enterprise=other_firm)
    return {
        "bureau": bureau,
        "other": other,
        "handler": handler,
        "other_handler": other_handler,
        "leader": leader,
        "inspector": inspector,
        "enterprise": enterprise,
        "firm_user": firm_user,
        "other_firm": other_firm,
        "other_firm_user": other_firm_user,
    }


def _register(w, **extra):
    values = {
        "enterprise": w["enterprise"],
        "unit": w["bureau"],
        "kind": "investment",
        "title": "落实用地指标",
        "content": "三个月内完成项目用地供应",
        "made_on": D(2026, 9, 1),
        "deadline": D(2026, 10, 12),
        "legal_basis": "招商引资协议第五条",
        "actor": w["handler"],
    }
    values.update(extra)
    return services.commitment_register(**values)


def test_register_numbers_and_audits(world):
    row = _register(world)
    assert row.number.startswith("CN2026-")
    assert row.status == Status.REGISTERED and row.scope == Scope.INTERNAL
    assert audit.trail_for(row)


def test_another_unit_may_not_register_or_act(world):
    with pytest.raises(PermissionDeniedError):
        _register(world, actor=world["other_handler"])
    row = _register(world)
    with pytest.raises(PermissionDeniedError):
        services.commitment_start(commitment=row, actor=world["other_handler"])


def test_deadline_before_made_on_refused_naming_field(world):
    with pytest.raises(ServiceError) as error:
        _register(world, deadline=D(2026, 8, 1))
    assert error.value.field == "deadline"


def test_workflow_change_needs_reason_and_approval(world):
    row = _register(world)
    row = services.commitment_start(commitment=row, actor=world["handler"])
    row = services.commitment_progress(commitment=row, text="完成选址", progress=40, actor=world["handler"])
    assert row.progress == 40 and row.notes.count() == 1
    with pytest.raises(ServiceError) as error:
        services.commitment_request_change(commitment=row, reason="", actor=world["handler"])
    assert error.value.field == "reason"
    row = services.commitment_request_change(
        commitment=row, reason="规划调整", new_deadline="2026-12-31", actor=world["handler"]
    )
    assert row.status == Status.CHANGE_REQUESTED
    with pytest.raises(PermissionDeniedError):  # the handler does not approve their own change
        services.commitment_decide_change(
            commitment=row, approve=True, text="区政府常务会议纪要", actor=world["handler"]
        )
    row = services.commitment_decide_change(
        commitment=row, approve=True, text="区政府常务会议纪要〔2026〕9号", actor=world["leader"]
    )
    assert row.status == Status.CHANGED and row.deadline == D(2026, 12, 31)
    row = services.commitment_close(commitment=row, fulfilled=True, outcome="已供地", actor=world["handler"])
    assert row.status == Status.FULFILLED and row.progress == 100
    with pytest.raises(ConflictError):
        services.commitment_close(commitment=row, fulfilled=False, outcome="x", actor=world["inspector"])


def test_alerts_in_working_days_across_national_day(world, frozen_clock):
    # The real 2026 schedule: 1–7 October are holidays, Saturday 10 October is a make-up working day.
    assert not calendar.is_workday(D(2026, 10, 5)) and calendar.is_workday(D(2026, 10, 10))
    row = _register(world)  # deadline Monday 12 October
    # 7 working days
    assert in_english(services.deadline_alerts, D(2026, 9, 25)).startswith("0 deadline alert(s)")
    services.deadline_alerts(D(2026, 9, 30))  # 8, 9, 10 and 12 October: 4 working days (12 calendar days)
    assert list(row.alerts.values_list("kind", flat=True)) == [AlertKind.BEFORE]
    services.deadline_alerts(D(2026, 10, 8))
    assert row.alerts.count() == 1  # recorded once
    services.deadline_alerts(D(2026, 10, 12))
    services.deadline_alerts(D(2026, 10, 13))
    assert set(row.alerts.values_list("kind", flat=True)) == {
        AlertKind.BEFORE,
        AlertKind.DUE,
        AlertKind.OVERDUE,
    }
    frozen_clock("2026-10-13 10:00")
    assert list(selectors.overdue(world["inspector"])) == [row]
    assert list(selectors.overdue(world["other_handler"])) == []
    services.commitment_close(commitment=row, fulfilled=False, outcome="未供地", actor=world["inspector"])
    assert DeadlineAlert.objects.filter(commitment=row).count() == 3
    assert list(selectors.overdue(world["inspector"])) == [Commitment.objects.get(pk=row.pk)]


def test_the_alert_comes_as_many_working_days_ahead_as_the_administrator_set(world, make_user):
    """The alert's working days are data (core.time_limits, default 5): set to 7, the deadline of Monday 12
    October is alerted on 25 September; set to 40, one 46 calendar days away is (no fixed scan window)."""
    from qinqing.core import time_limits

    row = _register(world)
    assert time_limits.value("commitments.alert") == 5
    assert in_english(services.deadline_alerts, D(2026, 9, 25)).startswith("0 deadline alert(s)")
    time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="commitments.alert", value=7)
    assert calendar.workdays_between(D(2026, 9, 25), row.deadline) == 7
    services.deadline_alerts(D(2026, 9, 25))
    assert list(row.alerts.values_list("kind", flat=True)) == [AlertKind.BEFORE]
    later = _register(world, deadline=D(2026, 10, 30))
    assert (later.deadline - D(2026, 9, 14)).days == 46
    assert calendar.workdays_between(D(2026, 9, 14), later.deadline) < 40
    assert services.alerts_due(later.deadline, D(2026, 9, 14)) is None
    time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="commitments.alert", value=40)
    services.deadline_alerts(D(2026, 9, 14))
    assert list(later.alerts.values_list("kind", flat=True)) == [AlertKind.BEFORE]


def test_each_alert_is_an_audit_event_even_when_the_unit_has_nobody_to_tell(world, make_user):
    """The daily job's alerts are audited records: one event each (the notices have their own), and
    the record check finds every alert matching its last event. A unit with no handler or leader on
    record gets no notice, yet its alert is on the trail."""
    from django.db import connection

    from qinqing.core.models import AuditEvent

    # A unit with nobody on record yet, its commitment registered by an administrator.
    row = _register(world, unit=directory.make_unit(name="区新设机构"), actor=make_user(Role.ADMINISTRATOR))
    assert in_english(services.deadline_alerts, D(2026, 9, 30)) == (
        "1 deadline alert(s) recorded, 0 notice(s) to the responsible units")
    alert = DeadlineAlert.objects.get(commitment=row)
    event = AuditEvent.objects.get(action="commitments.deadlinealert.create")
    assert (event.object_type, event.object_id) == ("commitments.DeadlineAlert", str(alert.pk))
    assert event.details == {"article": services.ARTICLE, "kind": AlertKind.BEFORE}
    assert audit.verify_chain().problems == []
    # The first migrate adopted the alerts already there and left its marker, so an alert
    # written later with SQL is never adopted: the record check reports it.
    assert AuditEvent.objects.filter(action="commitments.deadlinealert.adopt").exists()
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO commitments_deadlinealert (commitment_id, kind, deadline, found_on) "
                       "VALUES (%s, 'due', %s, %s)", [row.pk, row.deadline, row.deadline])
    action = "commitments.deadlinealert.adopt"
    assert audit.adopt_rows_once([DeadlineAlert], action=action, actor_label="x") == 0
    assert any("without any audit event" in problem for problem in audit.verify_chain().problems)

def test_enterprise_sees_its_own_and_flags_a_breach_as_appeal(world):
    row = _register(world)
    assert list(selectors.commitments(world["firm_user"])) == [row]
    assert list(selectors.commitments(world["other_firm_user"])) == []
    with pytest.raises(PermissionDeniedError):
        services.breach_flag(commitment=row, text="未按期供地", actor=world["other_firm_user"])
    flag = services.breach_flag(commitment=row, text="未按期供地", actor=world["firm_user"])
    appeal = Appeal.objects.get(pk=flag.appeal_id)
    assert appeal.enterprise_id == world["enterprise"].pk
    assert row.number in appeal.content
    client = Client()
    client.force_login(world["firm_user"])
    page = client.get(reverse("commitments:detail", args=[row.pk]))
    assert appeal.tracking_number in page.content.decode()
    client.force_login(world["other_firm_user"])
    assert client.get(reverse("commitments:detail", args=[row.pk])).status_code == 404
    # the appeal's page links back to the commitment for whoever may open it (role and scope)
    page = client_for(world["firm_user"]).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'data-testid="appeal-commitment"' in page
    assert reverse("commitments:detail", args=[row.pk]) in page
    from django.template import Context, Template
    from django.test import RequestFactory

    def card(user):
        request = RequestFactory().get("/")
        request.user = user
        tpl = Template("{% load commitments_links %}{% commitment_of_appeal appeal %}")
        return tpl.render(Context({"request": request, "appeal": appeal}))

    assert reverse("commitments:detail", args=[row.pk]) in card(world["handler"])
    other_unit = card(world["other_handler"])  # may open commitments, not this unit's: number, no link
    assert row.number in other_unit and reverse("commitments:detail", args=[row.pk]) not in other_unit


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_overdue_and_breached_card_on_the_supervision_page(world, frozen_clock):
    row = _register(world, deadline=D(2026, 9, 30))
    page = client_for(world["inspector"]).get(reverse("supervision:queue")).content.decode()
    assert 'data-testid="commitments-overdue"' in page and "0项承诺逾期或未兑现" in page
    frozen_clock("2026-10-09 10:00")
    page = client_for(world["inspector"]).get(reverse("supervision:queue")).content.decode()
    assert "1项承诺逾期或未兑现" in page and reverse("commitments:overdue") in page
    assert selectors.overdue(world["inspector"]).get() == row
    figures = client_for(world["inspector"]).get(reverse("supervision:dashboard")).content.decode()
    assert "1项承诺逾期或未兑现" in figures  # and on the supervision figures page (the dashboard)
    services.commitment_close(commitment=row, fulfilled=False, outcome="未供地", actor=world["inspector"])
    figures = client_for(world["inspector"]).get(reverse("supervision:dashboard")).content.decode()
    assert "1项承诺逾期或未兑现" in figures  # breached: still counted


def test_flag_through_the_page(world):
    row = _register(world)
    client = Client()
    client.force_login(world["firm_user"])
    response = client.post(reverse("commitments:act", args=[row.pk]), {"step": "flag", "text": "承诺未兑现"})
    assert response.status_code == 302
    assert row.flags.get().appeal.enterprise_id == world["enterprise"].pk
    response = client.post(reverse("commitments:act", args=[row.pk]), {"step": "flag", "text": ""})
    assert response.status_code == 400


def test_scopes_on_public_pages_404_by_id(world):
    public = _register(world, title="公开承诺", scope=Scope.PUBLIC)
    firms = _register(world, title="企业可见承诺", scope=Scope.ENTERPRISES)
    internal = _register(world, title="内部承诺")
    anonymous = Client()
    listing = anonymous.get(reverse("commitments:public")).content.decode()
    assert "公开承诺" in listing and "企业可见承诺" not in listing and "内部承诺" not in listing
    assert anonymous.get(reverse("commitments:public_detail", args=[public.pk])).status_code == 200
    assert anonymous.get(reverse("commitments:public_detail", args=[firms.pk])).status_code == 404
    assert anonymous.get(reverse("commitments:public_detail", args=[internal.pk])).status_code == 404
    assert anonymous.get(reverse("commitments:public_detail", args=[internal.pk + 999])).status_code == 404
    signed = Client()
    signed.force_login(world["other_firm_user"])
    assert signed.get(reverse("commitments:public_detail", args=[firms.pk])).status_code == 200
    assert signed.get(reverse("commitments:public_detail", args=[internal.pk])).status_code == 404
    services.commitment_publish(commitment=public, scope=Scope.INTERNAL, actor=world["handler"])
    assert anonymous.get(reverse("commitments:public_detail", args=[public.pk])).status_code == 404


def test_feed_parses_and_xlsx_holds_only_public(world):
    _register(world, title="公开承诺", scope=Scope.PUBLIC)
    _register(world, title="内部承诺")
    response = Client().get(reverse("commitments:public_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [entry.find("a:title", ns).text for entry in root.findall("a:entry", ns)]
    assert len(titles) == 1 and titles[0].endswith("公开承诺")
    download = Client().get(reverse("commitments:public_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["公开承诺"]


def _ledger(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "统一社会信用代码",
            "企业名称",
            "承诺类型",
            "承诺事项",
            "承诺内容",
            "依据",
            "责任单位",
            "承诺日期",
            "完成时限",
            "相关文件",
            "公开范围",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_ledger_row_level_report(world):
    uscc = world["enterprise"].uscc
    data = _ledger(
        [
            [
                uscc,
                "",
                "招商引资协议",
                "落实用地",
                "供地",
                "协议第五条",
                "区投资促进局",
                "2026-09-01",
                "2026-12-31",
                "协议",
                "公开",
            ],
            [
                uscc,
                "",
                "未知类型",
                "落实用电",
                "供电",
                "",
                "区投资促进局",
                "2026-09-01",
                "2026-12-31",
                "",
                "",
            ],
            ["", "不存在的企业", "合同", "x", "y", "", "区投资促进局", "2026-09-01", "2026-13-40", "", ""],
            [uscc, "", "合同", "租金减免", "减免", "", "区税务局", "2026-09-01", "2026-12-31", "", ""],
        ]
    )
    report = importing.import_file(data, filename="台账.xlsx", actor=world["handler"])
    assert report.imported == 1
    rejected = {(r.row, r.column) for r in report.rejected}
    assert (3, "承诺类型") in rejected and (4, "企业名称") in rejected and (4, "完成时限") in rejected
    assert (5, "责任单位") in rejected  # another unit's commitment: the handler may not register it
    assert Commitment.objects.get().scope == Scope.PUBLIC
    again = importing.import_file(data, filename="台账.xlsx", actor=world["handler"])
    assert again.imported == 0 and again.unchanged == 1


def test_import_page(world):
    client = Client()
    client.force_login(world["handler"])
    data = _ledger(
        [
            [
                world["enterprise"].uscc,
                "",
                "政策承诺",
                "兑现奖补",
                "奖补",
                "",
                "区投资促进局",
                "2026-09-01",
                "2026-12-31",
                "",
                "",
            ]
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "ledger.xlsx"
    response = client.post(reverse("commitments:import"), {"file": upload})
    assert response.status_code == 200
    assert Commitment.objects.filter(title="兑现奖补").exists()


def test_on_the_provisional_years_last_days_a_deadline_it_can_count_is_alerted_one_it_cannot_skipped(
        world, frozen_clock):
    """2024–2026 loaded, 2027 provisional: on Wednesday 2027-12-29 a deadline on Friday 2027-12-31 is two
    working days away: alerted. One on 2028-01-04 cannot be counted (2028 is covered by nothing), so the
    working days to it — and whether it is within five — are unknown: skipped, no alert, and the run fails
    saying one record could not be counted and that 2028's notice must be loaded."""
    from qinqing.core.errors import ServiceError

    frozen_clock("2027-12-01 10:00")
    countable = _register(world, made_on=D(2027, 12, 1), deadline=D(2027, 12, 31))
    beyond = _register(world, made_on=D(2027, 12, 1), deadline=D(2028, 1, 4), title="落实人才公寓")
    frozen_clock("2027-12-29 10:00")
    with pytest.raises(ServiceError) as skipped:
        services.deadline_alerts()
    assert skipped.value.code == "calendar_year_not_loaded"
    assert (skipped.value.params["count"], skipped.value.params["year"]) == (1, 2028)
    assert list(countable.alerts.values_list("kind", flat=True)) == [AlertKind.BEFORE]
    assert not beyond.alerts.exists()
