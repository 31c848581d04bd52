"""The platform with the keyboard alone (GB/T 37668-2019; WCAG 2.1.1, 2.4.1, 2.4.3, 3.3.1): the
skip link, a menu of the menu bar opened and closed again with Escape, and a refused reply whose
error takes the focus once htmx has swapped the form (the button that sent it is gone)."""

import pytest
from playwright.sync_api import expect

from qinqing.appeals.models import Track
from qinqing.appeals.tests import factories
from qinqing.appeals.workflow import services
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_TESTID = "document.activeElement.dataset.testid || document.activeElement.id"


@pytest.fixture
def assigned(loaded_calendar):
    unit = factories.make_unit("区住房和城乡建设局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit, user=handler)
    leader = make_user(Role.DISTRICT_LEADER, username="leader", password=TEST_PASSWORD)
    appeal = factories.file_appeal(content="园区东门道路每逢下雨严重积水，请求改造排水管网。")
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=leader)
    services.appeal_assign(appeal=appeal, unit=unit, actor=leader)
    return appeal


def test_a_handler_works_the_appeal_page_with_the_keyboard_alone(page, log_in, assigned):
    log_in(page, "handler")
    page.goto(f"/appeals/{assigned.pk}/")
    keys = page.keyboard

    keys.press("Tab")  # the skip link is the first stop and leads to the content
    expect(page.locator(".skip-link")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main")).to_be_focused()

    menu = page.locator("details.menu").first
    summary = menu.locator("summary")
    summary.focus()
    keys.press("Enter")
    expect(menu).to_have_attribute("open", "")
    keys.press("Tab")
    expect(menu.locator("a").first).to_be_focused()
    keys.press("Escape")  # closes the menu and gives the focus back to its summary
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    form = page.get_by_test_id("form-reply")
    form.locator("textarea").focus()
    keys.press("Tab")
    expect(form.locator("button[type=submit]")).to_be_focused()
    keys.press("Enter")  # an empty reply: refused, swapped in place, focus on the field at fault
    expect(page.get_by_test_id("error-reply-text")).to_be_visible()
    reply_box = page.get_by_test_id("form-reply").locator("textarea[name=text]")
    expect(reply_box).to_have_attribute("aria-invalid", "true")
    expect(reply_box).to_be_focused()
