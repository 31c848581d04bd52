"""Issue 18: an ``Idempotency-Key`` header on a creating API call — a client retrying after a
timeout gets the first answer instead of a second appeal."""

import json

import pytest

from qinqing.appeals.models import Appeal
from qinqing.appeals.tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals/"
BODY = {"title": "", "content": "园区道路破损，货车进出困难，请尽快修复。"}


@pytest.fixture
def key(api_key):
    factories.load_calendar()
    _key, raw = api_key("appeals:write", "appeals:read")
    return raw


def _post(client, key, body=BODY, idempotency_key="retry-7f3c"):
    headers = {"HTTP_X_API_KEY": key}
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_the_same_key_and_body_answer_the_first_response_and_file_once(client, key):
    first = _post(client, key)
    again = _post(client, key)
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Appeal.objects.count() == 1


def test_without_a_key_a_retry_files_again(client, key):
    _post(client, key, idempotency_key=None)
    _post(client, key, idempotency_key=None)
    assert Appeal.objects.count() == 2, "identical text with no phone or enterprise is not merged"


def test_the_same_key_with_another_body_is_refused_clearly(client, key):
    assert _post(client, key).status_code == 201
    other = _post(client, key, body={**BODY, "content": "另一件事：路灯不亮。"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and other.json()["field"] == "Idempotency-Key"
    assert Appeal.objects.count() == 1


def test_keys_belong_to_their_caller(client, key, api_key):
    _other, other_key = api_key("appeals:write")
    assert _post(client, key).status_code == 201
    assert _post(client, other_key).status_code == 201
    assert Appeal.objects.count() == 2


def test_a_request_that_failed_with_a_5xx_is_not_remembered(client, key, monkeypatch):
    from qinqing.appeals.intake import services

    real = services.appeal_file

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "appeal_file", broken)
    client.raise_request_exception = False
    assert _post(client, key).status_code == 500
    monkeypatch.setattr(services, "appeal_file", real)
    retried = _post(client, key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("bad", ["", "x" * 256, "ключ"])
def test_a_malformed_key_is_a_clear_400(client, key, bad):
    response = client.post(URL, data=json.dumps(BODY), content_type="application/json",
                           HTTP_X_API_KEY=key, HTTP_IDEMPOTENCY_KEY=bad)
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    assert not Appeal.objects.exists()


def test_the_api_docs_say_so(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "Idempotency-Key" in description


@pytest.mark.django_db(transaction=True)
def test_two_calls_with_one_key_at_once_file_once(api_key):
    """PostgreSQL: the second call waits on the unique index, then answers as a replay."""
    from django.db import connection
    from django.test import Client

    from qinqing.core.testing import at_once

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections to one test database: PostgreSQL only")
    factories.load_calendar()
    _key, raw = api_key("appeals:write")
    answers = at_once(4, lambda _index: _post(Client(), raw, idempotency_key="same-moment"))
    assert sorted(answer.status_code for answer in answers) == [201] * 4
    assert len({answer.json()["tracking_number"] for answer in answers}) == 1
    assert Appeal.objects.count() == 1
