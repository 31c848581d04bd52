"""Articles 6 and 8 end to end, as the people involved see it: an enterprise writes to the
district head's mailbox without an account, the supervision office puts the appeal on the
resolve track and dispatches it, the handling unit replies, the enterprise rates the reply
unsatisfied and the appeal reopens for a second round with a new deadline."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinqing.appeals.models import Appeal
from qinqing.core import audit, calendar
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
TITLE = "园区东门道路积水"
CONTENT = "园区东门道路每逢下雨严重积水，影响货车通行，请求改造排水管网。"
REPLY = "已安排市政养护单位于本周疏通排水管网，并将东门路段纳入明年改造计划。"


@pytest.fixture
def clock(monkeypatch):
    """Lets working days pass between the steps. The live server runs in this process, so
    moving ``timezone.now`` moves the server's day too (deadlines, timeline, ratings)."""
    real_now = timezone.now

    def advance_to(day: datetime.date) -> None:
        offset = datetime.timedelta(days=(day - timezone.localdate(real_now())).days)
        monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)

    return advance_to


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)


def submit(page, form_test_id):
    page.get_by_test_id(form_test_id).locator("button[type=submit]").first.click()


def test_portal_appeal_is_resolved_rated_unsatisfied_and_reopens(page, screenshot, loaded_calendar, clock):
    streets = factories.make_unit(name="区住房和城乡建设局")
    factories.make_unit(name="区市场监督管理局")
    office = factories.make_unit(name="区政府督查室")
    supervisor_user = make_user(
        Role.SUPERVISING_LEADER, username="duban", password=TEST_PASSWORD, full_name="李督办"
    )
    factories.make_official(unit=office, name="李督办", position="主任", user=supervisor_user)
    handler_user = make_user(
        Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD, full_name="王经办"
    )
    factories.make_official(unit=streets, name="王经办", position="科员", user=handler_user)
    enterprise = factories.make_enterprise(name="清风精密机械有限公司")
    enterprise_user = make_user(
        Role.ENTERPRISE_USER, username="qingfeng", password=TEST_PASSWORD, full_name="赵经理"
    )
    factories.make_membership(user=enterprise_user, enterprise=enterprise)
    filed_on = timezone.localdate()
    first_deadline = calendar.add_workdays(filed_on, 5)

    # 1. Anyone writes to the district head's mailbox: no account, phone number required.
    page.goto("/portal/appeals/")
    expect(page.locator("h1")).to_contain_text("区长信箱")
    page.fill("#id_contact_name", "赵经理")
    page.fill("#id_contact_phone", PHONE)
    page.fill("#id_enterprise_uscc", enterprise.uscc)
    page.fill("#id_title", TITLE)
    page.fill("#id_content", CONTENT)
    screenshot("appeals-1-portal-form")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/portal/appeals/filed/")
    expect(page.get_by_test_id("filed")).to_contain_text("您的诉求已收到")
    tracking_number = page.get_by_test_id("tracking-number").inner_text().strip()
    assert tracking_number.startswith(f"SQ{filed_on:%Y%m%d}"), tracking_number
    screenshot("appeals-2-portal-filed")

    # 2. The supervision office triages it onto the resolve track and dispatches it.
    log_in(page, "duban")
    page.goto("/")
    page.get_by_test_id("tile-appeals_all").click()
    row = page.get_by_test_id("appeal-row").filter(has_text=tracking_number)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("已收到")
    row.get_by_role("link", name=tracking_number).click()
    expect(page.get_by_test_id("appeal-summary")).to_contain_text("清风精密机械有限公司")
    page.get_by_test_id("form-triage").locator("select[name=track]").select_option("resolve")
    page.get_by_test_id("form-triage").locator("select[name=complexity]").select_option("simple")
    submit(page, "form-triage")
    expect(page.get_by_test_id("status")).to_have_text("已研判")
    expect(page.get_by_test_id("deadline")).to_have_text(first_deadline.isoformat())
    page.get_by_test_id("form-assign").locator("select[name=unit]").select_option(label="区住房和城乡建设局")
    submit(page, "form-assign")
    expect(page.get_by_test_id("status")).to_have_text("已交办")
    expect(page.get_by_test_id("appeal-summary")).to_contain_text("区住房和城乡建设局")
    screenshot("appeals-3-triaged-and-assigned")

    # 3. Two working days later the unit's handler finds it in the queue and replies.
    clock(calendar.add_workdays(filed_on, 2))
    log_in(page, "handler")
    page.goto("/")
    page.get_by_test_id("tile-appeals_queue").click()
    expect(page.locator("h1")).to_contain_text("区住房和城乡建设局")
    row = page.get_by_test_id("appeal-row").filter(has_text=tracking_number)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("已交办")
    expect(row).to_contain_text(first_deadline.isoformat())
    screenshot("appeals-4-handler-queue")
    row.get_by_role("link", name=tracking_number).click()
    page.get_by_test_id("form-reply").locator("textarea[name=text]").fill(REPLY)
    submit(page, "form-reply")
    expect(page.get_by_test_id("status")).to_have_text("已答复")
    expect(page.get_by_test_id("reply")).to_have_text(REPLY)

    # 4. A working day later the enterprise reads the reply in "my appeals" and is not satisfied.
    rated_on = calendar.add_workdays(filed_on, 3)
    clock(rated_on)
    log_in(page, "qingfeng")
    page.goto("/")
    page.get_by_test_id("tile-appeals_mine").click()
    expect(page.locator("h1")).to_have_text("我的诉求")
    row = page.get_by_test_id("appeal-row").filter(has_text=tracking_number)
    expect(row).to_contain_text("已答复")
    screenshot("appeals-5-my-appeals")
    row.get_by_role("link", name=tracking_number).click()
    expect(page.get_by_test_id("reply")).to_have_text(REPLY)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(REPLY)
    expect(timeline).to_contain_text("区住房和城乡建设局")
    expect(timeline).not_to_contain_text("channel:")
    screenshot("appeals-6-enterprise-reads-reply")
    page.get_by_test_id("form-rate").locator("input[name=satisfaction][value=unsatisfied]").check()
    page.get_by_test_id("form-rate").locator("input[name=comment]").fill("东门路段仍然积水")
    submit(page, "form-rate")

    # 5. It reopens: round 2, back with the unit, a new deadline counted from the rating day.
    second_deadline = calendar.add_workdays(rated_on, 5)
    assert second_deadline != first_deadline
    expect(page.get_by_test_id("round")).to_have_text("轮次 2")
    expect(page.get_by_test_id("status")).to_have_text("已交办")
    expect(page.get_by_test_id("deadline")).to_have_text(second_deadline.isoformat())
    expect(page.get_by_test_id("timeline")).to_contain_text("已重新启动第二轮办理。")
    expect(page.get_by_test_id("form-rate")).to_have_count(0)
    screenshot("appeals-7-reopened")

    appeal = Appeal.objects.get(tracking_number=tracking_number)
    assert (appeal.round, appeal.status, appeal.due_at, appeal.enterprise_id) == (
        2,
        "assigned",
        second_deadline,
        enterprise.pk,
    )
    assert audit.verify_chain().ok
