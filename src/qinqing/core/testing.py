"""Factories for tests (also used by other apps' tests). Writes go through the services."""

import itertools

from qinqing.core.audit import SystemActor
from qinqing.core.services import apikey_create, user_create

_counter = itertools.count(1)
TEST_PASSWORD = "Correct-Horse-9"  # noqa: S105


def make_user(*roles: str, username: str | None = None, password: str | None = None, **extra):
    """A user holding ``roles``; password only when a test logs in through the form."""
    return user_create(
        username=username or f"user{next(_counter)}",
        password=password,
        roles=list(roles),
        actor=SystemActor("test"),
        **extra,
    )


def make_api_key(*scopes: str, name: str | None = None):
    """Return (ApiKey, raw key string)."""
    return apikey_create(name=name or f"key-{next(_counter)}", scopes=list(scopes), actor=SystemActor("test"))


def load_test_calendar() -> None:
    """The real State Council schedules for 2024–2026 (as chinesecalendar ships them), loaded
    through the calendar service as an administrator would. Nothing is invented: 2027 is then
    the PROVISIONAL year (core.calendar.provisional) and later years are refused, exactly as in
    production. Tests that depend on the date freeze the clock (``frozen_clock``) inside the
    real years, or expect provisional answers for 2027.
    """
    from qinqing.core import calendar
    from qinqing.core.audit import SystemActor
    from qinqing.core.calendar.services import calendar_seed_years

    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025, 2026], actor=SystemActor("test"))
    calendar.invalidate()


# A 2027 notice in the real notice's format (the real one is not published on 2026-11-30), for the
# recounts when the provisional year is loaded: it follows the 2025 principles except that its Spring
# Festival make-up days are Saturdays 2月13日 and 2月20日, where the provisional schedule has Sunday
# 1月31日 and Saturday 2月13日 — so a deadline the provisional year puts on 31 January moves to
# 1 February, and one counted across 20 February comes a day sooner.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月13日（周六）、2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假1天，不调休。
　　六、中秋节：9月15日（周三）放假1天，不调休。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
"""


class LightPathServed:
    """A light request path (``core.lightpath``) in front of Django's handler, as ``qinqing.wsgi`` serves
    it, noting whether a request reached Django. ``wrap`` is the light path's ``wrap``."""

    def __init__(self, wrap) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.django = WSGIHandler()
        self.reached_django = False

        def django(environ, start_response):
            self.reached_django = True
            return self.django(environ, start_response)

        self.application = wrap(django)

    def call(self, environ) -> tuple[int, dict, bytes]:
        """The answer to ``environ``: status, headers, body."""
        from django.core.signals import request_started
        from django.db import close_old_connections

        self.reached_django = False
        answered = {}

        def start_response(status, response_headers, exc_info=None):
            answered["status"], answered["headers"] = int(status.split()[0]), response_headers

        # As Django's test client does: the handler's request_started receiver would close the connection
        # holding the test's transaction (the response is not closed here, so request_finished is not sent).
        request_started.disconnect(close_old_connections)
        try:
            body = b"".join(self.application(environ, start_response))
        finally:
            request_started.connect(close_old_connections)
        return answered["status"], dict(answered["headers"]), body


def in_english(call, *args, **kwargs):
    """``call(*args, **kwargs)`` with English active: a job's summary follows the active language (the
    district's when core.jobs runs it), and a test that reads its counts from the words reads English."""
    from django.utils import translation

    with translation.override("en"):
        return call(*args, **kwargs)


def remote_assets(html: str) -> list[str]:
    """The scripts, stylesheets and images a page loads from another host (intranets have no internet,
    so every asset is served from /static/). Reads the tags' attributes, not the page's text: a random
    CSRF token may well contain "cdn"."""
    import re

    return re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?((?:https?:)?//[^\"'\s>]+)",
                      html, re.I)


def at_once(workers: int, work) -> list:
    """``work(index)`` in ``workers`` threads, each on its own database connection, released together by a
    barrier (in turns on SQLite, which has one writer at a time). Returns what each call returned or raised,
    in index order: a test of what concurrent writers meet reads the exceptions from it."""
    import threading

    from django.db import connection, connections

    serial = threading.Lock() if connection.vendor != "postgresql" else None
    start = threading.Barrier(workers)
    outcomes: list = [None] * workers

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            if serial:
                with serial:
                    outcomes[index] = work(index)
            else:
                outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 (the caller's assertion reads it)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


# --- files as people (and attackers) upload them -------------------------------------------------------
def photo_with_place(size: tuple[int, int] = (32, 24)) -> bytes:
    """A JPEG as a phone takes it: EXIF naming the camera's maker ("SecretCam") and the place (GPS), which
    ``core.attachments`` must strip."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_of(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG of all zeros: a few kB on disk, width × height pixels once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" + b"\0" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def docx_unpacking_to(megabytes: int) -> bytes:
    """A file shaped as a .docx (a zip with ``word/document.xml``) of a few hundred kB whose document part
    unpacks to ``megabytes`` MB."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return out.getvalue()


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page of a PDF (pypdf: no poppler needed), spaces and line breaks dropped, so a
    test asserts on what a reader sees ("2026年12月3日", "— 2 —" as "—2—") whatever the layout."""
    import io

    from pypdf import PdfReader

    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def letter_issuer(html: str) -> tuple[str, str, str]:
    """Who a letter's HTML says it is from (``core.letters``' partials): the office at its head, the words on
    its seal and the office signed under it, spaces dropped; "" for what it does not print (no seal on a
    draft)."""
    import lxml.html

    tree = lxml.html.fromstring(html)

    def text(testid: str) -> str:
        found = tree.xpath(f'//*[@data-testid="{testid}"]')
        return "".join(found[0].text_content().split()) if found else ""

    return text("issuing-office"), text("seal").removeprefix("★"), text("signed-office")


def ledger_sheet(response):
    """An .xlsx ledger answered by a view (``core.excel.ledger_response``): its rows as lists (trailing empty
    cells filled with None, so every row is as long as the header) and the cells themselves (``[row][col]``,
    0-based, header included) to check how one was stored — a formula-like text as a quoted text cell."""
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [list(row) for row in sheet.iter_rows()]
    width = len(cells[0])
    values = [[cell.value for cell in row] + [None] * (width - len(row)) for row in cells]
    return values, cells


def formula_cell_quoted(cells, text: str) -> bool:
    """Whether a cell holding ``text`` (formula-like) is stored as a quoted text cell, never a formula."""
    found = [cell for row in cells for cell in row if cell.value == text]
    assert found, f"no cell holds {text!r}"
    return all(cell.data_type == "s" and cell.quotePrefix for cell in found)
