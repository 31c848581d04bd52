"""A large ledger import in Chromium (core.imports): the page queues the file and shows its status page, which
polls itself (htmx) — a poll answered with an error keeps what it shows — until the worker's run is done and
the report appears, without a reload."""

import pytest

from qinqing.core import imports
from qinqing.core.models import ImportRun
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.models import Enterprise
from qinqing.directory.tests.test_import import enterprise_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_import_is_queued_and_its_page_shows_the_report_when_the_worker_is_done(
    page, screenshot, log_in, settings, tmp_path
):
    settings.IMPORT_IN_REQUEST_SECONDS = 0  # the few rows stand for a large file
    make_user(Role.ADMINISTRATOR, username="clerk", password=TEST_PASSWORD)
    upload = tmp_path / "enterprises.csv"
    upload.write_bytes("\n".join(",".join(str(cell) for cell in row) for row in enterprise_rows()).encode())

    log_in(page, "clerk")
    page.goto("/directory/import/")
    page.locator("#id_kind").select_option("enterprises")
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    run = ImportRun.objects.get()
    assert page.url.endswith(f"/imports/{run.pk}/")
    part = page.get_by_test_id("import-run")
    assert part.get_attribute("data-state") == "queued"

    # one poll answered with an error (a busy database): the part stays as it was, nothing is announced
    refused = []

    def refuse_once(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=400, body="<p>busy</p>", content_type="text/html")
        else:
            route.continue_()

    page.route(f"**/imports/{run.pk}/", refuse_once)
    page.wait_for_timeout(2500)
    assert refused and part.get_attribute("data-state") == "queued"
    assert page.get_by_test_id("request-notice").is_hidden()

    assert imports.run_queued() == "1 import(s) run"  # the worker
    page.wait_for_selector("[data-testid=import-run][data-state=done]", timeout=10_000)
    assert page.get_by_test_id("imported").inner_text() == "2" and Enterprise.objects.count() == 2
    assert page.get_by_test_id("error-report").is_visible()
    screenshot("large-import-done")
