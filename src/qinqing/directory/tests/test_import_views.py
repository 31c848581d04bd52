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


def test_the_rejected_rows_kept_for_the_error_report_are_encrypted_in_the_session(client, make_user):
    """A session row is signed, not encrypted: the rejected rows' full resident IDs must not be
    readable from the session table."""
    from django.contrib.sessions.models import Session

    from qinqing.directory.tests.factories import make_resident_id

    number = make_resident_id(birth="19780309")
    client.force_login(make_user(Role.ADMINISTRATOR))
    rows = [["姓名", "公民身份号码", "单位代码", "职务"], ["令狐测", number, "NOSUCHUNIT", "科员"]]
    response = client.post(reverse("directory:import"), {"kind": "officials", "file": csv_upload(rows)})
    assert response.context["report"].rejected_rows == 1

    stored = Session.objects.get(session_key=client.session.session_key)
    decoded = stored.get_decoded()  # what anyone reading the table gets: no key is needed to decode
    assert number not in str(decoded) and "令狐测" not in str(decoded)

    errors = client.get(reverse("directory:import_errors"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert number in next(row for row in sheet.iter_rows(values_only=True) if row[0] == 2)
