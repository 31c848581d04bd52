"""The commitments ledger import: two imports of one file at once add its rows once (PostgreSQL: they took
turns at nothing, and 300 rows became 409); a dry run runs the real import's checks and reports what it would
do; a file whose header names no column it reads is refused on the file field."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from qinqing.commitments import importing
from qinqing.commitments.models import Commitment
from qinqing.core.testing import at_once

from .test_commitments import _ledger, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _rows(w, count: int, *, title=lambda index: f"承诺事项{index:04d}"):
    return [
        [w["enterprise"].uscc, "", "政策承诺", title(index), "兑现奖补", "", "区投资促进局",
         "2026-09-01", "2026-12-31", "", ""]
        for index in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_ledger_at_once_add_its_rows_once(world):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite at_once runs the imports in turns; the race needs two writers (PostgreSQL)")
    data = _ledger(_rows(world, 300))

    outcomes = at_once(
        2, lambda index: importing.import_file(data, filename="台账.xlsx", actor=world["handler"])
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted((report.imported, report.unchanged) for report in outcomes) == [(0, 300), (300, 0)]
    assert Commitment.objects.count() == 300
    assert Commitment.objects.values("title").distinct().count() == 300


def test_a_dry_run_refuses_what_the_real_import_refuses(world):  # noqa: F811
    data = _ledger(_rows(world, 2, title=lambda index: "承" * 30000 if index else "落实用地"))

    dry = importing.import_file(data, filename="台账.xlsx", actor=world["handler"], dry_run=True)
    real = importing.import_file(data, filename="台账.xlsx", actor=world["handler"])

    assert (dry.imported, dry.unchanged) == (real.imported, real.unchanged) == (1, 0)
    assert [r.as_dict() for r in dry.rejected] == [r.as_dict() for r in real.rejected]
    assert [(r.row, r.column) for r in dry.rejected] == [(3, "承诺事项")]
    assert "30000" in dry.rejected[0].error
    assert list(Commitment.objects.values_list("title", flat=True)) == ["落实用地"]


def test_a_dry_run_counts_a_repeated_row_once_and_writes_nothing(world):  # noqa: F811
    data = _ledger(_rows(world, 2, title=lambda index: "落实用地"))

    dry = importing.import_file(data, filename="台账.xlsx", actor=world["handler"], dry_run=True)
    assert (dry.imported, dry.unchanged, dry.rejected) == (1, 1, [])
    assert not Commitment.objects.exists()


def _workbook(*sheets) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_its_data_on_the_second_sheet_is_refused_on_its_field(world):  # noqa: F811
    header = [column.header for column in importing.COLUMNS]
    data = _workbook(
        ("填写说明", [["填写说明"], ["1. 承诺类型填写：招商引资协议、政策承诺、会议纪要或合同"]]),
        ("台账", [header, *_rows(world, 3)]),
    )
    client = Client()
    client.force_login(world["handler"])
    upload = io.BytesIO(data)
    upload.name = "台账.xlsx"

    response = client.post(reverse("commitments:import"), {"file": upload})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["file"], errors
    message = errors["file"][0]
    assert "第一个工作表" in message and "填写说明" in message
    assert all(column in message for column in ("统一社会信用代码", "承诺事项", "责任单位", "完成时限"))
    assert not Commitment.objects.exists()


def _exported(client) -> bytes:
    return b"".join(client.get(reverse("commitments:public_xlsx")).streaming_content)


def test_the_public_ledger_exported_reads_back_in_and_a_corrected_cell_is_refused_not_called_unchanged(
    world,  # noqa: F811
):
    """"Export, correct a cell, import": exported by an English-speaking user the ledger's 承诺类型 was
    "Investment agreement", which the import refused on every row; and a row whose 承诺内容 or 完成时限 was
    corrected was counted "unchanged" — the correction silently dropped. A registered commitment is changed
    by a change request, so the import refuses the corrected cell naming the commitment and the column."""
    from openpyxl import load_workbook

    from qinqing.commitments.models import Scope

    from .test_commitments import _register

    stored = _register(world, title="公开承诺", scope=Scope.PUBLIC)
    client = Client()
    client.cookies["django_language"] = "en"
    data = _exported(client)
    assert load_workbook(io.BytesIO(data)).active["B2"].value == "招商引资协议"
    report = importing.import_file(data, filename="commitments.xlsx", actor=world["handler"], dry_run=True)
    assert (report.imported, report.unchanged, report.rejected) == (0, 1, [])

    book = load_workbook(io.BytesIO(data))
    book.active["J2"] = "修改后的承诺内容"
    book.active["G2"] = "2026/10/20"
    out = io.BytesIO()
    book.save(out)
    report = importing.import_file(out.getvalue(), filename="commitments.xlsx", actor=world["handler"])
    assert (report.imported, report.unchanged) == (0, 0)
    assert [(r.row, r.column) for r in report.rejected] == [(2, "承诺内容"), (2, "完成时限")]
    assert stored.number in report.rejected[0].error
    assert Commitment.objects.get().content == "三个月内完成项目用地供应"


def test_a_ledger_as_a_clerk_keeps_it_reads_in(world):  # noqa: F811
    """A title merged above the bold header, a credit code typed in full-width characters with spaces around
    it, dates typed as 2026年9月1日, 2026.9.1 or a number 20260901, formatted blank rows to row 5,000 and a
    second sheet: the full-width code was "not in the directory" and the dates "not YYYY-MM-DD"."""
    from openpyxl.styles import Font, PatternFill

    uscc = world["enterprise"].uscc
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc)
    book = Workbook()
    sheet = book.active
    sheet.append(["区投资促进局承诺事项台账"])
    sheet.merge_cells("A1:K1")
    sheet.append([c.header + ("*" if c.name in importing.REQUIRED else "") for c in importing.COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.append([f" {full_width}　", "", " 政策承诺 ", "甲", "兑现奖补", "", "区投资促进局 ", "2026年9月1日",
                  "2026/12/3", "", ""])
    sheet.append([uscc, "", "政策承诺", "乙", "兑现奖补", "", "区投资促进局", "2026.9.1",
                  "２０２６－１２－３", "", ""])
    sheet.append([uscc, "", "政策承诺", "丙", "兑现奖补", "", "区投资促进局", 20260901, "20261203", "", ""])
    sheet.append([uscc, "", "政策承诺", "丁", "兑现奖补", "", "区投资促进局", "9/1/2026", "明年", "", ""])
    for number in range(10, 5000):
        sheet.cell(row=number, column=2).fill = PatternFill("solid", fgColor="FFFF00")
    book.create_sheet("说明")["A1"] = "填写说明"
    out = io.BytesIO()
    book.save(out)

    report = importing.import_file(out.getvalue(), filename="台账.xlsx", actor=world["handler"])

    assert report.imported == 3
    assert [(r.row, r.column) for r in report.rejected] == [(6, "承诺日期"), (6, "完成时限")]
    assert {str(c.deadline) for c in Commitment.objects.all()} == {"2026-12-03"}


def test_the_blank_template_filled_in_imports_as_is(world):  # noqa: F811
    """The commitments import page listed its columns but offered no template; the template is written from
    the import's own columns (required ones marked *, which the import reads back)."""
    from openpyxl import load_workbook

    client = Client()
    client.force_login(world["handler"])
    page = client.get(reverse("commitments:import")).content.decode()
    assert reverse("commitments:import_template") in page
    download = client.get(reverse("commitments:import_template"))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    headers = [cell.value for cell in book.active[1]]
    assert headers[:4] == ["统一社会信用代码", "企业名称", "承诺类型*", "承诺事项*"]
    assert len(headers) == len(importing.COLUMNS)
    book.active.append([world["enterprise"].uscc, "", "政策承诺", "落实用地", "兑现奖补", "",
                        "区投资促进局", "2026-09-01", "2026-12-31", "", "内部"])
    filled = io.BytesIO()
    book.save(filled)
    report = importing.import_file(filled.getvalue(), filename="模板.xlsx", actor=world["handler"])
    assert (report.imported, report.rejected) == (1, [])
    client.force_login(world["inspector"])
    assert client.get(reverse("commitments:import_template")).status_code == 403


def test_names_typed_with_half_width_brackets_or_spaces_find_the_registered_name(world):  # noqa: F811
    """Enterprise names are registered with full-width brackets ("（中国）"); a clerk types "(中国)" or spaces
    the name (or the unit's) out, and the row was "not in the directory". Two names that differ only in how
    they are written are not guessed between."""
    from qinqing.directory.tests.factories import make_enterprise

    make_enterprise(name="恒通（中国）科技有限公司")
    header = [column.header for column in importing.COLUMNS]
    row = ["", "恒通(中国)科技 有限公司", "政策承诺", "落实用地", "兑现奖补", "",
           " 区投资 促进局", "2026-09-01", "2026-12-31", "", ""]
    report = importing.import_file(_workbook(("台账", [header, row])), filename="台账.xlsx",
                                   actor=world["handler"], dry_run=True)
    assert (report.imported, report.rejected) == (1, [])

    make_enterprise(name="恒通(中国)科技有限公司")  # the name written the other way too: which is meant?
    report = importing.import_file(_workbook(("台账", [header, row])), filename="台账.xlsx",
                                   actor=world["handler"], dry_run=True)
    assert [(r.row, r.column) for r in report.rejected] == [(2, "企业名称")]
