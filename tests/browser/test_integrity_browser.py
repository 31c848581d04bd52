"""Article 21 end to end: the credit administrator lists an enterprise on the decision form and the
eligibility API answers "not eligible" from then on (asked over HTTP with an integrity:query key)."""

import datetime
import json
import urllib.request

import pytest
from django.utils import timezone

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_api_key, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ask(live_server, key, uscc):
    url = f"{live_server.url}/api/v1/integrity/eligibility?uscc={uscc}&activity=procurement"
    request = urllib.request.Request(url, headers={"X-API-Key": key})  # noqa: S310 (the test's own live server)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test's own live server)
        return json.loads(response.read())


def test_listing_an_enterprise_changes_the_api_answer(page, live_server, screenshot, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    make_user(Role.CREDIT_ADMINISTRATOR, username="credit", password=TEST_PASSWORD)
    enterprise = factories.make_enterprise(name="围猎测试建设有限公司")
    key = make_api_key("integrity:query")[1]
    before = ask(live_server, key, enterprise.uscc)
    assert before["eligible"] is True

    page.goto("/login/")
    page.fill("#id_username", "credit")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.goto("/integrity/listings/new/")
    today = timezone.localdate()
    page.fill("#id_uscc", enterprise.uscc)
    page.select_option("#id_kind", "corrupting_officials")
    page.fill("#id_grounds", "多次宴请区住建局工作人员")
    page.check("input[name=activities][value=procurement]")
    page.check("input[name=activities][value=construction_bidding]")
    page.fill("#id_start", today.isoformat())
    page.fill("#id_end", (today + datetime.timedelta(days=3 * 365)).isoformat())
    page.get_by_test_id("listing-form").locator("button[type=submit]").click()
    page.wait_for_url("**/integrity/listings/*/")
    assert "围猎测试建设有限公司" in page.get_by_test_id("listing-facts").inner_text()
    # No mobile number on file: the written notice waits to be printed (not claimed as sent).
    assert "待打印" in page.get_by_test_id("notice-state-letter").inner_text()
    screenshot("integrity-listing")

    after = ask(live_server, key, enterprise.uscc)
    assert after["eligible"] is False and after["restrictions"][0]["activity"] == "procurement"
    assert after["check_id"] != before["check_id"]
    page.goto(f"/integrity/enterprises/{enterprise.pk}/")
    assert page.get_by_test_id("not-eligible").is_visible()
