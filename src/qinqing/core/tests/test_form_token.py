"""A page form's one-time token (core.idempotency.FormTokenMiddleware): a double click, Back and send
again, or a retry after a lost connection meets the first POST's redirect and files nothing twice.

Tried on the public mailbox (anonymous, the appeals pool): without the token the second POST was
kept as a second appeal (merged into the first, a record all the same), and two at the same moment
could both be filed as new."""

import re

import pytest

from qinqing.appeals.models import Appeal
from qinqing.appeals.tests import factories
from qinqing.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db
URL = "/portal/appeals/"
FILING = {
    "contact_name": "王五",
    "contact_phone": "13912345670",
    "category": "",
    "title": "园区道路破损",
    "content": "园区道路破损，货车进出困难，请尽快修复。",
}


@pytest.fixture(autouse=True)
def calendar():
    factories.load_calendar()


def _token(client) -> str:
    page = client.get(URL).content.decode()
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the mailbox form carries no one-time token"
    return found.group(1)


def test_the_same_form_sent_twice_files_once_and_answers_the_first_redirect(client):
    filing = {**FILING, "form_token": _token(client)}
    first = client.post(URL, filing)
    again = client.post(URL, filing)
    assert first.status_code == 302 and again.status_code == 302
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert Appeal.objects.count() == 1
    shown = client.get(again["Location"]).content.decode()
    assert "已经提交过" in shown  # the message says it was sent already, nothing twice
    # a new form is a new token: filing another is still possible
    assert _token(client) != filing["form_token"]


def test_a_refused_form_is_not_remembered_and_files_once_corrected(client):
    token = _token(client)
    refused = client.post(URL, {**FILING, "content": "", "form_token": token})
    assert refused.status_code == 400
    drawn = re.search(r'name="form_token" value="([^"]+)"', refused.content.decode()).group(1)
    assert drawn != token, "the form is drawn again with a new token"
    assert not IdempotencyRecord.objects.exists(), "a refusal is not remembered"
    corrected = {**FILING, "form_token": drawn}
    assert client.post(URL, corrected).status_code == 302
    assert client.post(URL, corrected)["Idempotent-Replayed"] == "true" and Appeal.objects.count() == 1


def test_a_form_without_the_token_behaves_as_before(client):
    client.post(URL, FILING)
    client.post(URL, FILING)
    assert Appeal.objects.count() == 2  # the second kept as a merged repeat (appeals' own rule)


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_files_once():
    """PostgreSQL: the second POST waits on the unique index, then answers the first's redirect."""
    from django.db import connection
    from django.test import Client

    from qinqing.core.testing import at_once

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections to one test database: PostgreSQL only")
    factories.load_calendar()
    filing = {**FILING, "form_token": "same-moment-token"}
    answers = at_once(4, lambda _index: Client().post(URL, filing))
    assert [answer.status_code for answer in answers] == [302] * 4, answers
    assert Appeal.objects.count() == 1


def test_a_token_belongs_to_the_form_it_was_sent_to(client):
    """The key is the token and the form's action: one token sent to two forms files each once."""
    filing = {**FILING, "form_token": "shared-by-the-block"}
    assert client.post(URL, filing).status_code == 302
    other = client.post("/supervision/report/", {"text": "某科长吃拿卡要", "category": "extortion",
                                                 "real_name": "0", "form_token": "shared-by-the-block"})
    assert other.status_code == 302 and other["Location"] == "/supervision/report/filed/"
    assert "Idempotent-Replayed" not in other
