"""Article 10's files in the browser: the unit uploads a commitment's agreement and makes it public with the
item; the public downloads it from the public page; an enterprise applies to a fund with an attachment and
the programme's reviewer opens it after the conflict gate; the unit's handler sees the deadline notice."""

import datetime
import io

import pytest

from qinqing.commitments import services
from qinqing.commitments.models import Attachment, FundApplication, Scope
from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_calendar(loaded_calendar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "经办人张某"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_documents_uploaded_published_and_attachments_read_after_the_gate(
    page, screenshot, loaded_calendar, log_in
):
    from qinqing.commitments import funds

    unit = factories.make_unit(name="区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="杨帆", user=handler)
    firm = factories.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER, username="enterprise", password=TEST_PASSWORD)
    factories.make_membership(user=firm_user, enterprise=firm)
    today = clock.today()
    commitment = services.commitment_register(
        enterprise=firm, unit=unit, kind="investment", title="项目用地指标落实", content="六个月内完成供地。",
        made_on=today - datetime.timedelta(days=30), deadline=today, scope=Scope.PUBLIC, actor=handler,
    )
    programme = funds.programme_create(
        unit=unit, title="科技创新专项资金", rules="按研发投入的百分之十补助。", budget="1000000",
        opens_on=today, closes_on=today + datetime.timedelta(days=20), actor=handler,
    )
    services.deadline_alerts(today)  # due today: the unit's handler is told

    log_in(page, "handler")
    page.goto("/commitments/")
    assert commitment.number in page.get_by_test_id("deadline-notices").inner_text()
    page.goto(f"/commitments/{commitment.pk}/")
    form = page.get_by_test_id("document-form")
    form.locator("#doc-files").set_input_files(
        files=[{"name": "投资协议.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    form.locator("#doc-public").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    document = Attachment.objects.get(commitment=commitment)
    assert document.public and "投资协议.pdf" in page.get_by_test_id("documents").inner_text()
    screenshot("commitments-document-uploaded")

    page.context.clear_cookies()
    page.goto(f"/commitments/public/{commitment.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("public-documents").get_by_role("link").click()
    body = download.value.path().read_bytes()
    assert body.startswith(b"%PDF-") and b"/Author" not in body  # rewritten without the document information

    log_in(page, "enterprise")
    page.goto("/commitments/funds/")
    form = page.get_by_test_id("apply-form")
    form.locator("input[name=amount]").fill("300000")
    form.locator("textarea[name=description]").fill("上年度研发投入六百万元。")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "审计报告.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    application = FundApplication.objects.get(programme=programme)
    assert application.attachments.get().name == "审计报告.pdf"

    log_in(page, "handler")
    page.goto(f"/commitments/funds/applications/{application.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("attachment-link").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    screenshot("funds-attachment-after-the-gate")
