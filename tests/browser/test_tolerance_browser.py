"""Article 22 end to end: an official submits a fault-tolerance request (提出); the discipline office accepts
it (受理), deliberates the three distinctions item by item with evidence (审议), determines it exempted with
reasons (界定), files it with the organisation department and publishes the clearing notice, which the
public reads; the official follows each step on the request page; the organisation department's own account
reads the filed conclusion and records its receipt and use."""

import pytest

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories
from qinqing.tolerance.models import CaseFactor, Status, ToleranceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action):
    page.get_by_test_id(f"do-{action}").click()
    page.wait_for_load_state()


def test_one_request_through_the_four_steps(page, screenshot, loaded_calendar, log_in):
    unit = factories.make_unit(name="区发展和改革局")
    org_unit = factories.make_unit(name="区委组织部")
    official_user = make_user(Role.OFFICIAL, username="official", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="张伟", position="科长", user=official_user)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="inspector", password=TEST_PASSWORD)
    factories.make_official(unit=factories.make_unit(name="区纪委监委"), name="赵磊", user=inspector)
    from qinqing.supervision import services as supervision

    case, _code = supervision.report_submit(
        text="反映某科长简化审批程序", category="inaction", real_name=False, rate_limited=False
    )
    supervision.assign(report=case, inspector=inspector, actor=inspector)

    # 1. submission (提出)
    log_in(page, "official")
    page.goto("/")
    page.get_by_test_id("tile-tolerance_requests").click()
    page.get_by_role("link", name="提出申请").first.click()
    form = page.get_by_test_id("request-form")
    form.locator("#id_submitter").select_option("official")
    form.locator("#id_matter").fill("“拿地即开工”审批改革试点")
    form.locator("#id_facts").fill("为保障项目如期开工，对施工许可实行告知承诺，事后发现一项材料有瑕疵。")
    form.locator("#id_evidence").fill("区政府常务会议纪要、告知承诺书、整改报告")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    row = ToleranceRequest.objects.get()
    assert row.number in page.locator("h1").inner_text()
    assert page.get_by_test_id("status").inner_text() == "已提出"
    assert page.get_by_test_id("step-due").inner_text().startswith(row.step_due.isoformat())
    assert page.get_by_test_id("act-accept").count() == 0  # the official cannot accept their own

    # 2. acceptance (受理), with the discipline case linked
    log_in(page, "inspector")
    page.goto(f"/tolerance/{row.pk}/")
    page.get_by_test_id("form-link_case").locator("#id_case").fill(case.number)
    act(page, "link_case")
    assert page.get_by_test_id("case").inner_text() == case.number
    act(page, "accept")
    assert page.get_by_test_id("status").inner_text() == "已受理，审议中"

    # 3. deliberation (审议): the three distinctions with evidence, then the conditions
    deliberation = page.get_by_test_id("form-deliberate")
    act(page, "deliberate")  # nothing answered: refused in place, nothing saved
    assert ToleranceRequest.objects.get().status == Status.ACCEPTED
    deliberation = page.get_by_test_id("form-deliberate")
    for name in ("trial", "exploration", "unintended", "lawful_process", "public_interest", "no_private_gain",
                 "prompt_correction"):
        deliberation.locator(f"input[name={name}][value=yes]").check()
    deliberation.locator("#id_trial_evidence").fill("全区首个试点，无先例可循（会议纪要）")
    deliberation.locator("#id_exploration_evidence").fill("办理时上级未出台限制性规定")
    deliberation.locator("#id_unintended_evidence").fill("未收受任何财物（审计报告）")
    act(page, "deliberate")
    assert page.get_by_test_id("status").inner_text() == "已审议，待界定"
    assert page.get_by_test_id("checklist").locator("tbody tr").count() == 7

    # 4. determination (界定), filing and the clearing notice
    determine = page.get_by_test_id("form-determine")
    determine.locator("#id_determination").select_option("exempted")
    determine.locator("#id_reasons").fill("属于先行先试中因缺乏经验出现的失误，程序合规，未谋取私利，已及时整改。")
    act(page, "determine")
    assert page.get_by_test_id("determination").inner_text() == "免责"
    assert CaseFactor.objects.get().case_id == case.pk
    page.get_by_test_id("form-file").locator("#id_organisation_department").select_option(label="区委组织部")
    act(page, "file")
    assert "区委组织部" in page.get_by_test_id("filed").inner_text()
    page.get_by_test_id("form-publish_clearing").locator("#id_text").fill("经审查，依规免责，特此澄清正名。")
    act(page, "publish_clearing")
    screenshot("tolerance-request-filed")

    # the official sees the four steps done; the public reads the clearing notice
    log_in(page, "official")
    page.goto(f"/tolerance/{row.pk}/")
    assert page.get_by_test_id("steps").locator("li.done").count() == 4
    assert page.get_by_test_id("status").inner_text() == "已备案"
    # the organisation department's own account reads the filed conclusion and records its receipt and use
    org_user = make_user(Role.ORGANISATION_DEPARTMENT, username="orgdept", password=TEST_PASSWORD)
    factories.make_official(unit=org_unit, name="黄志", user=org_user)
    log_in(page, "orgdept")
    page.goto("/")
    page.get_by_test_id("tile-tolerance_filings").click()
    page.get_by_test_id("filings").get_by_role("link", name=row.number).click()
    assert page.get_by_test_id("determination").inner_text() == "免责"
    page.locator("#id_use_note").fill("年度考核中不作负面评价")
    page.get_by_test_id("do-receive").click()
    page.wait_for_load_state()
    assert "年度考核中不作负面评价" in page.get_by_test_id("use-note").inner_text()
    page.context.clear_cookies()
    page.goto("/tolerance/clearings/")
    page.get_by_test_id("clearings").get_by_role("link").first.click()
    assert "特此澄清正名" in page.get_by_test_id("clearing-text").inner_text()
