"""The eligibility check's light request path (``integrity.fastpath``, the WSGI route of ``qinqing.wsgi``)
answers exactly what the Django route answers for the same request, and logs every check it answers.

Each case sends the same request twice: through the WSGI application production serves (the fast path in front
of Django) and through Django's test client (the Django route, as the other tests use it). The answers must be
equal but for what differs by nature from one check to the next (the check id and its time), with the same
status, the same headers and the same log row; and the case says which path answered it (the fast path for a
200, Django for every refusal).
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory

from qinqing.core.audit import SystemActor
from qinqing.core.services import apikey_revoke
from qinqing.core.testing import LightPathServed
from qinqing.directory.tests import factories as directory
from qinqing.integrity import fastpath
from qinqing.integrity.models import EligibilityCheck

from .factories import make_listing

pytestmark = pytest.mark.django_db
URL = "/api/v1/integrity/eligibility"
VARYING = ("check_id", "checked_at")


class Served(LightPathServed):
    """The production WSGI application (fast path in front of Django), noting whether Django was reached."""

    def __init__(self) -> None:
        super().__init__(fastpath.wrap)

    def get(self, query: str | dict, headers: dict | None = None, **extra):
        query = query if isinstance(query, str) else urlencode(query)
        environ = RequestFactory().get(URL, headers=headers or {}, **extra).environ
        environ["QUERY_STRING"] = query
        return self.call(environ)

    def post(self, body: str | dict, headers: dict | None = None, content_type: str = "application/json"):
        body = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        request = RequestFactory().generic("POST", URL, body.encode(), content_type, headers=headers or {})
        return self.call(request.environ)


@pytest.fixture
def served():
    return Served()


@pytest.fixture
def key(api_key):
    return api_key("integrity:query")


@pytest.fixture
def world(frozen_clock):
    frozen_clock("2026-11-30 10:02")
    listed = directory.make_enterprise(name="杭州围猎建设（集团）有限公司")
    make_listing(enterprise=listed, activities=("procurement", "construction_bidding"),
                 start=datetime.date(2026, 1, 1), end=datetime.date(2028, 12, 31))
    head = directory.make_person(name="周某")
    headed = directory.make_enterprise(name="杭州周氏贸易有限公司", legal_representative=head)
    make_listing(person=head, activities=("honour",), start=datetime.date(2026, 6, 1),
                 end=datetime.date(2027, 5, 31))
    clean = directory.make_enterprise(name="杭州清白科技有限公司")
    return {"listed": listed, "headed": headed, "clean": clean, "head": head}


def django_get(client, query: str | dict, headers: dict | None = None, **extra):
    query = query if isinstance(query, str) else urlencode(query)
    response = client.generic("GET", URL + "?" + query, headers=headers or {}, **extra)
    return response.status_code, dict(response.items()), response.content


def comparable(status: int, headers: dict, body: bytes) -> tuple:
    answer = json.loads(body)
    for name in VARYING:
        if isinstance(answer, dict) and name in answer:
            answer[name] = "…"
    headers = {name: value for name, value in headers.items() if name != "X-Request-ID"}
    return status, headers, answer


def logged_row(check_id: str) -> dict:
    row = EligibilityCheck.objects.values().get(check_id=check_id)
    return {name: value for name, value in row.items()
            if name not in ("id", "check_id", "checked_at", "digest", "answer")}


def assert_same(client, served, query, headers, *, fast: bool, **extra):
    """Both paths answer alike; ``fast``: the fast path answered (else Django did). The log rows too."""
    before = EligibilityCheck.objects.count()
    through_fast = served.get(query, headers, **extra)
    assert served.reached_django is (not fast)
    through_django = django_get(client, query, headers, **extra)
    assert comparable(*through_fast) == comparable(*through_django)
    assert through_fast[1]["X-Request-ID"]
    logged = EligibilityCheck.objects.count() - before
    if through_fast[0] == 200:
        assert logged == 2  # one row per answered check, whichever path answered it
        fast_id, django_id = (json.loads(answer[2])["check_id"] for answer in (through_fast, through_django))
        assert logged_row(fast_id) == logged_row(django_id)
    else:
        assert logged == 0
    return through_fast


@pytest.mark.parametrize(
    ("case", "activity", "eligible"),
    [
        ("clean", "procurement", True),  # eligible
        ("listed", "procurement", False),  # restricted
        ("listed", "loan", True),  # restricted for other activities only
        ("listed", "", False),  # any activity
        ("headed", "honour", False),  # its head restricted
        ("headed", "procurement", True),
    ],
)
def test_answers_are_the_django_routes_for_enterprises(client, served, key, world, case, activity, eligible):
    status, _headers, body = assert_same(
        client, served, {"uscc": world[case].uscc, "activity": activity}, {"X-API-Key": key[1]}, fast=True
    )
    answer = json.loads(body)
    assert status == 200 and answer["eligible"] is eligible
    if case == "headed" and not eligible:
        assert answer["restrictions"][0]["via_head"] is True


def test_unknown_code_person_and_name_are_the_django_routes(client, served, key, world):
    headers = {"X-API-Key": key[1]}
    unknown = directory.make_uscc()  # valid, in no directory and no list
    status, _h, body = assert_same(client, served, {"uscc": unknown, "activity": "loan"}, headers, fast=True)
    answer = json.loads(body)
    assert status == 200 and answer["eligible"] is True and answer["party"]["in_directory"] is False
    person = {"id_number": world["head"].resident_id, "activity": "honour"}
    assert json.loads(assert_same(client, served, person, headers, fast=True)[2])["eligible"] is False
    assert_same(client, served, {"name": "杭州围猎建设(集团)有限公司"}, headers, fast=True)


def test_english_is_answered_as_by_the_django_route(client, served, key, world):
    headers = {"X-API-Key": key[1], "Accept-Language": "en"}
    status, response_headers, body = assert_same(
        client, served, {"uscc": world["headed"].uscc, "activity": "honour"}, headers, fast=True
    )
    assert response_headers["Content-Language"] == "en"
    assert "article" in json.loads(body)["restrictions"][0]["basis"]
    status, response_headers, body = assert_same(
        client, served, {"uscc": world["headed"].uscc, "activity": "honour"}, {"X-API-Key": key[1]}, fast=True
    )
    assert response_headers["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("uscc=91330106MA2B00000X&activity=procurement", 400, "invalid_uscc", "uscc"),  # bad check character
        ("uscc=123&activity=procurement", 400, None, "uscc"),  # not a code at all
        ("activity=casino&uscc=USCC", 400, "unknown_activity", "activity"),
        ("activity=procurement", 400, "required", "uscc"),  # no party
        ("uscc=USCC%00&activity=procurement", 400, "nul_character", "uscc"),  # the input rule
        ("uscc=%FF%FE&activity=procurement", 400, "invalid_text", "uscc"),
        ("uscc=USCC&activity=%ED%A0%80", 400, "invalid_text", "activity"),  # an encoded lone surrogate
    ],
)
def test_bad_input_is_the_django_routes_4xx(client, served, key, world, query, status, code, field):
    query = query.replace("USCC", world["listed"].uscc)
    answered = assert_same(client, served, query, {"X-API-Key": key[1]}, fast=False)
    error = json.loads(answered[2])
    assert answered[0] == status and error["field"] == field and error["message"]
    if code:
        assert error["code"] == code


def test_key_refusals_are_the_django_routes(client, served, api_key, world):
    query = {"uscc": world["listed"].uscc, "activity": "procurement"}
    # missing key: never the fast path's (it serves API-key requests only); Django answers 401
    status, _h, body = assert_same(client, served, query, {}, fast=False)
    assert status == 401 and json.loads(body)["field"] == "X-API-Key"
    # a key that does not exist, or is malformed
    assert assert_same(client, served, query, {"X-API-Key": "qq_nosuch_secret"}, fast=False)[0] == 401
    assert assert_same(client, served, query, {"X-API-Key": "garbage"}, fast=False)[0] == 401
    # a real key with a wrong secret
    good = api_key("integrity:query", name="bidding-platform")
    forged = good[1][:-4] + ("0000" if not good[1].endswith("0000") else "1111")
    assert assert_same(client, served, query, {"X-API-Key": forged}, fast=False)[0] == 401
    # a key without the scope
    other = api_key("directory:read")[1]
    status, _h, body = assert_same(client, served, query, {"X-API-Key": other}, fast=False)
    assert status == 403 and "integrity:query" in json.loads(body)["message"]
    # a revoked key: refused from the next request on, with no cache to outlive the revocation
    assert assert_same(client, served, query, {"X-API-Key": good[1]}, fast=True)[0] == 200
    apikey_revoke(name="bidding-platform", actor=SystemActor("test"))
    assert assert_same(client, served, query, {"X-API-Key": good[1]}, fast=False)[0] == 401


def test_a_revocation_from_another_process_holds_at_once(client, served, api_key, world):
    """The key is read from the database on every request: a revocation written by any process (here, a raw
    UPDATE as another process's transaction would leave it) refuses the very next check."""
    from django.db import connection

    from qinqing.core.models import ApiKey

    key, raw = api_key("integrity:query", name="other-process")
    query = {"uscc": world["clean"].uscc}
    assert served.get(query, {"X-API-Key": raw})[0] == 200 and not served.reached_django
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ApiKey._meta.db_table} SET revoked_at = %s WHERE id = %s",  # noqa: S608
                       [datetime.datetime.now(datetime.UTC), key.pk])
    assert served.get(query, {"X-API-Key": raw})[0] == 401 and served.reached_django


def test_plain_http_in_production_and_other_hosts_are_djangos(client, key, world, settings):
    settings.SECURE_SSL_REDIRECT = True
    served = Served()  # the middleware reads these settings when the handler is built
    query = {"uscc": world["clean"].uscc}
    status, headers, _body = served.get(query, {"X-API-Key": key[1]})
    assert status == 301 and served.reached_django and headers["Location"].startswith("https://")
    # as behind the TLS proxy of production: the fast path answers, with the HSTS header Django would send
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    served = Served()
    assert_same(client, served, query, {"X-API-Key": key[1], "X-Forwarded-Proto": "https"}, fast=True)
    status, headers, _body = served.get(query, {"X-API-Key": key[1], "X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"].startswith("max-age=3600")
    # a host not allowed: Django's 400
    status, _h, _b = served.get(query, {"X-API-Key": key[1], "X-Forwarded-Proto": "https"},
                                HTTP_HOST="evil.example")
    assert status == 400 and served.reached_django
    assert EligibilityCheck.objects.filter(query=world["clean"].uscc).count() == 3


def test_every_fast_check_is_logged_and_verifiable(client, served, key, world):
    headers = {"X-API-Key": key[1]}
    ids = []
    cases = [("listed", "procurement"), ("clean", ""), ("headed", "honour"), ("headed", "loan")]
    for case, activity in cases:
        status, _h, body = served.get({"uscc": world[case].uscc, "activity": activity}, headers)
        assert status == 200 and not served.reached_django
        ids.append((json.loads(body), case))
    assert EligibilityCheck.objects.count() == 4
    for answer, case in ids:
        row = EligibilityCheck.objects.get(check_id=answer["check_id"])
        assert row.caller == f"api_key:{key[0].name}" and row.purpose == "api"
        assert row.query == world[case].uscc
        assert row.answer == answer  # the answer given is the answer logged
        verified = client.get(f"/api/v1/integrity/checks/{answer['check_id']}", headers=headers).json()
        assert verified["intact"] is True and verified["eligible"] is answer["eligible"]
        assert verified["checked_at"] == answer["checked_at"] and verified["answer"] == answer


def test_the_fast_key_check_knows_every_field_of_an_api_key():
    """The exact-code fast path tests the key in its own statement (the active key with the prefix, the hash
    compared in constant time), as ``core.services.apikey_authenticate`` does. A new field on ``ApiKey`` (an
    expiry, an IP allow-list…) would be something that test ignores: update ``services.keyed_code_check`` and
    ``fastpath._authorised`` with ``apikey_authenticate``, then this list."""
    from qinqing.core.models import ApiKey

    assert sorted(field.name for field in ApiKey._meta.concrete_fields) == [
        "created_at", "created_by", "id", "key_hash", "name", "prefix", "revoked_at", "scopes"
    ]


def test_an_exact_code_check_reads_key_and_restrictions_in_one_statement(served, key, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status, _h, _b = served.get({"uscc": world["headed"].uscc}, {"X-API-Key": key[1]})
    assert status == 200 and not served.reached_django
    assert len(queries) == 2  # the key with the restrictions, then the log row


def test_an_error_in_the_fast_path_is_djangos_500_and_answers_nothing(served, key, world, monkeypatch):
    from qinqing.integrity import services

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "keyed_code_check", broken)
    status, _headers, body = served.get({"uscc": world["clean"].uscc}, {"X-API-Key": key[1]})
    assert status == 500 and not served.reached_django and b"check_id" not in body
    assert EligibilityCheck.objects.count() == 0


def test_on_postgresql_an_exact_code_check_is_two_prepared_statements(served, key, world):
    """The hot path's shape on PostgreSQL (production): the key and the restrictions in one prepared
    statement, then the log row in one prepared INSERT (outside a test's transaction: committed, shared with
    the worker's concurrent checks, before the answer leaves) — nothing else (no second key read, no usage
    write, no ORM query). The log row cannot join the read in one statement: its keyed digest (HMAC-SM3 under
    the audit key, which stays in the application) covers the answer built from that read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (core.db.execute); SQLite runs Django's cursor")
    with CaptureQueriesContext(connection) as queries:
        status, _h, body = served.get({"uscc": world["listed"].uscc, "activity": "procurement"},
                                      {"X-API-Key": key[1]})
    assert status == 200 and not served.reached_django
    read, log = (query["sql"] for query in queries.captured_queries)
    assert read.startswith("WITH apikey AS") and read.endswith("(prepared)")
    assert log.startswith("INSERT INTO") and "integrity_eligibilitycheck" in log
    assert log.endswith("(prepared)")
    assert EligibilityCheck.objects.get(check_id=json.loads(body)["check_id"]).eligible is False


# --- the same check with the party in a JSON body (a person's resident ID stays out of the URL) -------------
DEPRECATION = ("Deprecation", "Warning")


def django_post(
    client, body: str | dict, headers: dict | None = None, content_type: str = "application/json"
):
    body = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = client.generic("POST", URL, body.encode(), content_type, headers=headers or {})
    return response.status_code, dict(response.items()), response.content


def assert_same_post(client, served, body, headers, *, fast: bool, content_type: str = "application/json"):
    """The POST through both paths answers alike, logged alike (as ``assert_same`` for the GET). Django's side
    with CSRF enforced, as for a real caller (a POST no key authenticates falls to the session
    authentication, whose CSRF check refuses it)."""
    client = Client(enforce_csrf_checks=True)
    before = EligibilityCheck.objects.count()
    through_fast = served.post(body, headers, content_type)
    assert served.reached_django is (not fast)
    through_django = django_post(client, body, headers, content_type)
    assert comparable(*through_fast) == comparable(*through_django)
    logged = EligibilityCheck.objects.count() - before
    if through_fast[0] == 200:
        assert logged == 2
        fast_id, django_id = (json.loads(answer[2])["check_id"] for answer in (through_fast, through_django))
        assert logged_row(fast_id) == logged_row(django_id)
    else:
        assert logged == 0
    return through_fast


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ({"id_number": "HEAD", "activity": "honour"}, "id_number"),  # the person: the reason for the POST
        ({"id_number": "HEAD", "activity": "loan"}, "id_number"),
        ({"uscc": "LISTED", "activity": "procurement"}, "uscc"),
        ({"uscc": "HEADED", "activity": "honour"}, "uscc"),
        ({"name": "杭州围猎建设(集团)有限公司"}, "name"),
    ],
)
def test_the_post_answers_what_the_get_answers(client, served, key, world, query, kind):
    """Same status, fields and log row as the GET for the same party, whichever path answers; only the GET
    naming a person by resident ID carries the deprecation headers."""
    values = {
        "HEAD": world["head"].resident_id, "LISTED": world["listed"].uscc, "HEADED": world["headed"].uscc
    }
    query = {name: values.get(value, value) for name, value in query.items()}
    headers = {"X-API-Key": key[1]}
    posted = assert_same_post(client, served, query, headers, fast=True)
    got = assert_same(client, served, query, headers, fast=True)
    get_headers = {name: value for name, value in got[1].items() if name not in DEPRECATION}
    assert comparable(posted[0], posted[1], posted[2]) == comparable(got[0], get_headers, got[2])
    assert json.loads(posted[2])["query_kind"] == kind
    rows = [logged_row(json.loads(answer[2])["check_id"]) for answer in (posted, got)]
    assert rows[0] == rows[1] and rows[0]["purpose"] == "api"
    assert not set(DEPRECATION) & set(posted[1])
    if kind == "id_number":
        assert got[1]["Deprecation"].startswith("@") and "POST" in got[1]["Warning"]
        assert world["head"].resident_id not in posted[2].decode()  # masked in the answer, as by the GET
    else:
        assert not set(DEPRECATION) & set(got[1])


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"id_number": "330106198001011234", "activity": "honour"}, 400, "id_number"),  # bad check digit
        ({"uscc": "91330106MA2B00000X"}, 400, "uscc"),
        ({"id_number": "HEAD", "activity": "casino"}, 400, "activity"),
        ({"activity": "honour"}, 400, "uscc"),  # no party
        ({"id_number": "HEAD\u0000"}, 400, "id_number"),  # the input rule
        ({"id_number": 330106}, 422, None),  # not a string: the schema's refusal
        ("[]", 400, None),  # not an object
        ("not json", 400, None),
    ],
)
def test_bad_posts_are_the_django_routes_4xx(client, served, key, world, body, status, field):
    if isinstance(body, dict):
        body = json.dumps(body).replace("HEAD", world["head"].resident_id)
    answered = assert_same_post(client, served, body, {"X-API-Key": key[1]}, fast=False)
    assert answered[0] == status
    if field:
        assert json.loads(answered[2])["field"] == field


def test_post_key_refusals_and_other_bodies_are_the_django_routes(client, served, api_key, world):
    body = {"id_number": world["head"].resident_id, "activity": "honour"}
    # no key, an unknown one: never the fast path's; the session authentication's CSRF check refuses them
    for headers in ({}, {"X-API-Key": "qq_nosuch_secret"}):
        assert assert_same_post(client, served, body, headers, fast=False)[0] in (401, 403)
    other = api_key("directory:read")[1]
    status, _h, response = assert_same_post(client, served, body, {"X-API-Key": other}, fast=False)
    assert status == 403 and "integrity:query" in json.loads(response)["message"]
    # a form body is Django's to refuse (the operation takes JSON)
    good = api_key("integrity:query")[1]
    form = urlencode(body)
    status, _h, _b = assert_same_post(
        client, served, form, {"X-API-Key": good}, fast=False,
        content_type="application/x-www-form-urlencoded",
    )
    assert status in (400, 422)


def test_a_session_caller_may_post_as_it_may_get(make_user, world):
    """The same permissions as the GET: a department's session (with its CSRF token) is answered; a role not
    declared is refused; the check is logged under the account."""
    from qinqing.core.roles import Role

    body = {"id_number": world["head"].resident_id, "activity": "honour"}
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    assert client.post(URL, body, content_type="application/json").status_code == 403  # no CSRF token
    client.get("/")  # the page sets the CSRF cookie
    token = {"X-CSRFToken": client.cookies["csrftoken"].value}
    answer = client.post(URL, body, content_type="application/json", headers=token)
    assert answer.status_code == 200 and answer.json()["eligible"] is False
    assert EligibilityCheck.objects.get(check_id=answer.json()["check_id"]).caller.startswith("user:")
    client.force_login(make_user(Role.OFFICIAL))
    client.get("/")
    token = {"X-CSRFToken": client.cookies["csrftoken"].value}
    assert client.post(URL, body, content_type="application/json", headers=token).status_code == 403
