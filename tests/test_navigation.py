"""Logged in as any demo role, no link the system shows leads to a 403 or 404 page.

The demo district is loaded as ``./qinqing serve`` loads it on its first run (the demo accounts,
the seed policy, a small generated district that binds the accounts to officials and an
enterprise, some appeals); then, for each demo account, every link of the menus and of the home
page's tiles is opened and must answer 200 (after any redirect).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from qinqing.core import access
from qinqing.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

_LINK = re.compile(r'<a (?:class="tile" )?href="([^"]+)"[^>]*data-testid="(?:menu-link|tile)-[^"]*"')


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    from io import StringIO

    from qinqing.core.audit import _set_maintenance
    from qinqing.core.demo import create_demo_accounts
    from qinqing.core.testing import load_test_calendar
    from qinqing.directory.demo import generate_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _set_maintenance(False)
            load_test_calendar()
            create_demo_accounts()
            call_command("policy", "import", "--seed", verbosity=0, stdout=StringIO())
            generate_demo(scale=8, seed=7)
            call_command("appeals_demo", "--count", "12", verbosity=0, stdout=StringIO())
            call_command("tolerance_demo", verbosity=0, stdout=StringIO())
            call_command("legal_demo", verbosity=0, stdout=StringIO())
            call_command("commitments_demo", verbosity=0, stdout=StringIO())
            call_command("liaison_demo", verbosity=0, stdout=StringIO())
            call_command("fairness", "demo", verbosity=0, stdout=StringIO())
            call_command("policy_demo", verbosity=0, stdout=StringIO())
            call_command("conduct_demo", verbosity=0, stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _shared_client(demo_district):
    from django.test import Client

    return Client(raise_request_exception=False)  # a broken link is reported with the others, not raised


def _links(html: str) -> list[str]:
    return sorted({unescape(href) for href in _LINK.findall(html)})


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_every_link_a_demo_role_is_shown_opens(_shared_client, username):
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    user = get_user_model().objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200
    links = _links(home.content.decode())
    assert links, f"{username} is shown no link at all"
    broken = {}
    for link in links:
        response = client.get(link, follow=True)
        if response.status_code != 200:
            broken[link] = response.status_code
    assert not broken, f"{username} is shown links that do not open: {broken}"


def test_the_enterprise_sees_only_its_own_conduct_links(_shared_client):
    """The issue that started this: the enterprise's 涉企 menu showed 7 links, 6 of them refused."""
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    user = get_user_model().objects.get(username="enterprise")
    client.force_login(user)
    html = client.get("/conduct/rules/").content.decode()
    subnav = re.search(r'<nav class="subnav" data-testid="conduct-nav">(.*?)</nav>', html, re.S)
    assert subnav is not None
    shown = sorted(re.findall(r'href="([^"]+)"', subnav.group(1)))
    assert shown == sorted([reverse("conduct:pledge_sign"), reverse("conduct:rules")])
    assert not access.may_open(user, "conduct:my_requests") and not access.may_open(user, "conduct:red_flags")


_PORTAL_LINK = re.compile(
    r'<a (?:class="tile" )?href="([^"]+)"[^>]*data-testid="(?:portal-nav|portal-service|feed|xlsx)-[^"]*"'
)


def test_every_link_the_public_portal_shows_a_visitor_opens(_shared_client):
    """A visitor who is not signed in: the portal navigation on every public page, and the portal's
    sections, feeds, downloads and services (core.portal) all open, on the demo district's data."""
    client = _shared_client
    client.logout()
    links = set()
    for page in ("/", reverse("core:portal")):
        response = client.get(page)
        assert response.status_code == 200
        links.update(unescape(href) for href in _PORTAL_LINK.findall(response.content.decode()))
    assert len(links) >= 15, links
    broken = {}
    for link in sorted(links):
        response = client.get(link, follow=True)
        if response.status_code != 200:
            broken[link] = response.status_code
    assert not broken, f"a visitor is shown portal links that do not open: {broken}"
