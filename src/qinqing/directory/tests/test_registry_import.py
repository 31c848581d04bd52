"""A market-regulation registry export (企业信用信息公示) imports as it is: ownership inferred from
企业类型 and the USCC's structure (the rule shown), representatives by name alone, enterprises
registered outside the district imported with a warning, errors naming the file's columns."""

import itertools

import openpyxl
import pytest
from django.utils import translation

from qinqing.core import audit
from qinqing.core.crypto import blind_index
from qinqing.core.identifiers import (
    org_code_check_character,
    resident_id_check_character,
    uscc_check_character,
)
from qinqing.core.models import AuditEvent
from qinqing.core.tabular import Row
from qinqing.directory import importing
from qinqing.directory.importing import import_file, import_rows
from qinqing.directory.models import Enterprise, Person
from qinqing.directory.tests import factories

pytestmark = pytest.mark.django_db
ACTOR = audit.SystemActor("test")
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "企业类型",
    "成立日期",
    "注册资本",
    "登记机关",
    "住所",
    "登记状态",
]
_bodies = itertools.count(52_000_001)


def registry_uscc(category: str = "1", division: str = "330106") -> str:
    """A real-format USCC: 9 (market regulation), the category, the division, an organisation
    code with its GB 11714 check character, and the GB 32100 check character."""
    body = f"{next(_bodies):08d}"
    first17 = f"9{category}{division}{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def resident_id(sequence: int) -> str:
    body = f"33010619820304{sequence:03d}"
    return body + resident_id_check_character(body)


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def registry_row(name, code, representative, kind, status="存续（在营、开业、在册）"):
    return [
        name,
        code,
        representative,
        kind,
        "2015-06-18",
        "500万元人民币",
        "杭州市西湖区市场监督管理局",
        "西湖区文三路90号",
        status,
    ]


@pytest.fixture
def codes():
    return {
        "private": registry_uscc(),
        "listed": registry_uscc(),
        "sole": registry_uscc(),
        "partnership": registry_uscc(),
        "whole_people": registry_uscc(),
        "collective": registry_uscc(),
        "foreign": registry_uscc(),
        "hk": registry_uscc(),
        "individual": registry_uscc("2"),
        "cooperative": registry_uscc("3"),
        "outside": registry_uscc("1", "330108"),
        "unknown": registry_uscc(),
    }


def registry_file(tmp_path, codes):
    return write_xlsx(
        tmp_path / "企业信用信息公示.xlsx",
        [
            HEADERS,
            registry_row(
                "杭州甲科技有限公司", codes["private"], "张三", "有限责任公司（自然人投资或控股）"
            ),  # row 2
            registry_row("杭州乙股份有限公司", codes["listed"], "李四", "股份有限公司（上市、国有控股）"),
            registry_row("西湖丙商行", codes["sole"], "王五", "个人独资企业"),
            registry_row("杭州丁投资合伙企业（有限合伙）", codes["partnership"], "赵六", "有限合伙企业"),
            registry_row("杭州戊厂", codes["whole_people"], "钱七", "全民所有制"),
            registry_row("西湖己服装厂", codes["collective"], "孙八", "集体所有制"),
            registry_row("杭州庚贸易有限公司", codes["foreign"], "周九", "有限责任公司（外商投资、非独资）"),
            registry_row("杭州辛电子有限公司", codes["hk"], "吴十", "有限责任公司（台港澳法人独资）"),
            registry_row("西湖区小王便利店", codes["individual"], "王小二", ""),  # row 10: 个体 from the USCC
            registry_row(
                "西湖区茶农专业合作社", codes["cooperative"], "陈茶", ""
            ),  # row 11: 93 = 农民专业合作社
            registry_row(
                "滨江壬科技有限公司", codes["outside"], "郑壬", "有限责任公司（自然人独资）"
            ),  # row 12: 330108
            registry_row(
                "杭州癸实业有限公司", codes["unknown"], "冯癸", "有限责任公司（非自然人投资或控股的法人独资）"
            ),  # row 13
        ],
    )


def test_a_registry_export_imports_with_ownership_inferred_and_the_rule_shown(tmp_path, codes, settings):
    settings.QINQING = {**settings.QINQING, "DISTRICT_DIVISION_CODE": "330106"}
    with translation.override("en"):
        report = import_file("enterprises", registry_file(tmp_path, codes), actor=ACTOR)
    ownership = dict(Enterprise.objects.values_list("uscc", "ownership_type"))
    assert ownership == {
        codes["private"]: "private",
        codes["listed"]: "state_holding",
        codes["sole"]: "private",
        codes["partnership"]: "private",
        codes["whole_people"]: "state_owned",
        codes["collective"]: "collective",
        codes["foreign"]: "foreign_invested",
        codes["hk"]: "hk_macao_taiwan",
        codes["individual"]: "individual_business",
        codes["cooperative"]: "other",
        codes["outside"]: "private",
    }
    assert report.imported == 11
    # The one it cannot tell is asked about, on the file's own column, in its words.
    [asked] = report.rejected
    assert (asked.row, asked.field, asked.column) == (13, "enterprise_type", "企业类型")
    assert "非自然人投资或控股的法人独资" in asked.error and "所有制类型" in asked.error
    # The rules applied, with the rows each decided.
    rules = report.as_dict()["ownership_inferred"]
    assert sum(rule["rows"] for rule in rules) == 11
    assert any("92" in rule["rule"] and rule["rows"] == 1 for rule in rules)
    assert any("自然人" in rule["rule"] and rule["rows"] == 2 for rule in rules)
    # Registered in another division (330108): imported, with a warning.
    [warning] = report.warnings
    assert warning.row == 12 and "330108" in warning.error and "330106" in warning.error
    # Representatives by name alone: persons without identity.
    representative = Enterprise.objects.get(uscc=codes["private"]).legal_representative
    assert (
        representative.name == "张三"
        and representative.resident_id == ""
        and representative.resident_id_index == ""
    )
    assert audit.verify_chain().ok


def test_reimporting_the_registry_export_changes_nothing(tmp_path, codes):
    path = registry_file(tmp_path, codes)
    import_file("enterprises", path, actor=ACTOR)
    counts = (Enterprise.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    again = import_file("enterprises", path, actor=ACTOR)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 11)
    assert (Enterprise.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == counts


def test_a_representative_named_alone_gains_an_identity_when_the_number_arrives(tmp_path, codes):
    code = codes["private"]
    import_file(
        "enterprises",
        write_xlsx(
            tmp_path / "a.xlsx",
            [HEADERS, registry_row("杭州甲科技有限公司", code, "张三", "有限责任公司（自然人投资或控股）")],
        ),
        actor=ACTOR,
    )
    nameless = Enterprise.objects.get(uscc=code).legal_representative
    later = write_xlsx(tmp_path / "b.xlsx", [
        ["企业名称", "统一社会信用代码", "法定代表人", "法定代表人身份证号", "企业类型"],
        ["杭州甲科技有限公司", code, "张三", resident_id(1), "有限责任公司（自然人投资或控股）"],
    ])
    report = import_file("enterprises", later, actor=ACTOR)
    assert not report.rejected
    person = Enterprise.objects.get(uscc=code).legal_representative
    assert person.pk == nameless.pk  # the same person, now with an identity
    assert Person.objects.get(resident_id_index=blind_index(resident_id(1))).pk == nameless.pk
    assert Person.objects.filter(name="张三").count() == 1


def test_a_number_already_held_by_someone_links_the_enterprise_to_that_person(tmp_path, codes):
    known = factories.make_person(name="张三", resident_id=resident_id(2))
    code = codes["private"]
    import_file(
        "enterprises",
        write_xlsx(
            tmp_path / "a.xlsx", [HEADERS, registry_row("杭州甲科技有限公司", code, "张三", "个人独资企业")]
        ),
        actor=ACTOR,
    )
    later = write_xlsx(tmp_path / "b.xlsx", [
        ["企业名称", "统一社会信用代码", "法定代表人", "法定代表人身份证号", "企业类型"],
        ["杭州甲科技有限公司", code, "张三", resident_id(2), "个人独资企业"],
    ])
    assert not import_file("enterprises", later, actor=ACTOR).rejected
    assert Enterprise.objects.get(uscc=code).legal_representative_id == known.pk


def test_errors_name_the_column_as_the_file_names_it_in_chinese(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", [
        ["名称", "信用代码", "经济类型", "住所"],
        ["", registry_uscc(), "私营", "某地"],
        ["某公司", "91330106MA2XXXXXX", "私营", "某地"],
        ["某某公司", registry_uscc(), "魔法", "某地"],
    ])
    with translation.override("zh-hans"):
        report = import_file("enterprises", path, actor=ACTOR)
    columns = [(r.row, r.column) for r in report.rejected]
    assert columns == [(2, "名称"), (3, "信用代码"), (4, "经济类型")]
    assert "名称" in report.rejected[0].error and "name" not in report.rejected[0].error
    assert "经济类型" in report.rejected[2].error and "ownership_type" not in report.rejected[2].error


def test_rows_are_streamed_and_written_batch_by_batch(monkeypatch):
    """Memory holds one batch: the first batch is in the database before the reader has
    produced the rows after it (a 100k-row file never sits in memory whole)."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 50)
    seen_in_database: list[int] = []

    def rows():
        for number in range(2, 2 + 160):
            if number in (60, 160):
                seen_in_database.append(Enterprise.objects.count())
            yield Row(
                number=number,
                values={"name": f"企业{number}", "uscc": registry_uscc(), "enterprise_type": "个人独资企业"},
                original={},
            )

    progress: list[int] = []
    report = import_rows("enterprises", rows(), actor=ACTOR, progress=progress.append)
    assert report.imported == 160
    assert seen_in_database == [50, 150]
    assert sum(progress) == 160


def test_a_relative_who_heads_an_imported_enterprise_comes_onto_the_screening_watch_list(tmp_path, codes):
    """Named alone, the representative is a namesake at most; once the number arrives and it is a
    related person's, the enterprise is re-pointed and the watch-list triggers catch it."""
    from qinqing.conduct.models import ScreeningWatch

    official = factories.make_official(name="周局长")
    spouse = factories.make_person(name="吴敏", resident_id=resident_id(3))
    factories.make_related_person(official=official, person=spouse)
    code = codes["private"]
    import_file(
        "enterprises",
        write_xlsx(
            tmp_path / "a.xlsx",
            [HEADERS, registry_row("杭州甲科技有限公司", code, "吴敏", "有限责任公司（自然人投资或控股）")],
        ),
        actor=ACTOR,
    )
    enterprise = Enterprise.objects.get(uscc=code)
    assert not ScreeningWatch.objects.filter(enterprise=enterprise).exists()
    later = write_xlsx(tmp_path / "b.xlsx", [
        ["企业名称", "统一社会信用代码", "法定代表人", "法定代表人身份证号", "企业类型"],
        ["杭州甲科技有限公司", code, "吴敏", resident_id(3), "有限责任公司（自然人投资或控股）"],
    ])
    assert not import_file("enterprises", later, actor=ACTOR).rejected
    enterprise.refresh_from_db()
    assert enterprise.legal_representative_id == spouse.pk
    assert ScreeningWatch.objects.filter(enterprise=enterprise).exists()
