"""The legal environment's ledgers as .xlsx (articles 11–13, 15.6): each list's "下载（.xlsx）" gives the rows
that list shows the user — their unit's for a body, every unit's for the discipline office — every page of
them, in the district's language, formula-like text quoted, in a fixed number of queries; a role without the
list is refused."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.core.testing import formula_cell_quoted, ledger_sheet
from qinqing.directory.models import OrganType
from qinqing.directory.tests import factories as directory
from qinqing.legal import services
from qinqing.legal.models import Action

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock, client):
    frozen_clock("2026-11-30 10:00")
    procuratorate = directory.make_unit(name="示范区人民检察院", organ_type=OrganType.PROCURATORATE)
    bureau = directory.make_unit(name="区市场监管局")
    other = directory.make_unit(name="区税务局")
    prosecutor = make_user(Role.ENFORCEMENT_BODY)
    directory.make_official(unit=procuratorate, name="检察官甲", user=prosecutor)
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    stranger = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=other, name="钱多", user=stranger)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    enterprise_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=enterprise_user, enterprise=enterprise)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    return {
        "procuratorate": procuratorate, "bureau": bureau, "other": other, "prosecutor": prosecutor,
        "handler": handler, "stranger": stranger, "enterprise": enterprise,
        "enterprise_user": enterprise_user,
        "inspector": make_user(Role.DISCIPLINE_INSPECTOR), "official": make_user(Role.OFFICIAL),
    }


def _action(w, actor="handler", unit="bureau", **extra):
    values = {
        "kind": "charge", "subtype": "fine", "started_on": datetime.date(2026, 11, 20), "amount": "5000"
    }
    values.update(extra)
    return services.action_register(enterprise=w["enterprise"], unit=w[unit], actor=w[actor], **values)


def _get(client, user, name, **query):
    client.force_login(user)
    return client.get(reverse(name), query)


def _rows(client, user, name):
    values, _cells = ledger_sheet(_get(client, user, name))
    return values


def test_the_register_ledger_has_the_units_rows_their_flags_and_every_page(client, world):
    w = world
    _action(w, legal_basis=HOSTILE)
    _action(w)  # no legal basis: flagged
    for day in range(1, 55):  # more than a page (50) of the same unit's rows
        started_on = datetime.date(2026, 9, 1) + datetime.timedelta(day)
        _action(w, legal_basis="《行政处罚法》第二十八条", started_on=started_on)
    _action(w, actor="stranger", unit="other", legal_basis="《税收征收管理法》第六十二条")

    page = _get(client, w["handler"], "legal:register").content.decode()
    assert f'href="{reverse("legal:register_xlsx")}" data-testid="ledger-xlsx"' in page
    assert "Download (.xlsx)" in page
    response = _get(client, w["handler"], "legal:register_xlsx")
    # named after the ledger and the day, in the district's language whatever the clerk's pages are in
    assert quote("强制措施、检查和收费-20261130.xlsx") in response["Content-Disposition"]
    values, cells = ledger_sheet(response)
    header, body = values[0], values[1:]
    assert header == [
        "日期", "企业", "统一社会信用代码", "机关", "类型", "事项", "法律依据", "审批", "期限届满日",
        "解除日期", "金额（元）", "预警",
    ]
    assert len(body) == 56  # every row, not the page's 50
    assert {row[3] for row in body} == {"区市场监管局"}  # not the other unit's
    newest = body[:2]
    assert [row[6] for row in newest] == [HOSTILE, None] or [row[6] for row in newest] == [None, HOSTILE]
    flagged = next(row for row in newest if row[6] is None)
    assert flagged[0] == datetime.datetime(2026, 11, 20)  # a date cell, not text
    assert (flagged[4], flagged[5], flagged[10], flagged[11]) == ("收费罚款", "罚款", 5000, "未登记法律依据")
    assert formula_cell_quoted(cells, HOSTILE)

    everything = _rows(client, w["inspector"], "legal:register_xlsx")
    assert {row[3] for row in everything[1:]} == {"区市场监管局", "区税务局"}


def test_the_litigation_recommendation_and_protection_ledgers_keep_to_the_units_rows(client, world):
    w = world
    services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="administrative", court="示范区人民法院",
        case_number=HOSTILE, filed_on=datetime.date(2026, 10, 9), actor=w["handler"],
    )
    services.case_register(
        enterprise=w["enterprise"], unit=w["other"], kind="administrative", court="示范区人民法院",
        case_number="（2026）示行初99号", filed_on=datetime.date(2026, 10, 9), actor=w["stranger"],
    )
    cases = _rows(client, w["handler"], "legal:cases_xlsx")
    assert cases[0][:3] == ["案件编号", "法院", "企业"]
    assert [(row[0], row[3], row[5], row[6]) for row in cases[1:]] == [
        (HOSTILE, "区市场监管局", "是", datetime.datetime(2026, 10, 9))
    ]

    for unit, number in (("bureau", "示检行建〔2026〕1号"), ("other", "示检行建〔2026〕2号")):
        services.recommendation_issue(
            unit=w[unit], number=number, content="建议依法解除查封",
            issued_on=datetime.date(2026, 9, 1), actor=w["prosecutor"],
        )
    recommendations = _rows(client, w["handler"], "legal:recommendations_xlsx")
    assert recommendations[0][:4] == ["检察建议书文号", "检察院", "机关", "建议内容"]
    row = dict(zip(recommendations[0], recommendations[1], strict=True))
    assert len(recommendations) == 2 and row["检察建议书文号"] == "示检行建〔2026〕1号"
    assert row["答复期限"] == datetime.datetime(2026, 11, 1)
    assert row["超期"] == "是"  # not answered within the two months
    assert len(_rows(client, w["prosecutor"], "legal:recommendations_xlsx")) == 3  # the ones it issued

    client.force_login(w["enterprise_user"])
    services.protection_request(
        enterprise=w["enterprise"], kind="obstruction", description=HOSTILE, actor=w["enterprise_user"]
    )
    protections = _rows(client, w["handler"], "legal:protections_xlsx")
    assert protections[0][:4] == ["申请时间", "企业", "类型", "申请事由"]
    assert len(protections) == 2 and protections[1][3] == HOSTILE
    assert protections[1][4] == "已申请"


@pytest.mark.parametrize(
    "name",
    ["legal:register_xlsx", "legal:cases_xlsx", "legal:recommendations_xlsx", "legal:protections_xlsx"],
)
def test_a_role_without_the_list_is_refused_its_ledger(client, world, name):
    for user in (w := world)["enterprise_user"], w["official"]:
        assert _get(client, user, name).status_code == 403


def test_the_register_ledger_reads_in_a_fixed_number_of_queries(client, world):
    w = world

    def queries() -> int:
        client.force_login(w["handler"])
        with CaptureQueriesContext(connection) as captured:
            ledger_sheet(client.get(reverse("legal:register_xlsx")))
        return len(captured)

    _action(w)
    few = queries()
    for day in range(30):
        day = datetime.date(2026, 10, 1) + datetime.timedelta(day)
        _action(w, kind="inspection", subtype="inspection", started_on=day)
    assert Action.objects.count() == 31
    assert queries() == few
