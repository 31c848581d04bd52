"""Article 5 end to end: the reviewing office uploads a tender as .docx, confirms one finding,
dismisses another with a reason, and the rule precision page counts both."""

import pytest

from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.fairness.models import Decision, Finding
from qinqing.fairness.tests import documents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_rules():
    """Transactional tests flush the tables, the rules seeded by the migrations too: seed them again."""
    import importlib

    from django.apps import apps

    from qinqing.fairness.models import Rule

    if not Rule.objects.exists():
        for name in ("0002_seed_rules", "0003_seed_pricing_rules"):
            importlib.import_module(f"qinqing.fairness.migrations.{name}").seed(apps, None)


def test_upload_a_docx_confirm_one_finding_and_dismiss_another(
    page, live_server, screenshot, tmp_path, seeded_rules, log_in
):
    make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    tender = tmp_path / "物业服务采购招标文件.docx"
    tender.write_bytes(documents.docx_bytes())

    log_in(page, "handler")
    page.goto("/fairness/new/")
    page.fill("#id_title", "政务服务中心物业服务采购")
    page.select_option("#id_document_kind", "procurement")
    page.set_input_files("#id_document", str(tender))
    page.get_by_test_id("fairness-form").locator("button[type=submit]").click()
    page.wait_for_url("**/fairness/*/")
    findings = page.locator("[data-testid^=finding-]")
    assert findings.count() == 3
    capital = page.locator("[data-rule=registered-capital]")
    assert "第三章" in capital.inner_text() and "注册资本不低于1000万元" in capital.inner_text()
    screenshot("fairness-findings")

    capital.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    branch = page.locator("[data-rule=local-branch]")
    branch.get_by_test_id("note").fill("本项目需驻场服务，已在评审中核实")
    branch.get_by_test_id("dismiss").click()
    page.wait_for_load_state()
    assert page.locator("[data-rule=registered-capital]").get_by_test_id("decision").inner_text() == "已确认"
    assert page.locator("[data-rule=local-branch]").get_by_test_id("decision").inner_text() == "已排除"
    assert Finding.objects.get(rule__code="registered-capital").decision == Decision.CONFIRMED
    dismissed = Finding.objects.get(rule__code="local-branch")
    assert dismissed.decision == Decision.DISMISSED and dismissed.note.startswith("本项目需驻场服务")
    assert "1 个问题未处理" in page.get_by_test_id("pending").inner_text()

    page.goto("/fairness/rules/")
    assert page.get_by_test_id("rule-registered-capital").get_by_test_id("precision").inner_text() == "1.00"
    assert page.get_by_test_id("rule-local-branch").get_by_test_id("precision").inner_text() == "0.00"


def test_a_reviewer_records_a_clause_the_rules_missed(page, live_server, screenshot, seeded_rules, log_in):
    from qinqing.fairness.tests.test_added_findings import MEASURE, MISSED

    make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    log_in(page, "handler")
    page.goto("/fairness/new/")
    page.fill("#id_title", "外贸企业扶持办法")
    page.select_option("#id_document_kind", "policy")
    page.fill("#id_text", MEASURE)
    page.get_by_test_id("fairness-form").locator("button[type=submit]").click()
    page.wait_for_url("**/fairness/*/")

    form = page.get_by_test_id("add-finding-form")
    # a clause that is not in the document is refused, in Chinese, and what was typed stays
    form.locator("#id_clause").fill("投标人须在本市设立分公司。")
    form.locator("#id_kind").select_option("location")
    form.locator("#id_note").fill("以入驻本区园区作为享受政策的条件")
    form.locator("#id_suggestion").fill("删除入驻本区园区的条件")
    page.get_by_test_id("add-finding").click()
    page.wait_for_load_state()
    assert "不在文件文本中" in page.get_by_test_id("error-clause").inner_text()
    form = page.get_by_test_id("add-finding-form")
    assert form.locator("#id_note").input_value() == "以入驻本区园区作为享受政策的条件"
    form.locator("#id_clause").fill(MISSED)
    page.get_by_test_id("add-finding").click()
    page.wait_for_load_state()
    added = page.locator("[data-source=reviewer]")
    assert added.count() == 1
    assert "审查人员补充" in added.inner_text() and "跨境电子商务综合试验区" in added.inner_text()
    assert added.get_by_test_id("decision").inner_text() == "已确认"
    screenshot("fairness-added-finding")
    assert Finding.objects.get(rule__isnull=True).kind == "location"

    page.goto("/fairness/rules/")
    row = page.get_by_test_id("kind-location")
    # no rule finding of the kind is confirmed yet, one clause was added: recall in practice 0 / (0 + 1)
    assert row.locator("td").nth(2).inner_text() == "1"
    assert row.get_by_test_id("recall").inner_text() == "0.00"

    # the added clause becomes an example of a location rule: refused until the pattern flags it, then saved
    page.goto(f"/fairness/{Finding.objects.get(rule__isnull=True).review_id}/")
    page.get_by_test_id("to-rule").click()
    page.wait_for_load_state()
    assert "跨境电子商务综合试验区" in page.get_by_test_id("example-banner").inner_text()
    page.get_by_test_id("same-kind").first.locator("a").click()
    page.wait_for_load_state()
    examples = page.locator("#id_positive_examples").input_value()
    assert examples.splitlines()[-1] == MISSED
    page.get_by_test_id("rule-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "跨境电子商务综合试验区" in page.get_by_test_id("error-positive_examples").inner_text()
    pattern = page.locator("#id_pattern")
    pattern.fill(pattern.input_value() + "|(?:其它区域内企业.{0,6}须经区政府认定)")
    page.get_by_test_id("rule-form").locator("button[type=submit]").click()
    page.wait_for_url("**/fairness/rules/")
    screenshot("fairness-rule-learned-example")
    from qinqing.fairness import services

    assert any(item.rule.kind == "location" for item in services.check_pasted(MEASURE).findings)
