"""Issue 18: bad input answers a clear 4xx on every path, never a 500 (probe's repro requests)."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_key(api_key):
    _key, raw = api_key("directory:read", "audit:read", "appeals:write")
    return raw


@pytest.mark.parametrize("path", ["/api/v1/directory/officials", "/api/v1/directory/enterprises"])
def test_a_huge_page_number_is_a_4xx_naming_the_field(client, reader_key, path):
    response = client.get(path, {"page": "10000000000000000000"}, HTTP_X_API_KEY=reader_key)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "page"


def test_a_negative_audit_limit_is_a_4xx_naming_the_field(client, reader_key):
    response = client.get(
        "/api/v1/audit/events", {"object_type": "x", "object_id": "1", "limit": "-1"},
        HTTP_X_API_KEY=reader_key,
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "limit"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/appeals-stats/overdue?unit=10000000000000000000",
        "/api/v1/appeals-stats/stats?unit=10000000000000000000",
        "/api/v1/appeals-stats/stats?to_month=9999-12",
        "/api/v1/appeals-stats/stats?from_month=0001-01",
        "/api/v1/conduct/officials/10000000000000000000/conflicts",
        "/api/v1/calendar/add?start=2025-01-02&days=10000000000000000000",
        "/api/v1/calendar/years/10000000000000000000",
        "/api/v1/appeals/?page=10000000000000000000",
        "/api/v1/audit/events?object_type=x&object_id=1&limit=10000000000000000000",
    ],
)
def test_huge_numbers_anywhere_are_never_a_500(client, path, api_key):
    _key, raw = api_key("appeals:read", "audit:read", "calendar:read", "conduct:read")
    response = client.get(path, HTTP_X_API_KEY=raw)
    assert response.status_code < 500, (path, response.content)


def _post_json(client, raw_body: bytes, key):
    return client.post("/api/v1/appeals/", data=raw_body, content_type="application/json", HTTP_X_API_KEY=key)


@pytest.mark.parametrize(
    "raw_body",
    [
        b'{"content": "\\ud800 lone surrogate"}',
        b'{"content": "nul \\u0000 byte"}',
        b'{"content": "raw nul \x00 byte"}',
        b'{"content": "bad utf-8 \xff\xfe"}',
    ],
    ids=["lone-surrogate", "escaped-nul", "raw-nul", "invalid-utf8"],
)
def test_the_api_refuses_nul_surrogates_and_invalid_utf8_with_a_clear_400(client, reader_key, raw_body):
    from qinqing.appeals.models import Appeal

    response = _post_json(client, raw_body, reader_key)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in {"nul_character", "invalid_text"}
    assert body["message"]
    assert not Appeal.objects.exists()


def test_a_form_post_with_a_nul_byte_or_invalid_utf8_is_refused_before_any_view():
    client = Client()
    from qinqing.appeals.models import Appeal

    fields = "contact_phone=13800138000&content=x&title="
    for raw, code in ((b"a%00b", "nul_character"), (b"%FF%FE", "invalid_text")):
        response = client.post(
            "/portal/appeals/", data=fields.encode() + raw, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400, raw
        assert "text/html" in response["Content-Type"]
        assert f'data-code="{code}"'.encode() in response.content
        assert b"title" in response.content
    assert not Appeal.objects.exists()


def test_a_multipart_form_with_a_nul_byte_is_refused():
    client = Client()
    fields = {"contact_phone": "13800138000", "title": "a\x00b", "content": "x"}
    response = client.post("/portal/appeals/", fields)
    assert response.status_code == 400
    assert b'data-code="nul_character"' in response.content


def test_a_query_string_with_a_nul_byte_is_refused(client, reader_key):
    response = client.get("/api/v1/directory/officials?name=a%00b", HTTP_X_API_KEY=reader_key)
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_the_500_page_does_not_promise_that_the_submission_was_kept():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "未丢失" not in page and "not lost" not in page.lower()


def test_plain_json_is_still_accepted(client, reader_key):
    response = client.get("/api/v1/directory/officials", {"name": "张"}, HTTP_X_API_KEY=reader_key)
    assert response.status_code == 200
    assert json.loads(response.content)["count"] == 0


def test_free_text_is_capped_on_the_api_as_on_the_forms(client, api_key, workday_calendar):
    """The probe's 20,000-character appeal (issue 18; the caps themselves: core.limits, issue 20)."""
    from qinqing.appeals.models import Appeal
    from qinqing.directory.models import Enterprise
    from qinqing.directory.tests.factories import make_uscc

    _key, raw = api_key("appeals:write", "directory:write")
    huge = "长" * 20_000
    response = client.post("/api/v1/appeals/", data=json.dumps({"content": huge}),
                           content_type="application/json", HTTP_X_API_KEY=raw)
    assert response.status_code == 400 and response.json()["field"] == "content"
    assert not Appeal.objects.exists()
    for field in ("name", "industry", "address"):
        body = {"uscc": make_uscc(), "name": "甲公司", "ownership_type": "private", field: huge}
        response = client.post("/api/v1/directory/enterprises", data=json.dumps(body),
                               content_type="application/json", HTTP_X_API_KEY=raw)
        assert response.status_code == 400, (field, response.content)
        assert response.json()["field"] == field
    assert not Enterprise.objects.exists()


def test_a_view_may_still_read_the_raw_body_of_a_small_multipart_request(rf):
    from django.http import HttpResponse

    from qinqing.core.input_rules import InputRulesMiddleware

    request = rf.post("/webhooks/sms/", {"text": "你好"})
    response = InputRulesMiddleware(lambda req: HttpResponse(len(req.body)))(request)
    assert response.status_code == 200 and int(response.content) > 0
