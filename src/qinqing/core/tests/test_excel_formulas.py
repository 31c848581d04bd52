"""Exports must not carry a formula into the reader's spreadsheet program (OWASP, CSV injection): text
starting with "=", "+", "-", "@", a tab or a carriage return. In .xlsx it is a text cell marked quoted (what
Excel stores for '=…), so it reads back as the text itself — an apostrophe put before it was read back by the
imports as part of the cell (an exported ledger re-imported changed "=x" to "'=x"); a tab or CR before "="
was not guarded at all. CSV has no such mark: the apostrophe."""

import io

import openpyxl
import pytest

from qinqing.core.excel import csv_text, write_xlsx

HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")', "-inf"]
PLAIN = ["-5", "+3.5", "正常", " =1", "1-2"]


def _read(values):
    out = io.BytesIO()
    write_xlsx(out, ["h"] * len(values), [values])
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    return list(sheet.iter_rows(min_row=2, max_row=2))[0]


def test_formula_like_text_is_a_quoted_text_cell_read_back_unchanged():
    cells = _read(HOSTILE)
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells] == [
        (value, "s", True) for value in HOSTILE
    ]


def test_plain_text_and_numbers_as_text_are_left_alone():
    cells = _read(PLAIN)
    assert [(cell.value, cell.quotePrefix) for cell in cells] == [(value, False) for value in PLAIN]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_csv_cell_gets_the_apostrophe(value):
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", [*PLAIN, None, ""])
def test_a_plain_csv_cell_is_unchanged(value):
    assert csv_text(value) == ("" if value is None else value)
