"""The discipline office's register of related-person declarations (15.2–15.4): every declaration with the
holdings and offices declared with it, on the page and in its .xlsx ledger (the page's ``names`` filter, the
resident ID masked), no query per row; an official or an enterprise is refused."""

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

RESIDENT_ID = "11010519491231002X"


def _declare(official, name, enterprise, *, role="监事", share="", resident_id=""):
    return services.related_person_declare(
        official=official, name=name, relationship="child", actor=official.user, resident_id=resident_id,
        holdings=[{"enterprise": enterprise, "role": role, "share_percent": share}],
    )


def _page(client):
    response = client.get(reverse("conduct:declarations"))
    assert response.status_code == 200
    return response.content.decode()


def test_every_declaration_is_listed_with_its_holdings_and_in_the_ledger(people, client):
    _declare(people.official, "张小三", people.enterprise, resident_id=RESIDENT_ID)
    _declare(people.other, "赵小六", people.clean_enterprise, role="", share="")
    client.force_login(people.inspector)
    page = _page(client)
    assert "某某科技有限公司（监事）" in page and "清白实业有限公司" in page
    assert f'href="{reverse("conduct:declarations_xlsx")}" data-testid="ledger-xlsx"' in page
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the ledger is in the district's language
    values, _cells = ledger_sheet(client.get(reverse("conduct:declarations_xlsx")))
    rows = {row[2]: row for row in values[1:]}
    assert set(rows) == {"张三", "赵六"}
    assert rows["张三"][9] == "某某科技有限公司（监事）" and rows["赵六"][9] == "清白实业有限公司"
    assert RESIDENT_ID not in str(values) and rows["张三"][7].startswith("110")
    assert client.get(reverse("conduct:declarations_xlsx"), {"names": "nonsense"}).status_code == 400


def test_the_holdings_are_read_in_one_query_for_the_page(people, client, make_user):
    _declare(people.official, "张小三", people.enterprise)
    client.force_login(people.inspector)
    with CaptureQueriesContext(connection) as few:
        _page(client)
    for n in range(6):
        official = factories.make_official(unit=people.unit, name=f"官员{n}", user=make_user(Role.OFFICIAL))
        _declare(official, f"亲属{n}", factories.make_enterprise(name=f"企业{n}"))
    with CaptureQueriesContext(connection) as many:
        assert "企业5" in _page(client)
    assert len(many) == len(few)


def test_an_official_or_an_enterprise_gets_no_ledger(people, client, make_user):
    for user in (people.official_user, make_user(Role.ENTERPRISE_USER)):
        client.force_login(user)
        assert client.get(reverse("conduct:declarations_xlsx")).status_code == 403
