"""Writing .xlsx files: exports of lists (the reading side lives elsewhere).

openpyxl's write-only mode keeps memory flat however many rows there are; the workbook is
spooled to a temporary file (in memory while small) and streamed to the browser from there.
Headers are translated strings, so a Chinese user gets Chinese column titles.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


#: What makes a spreadsheet program read a cell typed or opened from a CSV file as a formula (OWASP's CSV
#: injection list): "=", "+", "-", "@", and a tab or carriage return before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` for a formula (a plain number such as -5 is not)."""
    return text.startswith(FORMULA_STARTS) and not _is_number(text)


def csv_text(value: Any) -> str:
    """A value for a CSV cell: formula-like text behind an apostrophe, which spreadsheets show as text."""
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def _cell_value(value: Any, sheet=None) -> Any:
    """What a spreadsheet cell can hold; everything else as text (lazy strings, enums)."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date | datetime.datetime):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # a spreadsheet has no zones: the district's wall time, as every page shows it
            return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        return value
    text = str(value)
    if not formula_like(text):
        return text
    # A text cell marked "quoted" (what Excel stores when a user types '=…): shown and read back as the text
    # itself, never evaluated; an apostrophe in the text would be read back by an import as part of it.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _is_number(text: str) -> bool:
    """A plain decimal number (-5, +3.5, 1e3): a spreadsheet reads it as that number, not as a formula."""
    return _NUMBER.fullmatch(text) is not None


def write_xlsx(
    path_or_stream: str | IO[bytes],
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Sheet1",
) -> None:
    """Write one sheet: a bold header row, then ``rows``. ``path_or_stream`` is a path or a binary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(value, sheet) for value in row])
    workbook.save(path_or_stream)


def xlsx_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> FileResponse:
    """An .xlsx download named ``filename`` (Chinese names are fine: RFC 5987 encoding)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(spool, headers, rows, sheet_title=sheet_title)
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


#: Rows a ledger reads from the database at a time: every row is written, never more than this in memory.
LEDGER_CHUNK = 2000


def each(rows) -> Iterable[Any]:
    """Every row of a list's queryset, ``LEDGER_CHUNK`` at a time (its prefetches per chunk, not per row);
    a list already evaluated is returned as it is."""
    return rows.iterator(chunk_size=LEDGER_CHUNK) if hasattr(rows, "iterator") else rows


def in_chunks(rows) -> Iterable[list]:
    """A list's queryset as lists of ``LEDGER_CHUNK`` rows, for a ledger whose rows need something read over
    many rows at once (a few queries per chunk, never one per row)."""
    chunk: list = []
    for row in each(rows):
        chunk.append(row)
        if len(chunk) == LEDGER_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def yes_no(value: bool) -> str:
    """A ledger's yes/no cell, in words (是/否 in the district's language)."""
    from django.utils.translation import gettext

    return gettext("Yes") if value else gettext("No")


def ledger_response(
    name: Any, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: Any = None
) -> FileResponse:
    """A staff list's ledger (台账) as .xlsx: headers, choice labels and the file name in the district's
    language (``district.language()``: the ledger is filed and passed on, whatever language the clerk's pages
    are in), the file named after the ledger and today's date (``涉企诉讼台账-20261203.xlsx``), every row
    streamed through ``write_xlsx`` (formula-like text quoted). ``rows`` is a generator: it is run here,
    inside the district's language, so the labels it reads (``get_status_display``) are the district's."""
    from . import clock, district

    with district.language():
        title = str(name)
        return xlsx_response(
            f"{title}-{clock.today():%Y%m%d}.xlsx",
            [str(header) for header in headers],
            rows,
            sheet_title=str(sheet_title or title),
        )
