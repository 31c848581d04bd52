"""What an uploaded file may make the server do: a refusal naming the field, never a 500 (found by
posting hostile files to every upload form, session 42)."""

from __future__ import annotations

import io

import pytest

from qinqing.core import attachments
from qinqing.core.errors import ServiceError
from qinqing.core.tabular import read_rows
from qinqing.core.testing import docx_unpacking_to, in_english, png_of


def test_a_csv_cell_past_the_csv_modules_limit_is_refused_naming_the_line():
    data = "名称,说明\n甲,短\n乙,".encode() + b'"' + b"x" * 200_000 + b'"\n'
    _fields, rows = read_rows(data, filename="台账.csv", aliases={"名称": "name", "说明": "note"})
    with pytest.raises(ServiceError) as raised:
        list(rows)
    assert (raised.value.code, raised.value.field) == ("csv_unreadable", "file")
    assert "Line 3 of the CSV file could not be read" in in_english(raised.value.text)


@pytest.mark.parametrize(("width", "height"), [(10_000, 7_000), (20_000, 10_000)])
def test_a_small_picture_of_too_many_pixels_is_refused_before_it_is_decoded(width, height):
    data = png_of(width, height)
    assert len(data) < 200_000
    with pytest.raises(ServiceError) as raised:
        attachments.clean("图.png", "image/png", data, field="attachments")
    assert (raised.value.code, raised.value.field) == ("attachment_size", "attachments")
    assert in_english(raised.value.text) == "A picture may have at most 60,000,000 pixels."


def test_a_picture_within_the_pixels_is_cleaned():
    name, data = attachments.clean("图.png", "image/png", png_of(4_000, 3_000))
    assert name == "图.png" and data.startswith(b"\x89PNG")
    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == (4_000, 3_000)


def test_a_word_document_that_unpacks_past_the_limit_is_refused_unread_by_the_review_and_the_policy_import():
    import time

    from qinqing.fairness import extract
    from qinqing.policy.services import text_from_file

    data = docx_unpacking_to(attachments.MAX_UNZIPPED // 2**20 + 10)
    assert len(data) < 2 * 2**20 and attachments.unzipped_size(data) > attachments.MAX_UNZIPPED
    started = time.perf_counter()
    with pytest.raises(extract.UnreadableDocument, match="unpacks to more than 100 MB"):
        in_english(extract.extract, data, "招标文件.docx")
    with pytest.raises(ServiceError) as raised:
        text_from_file("政策.docx", data)
    assert (raised.value.code, raised.value.field) == ("invalid_file", "file")
    assert "unpacks to more than 100 MB" in in_english(raised.value.text)
    assert time.perf_counter() - started < 2  # refused from the zip's directory, nothing unpacked


def test_a_damaged_word_document_is_refused_in_words_the_reviewer_can_act_on():
    import openpyxl

    from qinqing.fairness import extract

    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)
    for data in (b"PK\x03\x04 not a zip at all", workbook.getvalue()):  # a workbook named .docx as well
        with pytest.raises(extract.UnreadableDocument) as raised:
            in_english(extract.extract, data, "a.docx")
        # not python-docx's "file '<_io.BytesIO object at 0x…>' is not a Word file"
        assert str(raised.value) == (
            "The Word document cannot be opened: it is damaged, or it is not a .docx file."
        )


def test_a_policy_text_is_read_as_utf8_or_gbk_and_one_with_nul_characters_is_refused():
    from qinqing.policy.services import text_from_file

    article = "第一条 为了促进民营经济发展。"
    assert text_from_file("政策.txt", article.encode("gbk")) == article
    with pytest.raises(ServiceError) as raised:
        text_from_file("政策.txt", "第二条\x00 内容".encode())
    assert (raised.value.code, raised.value.field) == ("invalid_file", "file")
    assert "NUL" in raised.value.text()


@pytest.fixture
def few_sql_parameters(db):
    """SQLite as it was before 3.32: 999 parameters a statement (later ones allow 32,766, PostgreSQL
    65,535), so that a statement with one parameter per row fails at thousands of rows, not tens of
    thousands."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    import sqlite3

    connection.ensure_connection()
    before = connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        yield
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def test_the_audit_reads_back_more_rows_than_a_statement_may_have_parameters(make_user, few_sql_parameters):
    """One event each for 2,500 rows written at once: their states are read in slices (one IN list of
    every key passed SQLite's parameter limit, and a long document's review answered 500)."""
    from django.db import transaction

    from qinqing.core import audit
    from qinqing.core.models import AuditEvent
    from qinqing.directory.models import Unit

    actor = make_user(username="bulk_writer")
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [Unit(name=f"单位{number}", code=f"U{number:05d}") for number in range(2_500)]
        )
        events = audit.record_events(
            [{"actor": actor, "action": "directory.unit.create", "instance": unit} for unit in units]
        )
    assert len(events) == 2_500
    assert AuditEvent.objects.filter(action="directory.unit.create", actor_user=actor).count() == 2_500
    assert {event.object_id for event in events} == {str(unit.pk) for unit in units}


@pytest.mark.django_db
def test_a_form_past_the_size_limit_is_refused_in_words_with_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post("/login/", {"username": "甲", "password": "x" * 20_000})
    page = response.content.decode()
    assert response.status_code == 413 and 'data-code="too_large"' in page
    assert "表单内容超过 0.00953674 MB" in page
    assert "较长的文本请作为文件上传" in page and "413 ·" in page


@pytest.mark.django_db
def test_a_file_name_past_what_django_parses_is_refused_in_words(client):
    upload = io.BytesIO(b"PK\x03\x04")
    upload.name = "超长文件名" * 80 + ".xlsx"  # 1,205 bytes of UTF-8: past the 1,024 Django reads of headers
    from qinqing.core.roles import Role
    from qinqing.core.testing import make_user

    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.post("/commitments/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "文件名过长" in page and "请缩短文件名后重新提交" in page


@pytest.mark.django_db
def test_a_database_held_by_a_long_import_answers_busy_not_broken(client, monkeypatch):
    """SQLite's writer lock held past its timeout (a 20,000-row import on ``./qinqing serve``): the
    log-in that meets it is told to try again (503, Retry-After), not shown a server error."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    from qinqing.core.testing import make_user

    make_user(username="busy_day", password="Qinqing@2026-busy")

    def locked(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "cycle_key", locked)
    client.raise_request_exception = False
    response = client.post("/login/", {"username": "busy_day", "password": "Qinqing@2026-busy"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "系统繁忙" in response.content.decode()


def test_an_empty_attachment_and_a_text_with_nul_characters_are_refused_for_what_they_are():
    from qinqing.fairness import extract

    with pytest.raises(ServiceError) as raised:
        attachments.clean("说明.txt", "text/plain", b"")
    assert (raised.value.code, raised.value.field) == ("attachment_empty", "attachments")
    assert raised.value.text() == "文件 说明.txt 是空的。"
    with pytest.raises(extract.UnreadableDocument, match="NUL"):
        extract.extract("第一条 投标人\x00须为本地企业。".encode(), "招标文件.txt")
