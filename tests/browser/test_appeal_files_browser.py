"""An enterprise attaches a site photo to an appeal on its own page (article 6): a file that is not what
its name says is refused next to the field, the photo is filed, and the appeal's page offers it for
download without the camera's place and time (core.attachments)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from qinqing.appeals.tests import factories
from qinqing.core.testing import TEST_PASSWORD, photo_with_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_attaches_a_photo_and_downloads_it_without_its_place(page, loaded_calendar):
    user, _enterprise = factories.make_enterprise_user()
    user.set_password(TEST_PASSWORD)
    user.save()
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto("/appeals/mine/")
    form = page.get_by_test_id("appeal-form")
    form.locator("#id_title").fill("厂区变压器增容")
    form.locator("#id_content").fill("申请厂区变压器增容，已等待三个月，现场照片见附件。")
    photo = photo_with_place((320, 240))
    assert Image.open(io.BytesIO(photo)).getexif().get(0x8825)
    # A picture renamed .pdf first: refused next to the field, nothing filed.
    form.locator("#id_attachments").set_input_files(
        [{"name": "现场.pdf", "mimeType": "application/pdf", "buffer": photo}]
    )
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-attachments")).to_contain_text("PDF")
    expect(page.get_by_text("诉求已提交")).to_have_count(0)

    form = page.get_by_test_id("appeal-form")
    form.locator("#id_title").fill("厂区变压器增容")
    form.locator("#id_content").fill("申请厂区变压器增容，已等待三个月，现场照片见附件。")
    form.locator("#id_attachments").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("诉求已提交")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("厂区变压器增容")  # the appeal's own page
    link = page.get_by_test_id("attachments").get_by_role("link", name="现场.jpg")
    with page.expect_download() as download:
        link.click()
    data = open(download.value.path(), "rb").read()  # noqa: PTH123, SIM115
    served = Image.open(io.BytesIO(data))
    assert served.size == (320, 240) and not served.getexif().get(0x8825) and not served.getexif().get(0x010F)
