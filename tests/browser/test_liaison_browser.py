"""Article 7 end to end: a district leader schedules a roundtable (企业恳谈会) with a key enterprise, records
the minutes, files the problem raised as an appeal in one step, and follows its progress (status, due date)
on the meeting page as the appeal moves on."""

import pytest
from django.utils import translation

from qinqing.appeals.models import Appeal
from qinqing.appeals.workflow import services as appeal_workflow
from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories
from qinqing.liaison import services as liaison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_roundtable_problem_becomes_an_appeal_whose_progress_the_meeting_page_shows(
    page, screenshot, loaded_calendar, log_in
):
    government = factories.make_unit(name="区人民政府")
    district = make_user(Role.DISTRICT_LEADER, username="district", password=TEST_PASSWORD)
    factories.make_official(unit=government, name="陈静", position="常务副区长", user=district)
    leader = liaison.leader_add(
        official=factories.make_official(unit=government, name="王区长", position="区长"), actor=district
    )
    enterprise = factories.make_enterprise(name="示范区恒通科技有限公司", is_key_enterprise=True)
    liaison.link_add(leader=leader, enterprise=enterprise, actor=district)
    today = clock.today().isoformat()

    log_in(page, "district")
    page.goto("/")
    page.get_by_test_id("tile-liaison_meetings").click()
    form = page.get_by_test_id("meeting-form")
    form.locator("#id_kind").select_option("roundtable")
    form.locator("#id_title").fill("第四季度重点企业恳谈会")
    form.locator("#id_scheduled_on").fill(today)
    form.locator("#id_leader").select_option(str(leader.pk))
    form.locator("#id_enterprises").fill(enterprise.uscc)
    form.locator("#id_participants").fill("区发展和改革局、区工商联")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "第四季度重点企业恳谈会" in page.locator("h1").inner_text()

    hold = page.get_by_test_id("hold-form")
    hold.locator("#id_held_on").fill(today)
    hold.locator("#id_minutes").fill("企业反映厂房扩建用地审批慢，区领导要求相关部门限期答复。")
    page.get_by_test_id("hold").click()
    page.wait_for_load_state()

    problem = page.get_by_test_id("problem-form")
    problem.locator("#id_enterprise").select_option(str(enterprise.pk))
    problem.locator("#id_title").fill("厂房扩建用地审批慢")
    problem.locator("#id_text").fill("扩建厂房的用地审批已超过半年，希望明确办理时限。")
    page.get_by_test_id("raise").click()
    page.wait_for_load_state()

    appeal = Appeal.objects.get(liaison_problem__title="厂房扩建用地审批慢")
    assert appeal.channel == "roundtable" and appeal.enterprise_id == enterprise.pk
    row = page.get_by_test_id("problem-row")
    assert appeal.tracking_number in row.inner_text()
    with translation.override("zh-hans"):
        received, triaged = str(appeal.get_status_display()), None
    assert page.get_by_test_id("appeal-status").inner_text().strip() == received
    assert page.get_by_test_id("appeal-due").inner_text().strip() == appeal.due_at.strftime("%Y-%m-%d")
    screenshot("liaison-roundtable-appeal")

    # the appeal moves on (triaged onto the resolve track): the meeting page shows where it stands
    appeal = appeal_workflow.appeal_triage(appeal=appeal, track="resolve", actor=district)
    with translation.override("zh-hans"):
        triaged = str(appeal.get_status_display())
    assert triaged != received
    page.reload()
    assert page.get_by_test_id("appeal-status").inner_text().strip() == triaged
    page.get_by_test_id("problem-row").get_by_role("link", name=appeal.tracking_number).click()
    page.wait_for_load_state()
    assert "厂房扩建用地审批慢" in page.content()
