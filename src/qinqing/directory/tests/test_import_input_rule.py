"""Issue 18: a NUL character in an import row is reported on its row and column, and the other
rows are imported (on PostgreSQL it used to abort the whole import with a traceback)."""

import pytest
from django.utils import translation

from qinqing.core import audit
from qinqing.directory.importing import import_file, template_headers
from qinqing.directory.models import Enterprise

from .test_import import uscc, write_csv

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_directory_row_rejects_that_row_only(tmp_path):
    rows = [
        template_headers("enterprises"),
        ["甲科技有限公司", uscc(1), "私营企业", "是", "信息技术", "示范区一路1号", "", ""],
        ["乙\x00公司", uscc(2), "私营企业", "否", "", "", "", ""],
        ["丙公司", uscc(3), "私营企业", "否", "", "地址\x00", "", ""],
    ]
    path = write_csv(tmp_path / "enterprises.csv", rows)
    with translation.override("en"):
        report = import_file("enterprises", path, actor=audit.SystemActor("test"))
    assert report.imported == 1
    assert [(r.row, r.field) for r in report.rejected] == [(3, "name"), (4, "address")]
    assert "NUL" in report.rejected[0].error
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["甲科技有限公司"]


def test_a_nul_in_a_listing_row_rejects_that_row_only(tmp_path, frozen_clock):
    from qinqing.integrity.importing import import_file as import_listings
    from qinqing.integrity.models import Listing

    frozen_clock("2026-11-30 10:00")
    header = "统一社会信用代码,公民身份号码,名称,列入原因,限制措施,起始日期,截止日期,决定文书号\n"
    text = (
        f"{uscc(7)},,外地工程有限公司,围猎\x00公职人员,政府采购,2026-01-01,2028-12-31,区信〔2026〕1号\n"
        f"{uscc(8)},,另一公司,失信,政府采购,2026-01-01,2028-12-31,区信〔2026〕2号\n"
    )
    path = tmp_path / "listings.csv"
    path.write_text(header + text, encoding="utf-8")
    with translation.override("en"):
        report = import_listings(path, actor=audit.SystemActor("test"))
    assert report.imported == 1
    assert [(r.row, r.field) for r in report.rejected] == [(2, "grounds")]
    assert Listing.objects.count() == 1
