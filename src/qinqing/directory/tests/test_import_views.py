import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.models import Enterprise
from qinqing.directory.tests.test_import import enterprise_rows

pytestmark = pytest.mark.django_db


def csv_upload(rows, name="enterprises.csv"):
    text = "\n".join(",".join(str(cell) for cell in row) for row in rows)
    return SimpleUploadedFile(name, text.encode("gbk"), content_type="text/csv")


def test_administrator_imports_a_file_sees_the_report_and_downloads_the_error_report(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("directory:import"), {"kind": "enterprises", "file": csv_upload(enterprise_rows())}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.imported == 2 and report.rejected_rows == 5
    assert Enterprise.objects.count() == 2

    errors = client.get(reverse("directory:import_errors"))
    assert errors.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [4, 5, 6, 7, 8]
    assert rows[1][1] == "统一社会信用代码" and "丙公司" in rows[1]


def test_dry_run_from_the_page_writes_nothing(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("directory:import"),
        {"kind": "enterprises", "file": csv_upload(enterprise_rows()), "dry_run": "on"},
    )
    assert response.context["report"].imported == 2
    assert Enterprise.objects.count() == 0


def test_blank_template_downloads_with_its_headers(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse("directory:import_template", args=["officials"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(sheet.iter_rows(values_only=True))[:2] == ("姓名*", "公民身份号码*")


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.DEPARTMENT_HANDLER, Role.DISCIPLINE_INSPECTOR])
def test_other_roles_are_denied_and_nothing_is_imported(client, make_user, role):
    client.force_login(make_user(role))
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("directory:import"), {"kind": "enterprises", "file": csv_upload(enterprise_rows())}
    )
    assert response.status_code == 403
    assert client.get(reverse("directory:import_template", args=["officials"])).status_code == 403
    assert Enterprise.objects.count() == 0 and AuditEvent.objects.count() == events
