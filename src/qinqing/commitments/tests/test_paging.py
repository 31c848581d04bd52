"""Nothing lost: every list of commitments, notices and programmes a reader may see is paged (50 a page,
the pager keeping the page's other parameters), never cut; the .xlsx downloads hold every row."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.commitments.models import (
    AlertKind,
    Commitment,
    DeadlineAlert,
    DeadlineNotice,
    FundProgramme,
    Scope,
    Status,
)
from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory

pytestmark = pytest.mark.django_db
D = datetime.date
MANY = 53  # more than one page of 50


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-14 10:00")
    bureau = directory.make_unit(name="区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=enterprise)
    rows = Commitment.objects.bulk_create(
        Commitment(
            number=f"CN2026-{n:05d}",
            enterprise=enterprise,
            unit=bureau,
            kind="investment",
            title=f"承诺{n}",
            content="内容",
            made_on=D(2026, 8, 1),
            deadline=D(2026, 9, 1),  # past: every one is overdue
            scope=Scope.PUBLIC,
            status=Status.REGISTERED,
            created_by=handler,
            created_at=clock.now(),
        )
        for n in range(MANY)
    )
    return {
        "bureau": bureau,
        "handler": handler,
        "rows": rows,
        "commitments:list": handler,
        "commitments:mine": firm_user,
        "commitments:overdue": make_user(Role.DISCIPLINE_INSPECTOR),
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["commitments:list", "commitments:mine", "commitments:overdue"])
def test_the_staff_lists_page_every_commitment(world, name):
    client = _client(world[name])
    first = client.get(reverse(name)).content.decode()
    assert first.count('data-testid="commitment-row"') == 50
    assert 'data-testid="pager"' in first and "?page=2" in first
    second = client.get(reverse(name), {"page": 2}).content.decode()
    assert second.count('data-testid="commitment-row"') == MANY - 50
    numbers = {row.number for row in world["rows"]}
    assert {n for n in numbers if n in first} | {n for n in numbers if n in second} == numbers  # no overlap


def test_the_public_list_pages_every_published_commitment(world):
    client = _client()
    first = client.get(reverse("commitments:public")).content.decode()
    second = client.get(reverse("commitments:public"), {"page": 2}).content.decode()
    numbers = {row.number for row in world["rows"]}
    on_first = {n for n in numbers if n in first}
    assert len(on_first) == 50 and "?page=2" in first
    assert {n for n in numbers if n in second} == numbers - on_first


def test_the_public_xlsx_reads_every_row_unsliced(world):
    with CaptureQueriesContext(connection) as queries:
        response = _client().get(reverse("commitments:public_xlsx"))
        b"".join(response.streaming_content)
    read = [q["sql"] for q in queries.captured_queries if "commitments_commitment" in q["sql"]]
    assert read and not any("LIMIT" in sql.upper() for sql in read)


def test_deadline_notices_bounded_on_the_memorandum_with_a_link_to_every_one(world):
    handler = world["handler"]
    alerts = DeadlineAlert.objects.bulk_create(
        DeadlineAlert(commitment=row, kind=AlertKind.OVERDUE, deadline=row.deadline, found_on=D(2026, 9, 2))
        for row in world["rows"][:51]
    )
    DeadlineNotice.objects.bulk_create(
        DeadlineNotice(
            recipient=handler,
            key=f"alert:{alert.pk}",
            kind=alert.kind,
            alert=alert,
            text=f"通知{alert.pk}",
            created_at=clock.now(),
        )
        for alert in alerts
    )
    client = _client(handler)
    page = client.get(reverse("commitments:list")).content.decode()
    assert page.count('data-testid="notice-row"') == 50 and 'data-testid="all-notices"' in page
    every = client.get(reverse("commitments:list"), {"notices": "all"}).content.decode()
    assert every.count('data-testid="notice-row"') == 50 and "?notices=all&amp;page=2" in every
    rest = client.get(reverse("commitments:list"), {"notices": "all", "page": 2}).content.decode()
    assert rest.count('data-testid="notice-row"') == 1


def test_the_alerts_of_a_commitment_are_all_shown(world):
    row = world["rows"][0]
    DeadlineAlert.objects.bulk_create(
        DeadlineAlert(commitment=row, kind=kind, deadline=D(2026, 9, 1) + datetime.timedelta(days=day),
                      found_on=D(2026, 9, 1))
        for kind in AlertKind.values
        for day in range(4)
    )
    page = _client(world["handler"]).get(reverse("commitments:detail", args=[row.pk])).content.decode()
    assert page.count('class="badge"') >= 12  # formerly the first 10


def test_the_programmes_are_paged_on_the_public_and_staff_pages(world):
    FundProgramme.objects.bulk_create(
        FundProgramme(
            title=f"专项资金{n}",
            rules="规则",
            budget=1000,
            opens_on=D(2026, 9, 1),
            closes_on=D(2026, 9, 30),
            unit=world["bureau"],
            created_at=clock.now(),
        )
        for n in range(MANY)
    )
    for name, client in (("commitments:funds_public", _client()),
                         ("commitments:funds_staff", _client(world["handler"]))):
        first = client.get(reverse(name)).content.decode()
        assert first.count('data-testid="programme"') == 50 and "?page=2" in first
        second = client.get(reverse(name), {"page": 2}).content.decode()
        assert second.count('data-testid="programme"') == MANY - 50


def test_the_import_report_lists_every_rejected_row(world):
    import io

    from .test_commitments import _ledger

    uscc = world["rows"][0].enterprise.uscc
    bad = [[uscc, "", "政策承诺", f"事项{n}", "内容", "", "区投资促进局", "不是日期", "2026-12-31", "", ""]
           for n in range(520)]
    upload = io.BytesIO(_ledger(bad))
    upload.name = "ledger.xlsx"
    client = _client(world["handler"])
    page = client.post(reverse("commitments:import"), {"file": upload, "dry_run": "on"}).content.decode()
    listed = page.split('data-testid="rejections"')[1].split("</table>")[0]
    assert listed.count("<tr><td>") >= 520  # formerly the first 500
