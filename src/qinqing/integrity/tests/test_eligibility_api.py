"""The eligibility API (article 21): exact code, person, name fallback, batch, scope, every check logged and verifiable."""  # noqa: E501

import datetime

import pytest

from qinqing.directory.tests import factories as directory
from qinqing.integrity import names, services
from qinqing.integrity.models import EligibilityCheck

from .factories import make_listing

pytestmark = pytest.mark.django_db
URL = "/api/v1/integrity/eligibility"


@pytest.fixture
def key(api_key):
    return api_key("integrity:query")[1]


@pytest.fixture
def listed(frozen_clock):
    frozen_clock("2026-11-30 10:02")
    enterprise = directory.make_enterprise(name="杭州围猎建设（集团）有限公司")
    make_listing(
        enterprise=enterprise,
        activities=("procurement", "construction_bidding"),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2028, 12, 31),
    )
    return enterprise


def get(client, key, **params):
    return client.get(URL, params, headers={"X-API-Key": key})


def test_an_exact_code_check_answers_and_is_logged_and_verifiable(client, key, listed):
    response = get(client, key, uscc=listed.uscc, activity="procurement")
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False and body["checked_at"].startswith("2026-11-30T02:02")
    assert body["restrictions"][0] | {"basis": ""} == {
        "activity": "procurement",
        "start": "2026-01-01",
        "end": "2028-12-31",
        "basis": "",
        "listing": body["restrictions"][0]["listing"],
        "via_head": False,
    }
    assert "21(一)" in body["restrictions"][0]["basis"]
    row = EligibilityCheck.objects.get(check_id=body["check_id"])
    assert row.eligible is False and row.query == listed.uscc and row.caller.startswith("api_key:")
    verified = client.get(f"/api/v1/integrity/checks/{body['check_id']}", headers={"X-API-Key": key}).json()
    assert (
        verified["intact"] is True
        and verified["eligible"] is False
        and verified["checked_at"] == body["checked_at"]
    )
    assert get(client, key, uscc=listed.uscc, activity="loan").json()["eligible"] is True
    assert EligibilityCheck.objects.count() == 2  # every check logged, the eligible one too


def test_a_tampered_log_row_no_longer_verifies(client, key, listed):
    body = get(client, key, uscc=listed.uscc, activity="procurement").json()
    EligibilityCheck.objects.filter(check_id=body["check_id"]).update(eligible=True)
    verified = client.get(f"/api/v1/integrity/checks/{body['check_id']}", headers={"X-API-Key": key}).json()
    assert verified["intact"] is False


def test_errors_name_the_field(client, key, listed):
    response = get(client, key, uscc="91330106MA2B00000X", activity="procurement")
    assert (
        response.status_code == 400
        and response.json()["field"] == "uscc"
        and response.json()["code"] == "invalid_uscc"
    )
    response = get(client, key, uscc=listed.uscc, activity="casino")
    assert (
        response.status_code == 400
        and response.json()["field"] == "activity"
        and "procurement" in response.json()["message"]
    )
    response = get(client, key, activity="procurement")
    assert response.status_code == 400 and response.json()["field"] == "uscc"
    response = get(client, key, id_number="330106198001011234")
    assert response.status_code == 400 and response.json()["field"] == "id_number"
    assert client.get("/api/v1/integrity/checks/nosuchcheck", headers={"X-API-Key": key}).status_code == 404
    assert EligibilityCheck.objects.count() == 0  # a refused question is not an answer


def test_a_key_without_the_scope_is_refused_and_nothing_is_logged(client, api_key, listed):
    other = api_key("directory:read")[1]
    response = get(client, other, uscc=listed.uscc, activity="procurement")
    assert response.status_code == 403 and "integrity:query" in response.json()["message"]
    assert client.get(URL, {"uscc": listed.uscc}).status_code == 401
    assert EligibilityCheck.objects.count() == 0


def test_a_person_is_checked_by_resident_id(client, key, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    person = directory.make_person(name="钱某")
    make_listing(person=person, activities=("political_arrangement",))
    body = get(client, key, id_number=person.resident_id, activity="political_arrangement").json()
    assert body["eligible"] is False and person.resident_id not in str(
        body
    )  # the number is masked in the answer
    row = EligibilityCheck.objects.get(check_id=body["check_id"])
    assert person.resident_id not in row.query and row.query_index == person.resident_id_index


def test_name_variants_normalise_to_one_key():
    assert names.name_key("杭州圍獵建設（集團）有限公司") == names.name_key("杭州围猎建设(集团)有限公司")
    assert names.name_key("ＡＢＣ科技 有限公司") == names.name_key("abc科技有限公司")
    assert names.core_of(names.name_key("某某股份有限公司")) == "某某"
    assert names.match("杭州围猎建设集团", "杭州围猎建设（集团）有限公司").score == 0.9


def test_the_name_fallback_answers_an_exact_name_and_is_never_silently_eligible_when_unsure(
    client, key, listed
):
    exact = get(
        client, key, name="杭州圍獵建設(集團)有限公司", activity="procurement"
    ).json()  # traditional, half-width brackets
    assert exact["eligible"] is False and exact["certain"] is True and exact["party"]["uscc"] == listed.uscc
    assert exact["candidates"][0]["score"] == 1.0 and exact["candidates"][0]["reason"]
    short = get(client, key, name="围猎建设", activity="procurement").json()  # a short name
    assert short["eligible"] is False and short["certain"] is False
    assert short["candidates"][0]["uscc"] == listed.uscc and short["candidates"][0]["restricted"] is True
    unrelated = get(client, key, name="清风茶叶有限公司", activity="procurement").json()
    assert unrelated["eligible"] is True and unrelated["certain"] is False and unrelated["note"]
    other_activity = get(client, key, name="围猎建设", activity="loan").json()
    assert other_activity["eligible"] is True and other_activity["certain"] is False
    assert EligibilityCheck.objects.filter(query_kind="name").count() == 4


def test_a_batch_checks_up_to_500_parties_each_logged(client, key, listed):
    clean = [directory.make_enterprise() for _ in range(3)]
    parties = [{"uscc": listed.uscc}, *({"uscc": e.uscc} for e in clean), {"name": "围猎建设"}]
    response = client.post(
        URL + "/batch",
        {"activity": "construction_bidding", "parties": parties},
        content_type="application/json",
        headers={"X-API-Key": key},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5 and body["ineligible"] == 2
    assert [r["eligible"] for r in body["results"]] == [False, True, True, True, False]
    assert EligibilityCheck.objects.filter(batch_id=body["batch_id"]).count() == 5
    too_many = client.post(
        URL + "/batch",
        {"parties": [{"uscc": listed.uscc}] * 501},
        content_type="application/json",
        headers={"X-API-Key": key},
    )
    assert (
        too_many.status_code == 400
        and too_many.json()["code"] == "batch_too_large"
        and too_many.json()["field"] == "parties"
    )
    bad = client.post(
        URL + "/batch",
        {"parties": [{"uscc": listed.uscc}, {"uscc": "123"}]},
        content_type="application/json",
        headers={"X-API-Key": key},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "parties.1.uscc"
    assert EligibilityCheck.objects.count() == 5


def test_conduct_pre_approval_shows_the_real_answer(frozen_clock):
    from qinqing.conduct import services as conduct

    frozen_clock("2026-11-30 10:00")
    head = directory.make_person()
    enterprise = directory.make_enterprise(legal_representative=head)
    assert conduct.is_enterprise_restricted(enterprise) is False
    make_listing(person=head, activities=("honour",))
    assert conduct.is_enterprise_restricted(enterprise) is True
    assert EligibilityCheck.objects.filter(purpose="conduct.activity_check").count() == 2
    assert services.eligibility(enterprise=enterprise, activity="loan").eligible


def test_the_answers_match_their_documented_schemas(client, key, listed):
    from qinqing.integrity.api import BatchOut, EligibilityOut

    EligibilityOut.model_validate(get(client, key, uscc=listed.uscc, activity="procurement").json())
    EligibilityOut.model_validate(get(client, key, name="围猎建设", activity="procurement").json())
    batch = client.post(
        URL + "/batch",
        {"parties": [{"uscc": listed.uscc}, {"name": "围猎建设"}]},
        content_type="application/json",
        headers={"X-API-Key": key},
    ).json()
    BatchOut.model_validate(batch)


def test_a_person_is_checked_with_the_number_in_the_body_and_the_query_form_is_deprecated(
    client, key, frozen_clock
):
    """A resident ID in a URL ends up in access logs and proxies: POST takes it in a JSON body and answers
    what the GET answers; the GET still answers, marked deprecated (headers, and the API description)."""
    from qinqing.integrity.api import EligibilityOut

    frozen_clock("2026-11-30 10:00")
    person = directory.make_person(name="钱某")
    make_listing(person=person, activities=("political_arrangement",))
    party = {"id_number": person.resident_id, "activity": "political_arrangement"}
    posted = client.post(URL, party, content_type="application/json", headers={"X-API-Key": key})
    got = get(client, key, **party)
    assert posted.status_code == got.status_code == 200
    assert "Deprecation" not in posted and got["Deprecation"].startswith("@") and "Warning" in got
    answers = [EligibilityOut.model_validate(response.json()).model_dump() for response in (posted, got)]
    for answer in answers:
        answer.pop("check_id"), answer.pop("checked_at")
    assert answers[0] == answers[1] and answers[0]["eligible"] is False
    assert person.resident_id not in posted.content.decode()
    rows = EligibilityCheck.objects.order_by("checked_at", "pk")
    assert [(row.query_kind, row.query_index, row.purpose) for row in rows] == [
        ("id_number", person.resident_id_index, "api")
    ] * 2
    # an enterprise by code through the GET: no deprecation
    assert "Deprecation" not in get(client, key, uscc=directory.make_enterprise().uscc)

    spec = client.get("/api/v1/openapi.json").json()["paths"][URL]
    assert "body" in spec["post"]["summary"] and "POST" in spec["get"]["summary"]
    parameter = next(p for p in spec["get"]["parameters"] if p["name"] == "id_number")
    assert parameter["deprecated"] is True and "POST" in parameter["description"]
