"""Article 10 end to end: a support-fund round from the enterprise's online application to the published
result with one objection, answered; the reviewer passes the conflict gate before seeing the file."""

import datetime

import pytest

from qinqing.commitments import funds
from qinqing.commitments.models import ApplicationStatus, FundApplication
from qinqing.core import calendar, clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, selector):
    page.locator(selector).click()
    page.wait_for_load_state()


def test_fund_round_with_one_objection(page, screenshot, loaded_calendar, log_in):
    unit = factories.make_unit(name="区科技局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER, username="leader", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="刘洋", position="局长", user=leader)
    firm = factories.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER, username="enterprise", password=TEST_PASSWORD)
    factories.make_membership(user=firm_user, enterprise=firm)
    today = clock.today()
    programme = funds.programme_create(
        unit=unit,
        title="科技创新专项资金",
        rules="研发投入五百万元以上的企业按百分之十补助。",
        budget="1000000",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=20),
        actor=handler,
    )

    log_in(page, "enterprise")
    page.goto("/")
    page.get_by_test_id("tile-commitments_funds").click()
    page.wait_for_load_state()
    form = page.get_by_test_id("apply-form")
    form.locator("input[name=amount]").fill("300000")
    form.locator("textarea[name=description]").fill("上年度研发投入六百万元。")
    submit(page, "[data-testid=apply-form] button")
    application = FundApplication.objects.get(programme=programme)

    log_in(page, "handler")
    page.goto(f"/commitments/funds/applications/{application.pk}/")
    assert "上年度研发投入六百万元" in page.content()
    page.fill("#s-score", "88")
    submit(page, "form:has(#s-score) button")

    log_in(page, "leader")
    page.goto(f"/commitments/funds/applications/{application.pk}/")
    page.fill("#d-amount", "250000")
    submit(page, "button[value=approve]")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    log_in(page, "handler")
    page.goto("/commitments/funds/programmes/")
    submit(page, "form:has(input[value=publish]) button")
    programme.refresh_from_db()
    assert programme.objections_until == calendar.add_workdays(today, 5)

    log_in(page, "enterprise")
    page.goto("/commitments/funds/")
    page.fill(f"#o-{application.pk}", "评分偏低，请复核。")
    submit(page, f"form:has(#o-{application.pk}) button")
    objection = application.objections.get()

    log_in(page, "handler")
    page.goto(f"/commitments/funds/applications/{application.pk}/")
    page.fill(f"#o-{objection.pk}", "经复核，维持原结果。")
    submit(page, f"form:has(#o-{objection.pk}) button")
    objection.refresh_from_db()
    assert objection.answer == "经复核，维持原结果。"
    screenshot("funds-round-objection-answered")

    page.context.clear_cookies()
    page.goto("/commitments/funds/public/")
    assert "250000" in page.content() and "示范区恒通科技有限公司" in page.content()
