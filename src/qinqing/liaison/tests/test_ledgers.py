"""The liaison ledgers as .xlsx (articles 7, 9): the visits and roundtables, the visit frequency of the page's
year, and the communication meetings' follow-up items — the rows each list shows its user, every page, in the
district's language, formula-like text quoted, names as the lists show them and nothing more of a person; a
role without the list is refused."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.core.testing import formula_cell_quoted, ledger_sheet
from qinqing.directory import services as directory_services
from qinqing.directory.models import AssociationKind
from qinqing.directory.tests import factories as directory
from qinqing.liaison import services
from qinqing.liaison.models import MeetingKind, Scope, VisitPeriod

pytestmark = pytest.mark.django_db

HOSTILE = "=cmd|' /C calc'!A0"
RESIDENT_ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock, client):
    frozen_clock("2026-11-30 10:00")
    organ = directory.make_unit(name="区人民政府")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=organ, name="杨帆", user=staff)
    official = directory.make_official(
        unit=organ, name="陈静", position="常务副区长", resident_id=RESIDENT_ID, phone=PHONE
    )
    key = directory.make_enterprise(name="示范区恒通科技有限公司", is_key_enterprise=True)
    leader = services.leader_add(official=official, actor=staff)
    services.leader_add(official=directory.make_official(unit=organ, name="周明"), actor=staff)
    chamber = directory_services.association_create(name="示范区温州商会", kind=AssociationKind.CHAMBER,
                                                    actor=staff)
    other_chamber = directory_services.association_create(
        name="示范区餐饮行业协会", kind=AssociationKind.CHAMBER, actor=staff
    )
    chamber_user = make_user(Role.FEDERATION_STAFF)
    directory_services.association_member_add(user=chamber_user, association=chamber, actor=staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    return {
        "staff": staff, "leader": leader, "key": key, "chamber": chamber, "other_chamber": other_chamber,
        "chamber_user": chamber_user, "federation_user": make_user(Role.FEDERATION_STAFF),
        "inspector": make_user(Role.DISCIPLINE_INSPECTOR), "enterprise_user": make_user(Role.ENTERPRISE_USER),
    }


def _visit(w, day: datetime.date, title="走访", hold=True):
    meeting = services.meeting_schedule(
        kind=MeetingKind.VISIT, title=title, scheduled_on=day, leader=w["leader"], enterprises=[w["key"]],
        actor=w["staff"],
    )
    if hold:
        services.meeting_hold(meeting=meeting, minutes="了解企业用工需求", held_on=day, actor=w["staff"])
    return meeting


def _sheet(client, user, name, **query):
    client.force_login(user)
    return ledger_sheet(client.get(reverse(name), query))


def test_the_meetings_ledger_has_every_meeting_the_page_lists(client, world):
    w = world
    _visit(w, datetime.date(2026, 11, 20), title=HOSTILE)
    for day in range(52):  # more than a page
        _visit(w, datetime.date(2026, 6, 1) + datetime.timedelta(day), hold=False)
    client.force_login(w["staff"])
    page = client.get(reverse("liaison:meetings"), {"page": 2}).content.decode()
    assert f'href="{reverse("liaison:meetings_xlsx")}" data-testid="ledger-xlsx"' in page  # not page 2 only
    response = client.get(reverse("liaison:meetings_xlsx"))
    assert quote("走访与恳谈会-20261130.xlsx") in response["Content-Disposition"]
    values, cells = ledger_sheet(response)
    assert values[0] == [
        "日期", "类型", "标题", "地点", "联系领导", "状态", "举办日期", "参加人员", "反映问题数"
    ]
    assert len(values) == 1 + 53
    first = values[1]
    assert first[:3] == [datetime.datetime(2026, 11, 20), "走访企业", HOSTILE]
    assert (first[4], first[5], first[6]) == ("陈静", "已召开", datetime.datetime(2026, 11, 20))
    assert formula_cell_quoted(cells, HOSTILE)
    text = repr(values)
    assert RESIDENT_ID not in text and PHONE not in text  # the leader's name, as the page shows, no more


def test_the_frequency_ledger_is_the_pages_year_and_flags_the_shortfall(client, world):
    w = world
    row = services.list_create(
        leader=w["leader"], year=2026, title="2026年帮扶责任清单", content="定期走访", visits_per_period=2,
        visit_period=VisitPeriod.QUARTER, actor=w["staff"],
    )
    services.list_publish(responsibility_list=row, scope=Scope.PUBLIC, actor=w["staff"])
    _visit(w, datetime.date(2026, 2, 10))
    _visit(w, datetime.date(2026, 11, 2))
    client.force_login(w["staff"])
    page = client.get(reverse("liaison:frequency"), {"year": 2026}).content.decode()
    assert f'href="{reverse("liaison:frequency_xlsx")}?year=2026"' in page
    response = client.get(reverse("liaison:frequency_xlsx"), {"year": 2026})
    assert quote("走访频次（2026）-20261130.xlsx") in response["Content-Disposition"]
    values, _cells = ledger_sheet(response)
    rows = {row[0]: dict(zip(values[0], row, strict=True)) for row in values[1:]}
    assert set(rows) == {"陈静", "周明"}
    chen = rows["陈静"]
    assert (chen["每周期承诺走访次数"], chen["周期"]) == (2, "每季度")
    # three quarters ended, 6 visits due, 1 held in them (10 Feb); the current quarter: 1 of 2 until 31 Dec
    assert (chen["已结束周期应走访"], chen["已结束周期实际走访"], chen["缺少走访次数"]) == (6, 1, 5)
    assert (chen["本周期已走访"], chen["本周期应走访"]) == (1, 2)
    assert chen["本周期截止日期"] == datetime.datetime(2026, 12, 31) and chen["预警"] == "走访次数不足"
    assert rows["周明"]["预警"] == "本年没有已公布且承诺走访频次的责任清单。"

    refused = client.get(reverse("liaison:frequency_xlsx"), {"year": "1999"})
    assert refused.status_code == 400 and 'data-field="year"' in refused.content.decode()


def test_the_communication_ledger_lists_each_follow_up_of_the_meetings_the_account_reads(client, world):
    w = world
    ours = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION, title="政企定期沟通会", scheduled_on=datetime.date(2026, 11, 27),
        associations=[w["chamber"]], actor=w["staff"],
    )
    services.follow_up_add(meeting=ours, task=HOSTILE, due_on=datetime.date(2026, 11, 28), actor=w["staff"])
    services.follow_up_add(
        meeting=ours, task="召开商会座谈", due_on=datetime.date(2026, 12, 5), actor=w["staff"]
    )
    services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION, title="餐饮行业沟通会", scheduled_on=datetime.date(2026, 11, 26),
        associations=[w["other_chamber"]], actor=w["staff"],
    )
    values, cells = _sheet(client, w["chamber_user"], "liaison:communication_xlsx")
    assert values[0][:5] == ["会议日期", "会议", "状态", "邀请的工商联和商会", "事项"]
    assert [(row[1], row[3], row[4], row[7]) for row in values[1:]] == [
        ("政企定期沟通会", "示范区温州商会", HOSTILE, "是"),  # overdue since 28 November
        ("政企定期沟通会", "示范区温州商会", "召开商会座谈", "否"),
    ]  # not the other chamber's meeting
    assert formula_cell_quoted(cells, HOSTILE)
    everything, _cells = _sheet(client, w["federation_user"], "liaison:communication_xlsx")
    assert {row[1] for row in everything[1:]} == {"政企定期沟通会", "餐饮行业沟通会"}
    assert everything[-1][1] == "餐饮行业沟通会" and everything[-1][4:] == [None] * 6  # no follow-up yet


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("liaison:meetings_xlsx", "inspector"),
        ("liaison:frequency_xlsx", "enterprise_user"),
        ("liaison:communication_xlsx", "staff"),  # the liaison office has its meetings page, not this list
    ],
)
def test_a_role_without_the_list_is_refused_its_ledger(client, world, name, role):
    client.force_login(world[role])
    assert client.get(reverse(name)).status_code == 403


def test_the_ledgers_read_in_a_fixed_number_of_queries(client, world):
    w = world

    def queries(name) -> int:
        user = w["federation_user"] if name == "liaison:communication_xlsx" else w["staff"]
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            ledger_sheet(client.get(reverse(name)))
        return len(captured)

    def meeting(index):
        _visit(w, datetime.date(2026, 10, 1) + datetime.timedelta(index))
        row = services.meeting_schedule(
            kind=MeetingKind.COMMUNICATION, title=f"沟通会{index}", scheduled_on=datetime.date(2026, 11, 1),
            associations=[w["chamber"]], actor=w["staff"],
        )
        services.follow_up_add(meeting=row, task="跟进", due_on=datetime.date(2026, 12, 5), actor=w["staff"])

    meeting(0)
    few = {name: queries(name) for name in ("liaison:meetings_xlsx", "liaison:communication_xlsx",
                                            "liaison:frequency_xlsx")}
    for index in range(1, 12):
        meeting(index)
    assert {name: queries(name) for name in few} == few
