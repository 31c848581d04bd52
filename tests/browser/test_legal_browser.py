"""Articles 12, 13 and 15.6 end to end: an enforcement body's handler registers a fine without a legal basis;
it is flagged and delivered to the bureau's supervising leader (a notice on the flags page, its SMS state);
the enterprise sees it, objects, the body answers, and the enterprise takes it further as an appeal; a
judgment obligation not performed by its deadline shows on the leader's flags page."""

import datetime

import pytest

from qinqing.appeals.models import Appeal
from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories
from qinqing.legal import services
from qinqing.legal.models import Action, Notice, ObjectionStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_charge_without_basis_is_flagged_delivered_objected_to_and_appealed(
    page, screenshot, loaded_calendar, log_in
):
    bureau = factories.make_unit(name="区市场监管局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit=bureau, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER, username="leader", password=TEST_PASSWORD)
    factories.make_official(unit=bureau, name="刘洋", position="副局长", user=leader, phone="13800138000")
    enterprise = factories.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER, username="enterprise", password=TEST_PASSWORD)
    factories.make_membership(user=firm_user, enterprise=enterprise)
    # a judgment against the bureau whose obligation fell due two days ago, not performed
    today = clock.today()
    case = services.case_register(
        enterprise=enterprise, unit=bureau, kind="administrative", court="示范区人民法院",
        case_number="（2026）示0101行初12号", filed_on=today - datetime.timedelta(days=90), actor=handler,
    )
    services.case_update(case=case, outcome="judgment", outcome_on=today - datetime.timedelta(days=30),
                         actor=handler)
    case.refresh_from_db()
    services.obligation_add(case=case, text="退还罚款五千元", due_on=today - datetime.timedelta(days=2),
                            actor=handler)
    services.obligation_alerts()  # the daily job

    # 1. the body registers a fine without a legal basis: flagged at once
    log_in(page, "handler")
    page.goto("/legal/")
    form = page.get_by_test_id("action-form")
    form.locator("#id_enterprise").fill("示范区恒通科技有限公司")  # its exact name (or its credit code)
    form.locator("#id_kind").select_option("charge")
    form.locator("#id_subtype").select_option("fine")
    form.locator("#id_started_on").fill((today - datetime.timedelta(days=1)).isoformat())
    form.locator("#id_amount").fill("5000")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    action = Action.objects.get()
    assert page.get_by_test_id("flag-no_basis").count() == 1
    assert page.get_by_test_id("flag-retaliation").count() == 1  # the enterprise sued the bureau before
    # the two flags in the row's last cell read as two framed labels, not one run of text
    first, second = (page.get_by_test_id(f"flag-{code}").first for code in ("no_basis", "retaliation"))
    assert first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    a, b = first.bounding_box(), second.bounding_box()
    assert b["x"] >= a["x"] + a["width"] or b["y"] >= a["y"] + a["height"]

    # 2. delivered to the bureau's supervising leader: the notice and its SMS state on the flags page
    assert Notice.objects.filter(recipient=leader, action=action, kind="no_basis").exists()
    log_in(page, "leader")
    page.goto("/legal/flags/")
    notices = page.get_by_test_id("my-notices")
    # the fine without basis, the same fine after the enterprise sued the bureau, the overdue obligation
    assert notices.get_by_test_id("notice-row").count() == 3
    assert "未登记法律依据" in notices.inner_text()
    sms_state = notices.get_by_test_id("notice-sms").first.inner_text()
    assert sms_state in {"待发送", "发送中", "已发送", "发送失败", "未发送：无可用渠道，需人工转达"}
    overdue = page.get_by_test_id("overdue-obligations")
    assert "（2026）示0101行初12号" in overdue.inner_text() and "退还罚款五千元" in overdue.inner_text()
    assert page.get_by_test_id("flag-row").count() == 2  # no legal basis; after the lawsuit
    screenshot("legal-flags-leader")

    # 3. the enterprise sees what was registered about it and objects
    log_in(page, "enterprise")
    page.goto("/legal/mine/")
    page.get_by_test_id("actions").get_by_role("link").first.click()
    page.wait_for_load_state()
    page.fill("#objection-text", "罚款没有任何法律依据，请予撤销。")
    page.get_by_test_id("objection-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "待答复" in page.get_by_test_id("objection-row").inner_text()

    # 4. the body answers; the enterprise takes it further as an appeal
    log_in(page, "handler")
    page.goto(f"/legal/actions/{action.pk}/")
    objection = action.objections.get()
    page.fill(f"#answer-{objection.pk}", "已补充法律依据并重新审核。")
    page.get_by_test_id("objection-row").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已答复" in page.get_by_test_id("objection-row").inner_text()
    log_in(page, "enterprise")
    page.goto(f"/legal/actions/{action.pk}/")
    page.get_by_test_id("to-appeal").click()
    page.wait_for_load_state()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.APPEALED
    appeal = Appeal.objects.get(pk=objection.appeal_id)
    assert appeal.tracking_number in page.get_by_test_id("objection-row").inner_text()
    screenshot("legal-objection-appealed")
