import pytest

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_switches_language_and_sees_the_role_home_page(page, screenshot):
    make_user(Role.AUDITOR, username="auditor", password=TEST_PASSWORD, full_name="审计员")
    page.goto("/audit/")
    assert "/login/" in page.url, "anonymous users are sent to the login page"
    assert page.locator("h1").inner_text() == "登录"

    page.fill("#id_username", "auditor")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/audit/")
    page.goto("/")
    assert page.get_by_test_id("home-title").inner_text() == "我的工作"
    assert page.get_by_test_id("role-auditor").inner_text() == "审计员"
    assert page.get_by_test_id("tile-audit").is_visible()
    assert not page.get_by_test_id("tile-api_keys").is_visible(), "an auditor has no API-key tile"
    screenshot("kernel-home-zh")

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("home-title").inner_text() == "Your work"
    assert page.get_by_test_id("role-auditor").inner_text() == "Auditor"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot("kernel-home-en")

    page.get_by_test_id("tile-audit").click()
    page.get_by_test_id("verify-chain").click()
    verdict = page.get_by_test_id("verify-result").inner_text()
    assert "Chain intact" in verdict, verdict

    page.get_by_test_id("lang-zh-hans").click()
    page.wait_for_load_state()
    assert "审计" in page.locator("h1").inner_text()


def test_wrong_password_five_times_shows_the_lockout_message(page):
    make_user(Role.OFFICIAL, username="clerk", password=TEST_PASSWORD)
    for _attempt in range(5):
        page.goto("/login/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", "Wrong-Password-1")
        page.click("button[type=submit].primary")
    assert page.get_by_test_id("lockout").is_visible()
    assert "锁定" in page.get_by_test_id("lockout").inner_text()


def test_pages_are_styled_from_local_assets_only(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/login/")
    background = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert background == "rgb(179, 38, 30)", "the local stylesheet is applied"
    assert page.evaluate("typeof window.htmx") == "object", "htmx is served locally"
    assert requested and all(url.startswith(live_server.url) for url in requested), (
        "no asset comes from the internet"
    )
