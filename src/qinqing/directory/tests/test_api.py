import pytest

from qinqing.core.roles import Role
from qinqing.directory.models import Enterprise

from .factories import make_enterprise, make_membership, make_official, make_resident_id, make_unit, make_uscc

pytestmark = pytest.mark.django_db
BASE = "/api/v1/directory"


def headers(raw_key: str) -> dict:
    return {"HTTP_X_API_KEY": raw_key, "HTTP_ACCEPT_LANGUAGE": "en"}


def test_enterprises_are_listed_filtered_and_paginated_for_a_read_key(client, api_key):
    _key, raw = api_key("directory:read")
    first = make_enterprise(name="甲公司")
    make_enterprise(name="乙公司")
    everything = client.get(f"{BASE}/enterprises?page_size=1", **headers(raw)).json()
    assert everything["count"] == 2 and len(everything["items"]) == 1
    by_code = client.get(f"{BASE}/enterprises?uscc={first.uscc}", **headers(raw)).json()
    assert [item["name"] for item in by_code["items"]] == ["甲公司"]
    by_name = client.get(f"{BASE}/enterprises?name=乙", **headers(raw)).json()
    assert [item["name"] for item in by_name["items"]] == ["乙公司"]


def test_one_enterprise_by_uscc_and_404_when_unknown(client, api_key):
    _key, raw = api_key("directory:read")
    enterprise = make_enterprise(ownership_type="state_owned")
    found = client.get(f"{BASE}/enterprises/{enterprise.uscc}", **headers(raw))
    assert found.status_code == 200 and found.json()["is_non_public"] is False
    missing = client.get(f"{BASE}/enterprises/{make_uscc()}", **headers(raw))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_key_without_the_scope_is_refused(client, api_key):
    _key, raw = api_key("policy:read")
    make_enterprise()
    response = client.get(f"{BASE}/enterprises", **headers(raw))
    assert response.status_code == 403


def test_write_key_creates_an_enterprise(client, api_key):
    _key, raw = api_key("directory:write")
    code = make_uscc()
    response = client.post(
        f"{BASE}/enterprises",
        {"uscc": code, "name": "接口公司", "ownership_type": "private"},
        content_type="application/json",
        **headers(raw),
    )
    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(uscc=code).name == "接口公司"


def test_a_bad_uscc_is_a_400_naming_the_field_and_rule(client, api_key):
    _key, raw = api_key("directory:write")
    code = make_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        f"{BASE}/enterprises",
        {"uscc": wrong, "name": "坏码", "ownership_type": "private"},
        content_type="application/json",
        **headers(raw),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "uscc_check" and body["field"] == "uscc" and body["message"]
    assert not Enterprise.objects.exists()


def test_a_duplicate_uscc_is_a_409(client, api_key):
    _key, raw = api_key("directory:write")
    existing = make_enterprise()
    response = client.post(
        f"{BASE}/enterprises",
        {"uscc": existing.uscc, "name": "重复", "ownership_type": "private"},
        content_type="application/json",
        **headers(raw),
    )
    assert response.status_code == 409 and response.json()["field"] == "uscc"


def test_a_read_key_cannot_create(client, api_key):
    _key, raw = api_key("directory:read")
    response = client.post(
        f"{BASE}/enterprises",
        {"uscc": make_uscc(), "name": "越权", "ownership_type": "private"},
        content_type="application/json",
        **headers(raw),
    )
    assert response.status_code == 403
    assert not Enterprise.objects.exists()


def test_units_and_officials_with_masked_ids(client, api_key):
    _key, raw = api_key("directory:read")
    unit = make_unit()
    number = make_resident_id()
    official = make_official(unit=unit, resident_id=number)
    units = client.get(f"{BASE}/units", **headers(raw)).json()
    assert [u["code"] for u in units] == [unit.code]
    response = client.get(f"{BASE}/officials", **headers(raw))
    assert number not in response.content.decode()
    assert response.json()["items"][0]["resident_id_masked"] == official.person.masked_resident_id


def test_session_user_needs_the_permission(client, make_user):
    make_enterprise()
    client.force_login(make_user(Role.AUDITOR))
    assert client.get(f"{BASE}/enterprises").status_code == 403
    client.force_login(make_user(Role.FEDERATION_STAFF))
    assert client.get(f"{BASE}/enterprises").json()["count"] == 1


def test_enterprise_session_user_is_refused_by_the_enterprise_api(client, make_user):
    # Enterprise users hold no view permission, so the API refuses them outright.
    user = make_user(Role.ENTERPRISE_USER)
    make_membership(user=user)
    client.force_login(user)
    assert client.get(f"{BASE}/enterprises").status_code == 403


def test_session_administrator_creates_an_enterprise(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    code = make_uscc()
    response = client.post(
        f"{BASE}/enterprises",
        {"uscc": code, "name": "会话公司", "ownership_type": "private"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Enterprise.objects.filter(uscc=code).exists()
