"""The discipline office's gift register (礼品礼金登记台账, 15.1): every official's gift records with who
gave them (a person's name masked), how each was handled and whether it was handed in within the period,
filtered (a bad filter refused on its field), 50 a page, and the same rows as an .xlsx ledger; the
inspector and administrators only."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.core.testing import ledger_sheet
from qinqing.directory.tests import factories

from .. import services

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)
PHONE = "13912345678"


def _gift(official, days_ago, *, disposition="pending", giver_name="", enterprise=None, description=""):
    return services.gift_record(
        official=official, direction="received", kind="red_envelope", value=Decimal("500"),
        occurred_on=TODAY - datetime.timedelta(days=days_ago), disposition=disposition, actor=official.user,
        giver_enterprise=enterprise, giver_name=giver_name, description=description,
    )


@pytest.fixture
def register(people, make_user, frozen_clock):
    """张三 (区发改局): a red envelope still pending after 40 days (late), one returned to 李四四 (a
    person); 孙五 (区商务局): one handed in after 10 days and one after 35 (late), from 某某科技有限公司."""
    frozen_clock("2026-12-03 10:00")
    other_unit = factories.make_unit(name="区商务局")
    sun = factories.make_official(unit=other_unit, name="孙五", user=make_user(Role.OFFICIAL))
    found = {
        "pending": _gift(
            people.official, 40, enterprise=people.clean_enterprise, description=f"对方手机{PHONE}"
        ),
        "returned": _gift(people.official, 5, disposition="returned", giver_name="李四四"),
        "in_time": _gift(sun, 20, enterprise=people.enterprise),
        "handed_late": _gift(sun, 45, enterprise=people.enterprise, giver_name="王小二"),
    }
    for key in ("in_time", "handed_late"):
        services.gift_hand_in(
            gift=found[key], actor=people.inspector, handed_in_on=TODAY - datetime.timedelta(days=10)
        )
    for gift in found.values():
        gift.refresh_from_db()
    found["other_unit"] = other_unit
    return found


def _rows(client, **query):
    response = client.get(reverse("conduct:gift_register"), query)
    assert response.status_code == 200, response.content[:300]
    return {gift.pk for gift in response.context["gifts"]}, response


def test_the_inspector_sees_every_officials_gifts_with_the_giver_masked(people, register, client):
    client.force_login(people.inspector)
    shown, response = _rows(client)
    assert shown == {gift.pk for key, gift in register.items() if key != "other_unit"}
    page = response.content.decode()
    assert "张三" in page and "孙五" in page and "区商务局" in page and "某某科技有限公司" in page
    assert "李**" in page and "李四四" not in page and "王小二" not in page  # a person's name, masked
    assert PHONE not in page and "139****5678" in page
    rows = page.split('<tr data-testid="gift-')[1:]
    late = {int(row.split('"')[0]) for row in rows if 'data-testid="late"' in row.split("</tr>")[0]}
    assert late == {register["pending"].pk, register["handed_late"].pk}
    assert f'href="{reverse("conduct:gift_register_xlsx")}" data-testid="ledger-xlsx"' in page


def test_the_filters_narrow_the_register_and_its_ledger(people, register, client):
    client.force_login(people.inspector)
    in_other_unit = {register["in_time"].pk, register["handed_late"].pk}
    assert _rows(client, unit=register["other_unit"].pk)[0] == in_other_unit
    assert _rows(client, disposition="returned")[0] == {register["returned"].pk}
    assert _rows(client, late="yes")[0] == {register["pending"].pk, register["handed_late"].pk}
    assert _rows(client, late="no")[0] == {register["returned"].pk, register["in_time"].pk}
    assert _rows(client, since="2026-11-01", until="2026-11-20")[0] == {register["in_time"].pk}
    query = {"unit": register["other_unit"].pk, "late": "yes"}
    page = _rows(client, **query)[1].content.decode()
    assert f'ledger.xlsx?unit={register["other_unit"].pk}&amp;late=yes' in page
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    values, _cells = ledger_sheet(client.get(reverse("conduct:gift_register_xlsx"), query))
    assert values[0][:3] == ["公职人员", "单位", "赠送或收受日期"] and len(values) == 2
    official, unit, _on, _way, _kind, giver, _desc, value, disposition, _on2, receipt, late = values[1]
    assert (official, unit, giver, disposition, late) == (
        "孙五", "区商务局", "某某科技有限公司 · 王**", "已上交", "是"
    )
    assert str(value) in ("500", "500.00") and receipt == register["handed_late"].receipt_number


@pytest.mark.parametrize("field, value", [
    ("unit", "abc"), ("unit", "999999"), ("late", "maybe"), ("disposition", "lost"), ("since", "2026-13-01"),
])
def test_a_bad_filter_is_refused_on_its_field(people, register, client, field, value):
    client.force_login(people.inspector)
    for name in ("conduct:gift_register", "conduct:gift_register_xlsx"):
        response = client.get(reverse(name), {field: value})
        assert response.status_code == 400, (name, field)
        assert f'data-testid="error-{field}"' in response.content.decode()


def test_a_period_ending_before_it_starts_is_refused_on_its_end(people, register, client):
    client.force_login(people.inspector)
    response = client.get(reverse("conduct:gift_register"), {"since": "2026-11-20", "until": "2026-11-01"})
    assert response.status_code == 400 and 'data-testid="error-until"' in response.content.decode()


def test_the_administrator_sees_the_register_and_no_official_or_enterprise_does(
        people, register, client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert len(_rows(client)[0]) == 4
    for user in (people.official_user, people.leader_user, make_user(Role.ENTERPRISE_USER)):
        client.force_login(user)
        for name in ("conduct:gift_register", "conduct:gift_register_xlsx"):
            assert client.get(reverse(name)).status_code == 403, (name, user)


def test_the_register_reads_no_query_per_row(people, register, client, make_user):
    client.force_login(people.inspector)
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    for days in range(1, 9):
        official = factories.make_official(unit=factories.make_unit(name=f"单位{days}"), name=f"官员{days}",
                                           user=make_user(Role.OFFICIAL))
        _gift(official, days, enterprise=factories.make_enterprise(name=f"企业{days}"), giver_name="某人")
    with CaptureQueriesContext(connection) as many:
        shown, _response = _rows(client)
    assert len(shown) == 12 and len(many) == len(few)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with CaptureQueriesContext(connection) as ledger:
        values, _cells = ledger_sheet(client.get(reverse("conduct:gift_register_xlsx")))
    assert len(values) == 13 and len(ledger) < 12
