"""``./qinqing import listings FILE``: the issue's columns, article words, the directory imports' report shape."""  # noqa: E501

import json

import pytest
from django.core.management import call_command

from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import Listing

pytestmark = pytest.mark.django_db
HEADER = "统一社会信用代码,公民身份号码,名称,列入原因,限制措施,起始日期,截止日期,决定文书号\n"


def write(tmp_path, text):
    path = tmp_path / "listings.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def run(path, *extra, kind="listings"):
    from io import StringIO

    out = StringIO()
    call_command("import", kind, str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def records_file(tmp_path, text: str):
    path = tmp_path / "records.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_become_listings_and_bad_rows_are_reported_by_row_and_field(tmp_path, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    person = directory.make_person(name="孙某")
    uscc = directory.make_uscc()
    path = write(
        tmp_path,
        (
            f"{uscc},,外地工程有限公司,围猎公职人员被判行贿罪,政府采购、工程建设招投标,2026-01-01"
            f",2028-12-31,区信〔2026〕1号\n"
            f",{person.resident_id},孙某,失信被执行人,荣誉、政治安排,2026/03/01,2027/02/28,区信〔2026〕2号\n"
            f"{uscc},,外地工程有限公司,x,赌博,2026-01-01,2028-12-31,区信〔2026〕3号\n"
            f"91330106MA2B00000X,,坏代码公司,x,贷款,2026-01-01,2028-12-31,区信〔2026〕4号\n"
            f"{uscc},,外地工程有限公司,x,贷款,2026-05-01,2026-04-01,区信〔2026〕5号\n"
            f"{uscc},,外地工程有限公司,x,贷款,2026-01-01,2028-12-31,区信〔2026〕1号\n"
        ),
    )
    dry = run(path, "--dry-run")
    assert dry["imported"] == 2 and Listing.objects.count() == 0
    report = run(path)
    assert report["imported"] == 2 and report["updated"] == 0 and report["unchanged"] == 0
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (4, "activities"),
        (5, "uscc"),
        (6, "end"),
        (7, "number"),
    ]
    assert "政府采购" in report["rejected"][0]["error"]
    first = Listing.objects.get(number="区信〔2026〕1号")
    assert first.kind == "corrupting_officials" and first.source == "import"
    assert sorted(first.restrictions.values_list("activity", flat=True)) == [
        "construction_bidding",
        "procurement",
    ]
    assert not services.eligibility(uscc=uscc, activity="procurement").eligible
    assert not services.eligibility(id_number=person.resident_id, activity="honour").eligible
    again = run(path)
    assert again["imported"] == 0 and again["unchanged"] == 2 and Listing.objects.count() == 2


def test_outside_lists_are_imported_as_records_with_the_row_report(tmp_path, frozen_clock):
    from qinqing.integrity.models import IntegrityRecord

    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise(name="欠税有限公司")
    path = records_file(
        tmp_path,
        "统一社会信用代码,公民身份号码,名称,记录类型,标题,来源,日期,失效日期\n"
        f"{enterprise.uscc},,欠税有限公司,重大税收违法,,信用中国,2026-03-01,2029-02-28\n"
        f"{enterprise.uscc},,欠税有限公司,区级诚信示范企业,,区工商联,2026-01-01,\n"
        f"{directory.make_uscc()},,外地有限公司,失信被执行人,,人民法院,2026/05/01,\n",
    )
    report = run(path, kind="records")
    assert report["imported"] == 2 and [(r["row"], r["field"]) for r in report["rejected"]] == [(3, "kind")]
    record = IntegrityRecord.objects.get(uscc=enterprise.uscc)
    assert (
        record.kind == "external_list"
        and record.external_list == "major_tax_violation"
        and record.polarity == "negative"
    )
    assert run(path, kind="records")["unchanged"] == 2 and IntegrityRecord.objects.count() == 2


def test_dates_typed_as_text_are_read_and_messages_name_the_column_not_the_field_code(tmp_path, frozen_clock):
    """"2026年3月1日" and "2026/3/1" were refused as not YYYY-MM-DD, and a refusal said "occurred_on must be a
    date" or "source is required." (the field's code) where the file says 日期 and 来源."""
    from django.utils import translation

    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise(name="欠税有限公司")
    path = records_file(
        tmp_path,
        "统一社会信用代码,名称,记录类型,来源,日期,失效日期\n"
        f"{enterprise.uscc},欠税有限公司,重大税收违法,信用中国,2026年3月1日,2029/2/28\n"
        f"{enterprise.uscc},欠税有限公司,失信被执行人,,2026-03-01,\n"
        f"{enterprise.uscc},欠税有限公司,失信被执行人,人民法院,3月1日,\n",
    )
    with translation.override("en"):
        report = run(path, kind="records")
    assert report["imported"] == 1
    assert [(r["row"], r["field"], r["error"]) for r in report["rejected"]] == [
        (3, "source", "来源 is required."),
        (4, "occurred_on", "日期 must be a date in the form YYYY-MM-DD; got 3月1日."),
    ]


def test_the_credit_office_imports_from_the_page_and_its_exported_ledger_reads_back(
    client, make_user, frozen_clock, tmp_path
):
    """Listing decisions and records could be imported only from the command line, and the blacklist had no
    export: a credit office keeps it as a ledger in Excel. The page imports either kind (a dry run first),
    offers each kind's blank template, and the listings exported in the import's own columns read back as
    unchanged — a person's row with its masked ID as one to correct, never as another person."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from qinqing.core.roles import Role

    frozen_clock("2026-11-30 10:00")
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    person = directory.make_person(name="孙某")
    uscc = directory.make_uscc()
    text = (HEADER + f"{uscc},,外地工程有限公司,围猎公职人员被判行贿罪,政府采购、工程建设招投标,2026-01-01"
            f",2028-12-31,区信〔2026〕1号\n"
            f",{person.resident_id},孙某,失信被执行人,荣誉、政治安排,2026/03/01,2027/02/28,区信〔2026〕2号\n")
    client.force_login(credit)
    page = client.get("/integrity/import/")
    assert page.status_code == 200 and b'data-testid="template-records"' in page.content

    def post(data: bytes, name: str, **fields):
        return client.post("/integrity/import/", {"kind": "listings", **fields,
                                                  "file": SimpleUploadedFile(name, data)})

    dry = post(text.encode(), "名单.csv", dry_run="on")
    assert dry.status_code == 200 and dry.context["report"].imported == 2 and not Listing.objects.exists()
    done = post(text.encode(), "名单.csv")
    assert done.context["report"].imported == 2 and Listing.objects.count() == 2

    exported = b"".join(client.get("/integrity/listings.xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = {row[7]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["区信〔2026〕1号"][4] == "政府采购、工程建设招投标"
    assert person.resident_id not in exported.decode("latin-1") and "*" in rows["区信〔2026〕2号"][1]
    again = post(exported, "名单导出.xlsx").context["report"]
    assert (again.imported, again.unchanged) == (0, 1)
    assert [r.column for r in again.rejected] == ["公民身份号码"] and "遮盖" in again.rejected[0].error
    assert Listing.objects.count() == 2

    template = b"".join(client.get("/integrity/import/records-template.xlsx").streaming_content)
    assert [c.value for c in load_workbook(io.BytesIO(template)).active[1]][:4] == [
        "统一社会信用代码", "公民身份号码", "名称*", "记录类型*"]
    assert client.get("/integrity/import/nothing-template.xlsx").status_code == 404
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))  # reads the blacklist, decides nothing
    assert client.get("/integrity/listings.xlsx").status_code == 200
    assert client.get("/integrity/import/").status_code == 403
