import pytest

from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import remote_assets

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"].startswith("qinqing")
    assert "/api/v1/whoami" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert remote_assets(page) == [] and "/static/" in page  # the Swagger UI is served from here


def test_api_key_authenticates_and_shows_its_scopes(client, api_key):
    _key, raw = api_key("audit:read", name="procurement")
    response = client.get("/api/v1/whoami", headers={"X-API-Key": raw})
    assert response.status_code == 200
    assert response.json() == {
        "kind": "api_key",
        "name": "procurement",
        "scopes": ["audit:read"],
        "roles": [],
    }


def test_missing_or_wrong_key_is_a_json_401(client, api_key):
    api_key("audit:read")
    for headers in ({}, {"X-API-Key": "qq_deadbeef_wrong"}, {"X-API-Key": "nonsense"}):
        response = client.get("/api/v1/whoami", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "unauthenticated" and body["field"] == "X-API-Key" and body["message"]


def test_revoked_key_no_longer_works(client, api_key):
    from django.core.management import call_command

    _key, raw = api_key("audit:read", name="old-system")
    call_command("apikey", "revoke", "old-system")
    assert client.get("/api/v1/whoami", headers={"X-API-Key": raw}).status_code == 401


def test_key_without_the_scope_is_refused_with_a_json_error(client, api_key):
    _key, raw = api_key("directory:read")
    response = client.get("/api/v1/audit/verify", headers={"X-API-Key": raw})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "audit:read" in response.json()["message"]


def test_key_with_the_scope_verifies_the_chain(client, api_key):
    _key, raw = api_key("audit:read")
    response = client.get("/api/v1/audit/verify", headers={"X-API-Key": raw})
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_validation_errors_name_the_field(client, api_key):
    _key, raw = api_key("audit:read")
    response = client.get(
        "/api/v1/audit/events?object_type=core.ApiKey&object_id=1&limit=abc", headers={"X-API-Key": raw}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["field"] == "limit"


def test_errors_are_in_chinese_by_default_and_english_on_request(client, api_key):
    _key, raw = api_key("directory:read")
    chinese = client.get("/api/v1/audit/verify", headers={"X-API-Key": raw}).json()["message"]
    english = client.get("/api/v1/audit/verify", headers={"X-API-Key": raw, "Accept-Language": "en"}).json()[
        "message"
    ]
    assert english.startswith("This API key lacks the scope")
    assert chinese != english


def test_session_users_need_the_permission(client, make_user):
    client.force_login(make_user(Role.OFFICIAL))
    assert client.get("/api/v1/audit/verify").status_code == 403
    client.force_login(make_user(Role.AUDITOR))
    assert client.get("/api/v1/audit/verify").status_code == 200


def test_audit_events_of_an_object(client, api_key):
    key, raw = api_key("audit:read", name="reader")
    response = client.get(
        f"/api/v1/audit/events?object_type=core.ApiKey&object_id={key.pk}", headers={"X-API-Key": raw}
    )
    assert response.status_code == 200
    assert [event["action"] for event in response.json()] == ["core.apikey.create"]
    assert AuditEvent.objects.count() >= 1


def test_healthz_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError, connection

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_validation_errors_word_the_rule_in_the_request_language(client, api_key):
    """pydantic's own messages are English only; the rule a value broke is worded in the request's language
    (zh-Hans by default), for each error, and the message names the field."""
    _key, raw = api_key("appeals:write")
    missing = client.post("/api/v1/appeals/", {"title": "没有内容"}, content_type="application/json",
                          headers={"X-API-Key": raw})
    body = missing.json()
    assert missing.status_code == 422 and body["field"] == "content"
    assert body["message"] == "content 的值无效：此项必填"
    assert body["errors"] == [{"field": "content", "message": "此项必填", "type": "missing"}]
    english = client.post("/api/v1/appeals/", {"content": 42}, content_type="application/json",
                          headers={"X-API-Key": raw, "Accept-Language": "en"}).json()
    assert english["message"] == "Invalid value for content: must be text"
    not_an_object = client.post("/api/v1/appeals/", ["content"], content_type="application/json",
                                headers={"X-API-Key": raw}).json()
    assert not_an_object["field"] == "content"  # django-ninja reads no field from a list: content is missing
    _key, reader = api_key("audit:read")
    number = client.get("/api/v1/audit/events?object_type=core.ApiKey&object_id=1&limit=abc",
                        headers={"X-API-Key": reader}).json()
    assert number["message"] == "limit 的值无效：应为整数"


def test_an_unknown_pydantic_error_keeps_its_message_and_placeholders_come_from_its_context():
    from qinqing.core.api import _rule_text

    assert _rule_text({"type": "some_new_type", "msg": "Value error, odd"}) == "Value error, odd"
    too_long = {"type": "string_too_long", "msg": "x", "ctx": {"max_length": 200}}
    assert _rule_text(too_long) == "最多 200 个字符"
    assert _rule_text({"type": "string_too_long", "msg": "String should have at most 200 characters"}) == (
        "String should have at most 200 characters")  # no context: pydantic's own words
