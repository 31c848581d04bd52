"""Text with its structure out of a document (article 5's fair-competition review).

``extract(data, filename)`` answers the document's blocks in reading order: each block is a
paragraph (or a table row, its cells joined with " | ") with the page it is on when the format
knows pages (.pdf: the page of the text layer; .txt: form feeds; .docx has no pages until it is
laid out, so its blocks carry the paragraph number instead). ``UnreadableDocument`` says why a
file cannot be read (unknown format, broken file, a scanned PDF without a text layer), never
an empty result that would read as "no problem found".

python-docx reads .docx (paragraphs and tables in body order), PDFium (pypdfium2) the text layer of
a PDF, in a child process under memory and CPU limits (``pdftext.py`` says why).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

FORMATS = ("docx", "pdf", "txt")
MAX_BYTES = 20 * 1024 * 1024  # a tender document with drawings stays well below this


class UnreadableDocument(Exception):
    """The document cannot be read; the message says why (translated)."""


@dataclass(frozen=True)
class Block:
    text: str
    page: int | None = None  # 1-based page (pdf, txt with form feeds)
    paragraph: int | None = None  # 1-based paragraph or table-row number (docx)
    table: int | None = None  # 1-based table number when the block is a table row


def detect_format(data: bytes, filename: str = "") -> str:
    name = (filename or "").lower()
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        if name.endswith((".doc", ".xls", ".xlsx", ".pptx")) and not name.endswith(".docx"):
            raise UnreadableDocument(
                _("Only .docx Word documents can be read, not %(name)s.") % {"name": filename}
            )
        return "docx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableDocument(
            _("This is an old Word (.doc) or Excel file; save it as .docx or PDF and upload it again.")
        )
    if name.endswith((".docx", ".pdf")):
        raise UnreadableDocument(
            _("The file is not a valid %(format)s file.") % {"format": name.rsplit(".", 1)[-1]}
        )
    return "txt"


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise UnreadableDocument(_("The file holds NUL characters: it is not a text file."))
        return text
    raise UnreadableDocument(_("The text file is neither UTF-8 nor GB18030 text."))


def _txt_blocks(text: str) -> list[Block]:
    blocks = []
    for page_number, page in enumerate(text.split("\f"), start=1):
        for line in page.splitlines():
            line = line.strip()
            if line:
                blocks.append(Block(line, page=page_number))
    return blocks


def _docx_blocks(data: bytes) -> list[Block]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from qinqing.core.attachments import MAX_UNZIPPED, unzipped_size

    try:
        size = unzipped_size(data)
    except zipfile.BadZipFile:
        size = None
    if size is not None and size > MAX_UNZIPPED:
        raise UnreadableDocument(
            _("The Word document unpacks to more than %(limit)d MB.") % {"limit": MAX_UNZIPPED // 2**20}
        )
    try:
        document = docx.Document(io.BytesIO(data)) if size is not None else None
    except Exception:  # noqa: BLE001 (zipfile, lxml and python-docx raise many kinds on damaged parts)
        document = None
    if document is None:  # what the parser said names its own objects, not what the reviewer can fix
        raise UnreadableDocument(
            _("The Word document cannot be opened: it is damaged, or it is not a .docx file.")
        )
    blocks: list[Block] = []
    tables = 0
    number = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                number += 1
                blocks.append(Block(text, paragraph=number))
        elif isinstance(item, Table):
            tables += 1
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    number += 1
                    blocks.append(Block(" | ".join(cells), paragraph=number, table=tables))
    return blocks


PDF_TIMEOUT = 30  # seconds of wall clock for reading a PDF's text layer (100 pages: about 1 s)
MAX_PAGES = 3000  # a tender document with its annexes stays well below this
PDF_MEMORY = 1024 * 1024 * 1024  # address space of the reader (100 pages of text: under 100 MB)


PDF_SPLIT_BYTES = 64 * 1024  # a PDF this large (about a dozen pages of text) is read by two readers at once
PDF_READERS = 2  # at most, and never more than the machine's processors


def _pdf_readers(data: bytes) -> int:
    import os

    if len(data) < PDF_SPLIT_BYTES:
        return 1  # a second reader's start costs more than it saves
    return max(1, min(PDF_READERS, os.cpu_count() or 1))


def _pdf_pages(data: bytes) -> list[str]:
    """The text of each page, read by PDFium in child processes (``pdftext.py``: why there).

    A PDF of more than a few pages is read by ``PDF_READERS`` children at once, each its share of the pages
    (PDFium's layout analysis of a page is most of a review's time: 100 pages took 1.0–1.6 s of one core);
    the shares are joined in order, and any child's refusal refuses the file.
    No lock around it: PDFium is not thread-safe, but it never runs in the server's process, so
    threads serving requests at once (gunicorn gthread, granian) each start their own readers."""
    import json
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    script = Path(__file__).with_name("pdftext.py")

    def unreadable(detail: str) -> UnreadableDocument:
        return UnreadableDocument(_("The PDF cannot be read (%(error)s).") % {"error": detail})

    def read_share(part: int, parts: int) -> tuple[str, object]:
        """What one reader gave: ("ok", its answer) or why not (translated by the caller's thread)."""
        try:
            child = subprocess.run(  # noqa: S603 (our own script, the file on stdin)
                [sys.executable, "-I", str(script), str(MAX_PAGES), str(PDF_MEMORY), str(PDF_TIMEOUT * 2),
                 str(part), str(parts)],
                input=data,
                capture_output=True,
                timeout=PDF_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout", None
        if child.returncode != 0:  # killed by its memory or CPU limit
            return "status", child.returncode
        try:
            answer = json.loads(child.stdout)
        except ValueError:
            return "no answer", None
        return ("ok", answer) if "error" not in answer else (answer["error"], answer.get("detail"))

    def pages_of(outcome: tuple[str, object]) -> dict:
        kind, value = outcome
        if kind == "ok":
            return value
        if kind == "timeout":
            raise unreadable(_("reading took longer than %(seconds)s s") % {"seconds": PDF_TIMEOUT})
        if kind == "status":
            raise unreadable(_("reading stopped, exit status %(status)s") % {"status": value})
        if kind == "no answer":
            raise unreadable(_("no answer from the reader"))
        if kind == "setup":
            raise RuntimeError(f"the PDF reader cannot start: {value}")
        if kind == "encrypted":
            raise UnreadableDocument(_("The PDF is encrypted; upload it without a password."))
        if kind == "pages":
            raise UnreadableDocument(
                _("The PDF has %(count)s pages; at most %(most)s are reviewed at once: split it.")
                % {"count": value, "most": MAX_PAGES}
            )
        # PDFium's own words ("Data format error") name nothing the reviewer can act on
        raise UnreadableDocument(_("The PDF cannot be read: it is damaged, or it is not a PDF."))

    parts = _pdf_readers(data)
    if parts == 1:
        return pages_of(read_share(0, 1))["pages"]
    with ThreadPoolExecutor(parts) as pool:
        outcomes = list(pool.map(read_share, range(parts), [parts] * parts))
    answers = [pages_of(outcome) for outcome in outcomes]  # the first refusal, in the caller's language
    pages = [page for answer in answers for page in answer["pages"]]
    if {answer["total"] for answer in answers} != {len(pages)}:
        raise unreadable(_("the readers disagree on the number of pages"))
    return pages


def _pdf_blocks(data: bytes) -> list[Block]:
    pages = _pdf_pages(data)
    blocks = []
    for page_number, page in enumerate(pages, start=1):
        for line in page.splitlines():  # PDFium ends lines with \r\n
            line = line.strip()
            if line:
                blocks.append(Block(line, page=page_number))
    if pages and not blocks:
        raise UnreadableDocument(
            _("The PDF has no text layer (a scan?); run it through OCR or upload the Word file.")
        )
    return blocks


_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"


def _join_pdf_lines(blocks: list[Block]) -> list[Block]:
    """A PDF's text layer breaks lines where the page did; join a line to the one before it
    unless the line before ends a sentence or this one starts a numbered item or heading."""
    from .clauses import starts_item

    joined: list[Block] = []
    for block in blocks:
        if (
            joined
            and joined[-1].page == block.page
            and not re.search(r"[。；;：:！？!?]$", joined[-1].text)
            and not starts_item(block.text)
            and re.search(_CJK + "$", joined[-1].text)
        ):
            joined[-1] = Block(joined[-1].text + block.text, page=block.page)
        else:
            joined.append(block)
    return joined


def extract(data: bytes, filename: str = "") -> tuple[str, list[Block]]:
    """(format, blocks) of an uploaded document; ``UnreadableDocument`` when it cannot be read."""
    if not data:
        raise UnreadableDocument(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    kind = detect_format(data, filename)
    if kind == "docx":
        blocks = _docx_blocks(data)
    elif kind == "pdf":
        blocks = _join_pdf_lines(_pdf_blocks(data))
    else:
        blocks = _txt_blocks(decode_text(data))
    if not blocks:
        raise UnreadableDocument(_("The document contains no text."))
    return kind, blocks


def extract_text(text: str) -> list[Block]:
    """Pasted text: lines are blocks; form feeds separate pages."""
    blocks = _txt_blocks(text or "")
    if not blocks:
        raise UnreadableDocument(_("The text is empty."))
    return blocks
