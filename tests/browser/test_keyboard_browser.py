"""The platform with the keyboard alone (GB/T 37668-2019; WCAG 2.1.1, 2.4.1, 2.4.3, 3.3.1): the
skip link, a menu of the menu bar opened and closed again with Escape, and a refused reply whose
error takes the focus once htmx has swapped the form (the button that sent it is gone)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_ux_browser import assigned  # noqa: F401 (the fixture: an appeal assigned to "handler")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_TESTID = "document.activeElement.dataset.testid || document.activeElement.id"



def test_a_handler_works_the_appeal_page_with_the_keyboard_alone(page, log_in, assigned):  # noqa: F811
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
