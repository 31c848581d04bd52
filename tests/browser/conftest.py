"""Headless Chromium (Debian's package) driven by Playwright for Python.

Locally a missing Chromium skips these tests with the reason; in CI (CI=true) it fails.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _serve_one_request_at_a_time() -> None:
    """The live server answers one request at a time. On SQLite the test database is in memory, and
    every request thread of Django's ``ThreadedWSGIServer`` shares its one connection: two requests at
    once (a page and the browser's next request) interleaved on it — ``IndexError: pop from empty
    list`` in ``atomic()`` while a session was saved — and every later browser test failed on the
    broken connection (a clean-clone CI run, 2026-12-01). Django closes each connection after its
    response when the server is not threaded, so the browser simply queues its requests."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # the live server thread itself holds the overriding connections (LiveServerThread.run)
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = OneRequestAtATime


_serve_one_request_at_a_time()

CHROMIUM = os.environ.get("QINQING_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("QINQING_TEST_ARTIFACTS", "test-results"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def loaded_calendar(transactional_db):
    """The 2024–2026 schedules (core.testing.load_test_calendar), committed so that the live server
    reads them: ``workday_calendar`` needs ``db``, which a live server cannot use."""
    from qinqing.core import calendar
    from qinqing.core.testing import load_test_calendar

    load_test_calendar()
    yield
    calendar.invalidate()


@pytest.fixture
def log_in():
    """``log_in(page, username)``: sign in as a user made with ``TEST_PASSWORD`` (cookies cleared first)."""
    from qinqing.core.testing import TEST_PASSWORD

    def sign_in(page, username: str) -> None:
        page.context.clear_cookies()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
