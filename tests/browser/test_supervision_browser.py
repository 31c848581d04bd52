"""Article 17 end to end: an anonymous report from the public page, an inspector replies, the
reporter reads the reply with the receipt code (and nothing of it is stored in clear)."""

from pathlib import Path

import pytest

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories
from qinqing.supervision.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "区住建局某科长多次暗示企业送购物卡才给办理竣工验收"
REPLY = "您反映的问题已受理，正在初步核实，请补充具体时间。"


def test_anonymous_report_reply_and_reading_it_with_the_receipt_code(
    page, screenshot, loaded_calendar, log_in
):
    unit = factories.make_unit(name="区纪委监委")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="inspector", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="赵磊", user=inspector)

    page.goto("/")
    page.get_by_test_id("service-report_new").click()
    page.get_by_test_id("anonymous").check()
    page.get_by_test_id("category").select_option("extortion")
    page.get_by_test_id("report-text").fill(TEXT)
    screenshot("supervision-report-form")
    page.get_by_test_id("report-submit").click()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 20
    # "shown once, cannot be recovered" stands out from the page, not a plain line of text
    warning = page.locator("main p.warning")
    background = warning.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot("supervision-receipt")
    report = Report.objects.get()
    assert report.text == TEXT and not report.real_name

    log_in(page, "inspector")
    page.goto("/supervision/")
    page.get_by_test_id(f"assign-{report.number}").click()
    page.get_by_test_id(f"open-{report.number}").click()
    assert TEXT in page.get_by_test_id("report-text").inner_text()
    page.get_by_test_id("action-accept").locator("button").click()
    page.get_by_test_id("message-kind").select_option("reply")
    page.get_by_test_id("message-body").fill(REPLY)
    page.get_by_test_id("message-send").click()
    page.get_by_test_id("messages").get_by_text(REPLY).wait_for()

    page.context.clear_cookies()
    page.goto("/supervision/report/status/")
    page.get_by_test_id("status-code").fill(code.lower())
    page.get_by_test_id("status-submit").click()
    messages = page.get_by_test_id("status-messages")
    assert REPLY in messages.inner_text()
    assert "受理" in page.get_by_test_id("status-label").inner_text()
    page.get_by_test_id("add-body").fill("时间是十一月二十日下午。")
    page.get_by_test_id("add-submit").click()
    page.get_by_test_id("added").wait_for()
    screenshot("supervision-status")
    assert report.messages.filter(kind="information").get().body == "时间是十一月二十日下午。"


AXE = Path(__file__).resolve().parents[2] / "src/qinqing/static/vendor/axe-core/axe.min.js"


def _axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
            `${v.impact} ${v.id}: ${v.help} - ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }"""))  # noqa: E501


def test_the_inspectors_pages_pass_axe_with_every_control_labelled(
    browser, live_server, loaded_calendar, log_in
):
    """The report page in each state it shows forms for, the figures with their charts, the queue with
    notices due, reminders and inspections (the role walk does not load supervision's demo)."""
    from qinqing.core import clock
    from qinqing.supervision import services

    unit = factories.make_unit(name="区纪委监委")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="inspector", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="赵磊", user=inspector)
    factories.make_official(unit=factories.make_unit(name="区住建局"), name="孙某")
    report, _code = services.report_submit(
        text=TEXT,
        category="collusion",
        real_name=True,
        reporter_name="实名人",
        reporter_contact="13912345678",
        rate_limited=False,
    )
    case, _code = services.report_submit(
        text="另一件举报", category="other", real_name=False, rate_limited=False
    )
    for row in (report, case):
        services.assign(report=row, inspector=inspector, actor=inspector)
        services.report_accept(report=row, actor=inspector)
    services.message_send(report=report, kind="question", body="请补充时间", actor=inspector)
    services.report_dispose(report=case, disposal="preliminary", actor=inspector)
    services.report_conclude(report=case, finding="substantiated", conclusion="属实", actor=inspector)
    services.report_open_case(report=case, actor=inspector)
    Report.objects.filter(pk=report.pk).update(verify_due=clock.today())
    services.due_notices()

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    try:
        log_in(page, "inspector")
        problems = {}
        for path in (
            f"/supervision/reports/{report.pk}/",
            f"/supervision/reports/{case.pk}/",
            "/supervision/",
            "/supervision/figures/",
            "/supervision/reminders/",
            "/supervision/inspections/",
        ):
            response = page.goto(path)
            assert response.status == 200, path
            found = _axe_problems(page)
            if found:
                problems[path] = found
            unlabelled = page.evaluate("""() => [...document.querySelectorAll(
                'main select, main textarea, main input:not([type=hidden]):not([type=submit])')]
                .filter(el => !el.labels.length && !el.getAttribute('aria-label')).map(el => el.name)""")
            assert not unlabelled, (path, unlabelled)
        assert not problems, problems
        page.goto("/supervision/")
        assert report.number in page.get_by_test_id("my-notices").inner_text()
    finally:
        context.close()
