"""The fault-tolerance ledgers as .xlsx (article 22): the requests the list shows the user (every one for the
discipline office, their own for an official) and the statistics page's figures for its year, in the
district's language, formula-like text quoted, the official's name as the list shows it and nothing more of
them; a role without the list is refused."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.core.testing import formula_cell_quoted, ledger_sheet
from qinqing.directory.tests import factories as directory
from qinqing.tolerance import services

pytestmark = pytest.mark.django_db

HOSTILE = "@SUM(1+1)*cmd|' /C calc'!A0"
RESIDENT_ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock, client):
    frozen_clock("2026-09-29 10:00")
    unit = directory.make_unit(name="区发改局")
    other_unit = directory.make_unit(name="区商务局")
    official_user = make_user(Role.OFFICIAL)
    official = directory.make_official(
        unit=unit, name="李明", user=official_user, resident_id=RESIDENT_ID, phone=PHONE
    )
    stranger_user = make_user(Role.OFFICIAL)
    stranger = directory.make_official(unit=other_unit, name="孙强", user=stranger_user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    return {
        "official_user": official_user, "official": official, "stranger_user": stranger_user,
        "stranger": stranger, "inspector": make_user(Role.DISCIPLINE_INSPECTOR),
        "enterprise_user": make_user(Role.ENTERPRISE_USER),
        "orgdept": make_user(Role.ORGANISATION_DEPARTMENT),
    }


def _submit(w, who="official", matter="先行先试审批改革"):
    return services.request_submit(
        actor=w[f"{who}_user" if who == "official" else "stranger_user"],
        official=w[who], submitter="official", matter=matter, facts="在审批改革试点中简化了一项程序",
        evidence="会议纪要、请示批复",
    )


def _sheet(client, user, name, **query):
    client.force_login(user)
    return ledger_sheet(client.get(reverse(name), query))


def test_the_requests_ledger_is_the_users_own_rows_or_every_row_for_the_office(client, world):
    w = world
    row = _submit(w, matter=HOSTILE)
    _submit(w, who="stranger", matter="招商引资政策兑现")
    client.force_login(w["official_user"])
    page = client.get(reverse("tolerance:requests")).content.decode()
    assert f'href="{reverse("tolerance:requests_xlsx")}" data-testid="ledger-xlsx"' in page
    response = client.get(reverse("tolerance:requests_xlsx"))
    assert quote("容错纠错申请-20260929.xlsx") in response["Content-Disposition"]
    values, cells = ledger_sheet(response)
    assert values[0][:7] == ["编号", "公职人员", "单位", "事项", "提出方", "提交日期", "状态"]
    assert len(values) == 2  # not the other unit's official's request
    mine = dict(zip(values[0], values[1], strict=True))
    assert (mine["编号"], mine["公职人员"], mine["单位"]) == (row.number, "李明", "区发改局")
    assert mine["事项"] == HOSTILE
    assert mine["提交日期"] == datetime.datetime(2026, 9, 29) and mine["状态"] == "已提出"
    assert isinstance(mine["当前环节期限"], datetime.datetime) and mine["超期"] == "否"
    assert formula_cell_quoted(cells, HOSTILE)
    text = repr(values)
    assert RESIDENT_ID not in text and PHONE not in text  # the name as the list shows it, no more

    everything, _cells = _sheet(client, w["inspector"], "tolerance:requests_xlsx")
    assert {row[1] for row in everything[1:]} == {"李明", "孙强"}


def test_the_statistics_ledger_has_the_pages_figures_for_its_year(client, world):
    w = world
    _submit(w)
    _submit(w, who="stranger")
    client.force_login(w["inspector"])
    page = client.get(reverse("tolerance:statistics"), {"year": 2026}).content.decode()
    assert f'href="{reverse("tolerance:statistics_xlsx")}?year=2026"' in page
    response = client.get(reverse("tolerance:statistics_xlsx"), {"year": 2026})
    assert quote("容错纠错统计（2026）-20260929.xlsx") in response["Content-Disposition"]
    values, _cells = ledger_sheet(response)
    figures = dict(values[1:])
    assert values[0] == ["统计项", "申请数"]
    assert (figures["申请数"], figures["办理中"], figures["按状态：已提出"]) == (2, 2, 2)
    last_year, _cells = ledger_sheet(client.get(reverse("tolerance:statistics_xlsx"), {"year": 2025}))
    assert dict(last_year[1:])["申请数"] == 0
    refused = client.get(reverse("tolerance:statistics_xlsx"), {"year": "26"})
    assert refused.status_code == 400 and 'data-field="year"' in refused.content.decode()


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("tolerance:requests_xlsx", "enterprise_user"),
        ("tolerance:requests_xlsx", "orgdept"),
        ("tolerance:statistics_xlsx", "official_user"),
    ],
)
def test_a_role_without_the_list_is_refused_its_ledger(client, world, name, role):
    client.force_login(world[role])
    assert client.get(reverse(name)).status_code == 403


def test_the_requests_ledger_reads_in_a_fixed_number_of_queries(client, world):
    w = world

    def queries() -> int:
        client.force_login(w["inspector"])
        with CaptureQueriesContext(connection) as captured:
            ledger_sheet(client.get(reverse("tolerance:requests_xlsx")))
        return len(captured)

    _submit(w)
    few = queries()
    for index in range(12):
        _submit(w, who="stranger" if index % 2 else "official", matter=f"事项{index}")
    assert queries() == few
