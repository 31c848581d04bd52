"""Article 14 end to end: an official files a request, sees a rule finding, the supervising
leader approves, and the written approval verifies on the public page."""

import datetime

import pytest
from django.utils import timezone

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_finding_approval_and_public_verification(page, screenshot, log_in):
    unit = factories.make_unit(name="区商务局")
    leader_user = make_user(Role.SUPERVISING_LEADER, username="leader", password=TEST_PASSWORD)
    leader = factories.make_official(unit=unit, name="王领导", position="副局长", user=leader_user)
    official_user = make_user(Role.OFFICIAL, username="zhangsan", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="张三", user=official_user, supervising_leader=leader)
    enterprise = factories.make_enterprise(name="清风制造有限公司")
    day = timezone.localdate() + datetime.timedelta(days=7)
    while day.weekday() != 5:
        day += datetime.timedelta(days=1)

    log_in(page, "zhangsan")
    page.goto("/conduct/requests/new/")
    page.select_option("#id_situation", "work_meal")
    page.fill("#id_enterprise_codes", enterprise.uscc)
    page.fill("#id_event_date", day.isoformat())
    page.fill("#id_start_time", "18:00")
    page.fill("#id_end_time", "20:00")
    page.fill("#id_place", "区商会会议室")
    page.fill("#id_purpose", "听取企业用工难题")
    page.fill("#id_participants", "张三、商会秘书长")
    page.fill("#id_participant_count", "2")
    page.fill("#id_cost_per_head", "115")
    page.check("#id_no_lottery_confirmed")
    page.check("#id_no_unrelated_activities_confirmed")
    page.get_by_test_id("check").click()
    finding = page.get_by_test_id("finding-cost_near_limit")
    finding.wait_for()
    assert "14.3" in finding.inner_text()
    screenshot("conduct-request-findings")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/conduct/requests/*/")
    detail_url = page.url

    log_in(page, "leader")
    page.goto("/conduct/approvals/")
    assert "张三" in page.get_by_test_id("approvals").inner_text()
    page.goto(detail_url)
    page.select_option("select[name=decision]", "approve")
    page.fill("textarea[name=reason]", "同意，注意控制标准")
    page.get_by_test_id("decide").click()
    page.get_by_test_id("verification-code").wait_for()
    code = page.get_by_test_id("verification-code").inner_text()
    screenshot("conduct-approved")

    page.context.clear_cookies()
    page.goto(f"/conduct/verify/?code={code}")
    assert "亲清批" in page.get_by_test_id("letter-number").inner_text()
    assert "清风制造有限公司" in page.get_by_test_id("verified").inner_text()
    screenshot("conduct-letter-verified")
