"""Read spreadsheets (.xlsx) and CSV files into row dicts keyed by canonical field names.

Government data arrives as Excel workbooks or as CSV files saved by Excel, which on a
Chinese Windows machine means GB18030/GBK rather than UTF-8; so CSV is tried as UTF-8
(with or without a byte-order mark) first and GB18030 (a superset of GBK) second.
Headers may be Chinese or English: each caller passes an alias table.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from .errors import ServiceError

SUPPORTED_EXTENSIONS = (".xlsx", ".csv")
HEADER_SEARCH = 10  # non-blank rows read for the header: a title, a unit and a date above it, and more


@dataclass(frozen=True)
class Column:
    """A column an import reads: its field ``name``, the ``header`` its template writes and the other headers
    people put on it (Chinese or English)."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()


def header_aliases(columns) -> dict[str, str]:
    """The alias table ``read_rows`` takes for ``columns``: every header, name and alias, normalised."""
    return {normalise_header(text): column.name for column in columns
            for text in (column.header, column.name, *column.aliases)}


def template_headers(columns, required=()) -> list[str]:
    """The header row of an import's blank template (空白模板): each column's header, in the import's order, a
    required one marked with * (which the import ignores when it reads the header back)."""
    return [column.header + ("*" if column.name in required else "") for column in columns]


def expected_headers(aliases: dict[str, str]) -> list[str]:
    """The headers an alias table reads, one per field: the first text given for each (every table is built
    header first, as ``header_aliases`` builds it)."""
    headers: dict[str, str] = {}
    for text, name in aliases.items():
        headers.setdefault(name, text)
    return list(headers.values())


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:$|[\sT])")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_day(text: str) -> datetime.date | None:
    """A date as people type it in a sheet: 2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日 or 20260630, in
    half- or full-width characters (a time after it ignored); None when it is none of these or no such day."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    found = _DAY.match(value) or _COMPACT_DAY.fullmatch(value)
    if found is None:
        return None
    try:
        return datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


_HALF_TO_FULL_BRACKETS = str.maketrans("()", "（）")


def name_spellings(text: str) -> list[str]:
    """The spellings a name typed in a cell may be stored under: as typed (trimmed), and in the registered
    form of Chinese names — full-width characters read as half-width (NFKC), spaces dropped, then the
    brackets full-width again, as enterprise and unit names are registered (``（中国）``). A lookup
    ``name__in=name_spellings(text)`` finds "某某(中国)有限公司" typed with half-width brackets."""
    typed = (text or "").strip()
    plain = "".join(unicodedata.normalize("NFKC", typed).split())
    return list(dict.fromkeys(spelling for spelling in (typed, plain, plain.translate(_HALF_TO_FULL_BRACKETS))
                              if spelling))


_DAY_HEAD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"(?:T|\s)*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})\s*秒?)?\s*分?")
_COMPACT_MOMENT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?")


def parse_moment(text: str) -> datetime.datetime | None:
    """A date and time as people type it in a sheet (naive, as written): a date as ``parse_day`` reads it,
    then nothing (midnight) or a time — 09:15, 9:15:30, 9时15分 — or 20261130091500; None when it is none
    of these or no such moment."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    compact = _COMPACT_MOMENT.fullmatch(value)
    if compact:
        parts = [int(part or 0) for part in compact.groups()]
    else:
        day = _DAY_HEAD.match(value)
        rest = value[day.end():].strip() if day else ""
        clock_time = _TIME.fullmatch(rest) if rest else None
        if day is None or (rest and clock_time is None):
            return None
        parts = [int(part or 0) for part in (*day.groups(), *(clock_time.groups() if clock_time else ()))]
    try:
        return datetime.datetime(*parts)
    except ValueError:
        return None


@dataclass
class Row:
    """One data row: its spreadsheet row number (header = row 1) and values by field."""

    number: int
    values: dict[str, str]
    original: dict[str, str]


def normalise_header(text: Any) -> str:
    """Header cells compare after NFKC, trimming, lower case and without spaces or asterisks
    (templates mark required columns with * and users copy them)."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()
    return "".join(value.replace("*", "").replace("（", "(").replace("）", ")").split())


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO, whole floats without '.0' (Excel stores numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, checked chunk by chunk so that a large file is
    never held twice more as text (the rows are then decoded as they are read)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ServiceError(
        _("The CSV file is neither UTF-8 nor GB18030/GBK encoded; save it again as UTF-8 CSV."),
        code="csv_encoding",
        field="file",
    )


def _raw_rows(data: bytes, extension: str) -> Iterator[list[Any]]:
    if extension == ".csv":
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=_csv_encoding(data), newline=""))
        try:
            yield from reader
        except csv.Error as error:  # a cell past the csv module's field limit (131,072 characters), a NUL
            raise ServiceError(
                _("Line %(line)s of the CSV file could not be read: a cell longer than %(most)s characters, "
                  "or a character no CSV may hold."),
                code="csv_unreadable",
                field="file",
                params={"line": reader.line_num, "most": f"{csv.field_size_limit():,}"},
            ) from error
        return
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a corrupt or non-xlsx file
        raise ServiceError(  # its exception's name ("BadZipFile") tells the user nothing
            _("The file could not be read as an Excel workbook (.xlsx): it is damaged, or it is not an .xlsx "
              "file (save it from Excel as .xlsx)."),
            code="xlsx_unreadable",
            field="file",
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def file_extension(filename: str) -> str:
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise ServiceError(
            _("Unsupported file type %(extension)s: upload an .xlsx workbook or a .csv file."),
            code="file_type",
            field="file",
            params={"extension": extension or "?"},
        )
    return extension


_NUMBER_LIKE = re.compile(r"[0-9Xx+()\-\s]{7,}")


def _shown_row(texts: list[str]) -> str:
    """A row quoted back in a message: its cells, numbers of seven or more digits masked (the first row of a
    file without a header is data: a phone, a resident ID)."""
    from .identifiers import mask_phone

    cells = [mask_phone(text) if _NUMBER_LIKE.fullmatch(text) else text for text in texts if text]
    return "、".join(cells)[:200] or "—"


def read_rows(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    filename: str | None = None,
    aliases: dict[str, str],
    required: Iterable[str] = (),
) -> tuple[list[str], Iterator[Row]]:
    """Return (field names found in the header, iterator of rows).

    ``aliases`` maps normalised header text (Chinese or English) to a field name. Unknown
    columns are kept in ``Row.original`` only. Blank rows are skipped but keep numbering.
    A file whose header lacks a ``required`` field's column is refused as a whole, naming the
    missing columns (every row would otherwise be refused for the same reason: another
    ledger's file, another kind's export).
    """
    if isinstance(source, bytes):
        data = source
    elif hasattr(source, "read"):
        data = source.read()
        filename = filename or getattr(source, "name", "")
    else:
        filename = filename or os.fspath(source)
        with open(source, "rb") as handle:
            data = handle.read()
    extension = file_extension(filename or "")
    raw = _raw_rows(data, extension)
    # The header is the first of the first HEADER_SEARCH non-blank rows that names a column the import reads:
    # a ledger kept in Excel often has its title (and a unit, a date) in rows above the header, which are
    # skipped; the row numbers still follow the sheet.
    first: list[str] | None = None
    labels: list[str] = []
    fields: list[str] = []
    header_number = seen = 0
    for candidate in raw:
        header_number += 1
        texts = [cell_text(cell) for cell in candidate]
        if not any(texts):
            continue
        first = texts if first is None else first
        labels, fields = texts, [aliases.get(normalise_header(label), "") for label in texts]
        seen += 1
        if any(fields) or seen >= HEADER_SEARCH:
            break
    if first is None:
        raise ServiceError(
            _("The file is empty: the first row must name the columns."), code="file_empty", field="file"
        )
    if not any(fields):
        # An instructions sheet before the data, another ledger's file: every row would be read as blank,
        # and the import would report nothing done and nothing refused.
        raise ServiceError(
            _("No row among the first %(rows)s of the file names a column this import reads (of a workbook "
              "only the first sheet is read; its first row holds: %(found)s). Put the data on the first "
              "sheet under a header row naming its columns: %(expected)s."),
            code="file_no_known_columns",
            field="file",
            params={"rows": HEADER_SEARCH, "found": _shown_row(first),
                    "expected": "、".join(expected_headers(aliases))},
        )
    missing = [name for name in required if name not in fields]
    if missing:
        headers = dict(zip(dict.fromkeys(aliases.values()), expected_headers(aliases), strict=True))
        raise ServiceError(
            _("The file has no column %(missing)s, which this import requires (its header row %(row)s holds: "
              "%(found)s). Download the blank template for the columns it reads."),
            code="file_missing_columns",
            field="file",
            params={"missing": "、".join(headers.get(name, name) for name in missing), "row": header_number,
                    "found": _shown_row(labels)},
        )

    def rows() -> Iterator[Row]:
        # Numbering follows the sheet (blank lines before the header count) so users find
        # the row they see.
        number = header_number
        for values in raw:
            number += 1
            texts = [cell_text(value) for value in values]
            if not any(texts):
                continue
            original = {
                label: (texts[i] if i < len(texts) else "") for i, label in enumerate(labels) if label
            }
            mapped = {field: (texts[i] if i < len(texts) else "") for i, field in enumerate(fields) if field}
            yield Row(number=number, values=mapped, original=original)

    return [field for field in fields if field], rows()


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br(?:elationships)?:id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*(?::[A-Z]*(\d+))?"')


def _xlsx_first_sheet_rows(data: bytes) -> int:
    """The last row of the first sheet's ``<dimension>`` (which Excel writes at the top of the sheet), read
    from the first 64 kB of its XML: openpyxl parses the whole sheet looking for it when it is absent (35 s
    for a 100,000-row sheet written by openpyxl's write-only mode). 0 when the file says nothing (or is no
    workbook)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            first = _SHEET.search(archive.read("xl/workbook.xml"))
            rels = archive.read("xl/_rels/workbook.xml.rels")
            target = ""
            for tag in _RELATIONSHIP.findall(rels):
                if first and f'Id="{first.group(1).decode()}"'.encode() in tag:
                    target = re.search(rb'Target="([^"]+)"', tag).group(1).decode()
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            with archive.open(path) as sheet:
                head = sheet.read(64 * 1024)
    except (KeyError, ValueError, AttributeError, OSError, zipfile.BadZipFile):
        return 0
    found = _DIMENSION.search(head)
    return int(found.group(1)) if found and found.group(1) else 0


def count_rows(data: bytes, filename: str) -> int:
    """The number of data rows, cheaply, for a progress bar and for ``core.imports``' estimate (an upper
    bound: blank lines count; 0 for an .xlsx whose sheet does not say)."""
    if (filename or "").lower().endswith(".csv"):
        return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
    return max(_xlsx_first_sheet_rows(data) - 1, 0)


@contextlib.contextmanager
def one_import_at_a_time(ledger: str, *, dry_run: bool = False):
    """One import of ``ledger``: one transaction, holding the ledger's lock (``core.jobs.exclusive``) from
    before the import reads which rows already exist until it commits. Two imports of the same file at
    once then take turns, the second finding the first one's rows (unchanged), instead of both reading
    "not there yet" and both inserting. PostgreSQL: a transaction-level advisory lock; SQLite: the
    transaction's ``BEGIN IMMEDIATE`` already takes the database's one write lock. A dry run is the same
    run, rolled back, so its report is what the real import would do."""
    from django.db import transaction

    from . import jobs

    with transaction.atomic():
        jobs.exclusive(f"qinqing.import:{ledger}")
        yield
        if dry_run:
            transaction.set_rollback(True)


# --- import kinds of other apps ---------------------------------------------------------------
# ``./qinqing import KIND FILE`` (the directory's command) also runs the kinds other apps
# register here: kind -> dotted path of ``import_file(source, *, actor, dry_run, progress_factory)``
# returning a report with ``imported/updated/unchanged/rejected`` (the directory's shape).
IMPORTERS: dict[str, str] = {}


def register_importer(kind: str, dotted_path: str) -> None:
    IMPORTERS[kind] = dotted_path
