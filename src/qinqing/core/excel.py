"""Writing .xlsx files: exports of lists (the reading side lives elsewhere).

openpyxl's write-only mode keeps memory flat however many rows there are; the workbook is
spooled to a temporary file (in memory while small) and streamed to the browser from there.
Headers are translated strings, so a Chinese user gets Chinese column titles.
"""

from __future__ import annotations

import datetime
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


def _cell_value(value: Any) -> Any:
    """What a spreadsheet cell can hold; everything else as text (lazy strings, enums)."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date | datetime.datetime):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # a spreadsheet has no zones: the district's wall time, as every page shows it
            return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        return value
    text = str(value)
    # A leading "=" would make the cell a formula in the reader's spreadsheet program.
    return "'" + text if text.startswith(("=", "+", "-", "@")) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
        sheet.append([_cell_value(value) for value in row])
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
