"""Article 16 end to end in Chromium: a bureau's handler draws up the year's main-responsibility list, adds a
task, names the first responsible person and files it; records the task done (a refusal first, on its field);
files the year-end report; the discipline inspector returns it once, then gives the opinion, and the bureau's
page shows it."""

import datetime

import pytest

from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories
from qinqing.supervision.duties.models import DutyList, DutyNotice, DutyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bureau_files_its_list_and_report_and_the_discipline_office_reviews_it(
    page, screenshot, loaded_calendar, log_in
):
    bureau = factories.make_unit(name="区发展改革局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit=bureau, name="杨帆", user=handler)
    factories.make_official(unit=bureau, name="刘局长", position="局长")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="inspector", password=TEST_PASSWORD)
    factories.make_official(unit=factories.make_unit(name="区纪委监委"), name="赵磊", user=inspector)
    year = clock.today().year

    # 1. the handler draws up the list, adds a task, names the first responsible person, files it
    log_in(page, "handler")
    page.goto("/supervision/duties/")
    form = page.get_by_test_id("duty-create")
    form.locator("#id_unit").select_option(label="区发展改革局")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    duty = DutyList.objects.get(unit=bureau, year=year)
    assert page.url.endswith(f"/supervision/duties/{duty.pk}/")
    task_form = page.get_by_test_id("duty-task-form")
    task_form.locator("#id_task").fill("班子成员每季度走访重点企业")
    task_form.locator("#id_due_on").fill(datetime.date(year, 12, 31).isoformat())
    task_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_test_id("duty-responsible").locator("select").select_option(label="刘局长（局长）")
    page.get_by_test_id("duty-responsible").locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="向纪检监察机关报备清单").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("duty-status").inner_text() == "已报备纪检监察机关"

    # 2. the task done: without saying what was done it is refused on that field; then recorded
    tasks = page.get_by_test_id("duty-tasks")
    tasks.locator("select[name=state]").select_option("done")
    tasks.locator("button[type=submit]").click()
    page.wait_for_load_state()
    refusal = page.get_by_test_id("refusal")
    assert refusal.get_attribute("data-field") == "performance"
    tasks = page.get_by_test_id("duty-tasks")
    tasks.locator("textarea[name=performance]").fill("全年走访企业42家次")
    tasks.locator("button[type=submit]").click()
    page.wait_for_load_state()
    report_form = page.get_by_test_id("duty-report-form")
    report_form.locator("textarea[name=report]").fill("全年落实主体责任情况良好。")
    report_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("duty-status").inner_text() == "已报送年终报告"
    screenshot("duty-reported")

    # 3. the inspector sees every body's list, returns the report once, the handler is told
    page.context.clear_cookies()
    log_in(page, "inspector")
    page.goto("/supervision/duties/")
    assert "区纪委监委" in page.get_by_test_id("duties").inner_text()  # no list yet: shown as such
    page.get_by_test_id("duties-awaiting").get_by_role("link", name="区发展改革局").click()
    page.wait_for_load_state()
    returned = page.get_by_test_id("duty-return-form")
    returned.locator("input[name=reason]").fill("请逐项说明走访发现问题的整改情况")
    returned.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("duty-status").inner_text() == "已报备纪检监察机关"
    assert DutyNotice.objects.filter(recipient=handler, kind="returned").exists()

    # 4. the handler files it again; the inspector gives the opinion
    page.context.clear_cookies()
    log_in(page, "handler")
    page.goto(f"/supervision/duties/{duty.pk}/")
    assert "请逐项说明" in page.get_by_test_id("duty-returned").inner_text()
    report_form = page.get_by_test_id("duty-report-form")
    report_form.locator("textarea[name=report]").fill("全年走访企业42家次，发现问题5个，已全部整改销号。")
    report_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.context.clear_cookies()
    log_in(page, "inspector")
    page.goto(f"/supervision/duties/{duty.pk}/")
    review = page.get_by_test_id("duty-review-form")
    review.locator("select[name=rating]").select_option("fulfilled")
    review.locator("textarea[name=opinion]").fill("主体责任落实到位。")
    review.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "到位" in page.get_by_test_id("duty-opinion").inner_text()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.REVIEWED
    screenshot("duty-reviewed")
