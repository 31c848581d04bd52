"""Article 18.5 inspections and exposure; retention with reminders and erasure of the sealed content."""

import datetime

import pytest
from django.test import override_settings

from qinqing.core import audit
from qinqing.core.errors import ServiceError
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.supervision import selectors, services
from qinqing.supervision.models import Attachment, Report, TypicalCase

from .test_reports import _raw_rows, _submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectors(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    unit = directory.make_unit(name="区纪委监委")
    one, two = make_user(Role.DISCIPLINE_INSPECTOR), make_user(Role.DISCIPLINE_INSPECTOR)
    directory.make_official(unit=unit, name="赵磊", user=one)
    directory.make_official(unit=unit, name="钱多", user=two)
    return one, two


def test_units_ranked_by_signals_and_an_inspection_with_findings(inspectors):
    one, _two = inspectors
    noisy, quiet = directory.make_unit(name="区市场监管局"), directory.make_unit(name="区档案馆")
    for _ in range(2):
        _submit(unit=noisy, category="extortion")
    _submit(unit=quiet, category="other")
    ranking = selectors.unit_signals()
    assert [row.name for row in ranking[:2]] == ["区市场监管局", "区档案馆"] and ranking[0].reports == 2
    with pytest.raises(ServiceError):
        services.inspection_plan(
            unit=noisy, kind="covert", theme="", planned_on=datetime.date(2026, 12, 3), actor=one
        )
    row = services.inspection_plan(
        unit=noisy, kind="covert", theme="窗口服务作风暗访", planned_on=datetime.date(2026, 12, 3), actor=one
    )
    row = services.inspection_findings(inspection=row, findings="两个窗口存在推诿现象", actor=one)
    assert row.status == "done" and row.done_on == datetime.date(2026, 11, 30)


def test_a_typical_case_is_published_after_approval_without_personal_data(inspectors, client):
    one, two = inspectors
    directory.make_person(name="周八斤")
    with pytest.raises(ServiceError) as refused:
        services.case_draft(
            title="某局干部吃拿卡要案",
            body="周八斤在审批中索要财物，电话13912345678。",
            behaviours=["18.4"],
            actor=one,
        )
    assert refused.value.code == "personal_data" and "周八斤" in refused.value.text()
    case = services.case_draft(
        title="某局干部吃拿卡要案",
        body="某局一名科员在审批中索要财物，受到党内警告处分。",
        behaviours=["18.4"],
        actor=one,
    )
    assert client.get("/supervision/typical-cases/").content.decode().count('data-testid="public-case"') == 0
    with pytest.raises(ServiceError) as own:
        services.case_publish(case=case, actor=one)
    assert own.value.code == "four_eyes"
    services.case_publish(case=case, actor=two)
    page = client.get("/supervision/typical-cases/").content.decode()
    assert "某局一名科员在审批中索要财物" in page
    assert TypicalCase.objects.get().approved_by == two


@override_settings(SUPERVISION_RETENTION_DAYS={"declined": 10})
def test_retention_dates_reminders_and_erasure(inspectors, frozen_clock):
    one, _two = inspectors
    report, code = _submit(real_name=False, reporter_name="", reporter_contact="", category="other",
                           attachments=[("a.txt", "text/plain", "附件".encode())])
    services.assign(report=report, inspector=one, actor=one)
    services.report_decline(report=report, reason="不属于受理范围", actor=one)
    assert services.retention_sweep().startswith("1 retention date(s) set, 0 report(s) erased, 1 due")
    report.refresh_from_db()
    assert report.retain_until == datetime.date(2026, 12, 10)
    assert [r.pk for r in services.retention_due()] == [report.pk]
    frozen_clock("2026-12-11 03:00")
    assert services.retention_sweep().startswith("0 retention date(s) set, 1 report(s) erased")
    report = Report.objects.get(pk=report.pk)
    assert (
        report.erased_on == datetime.date(2026, 12, 11) and report.text == "—" and report.decline_reason == ""
    )
    assert not Attachment.objects.filter(report=report).exists()
    assert all(m.body == "—" for m in report.messages.all())
    assert "不属于受理范围" not in _raw_rows(Report)
    with pytest.raises(ServiceError):
        services.report_by_code(code, client="x")
    assert audit.verify_chain().ok
