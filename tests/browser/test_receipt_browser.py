"""A filing receipt checked in the browser (issue 19): an enterprise files through the district
head's mailbox, the acknowledgement page gives a receipt code and link; before the sequencer runs
the receipt page says "pending"; once it has run, the page fetches the inclusion proof and checks
it in the browser (SM3 and RFC 9162 in the page's own script) — and shows a tampered proof as
failed."""

import json

import pytest
from playwright.sync_api import expect

from qinqing.core import calendar
from qinqing.core.testing import load_test_calendar
from qinqing.core.transparency import merkle, receipts, sequencer
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "厂区外道路照明不足"
CONTENT = "厂区外道路夜间照明不足，员工下班通行存在安全隐患，请求增设路灯（收录回执测试）。"


@pytest.fixture
def loaded_calendar(transactional_db):
    load_test_calendar()
    yield
    calendar.invalidate()


def test_the_receipt_of_a_filing_verifies_in_the_browser_and_a_tampered_proof_fails(page, screenshot,
                                                                                      loaded_calendar):
    enterprise = factories.make_enterprise(name="明光照明电器有限公司")

    # 1. The enterprise files through the mailbox; the acknowledgement carries the receipt.
    page.goto("/portal/appeals/")
    page.fill("#id_contact_name", "周经理")
    page.fill("#id_contact_phone", "13812345670")
    page.fill("#id_enterprise_uscc", enterprise.uscc)
    page.fill("#id_title", TITLE)
    page.fill("#id_content", CONTENT)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/portal/appeals/filed/")
    card = page.get_by_test_id("filing-receipt")
    expect(card).to_contain_text("收录回执")
    code = card.get_by_test_id("receipt-code").inner_text().strip()
    assert receipts.normalise(code) == code
    tracking_number = page.get_by_test_id("tracking-number").inner_text().strip()
    screenshot("receipt-1-acknowledgement")

    # 2. Before the sequencer has run: recorded, not yet in a signed tree.
    card.get_by_test_id("receipt-link").click()
    page.wait_for_url(f"**/transparency/receipt/{code}/")
    expect(page.get_by_test_id("receipt-status")).to_have_attribute("data-status", "pending")
    expect(page.get_by_test_id("receipt-result")).to_have_attribute("data-state", "pending")

    # 3. The sequencer integrates the events and signs a head; the page verifies the proof.
    assert sequencer.integrate() > 0
    page.reload()
    expect(page.get_by_test_id("receipt-status")).to_have_attribute("data-status", "included")
    result = page.get_by_test_id("receipt-result")
    expect(result).to_have_attribute("data-state", "verified", timeout=10_000)
    expect(result).to_contain_text("已在本浏览器中核验")
    expect(page.get_by_test_id("receipt-steps").locator("li.ok")).to_have_count(4)
    body = page.content()
    assert tracking_number not in body and TITLE not in body and "收录回执测试" not in body
    screenshot("receipt-2-verified")

    # The page's SM3 is the platform's (a vector computed here by Python).
    data = bytes(range(70))
    assert page.evaluate("h => window.qinqingReceipt.sm3(h)", data.hex()) == merkle.sm3(data).hex()

    # 4. A tampered proof (one node of the audit path changed in transit) is shown as failed.
    json_url = f"**/transparency/receipt/{code}.json"

    def tamper(route):
        response = route.fetch()
        payload = response.json()
        path = payload["proof"]["audit_path"]
        if path:
            path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
        else:  # a tree of one leaf: change the root instead
            payload["proof"]["head"]["root_hash"] = "00" * 32
        route.fulfill(response=response, body=json.dumps(payload), content_type="application/json")

    page.route(json_url, tamper)
    page.reload()
    expect(result).to_have_attribute("data-state", "failed", timeout=10_000)
    expect(result).to_contain_text("核验未通过")
    expect(page.get_by_test_id("receipt-steps").locator("li.failed")).to_have_count(1)
    screenshot("receipt-3-tampered")
    page.unroute(json_url)

    # 5. The short link of the SMS and the QR code leads to the same page.
    page.goto(f"/r/{code.replace('-', '').lower()}")
    page.wait_for_url(f"**/transparency/receipt/{code}/")
    expect(page.get_by_test_id("receipt-result")).to_have_attribute("data-state", "verified", timeout=10_000)
