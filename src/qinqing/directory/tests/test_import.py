import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from qinqing.core import audit
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import (
    org_code_check_character,
    resident_id_check_character,
    uscc_check_character,
)
from qinqing.core.models import AuditEvent
from qinqing.directory.importing import import_file, template_headers
from qinqing.directory.models import (
    Enterprise,
    EnterpriseLink,
    Official,
    OrganType,
    Person,
    RelatedPerson,
    Unit,
)

pytestmark = pytest.mark.django_db
ACTOR = audit.SystemActor("test")


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English msgid form; the site default is Chinese.
    with translation.override("en"):
        yield


def uscc(number: int, category: str = "1") -> str:
    body = f"{number:08d}"
    first17 = f"9{category}330106{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def resident_id(sequence: int, birth: str = "19800101") -> str:
    body = f"330106{birth}{sequence:03d}"
    return body + resident_id_check_character(body)


def write_csv(path, rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def enterprise_rows():
    bad_check = uscc(3)[:-1] + ("0" if uscc(3)[-1] != "0" else "1")
    return [
        template_headers("enterprises"),
        [
            "甲科技有限公司",
            uscc(1),
            "私营企业",
            "是",
            "信息技术",
            "示范区一路1号",
            "张三",
            resident_id(1),
        ],  # row 2
        ["乙便利店", uscc(2, "2"), "individual_business", "否", "", "", "", ""],  # row 3
        ["丙公司", bad_check, "私营企业", "", "", "", "", ""],  # row 4: bad check character
        ["丁公司", uscc(4), "合伙魔法", "", "", "", "", ""],  # row 5: unknown enum
        ["", uscc(5), "私营企业", "", "", "", "", ""],  # row 6: missing name
        ["甲科技有限公司", uscc(1), "私营企业", "是", "", "", "", ""],  # row 7: duplicate of row 2
        [
            "戊公司",
            uscc(6),
            "private",
            "",
            "",
            "",
            "李四",
            resident_id(2, "19801332"),
        ],  # row 8: bad birth date
    ]


def test_mixed_file_imports_good_rows_and_reports_each_rejected_row_with_its_field(tmp_path):
    path = write_csv(tmp_path / "enterprises.csv", enterprise_rows())
    report = import_file("enterprises", path, actor=ACTOR)
    assert (report.imported, report.updated, report.unchanged) == (2, 0, 0)
    assert [(r["row"], r["field"]) for r in report.as_dict()["rejected"]] == [
        (4, "uscc"),
        (5, "ownership_type"),
        (6, "name"),
        (7, "uscc"),
        (8, "legal_representative_resident_id"),
    ]
    errors = {r.row: r.error for r in report.rejected}
    assert "GB 32100" in errors[4] and "check character" in errors[4]
    assert "合伙魔法" in errors[5] and "private" in errors[5]
    assert "required" in errors[6]
    assert "row 2" in errors[7]
    assert "date of birth" in errors[8]
    first = Enterprise.objects.get(uscc=uscc(1))
    assert first.ownership_type == "private" and first.is_key_enterprise
    assert first.legal_representative.name == "张三"
    assert Enterprise.objects.get(uscc=uscc(2, "2")).ownership_type == "individual_business"
    assert audit.verify_chain().ok


def test_reimport_is_idempotent_and_updates_only_changed_rows(tmp_path):
    rows = enterprise_rows()
    path = write_csv(tmp_path / "enterprises.csv", rows)
    import_file("enterprises", path, actor=ACTOR)
    events = AuditEvent.objects.count()
    counts = (Enterprise.objects.count(), Person.objects.count())

    again = import_file("enterprises", path, actor=ACTOR)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    assert (Enterprise.objects.count(), Person.objects.count()) == counts

    rows[2][0] = "乙便利店（新店）"
    changed = import_file("enterprises", write_csv(tmp_path / "changed.csv", rows), actor=ACTOR)
    assert (changed.imported, changed.updated, changed.unchanged) == (0, 1, 1)
    assert AuditEvent.objects.count() == events + 1
    assert Enterprise.objects.get(uscc=uscc(2, "2")).name == "乙便利店（新店）"
    assert audit.verify_chain().ok


def test_dry_run_reports_but_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "enterprises.csv", enterprise_rows())
    events = AuditEvent.objects.count()
    report = import_file("enterprises", path, actor=ACTOR, dry_run=True)
    assert report.imported == 2 and len(report.rejected) == 5
    assert Enterprise.objects.count() == 0 and Person.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_gbk_csv_and_xlsx_with_english_headers_both_parse(tmp_path):
    rows = [["企业名称", "统一社会信用代码", "所有制类型"], ["中文公司", uscc(11), "外商投资企业"]]
    gbk = import_file("enterprises", write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"), actor=ACTOR)
    assert gbk.imported == 1 and not gbk.rejected
    english = [
        ["Name", "USCC", "Ownership type", "Key enterprise"],
        ["English Ltd", uscc(12), "state_owned", "yes"],
    ]
    xlsx = import_file("enterprises", write_xlsx(tmp_path / "e.xlsx", english), actor=ACTOR)
    assert xlsx.imported == 1 and not xlsx.rejected
    assert Enterprise.objects.get(uscc=uscc(11)).ownership_type == "foreign_invested"
    assert Enterprise.objects.get(uscc=uscc(12)).is_key_enterprise


def _units():
    for code in ("U1", "U2"):
        with audit_transaction():
            unit = Unit.objects.create(code=code, name=code, organ_type=OrganType.GOVERNMENT)
            audit.record_event(actor=ACTOR, action="directory.unit.create", instance=unit)


def audit_transaction():
    from django.db import transaction

    return transaction.atomic()


def test_officials_resolve_supervisors_after_the_whole_file_whatever_the_order(tmp_path):
    _units()
    head, staff, unknown_unit = resident_id(10, "19700505"), resident_id(11, "19900101"), resident_id(12)
    rows = [
        template_headers("officials"),
        ["王科员", staff, "U1", "科员", "科员", "否", head],  # supervisor appears later in the file
        ["李局长", head, "U1", "局长", "正科级", "是", ""],
        ["赵某", unknown_unit, "NOPE", "科员", "clerk", "", ""],
        ["钱某", resident_id(13), "U2", "科员", "将军", "", ""],
    ]
    report = import_file("officials", write_xlsx(tmp_path / "officials.xlsx", rows), actor=ACTOR)
    assert report.imported == 2
    assert [(r.row, r.field) for r in report.rejected] == [(4, "unit_code"), (5, "rank")]
    staff_official = Official.objects.get(person__name="王科员")
    assert staff_official.supervising_leader.person.name == "李局长"
    assert staff_official.supervising_leader.rank == "section"
    # one creation event per official: nobody was written twice to fix up supervisors
    assert AuditEvent.objects.filter(object_type="directory.Official").count() == 2
    assert audit.verify_chain().ok


def test_links_and_relatives_import_through_the_command_with_json_report(tmp_path, capsys):
    _units()
    official_id, spouse_id = resident_id(20, "19750101"), resident_id(21, "19760202")
    import_file(
        "officials",
        write_csv(
            tmp_path / "o.csv",
            [template_headers("officials"), ["周局长", official_id, "U1", "局长", "正科级", "是", ""]],
        ),
        actor=ACTOR,
    )
    import_file(
        "enterprises",
        write_csv(
            tmp_path / "e.csv",
            [template_headers("enterprises"), ["甲公司", uscc(30), "私营企业", "", "", "", "", ""]],
        ),
        actor=ACTOR,
    )
    relatives = write_csv(tmp_path / "r.csv", [
        template_headers("relatives"),
        [official_id, "吴配偶", spouse_id, "配偶", "公司职员"],
        [resident_id(99), "某人", resident_id(22), "配偶", ""],  # official unknown
    ])
    call_command("import", "relatives", str(relatives), "--json")
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "warnings": [],
        "ownership_inferred": [],
        "rejected": [
            {
                "row": 3,
                "field": "official_resident_id",
                "column": "公职人员身份证号",
                "error": result["rejected"][0]["error"],
            }
        ],
    }
    links = write_csv(tmp_path / "l.csv", [
        template_headers("links"),
        ["吴配偶", spouse_id, uscc(30), "股东", "", "30", "2020-01-01", ""],
        ["吴配偶", spouse_id, uscc(30), "股东", "", "130", "", ""],  # share out of range
    ])
    call_command("import", "links", str(links), "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["imported"] == 1
    assert [(r["row"], r["field"]) for r in result["rejected"]] == [(3, "share_percent")]
    link = EnterpriseLink.objects.get()
    assert link.kind == "shareholder" and link.share_percent == 30
    # the spouse is one person, found by resident ID, not duplicated by the links file
    assert Person.objects.filter(name="吴配偶").count() == 1
    assert RelatedPerson.objects.get().relationship == "spouse"
    call_command("import", "links", str(links), "--json")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1
    assert audit.verify_chain().ok


def test_dry_run_command_changes_nothing(tmp_path, capsys):
    path = write_csv(tmp_path / "enterprises.csv", enterprise_rows())
    call_command("import", "enterprises", str(path), "--dry-run")
    output = capsys.readouterr().out
    assert "dry run" in output and "row 4 [统一社会信用代码]" in output
    assert Enterprise.objects.count() == 0


def test_dates_typed_as_text_are_read_and_a_missing_column_is_named_for_its_kind(tmp_path):
    """A link's 开始日期 typed "2026/3/1" or "2026年3月1日" was refused as not YYYY-MM-DD; a required
    column the file lacks was reported under another kind's header (an officials file without 姓名:
    "企业名称")."""
    company = uscc(7001)
    enterprises = [["企业名称", "统一社会信用代码", "所有制类型"], ["甲公司", company, "私营企业"]]
    assert import_file("enterprises", write_csv(tmp_path / "e.csv", enterprises), actor=ACTOR).imported == 1
    links = write_csv(tmp_path / "l.csv", [
        ["姓名", "公民身份号码", "统一社会信用代码", "关系类型", "开始日期", "结束日期"],
        ["张三", resident_id(701), company, "股东", "2026/3/1", "2026年12月31日"],
    ])
    report = import_file("links", links, actor=ACTOR)
    assert report.rejected == [] and report.imported == 1
    link = EnterpriseLink.objects.get(enterprise__uscc=company)
    assert (str(link.start_date), str(link.end_date)) == ("2026-03-01", "2026-12-31")

    officials = [["名称", "公民身份号码", "职务"], ["李四", resident_id(702), "科员"]]
    officials = write_csv(tmp_path / "o.csv", officials)
    # a required column missing from the header refuses the file once, naming the columns of its kind (it
    # refused every row for the same reason before)
    with pytest.raises(ServiceError) as refused:
        import_file("officials", officials, actor=ACTOR)
    assert refused.value.code == "file_missing_columns" and refused.value.field == "file"
    assert "姓名、单位代码" in refused.value.text() and "企业名称" not in refused.value.text()
