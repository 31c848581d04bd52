"""Each input format is read with its structure; unreadable input is refused with a reason."""

import pytest

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
