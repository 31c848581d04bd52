"""A file none of whose first rows names a column an import reads (an instructions sheet first, another
ledger's file) is refused on the file field, listing the headers the import reads: every import reported
"已导入 0 未变化 0 被拒绝 0" for it, as if the file were empty. A title (a unit, a date) in rows above the
header is skipped, as ledgers kept in Excel have it."""

import io

import pytest
from django.utils import translation
from django.utils.module_loading import import_string
from openpyxl import Workbook

from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.core.tabular import IMPORTERS, Column, header_aliases, read_rows

COLUMNS = [Column("name", "名称", ("name",)), Column("note", "说明", ("note",))]


def _instructions_first() -> bytes:
    book = Workbook()
    book.active.title = "填写说明"
    book.active.append(["填写说明：数据在第二个工作表"])
    data = book.create_sheet("数据")
    data.append(["名称", "说明"])
    data.append(["甲", "乙"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_an_instructions_sheet_first_is_refused_naming_the_headers_and_the_rule():
    with pytest.raises(ServiceError) as caught, translation.override("zh-hans"):
        read_rows(_instructions_first(), filename="台账.xlsx", aliases=header_aliases(COLUMNS))
    error = caught.value
    assert (error.field, error.code, error.status) == ("file", "file_no_known_columns", 400)
    with translation.override("zh-hans"):
        text = error.text()
    assert "前 10 行" in text and "第一个工作表" in text and "填写说明" in text and "名称、说明" in text
    with translation.override("en"):
        assert "only the first sheet is read" in error.text()


def test_a_title_and_a_date_above_the_header_are_skipped_and_rows_keep_the_sheets_numbers():
    book = Workbook()
    book.active.append(["示范区承诺事项台账"])
    book.active.append(["填报单位：区发展和改革局", None, "2026年12月"])
    book.active.append([])
    book.active.append(["名称", "说明"])
    book.active.append(["甲", "乙"])
    out = io.BytesIO()
    book.save(out)
    fields, rows = read_rows(out.getvalue(), filename="台账.xlsx", aliases=header_aliases(COLUMNS))
    assert fields == ["name", "note"]
    assert [(row.number, row.values) for row in rows] == [(5, {"name": "甲", "note": "乙"})]


def test_a_header_naming_one_known_column_is_read():
    fields, rows = read_rows("名称,备注\n甲,乙\n".encode(), filename="a.csv", aliases=header_aliases(COLUMNS))
    assert fields == ["name"] and [row.values for row in rows] == [{"name": "甲"}]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["enterprises", "officials", "links", "relatives", *sorted(IMPORTERS)])
def test_every_import_refuses_a_file_whose_header_it_does_not_read(kind):
    from qinqing.directory import importing as directory

    data = "填写说明\n请在第二个工作表填写\n".encode()
    if kind in directory.KINDS:
        def run(**arguments):
            return directory.import_file(kind, data, **arguments)
    else:
        def run(**arguments):
            return import_string(IMPORTERS[kind])(data, **arguments)
    for dry_run in (True, False):
        with pytest.raises(ServiceError) as caught:
            run(filename="台账.csv", actor=SystemActor("test"), dry_run=dry_run)
        assert (caught.value.field, caught.value.code) == ("file", "file_no_known_columns"), kind


def test_a_data_row_quoted_in_the_refusal_has_its_numbers_masked():
    data = "TZ86114000015,2026-03-01 10:00,王五,13812345678,330106198001010056\n".encode()
    with pytest.raises(ServiceError) as caught, translation.override("zh-hans"):
        read_rows(data, filename="工单.csv", aliases=header_aliases(COLUMNS))
    text = caught.value.text()
    assert "138****5678" in text and "13812345678" not in text
    assert "330106198001010056" not in text and "TZ86114000015" in text


def test_a_header_without_a_required_column_refuses_the_file_naming_what_is_missing():
    """Another kind's export (an officials export into the officials import: names, not unit codes) was
    read row by row, and every row was refused for the same missing column."""
    with pytest.raises(ServiceError) as caught, translation.override("zh-hans"):
        read_rows("说明,备注\n乙,丙\n".encode(), filename="a.csv", aliases=header_aliases(COLUMNS),
                  required=("name", "note"))
    error = caught.value
    assert (error.field, error.code, error.status) == ("file", "file_missing_columns", 400)
    with translation.override("zh-hans"):
        text = error.text()
    assert "名称" in text and "说明、备注" in text and "第 1 行" in text
    fields, _rows = read_rows("名称\n甲\n".encode(), filename="a.csv", aliases=header_aliases(COLUMNS),
                              required=("name",))
    assert fields == ["name"]


def test_the_rows_of_a_workbook_are_counted_from_its_dimension_without_parsing_the_sheet():
    """``core.imports`` counts a file's rows in the request to decide whether to queue it: openpyxl's
    read-only mode parsed a whole sheet without a ``<dimension>`` (35 s for 100,000 rows written in
    write-only mode)."""
    import io
    import time

    import openpyxl

    from qinqing.core.tabular import count_rows

    book = openpyxl.Workbook()
    for index in range(1234):
        book.active.append([index, "x"])
    stream = io.BytesIO()
    book.save(stream)
    assert count_rows(stream.getvalue(), "a.xlsx") == 1233

    unsized = openpyxl.Workbook(write_only=True)
    sheet = unsized.create_sheet()
    # 30,000 rows: parsing them takes several seconds even on a machine three times this one's speed
    # (about 0.35 ms a row here), writing them 2 s (200,000 took 17 s of the suite for the same proof)
    for index in range(30_000):
        sheet.append([index, "某某科技有限公司", "2026-12-03"])
    stream = io.BytesIO()
    unsized.save(stream)
    started = time.perf_counter()
    # it does not say: core.imports estimates from the size
    assert count_rows(stream.getvalue(), "a.xlsx") == 0
    assert time.perf_counter() - started < 1
    assert count_rows(b"not a workbook", "a.xlsx") == 0
