"""The approvals list's ledger as .xlsx (article 14): the requests awaiting this leader's decision, as the
page lists them — violations first, each finding in words with its severity and the article it rests on —
in the district's language, formula-like text quoted, the official's name as the page shows it and nothing
more of them; another leader's officials' requests are not in it, and a role without the list is refused."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import formula_cell_quoted, ledger_sheet
from qinqing.directory.tests import factories

from .. import services
from .test_activities import draft

pytestmark = pytest.mark.django_db

HOSTILE = "+SUM(A1:A9)"
RESIDENT_ID = "11010519491231002X"
PHONE = "13912345678"


def _ledger(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    return client.get(reverse("conduct:approvals_xlsx"))


def test_the_approvals_ledger_is_the_leaders_queue_with_findings_and_articles(people, client, make_user):
    official = factories.make_official(
        unit=people.unit, name="钱七", user=make_user(Role.OFFICIAL), supervising_leader=people.leader,
        resident_id=RESIDENT_ID, phone=PHONE,
    )
    near = services.activity_submit(
        actor=people.official_user, **draft(people, cost_per_head=Decimal("115"))
    )
    over = services.activity_submit(
        actor=official.user, **draft(people, official=official, cost_per_head=Decimal("300"), place=HOSTILE)
    )
    other_leader = factories.make_official(unit=factories.make_unit(name="区商务局"), name="孙领导",
                                           user=make_user(Role.SUPERVISING_LEADER))
    stranger = factories.make_official(unit=other_leader.unit, name="周八", user=make_user(Role.OFFICIAL),
                                       supervising_leader=other_leader)
    services.activity_submit(actor=stranger.user, **draft(people, official=stranger))

    client.force_login(people.leader_user)
    page = client.get(reverse("conduct:approvals")).content.decode()
    assert f'href="{reverse("conduct:approvals_xlsx")}" data-testid="ledger-xlsx"' in page
    response = _ledger(client, people.leader_user)
    assert quote(f"待审批的涉企活动报备-{clock.today():%Y%m%d}.xlsx") in response["Content-Disposition"]
    values, cells = ledger_sheet(response)
    header = values[0]
    assert header[:4] == ["公职人员", "单位", "日期", "活动情形"]
    assert header[-3:] == ["严重程度", "检查结果", "所依条款"]
    rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
    # the request with a violation first; not 周八's (another leader's official)
    assert [row["公职人员"] for row in rows] == ["钱七", "张三"]
    first = rows[0]
    assert first["严重程度"] == "违规" and "超过当地公务接待标准" in first["检查结果"]
    assert "14.3" in first["所依条款"].split("、")
    assert first["日期"] == datetime.datetime.combine(over.event_date, datetime.time())
    assert first["地点"] == HOSTILE and formula_cell_quoted(cells, HOSTILE)
    assert first["预计人均费用（元）"] == 300 and near.pk != over.pk
    text = repr(values)
    assert RESIDENT_ID not in text and PHONE not in text  # the name as the page shows it, no more


def test_a_role_without_the_approvals_list_is_refused_its_ledger(people, client):
    for user in (people.official_user, people.inspector):
        client.force_login(user)
        assert client.get(reverse("conduct:approvals_xlsx")).status_code == 403


def test_the_approvals_ledger_reads_in_a_fixed_number_of_queries(people, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ledger_sheet(_ledger(client, people.leader_user))
        return len(captured)

    services.activity_submit(actor=people.official_user, **draft(people))
    queries()  # the first request after the login also reads and writes the session
    few = queries()
    for index in range(8):
        who = people.official if index % 2 else people.other
        enterprises = [people.clean_enterprise, people.enterprise][: 1 + index % 2]
        services.activity_submit(actor=who.user, **draft(people, official=who, enterprises=enterprises))
    assert queries() == few


def test_the_recusals_to_decide_ledger_is_the_oversight_list(people, client, make_user):
    pending = services.recusal_report(
        official=people.official, matter_type="appeal", matter_id="A-1", enterprise=people.enterprise,
        description=HOSTILE, apply=True, actor=people.official_user,
    )
    decided = services.recusal_report(
        official=people.other, matter_type="appeal", matter_id="A-2", enterprise=people.enterprise,
        description="已决定", apply=True, actor=people.other_user,
    )
    services.recusal_decide(recusal=decided, approve=True, reason="同意回避", actor=people.leader_user)
    district_leader = make_user(Role.DISTRICT_LEADER)
    client.force_login(district_leader)
    page = client.get(reverse("conduct:recusals_pending")).content.decode()
    assert f'href="{reverse("conduct:recusals_pending_xlsx")}" data-testid="ledger-xlsx"' in page
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    values, cells = ledger_sheet(client.get(reverse("conduct:recusals_pending_xlsx")))
    assert values[0][:4] == ["公职人员", "单位", "分管领导", "事项"]
    # the one awaiting a decision, as the page lists it; not the decided one
    assert [row[:5] for row in values[1:]] == [
        ["张三", "区发改局", "王领导", "appeal:A-1", "某某科技有限公司"]
    ]
    assert values[1][6] == HOSTILE and formula_cell_quoted(cells, HOSTILE) and pending.pk
    for user in (people.leader_user, people.inspector):  # the leader decides on the approvals page
        client.force_login(user)
        assert client.get(reverse("conduct:recusals_pending_xlsx")).status_code == 403


def test_the_recusals_ledger_reads_in_a_fixed_number_of_queries(people, client, make_user):
    client.force_login(make_user(Role.DISTRICT_LEADER))

    def report(index):
        who = people.official if index % 2 else people.other
        services.recusal_report(
            official=who, matter_type="appeal", matter_id=f"A-{index}", enterprise=people.enterprise,
            description="配偶持股", apply=True, actor=who.user,
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ledger_sheet(client.get(reverse("conduct:recusals_pending_xlsx")))
        return len(captured)

    report(0)
    queries()  # the first request after the login also reads and writes the session
    few = queries()
    for index in range(1, 9):
        report(index)
    assert queries() == few
