"""Appeal intake's light request path (``appeals.intake.fastpath``, in front of Django in ``qinqing.wsgi``)
files and answers exactly as the Django route does (issue #19).

Each case sends the same request twice: through the WSGI application production serves (the light path in
front of Django) and through Django's test client (the Django route). The answers must be equal but for the
tracking number and the receipt, with the same status and headers, the same rows and audit events written;
and the case says which path answered (the light path for a filing, Django for every refusal).
"""

from __future__ import annotations

import json

import pytest
from django.core.signals import request_started
from django.db import close_old_connections, transaction
from django.test import Client, RequestFactory

from qinqing.appeals.intake import fastpath
from qinqing.appeals.models import Appeal, AppealStep, Notification
from qinqing.core.audit import SystemActor, apikey_usage
from qinqing.core.models import AuditEvent
from qinqing.core.services import apikey_revoke
from qinqing.core.testing import LightPathServed

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals/"
FILING = {"content": "企业用电增容申请已提交两个月仍未答复，请帮助协调。", "contact_phone": "13700137000",
          "contact_name": "王经理", "channel": "hotline", "external_user_id": "12345-2026-000123"}


class Served(LightPathServed):
    """The production WSGI application (light path in front of Django), noting whether Django was reached."""

    def __init__(self) -> None:
        super().__init__(fastpath.wrap)

    def post(self, body: bytes, headers: dict, content_type: str = "application/json"):
        request = RequestFactory().generic("POST", URL, body, content_type=content_type, headers=headers)
        return self.call(request.environ)


@pytest.fixture
def served():
    return Served()


@pytest.fixture
def world(workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:02")


@pytest.fixture
def client():
    """Django's test client with CSRF enforced, as for a real caller (a request without a valid key falls to
    the session authentication, whose CSRF check then refuses it)."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def key(api_key):
    return api_key("appeals:write")


def django_post(client, body: bytes, headers: dict, content_type: str = "application/json"):
    response = client.generic("POST", URL, body, content_type=content_type, headers=headers)
    return response.status_code, dict(response.items()), response.content


def comparable(status: int, headers: dict, body: bytes) -> tuple:
    answer = json.loads(body)
    if status == 201:
        answer["receipt"] = "…"  # the filing event's digest: its time and ids differ
    headers = {name: value for name, value in headers.items() if name != "X-Request-ID"}
    return status, headers, answer


def written() -> dict:
    """What the filings wrote, but the primary keys (a rolled-back sequence is not given back)."""
    varying = ("id", "appeal_id", "merged_into_id")
    appeals = [{name: value for name, value in row.items() if name not in varying}
               for row in Appeal.objects.order_by("id").values()]
    steps = [{name: value for name, value in row.items() if name not in varying}
             for row in AppealStep.objects.order_by("id").values()]
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "object_type"))
    return {"appeals": appeals, "steps": steps, "events": events, "outbox": Notification.objects.count()}


def assert_same(client, served, payload, headers, *, fast: bool, content_type="application/json"):
    """Both paths answer alike; ``fast``: the light path answered (else Django did). What they wrote too."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    before = written()
    # The Django route first, in a savepoint rolled back afterwards: the light path then files the same
    # appeal into the same state (the same tracking number; not a repeat to be merged).
    with transaction.atomic():
        through_django = django_post(client, body, headers, content_type)
        by_django = written()
        transaction.set_rollback(True)
    assert written() == before
    through_fast = served.post(body, headers, content_type)
    assert served.reached_django is (not fast)
    assert comparable(*through_fast) == comparable(*through_django)
    assert through_fast[1]["X-Request-ID"]
    assert written() == by_django
    if through_fast[0] != 201:
        assert by_django == before  # a refusal writes nothing, whichever path
    return through_fast


def test_a_filing_is_answered_and_written_as_by_the_django_route(client, served, key, world):
    status, headers, body = assert_same(client, served, FILING, {"X-API-Key": key[1]}, fast=True)
    answer = json.loads(body)
    assert status == 201 and answer["merged"] is False and answer["status"] == "received"
    assert answer["due_at"] and answer["receipt"]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    appeal = Appeal.objects.get(tracking_number=answer["tracking_number"])
    assert appeal.channel == "hotline" and appeal.contact_phone == "13700137000"
    # the acknowledgement holds the real number (taken last)
    assert answer["tracking_number"] in Notification.objects.get(appeal=appeal).text


def test_the_request_id_and_the_language_reach_the_events_and_texts(client, served, key, world):
    headers = {"X-API-Key": key[1], "Accept-Language": "en", "X-Request-ID": "relay-12345-000777"}
    status, response_headers, body = assert_same(client, served, FILING | {"content": "Power capacity"},
                                                 headers, fast=True)
    assert response_headers["Content-Language"] == "en"
    assert response_headers["X-Request-ID"] == "relay-12345-000777"
    number = json.loads(body)["tracking_number"]
    appeal = Appeal.objects.get(tracking_number=number)
    # what is stored and sent is in the district's language (core.district.language), on both paths
    assert Notification.objects.get(appeal=appeal).text.startswith("您的诉求已收到")
    events = AuditEvent.objects.filter(object_id=str(appeal.pk), action="appeals.appeal.file")
    assert [event.request_id for event in events] == ["relay-12345-000777"]


def test_a_repeated_filing_is_merged_alike(client, served, key, world):
    headers = {"X-API-Key": key[1]}
    first = client.post(URL, FILING, content_type="application/json", headers=headers).json()
    status, _headers, body = assert_same(client, served, FILING, headers, fast=True)
    answer = json.loads(body)
    assert status == 201 and answer["merged"] is True
    assert answer["tracking_number"] == first["tracking_number"]  # the original's number


def test_key_use_is_counted_once_per_request_whichever_path_answers(client, served, key, world):
    def used() -> int:
        pending = apikey_usage.pending().items()
        return sum(int(entry[0]) for (key_id, _window), entry in pending if key_id == key[0].id)

    before = used()
    served.post(json.dumps(FILING).encode(), {"X-API-Key": key[1]})
    assert used() == before + 1 and not served.reached_django
    served.post(json.dumps(FILING | {"contact_phone": "12345"}).encode(), {"X-API-Key": key[1]})
    assert used() == before + 2 and served.reached_django  # refused by the service: Django counted it


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        (FILING | {"contact_phone": "1370013700"}, 400, "contact_phone"),  # the service's rule
        (FILING | {"content": "   "}, 400, "content"),
        (FILING | {"channel": "telegram"}, 400, "channel"),
        (FILING | {"category": "casino"}, 400, "category"),
        (FILING | {"title": "长" * 201}, 400, "title"),
        ({"title": "没有内容"}, 422, None),  # the schema (FileIn)
        (FILING | {"content": 42}, 422, None),
        (FILING | {"content": "企业\u0000用电"}, 400, "content"),  # the input rule
        (FILING | {"enterprise_uscc": "91330106MA2B00000X"}, 404, "enterprise_uscc"),  # looked up by Django
        (b'{"content": "\xff\xfe"}', 400, None),  # not UTF-8
        (b'{"content": ', 400, None),  # not JSON
        (b'["content"]', 422, None),  # not an object
    ],
)
def test_bad_input_is_the_django_routes_4xx(client, served, key, world, payload, status, field):
    answered = assert_same(client, served, payload, {"X-API-Key": key[1]}, fast=False)
    assert answered[0] == status, answered[2]
    if field:
        assert json.loads(answered[2])["field"] == field


def test_key_refusals_are_the_django_routes(client, served, api_key, world):
    read_only = api_key("appeals:read")
    refused = assert_same(client, served, FILING, {"X-API-Key": read_only[1]}, fast=False)
    assert refused[0] == 403 and "appeals:write" in json.loads(refused[2])["message"]
    # An unknown or revoked key, or none (never the light path's): no key authenticates, so the session
    # authentication is tried and its CSRF check refuses the POST.
    revoked = api_key("appeals:write")
    apikey_revoke(name=revoked[0].name, actor=SystemActor("test"))
    for headers in ({"X-API-Key": "qq_nope_secret"}, {"X-API-Key": revoked[1]}, {}):
        assert assert_same(client, served, FILING, headers, fast=False)[0] in (401, 403)


def test_requests_it_leaves_to_django(client, served, key, world, settings):
    headers = {"X-API-Key": key[1]}
    # an Idempotency-Key: core.idempotency stores the answer with the call's writes
    answered = served.post(json.dumps(FILING).encode(), headers | {"Idempotency-Key": "relay-1"})
    assert answered[0] == 201 and served.reached_django
    replayed = served.post(json.dumps(FILING).encode(), headers | {"Idempotency-Key": "relay-1"})
    assert replayed[1].get("Idempotent-Replayed") == "true" and replayed[2] == answered[2]
    # a form body; a body larger than Django accepts in memory (its own 400)
    assert assert_same(client, served, b"content=x", headers, fast=False,
                       content_type="application/x-www-form-urlencoded")[0] >= 400
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert assert_same(client, served, FILING | {"content": "长" * 100}, headers, fast=False)[0] == 413
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    # a disallowed host
    settings.ALLOWED_HOSTS = ["qinqing.example.gov.cn"]
    assert served.post(json.dumps(FILING).encode(), headers)[0] == 400 and served.reached_django


def test_an_exception_is_a_500_and_never_a_second_try_through_django(served, key, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(fastpath, "file_as", broken)
    monkeypatch.setattr(fastpath, "file_plain", broken)
    status, _headers, _body = served.post(json.dumps(FILING).encode(), {"X-API-Key": key[1]})
    assert status == 500 and not served.reached_django and not Appeal.objects.exists()


def test_production_serves_intake_on_its_light_path(key, world):
    """``qinqing.wsgi.application`` answers a filing without Django's handler (no request_started signal),
    and an eligibility check likewise; anything else goes through Django."""
    from qinqing import wsgi

    started = []

    def note(**kwargs):
        started.append(1)

    def call(environ) -> int:
        answered = {}

        def start_response(status, headers, exc_info=None):
            answered["status"] = int(status.split()[0])

        request_started.disconnect(close_old_connections)
        request_started.connect(note)
        try:
            b"".join(wsgi.application(environ, start_response))
        finally:
            request_started.disconnect(note)
            request_started.connect(close_old_connections)
        return answered["status"]

    factory = RequestFactory()
    filing = factory.generic("POST", URL, json.dumps(FILING), content_type="application/json",
                             headers={"X-API-Key": key[1]}).environ
    assert call(filing) == 201 and not started
    check = factory.get("/api/v1/integrity/eligibility", {"name": "某公司"},
                        headers={"X-API-Key": key[1]}).environ  # the key lacks integrity:query: Django's 403
    assert call(check) == 403 and started
