"""Each input format is read with its structure; unreadable input is refused with a reason."""

import os

import pytest

from qinqing.core.testing import in_english
from qinqing.fairness import clauses, extract, services
from qinqing.fairness.tests import documents

pytestmark = pytest.mark.django_db


def _codes(result):
    return sorted(finding.rule.code for finding in result.findings)


EXPECTED = ["local-branch", "regional-performance", "registered-capital"]


def test_docx_paragraphs_and_table_rows_are_clauses_located_by_chapter_and_number():
    kind, result = services.check_upload(documents.docx_bytes(), "招标文件.docx")
    assert kind == "docx"
    assert _codes(result) == EXPECTED
    by_rule = {finding.rule.code: finding for finding in result.findings}
    assert by_rule["registered-capital"].clause.location.startswith("第三章\u3000供应商资格要求 › 一、 › 3.")
    assert by_rule["regional-performance"].clause.location.startswith("第四章\u3000评分标准")
    assert "表1" in by_rule["regional-performance"].clause.location


def test_pdf_text_layer_is_read_with_page_numbers():
    kind, result = services.check_upload(documents.pdf_bytes(pages=2), "tender.pdf")
    assert kind == "pdf"
    assert sorted(set(_codes(result))) == EXPECTED
    pages = {finding.clause.page for finding in result.findings}
    assert pages == {1, 2}
    assert any("第2页" in finding.clause.location for finding in result.findings)


def test_txt_in_utf8_and_gb18030_and_pasted_text_give_the_same_findings():
    text = documents.plain_text()
    for data in (text.encode("utf-8"), text.encode("gb18030")):
        kind, result = services.check_upload(data, "tender.txt")
        assert kind == "txt" and _codes(result) == EXPECTED
    assert _codes(services.check_pasted(text)) == EXPECTED


def test_form_feeds_in_text_are_pages():
    blocks = extract.extract_text("第一章 总则\n1.投标人注册资本不低于500万元。\f2.投标人须在本市注册。")
    found = clauses.split(blocks)
    assert [clause.page for clause in found] == [1, 2]
    assert found[1].location == "第一章\u3000总则 › 2. · 第2页"


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", "empty"),
        (b"PK\x03\x04broken zip", "tender.docx", "cannot be opened"),
        (b"%PDF-1.7\nnot really a pdf", "tender.pdf", "cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "tender.doc", "old Word"),
        (b"\xff\xfe\x00\x00\x00garbage\x00", "x.txt", "neither UTF-8 nor GB18030"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, name, reason):
    with pytest.raises(extract.UnreadableDocument, match=reason):
        services.check_upload(data, name)


def test_a_pdf_without_a_text_layer_is_refused_not_passed_as_clean():
    with pytest.raises(extract.UnreadableDocument, match="no text layer"):
        services.check_upload(documents.blank_pdf_bytes(), "scan.pdf")


def test_inline_list_entries_are_split_into_clauses():
    found = clauses.split(
        extract.extract_text("（一）资格条件：（1）具有独立承担民事责任的能力；（2）投标人须在本市注册；")
    )
    assert [clause.text for clause in found][-2:] == [
        "（1）具有独立承担民事责任的能力；",
        "（2）投标人须在本市注册；",
    ]
    assert found[-1].location.startswith("（一） › （2）")


def _encrypted(user_password):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(documents.pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_that_needs_a_password_to_open_is_refused():
    with pytest.raises(extract.UnreadableDocument, match="encrypted"):
        services.check_upload(_encrypted("secret"), "tender.pdf")


def test_a_pdf_with_only_an_owner_password_is_read_as_without_one():
    """Copying restricted by an owner password (print:yes copy:no, as WPS exports a tender document, e.g.
    北京大学's 2023 CASHL tender): it opens without a password, and the review reads it."""
    plain = extract.extract(documents.pdf_bytes(), "tender.pdf")[1]
    restricted = extract.extract(_encrypted(""), "tender.pdf")[1]
    assert [block.text for block in restricted] == [block.text for block in plain]


def _inflating_pdf(size: int) -> bytes:
    """One page whose content stream inflates to ``size`` bytes (a few hundred kB compressed)."""
    import zlib

    packer = zlib.compressobj(9)
    parts = [packer.compress(b"BT /F1 12 Tf 10 10 Td (A) Tj ET\n")]
    chunk = b" " * (1 << 24)
    parts += [packer.compress(chunk) for _ in range(size >> 24)]
    stream = b"".join(parts) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_a_pdf_that_inflates_past_the_readers_memory_is_refused_and_the_server_lives_on(monkeypatch):
    # PDFium inflates a stream whole and aborts when memory runs out; it runs in a child process
    # under an address-space limit (1 GB; 256 MB here to keep the test small), which dies alone.
    monkeypatch.setattr(extract, "PDF_MEMORY", 256 * 1024 * 1024)
    with pytest.raises(extract.UnreadableDocument, match="cannot be read"):
        extract.extract(_inflating_pdf(512 * 1024 * 1024), "bomb.pdf")
    kind, blocks = extract.extract(documents.pdf_bytes(), "tender.pdf")  # the next file is read
    assert kind == "pdf" and blocks


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr(extract, "MAX_PAGES", 1)
    with pytest.raises(extract.UnreadableDocument, match="has 2 pages; at most 1 are reviewed at once"):
        in_english(extract.extract, documents.pdf_bytes(pages=2), "tender.pdf")


def test_a_longer_pdf_is_read_by_two_readers_each_a_share_of_the_pages_joined_in_order(monkeypatch):
    data = documents.pdf_bytes(pages=5)
    monkeypatch.setattr(extract, "PDF_SPLIT_BYTES", len(data) + 1)
    assert extract._pdf_readers(data) == 1
    alone = extract._pdf_pages(data)
    monkeypatch.setattr(extract, "PDF_SPLIT_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert extract._pdf_readers(data) == 2
    assert extract._pdf_pages(data) == alone and len(alone) == 5
    _format, blocks = extract.extract(data, "tender.pdf")
    assert [block.page for block in blocks] == sorted(block.page for block in blocks)
    assert {block.page for block in blocks} == {1, 2, 3, 4, 5}


def test_two_readers_refuse_as_one_does(monkeypatch):
    monkeypatch.setattr(extract, "PDF_SPLIT_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(extract, "MAX_PAGES", 1)
    with pytest.raises(extract.UnreadableDocument, match="has 2 pages; at most 1 are reviewed at once"):
        in_english(extract.extract, documents.pdf_bytes(pages=2), "tender.pdf")


def test_one_processor_means_one_reader(monkeypatch):
    monkeypatch.setattr(extract, "PDF_SPLIT_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert extract._pdf_readers(b"%PDF-" + b"x" * 100) == 1
