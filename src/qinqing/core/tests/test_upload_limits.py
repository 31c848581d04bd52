"""What an uploaded file may make the server do: a refusal naming the field, never a 500 (found by
posting hostile files to every upload form, session 42)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from qinqing.core import attachments
from qinqing.core.errors import ServiceError
from qinqing.core.tabular import read_rows
from qinqing.core.testing import in_english


def _png(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG of all zeros: a few kB on disk, width × height pixels once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" + b"\0" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_a_csv_cell_past_the_csv_modules_limit_is_refused_naming_the_line():
    data = "名称,说明\n甲,短\n乙,".encode() + b'"' + b"x" * 200_000 + b'"\n'
    _fields, rows = read_rows(data, filename="台账.csv", aliases={"名称": "name", "说明": "note"})
    with pytest.raises(ServiceError) as raised:
        list(rows)
    assert (raised.value.code, raised.value.field) == ("csv_unreadable", "file")
    assert "Line 3 of the CSV file could not be read" in in_english(raised.value.text)


@pytest.mark.parametrize(("width", "height"), [(10_000, 7_000), (20_000, 10_000)])
def test_a_small_picture_of_too_many_pixels_is_refused_before_it_is_decoded(width, height):
    data = _png(width, height)
    assert len(data) < 200_000
    with pytest.raises(ServiceError) as raised:
        attachments.clean("图.png", "image/png", data, field="attachments")
    assert (raised.value.code, raised.value.field) == ("attachment_size", "attachments")
    assert in_english(raised.value.text) == "A picture may have at most 60,000,000 pixels."


def test_a_picture_within_the_pixels_is_cleaned():
    name, data = attachments.clean("图.png", "image/png", _png(4_000, 3_000))
    assert name == "图.png" and data.startswith(b"\x89PNG")
    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == (4_000, 3_000)
