"""Article 18.5 inspections and exposure; retention with reminders and erasure of the sealed content."""

import datetime

import pytest

from qinqing.core import audit
from qinqing.core.errors import ServiceError
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
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


def test_retention_dates_reminders_and_erasure(inspectors, frozen_clock, make_user):
    from qinqing.core import time_limits

    one, _two = inspectors
    # the administrator's value (core.time_limits), not the default of two years
    time_limits.time_limit_set(
        actor=make_user(Role.ADMINISTRATOR), key="supervision.retention_declined", value=30
    )
    report, code = _submit(real_name=False, reporter_name="", reporter_contact="", category="other",
                           attachments=[("a.txt", "text/plain", "附件".encode())])
    services.assign(report=report, inspector=one, actor=one)
    services.report_decline(report=report, reason="不属于受理范围", actor=one)
    swept = in_english(services.retention_sweep)
    assert swept.startswith("1 retention date(s) set, 0 report(s) erased, 1 due")
    report.refresh_from_db()
    assert report.retain_until == datetime.date(2026, 12, 30)
    assert [r.pk for r in services.retention_due()] == [report.pk]
    frozen_clock("2026-12-31 03:00")
    assert in_english(services.retention_sweep).startswith("0 retention date(s) set, 1 report(s) erased")
    report = Report.objects.get(pk=report.pk)
    assert (
        report.erased_on == datetime.date(2026, 12, 31) and report.text == "—" and report.decline_reason == ""
    )
    assert not Attachment.objects.filter(report=report).exists()
    assert all(m.body == "—" for m in report.messages.all())
    assert "不属于受理范围" not in _raw_rows(Report)
    with pytest.raises(ServiceError):
        services.report_by_code(code, client="x")
    assert audit.verify_chain().ok


def test_the_office_lists_are_paged_none_cut_off(inspectors, client):
    """The queue and its notices, the reminders, the inspections, the typical cases (the office's and the
    public's), the appeals to move over and the figures page's two work lists: 50 a page, each reachable."""
    from qinqing.appeals.models import Appeal
    from qinqing.appeals.tests.factories import file_appeal
    from qinqing.core import clock
    from qinqing.supervision.models import EarlyReminder, Inspection, InspectorNotice

    one, _two = inspectors
    today = clock.today()
    unit = directory.make_unit(name="区档案馆")
    official = directory.make_official(unit=unit, name="孙强")
    Report.objects.bulk_create(
        Report(number=f"JB-P{index:03d}", channel="letter", category="other", received_on=today,
               accept_due=today, retain_until=today)
        for index in range(53)
    )
    EarlyReminder.objects.bulk_create(
        EarlyReminder(official=official, concern=f"苗头P{index:02d}", talk_on=today, follow_up_due=today,
                      created_by=one)
        for index in range(53)
    )
    InspectorNotice.objects.bulk_create(
        InspectorNotice(recipient=one, kind="accept", report=report, due=today, key=f"k{report.pk}",
                        created_at=clock.now())
        for report in Report.objects.all()
    )
    Inspection.objects.bulk_create(
        Inspection(unit=unit, kind="covert", theme=f"暗访P{index:02d}", planned_on=today, created_by=one)
        for index in range(53)
    )
    TypicalCase.objects.bulk_create(
        TypicalCase(title=f"典型案例P{index:02d}", body="正文", behaviours=["18.4"], status="published",
                    published_on=today, drafted_by=one)
        for index in range(53)
    )
    for index in range(53):
        file_appeal(content=f"转办P{index:02d}")
    Appeal.objects.update(category="not_ours")
    client.force_login(one)

    def get(url, **query):
        return client.get(url, {"x": "1", **query}).content.decode()

    for url, marker, count in (
        ("/supervision/", 'data-testid="queue-row-', 53),
        ("/supervision/reminders/", "苗头P", 53),
        ("/supervision/inspections/", "暗访P", 53),
        ("/supervision/cases/", "典型案例P", 53),
        ("/supervision/typical-cases/", "典型案例P", 53),
        ("/supervision/transfers/", "<tr><td>", 53),
    ):
        first, second = get(url), get(url, page=2)
        assert first.count(marker) == 50 and second.count(marker) == count - 50, url
        assert f"第 1 页，共 2 页（{count} 条记录）" in first and "?x=1&amp;page=2" in first, url

    # the queue's notices page by their own parameter, keeping the queue's filter and page
    queue = get("/supervision/", status="received", page=2).split('data-testid="my-notices"')[1]
    notices = queue.split("</section>")[0]
    assert notices.count("<li>") == 50 and "?x=1&amp;status=received&amp;page=2&amp;notices_page=2" in notices
    rest = get("/supervision/", notices_page=2).split('data-testid="my-notices"')[1].split("</section>")[0]
    assert rest.count("<li>") == 3

    figures = get("/supervision/figures/")
    for testid, parameter in (("reminders-due", "reminders_page"), ("retention-due", "retention_page")):
        section = figures.split(f'data-testid="{testid}"')[1].split("</section>")[0]
        assert section.count("<li>") == 50 and f"?x=1&amp;{parameter}=2" in section, testid
        rest = get("/supervision/figures/", **{parameter: 2}).split(f'data-testid="{testid}"')[1]
        assert rest.split("</section>")[0].count("<li>") == 3, testid
