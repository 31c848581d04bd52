"""The API shows what the pages show, with scopes: the enterprise's timeline and rating, the
handler queue, the supervision list, routing and answer suggestions, the interpretations.
Each: the right role or scope succeeds, a wrong one is refused and nothing changes."""

import datetime
import warnings

import pytest
from django.core.management import call_command

from qinqing.appeals.models import Appeal, Category, Rating, Status, Track
from qinqing.appeals.workflow import services
from qinqing.appeals.workflow.sweep import run_sweep
from qinqing.core import audit
from qinqing.core.roles import Role
from qinqing.policy.interpretations import library as knowledge

from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1/appeals"


@pytest.fixture
def setup(workday_calendar, make_user, settings):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    unit = factories.make_unit("区发改局")
    other_unit = factories.make_unit("区税务局")
    handler, _official = factories.make_handler(unit)
    other_handler, _official = factories.make_handler(other_unit)
    enterprise_user, enterprise = factories.make_enterprise_user()
    other_enterprise_user, _other = factories.make_enterprise_user()
    supervisor = make_user(Role.DISTRICT_LEADER)
    late = factories.file_appeal(enterprise=enterprise, received_at=D(2025, 9, 1))
    services.appeal_triage(appeal=late, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=late, unit=unit, actor=supervisor)
    recent = factories.file_appeal(enterprise=enterprise)
    services.appeal_triage(appeal=recent, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=recent, unit=unit, actor=supervisor)
    elsewhere = factories.file_appeal(received_at=D(2025, 10, 9))
    services.appeal_triage(appeal=elsewhere, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=elsewhere, unit=other_unit, actor=supervisor)
    return {
        "unit": unit,
        "other_unit": other_unit,
        "handler": handler,
        "other_handler": other_handler,
        "enterprise_user": enterprise_user,
        "other_enterprise_user": other_enterprise_user,
        "supervisor": supervisor,
        "late": late,
        "recent": recent,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def interpretations(db):
    call_command("policy", "import", "--seed", verbosity=0)  # interpretations link to existing articles
    knowledge.seed_interpretations()


def _snapshot(appeal):
    return audit.snapshot(Appeal.objects.get(pk=appeal.pk))


# --- the enterprise's timeline -----------------------------------------------------------------
def test_enterprise_reads_its_own_appeals_timeline(client, setup):
    client.force_login(setup["enterprise_user"])
    response = client.get(f"{API}/{setup['late'].tracking_number}/timeline")
    assert response.status_code == 200
    body = response.json()
    assert body["handling_unit"] == "区发改局" and body["overdue"] is True
    assert [step["kind"] for step in body["steps"]][0] == "received"


def test_another_enterprise_gets_404_for_the_timeline(client, setup):
    client.force_login(setup["other_enterprise_user"])
    response = client.get(f"{API}/{setup['late'].tracking_number}/timeline")
    assert response.status_code == 404 and response.json()["field"] == "tracking_number"


def test_a_handler_session_is_refused_the_enterprise_timeline(client, setup):
    client.force_login(setup["handler"])
    response = client.get(f"{API}/{setup['late'].tracking_number}/timeline")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_key_with_appeals_read_reads_any_timeline_and_a_write_only_key_is_refused(client, setup, api_key):
    _key, reader = api_key("appeals:read")
    _key, writer = api_key("appeals:write")
    url = f"{API}/{setup['elsewhere'].tracking_number}/timeline"
    assert client.get(url, HTTP_X_API_KEY=reader).status_code == 200
    response = client.get(url, HTTP_X_API_KEY=writer)
    assert response.status_code == 403 and response.json()["field"] == "X-API-Key"


# --- rating ------------------------------------------------------------------------------------
def _replied(setup):
    services.appeal_reply(appeal=setup["late"], text="已协调办结。", actor=setup["handler"])
    return setup["late"]


def test_enterprise_rates_unsatisfied_and_the_appeal_reopens(client, setup):
    appeal = _replied(setup)
    client.force_login(setup["enterprise_user"])
    response = client.post(
        f"{API}/{appeal.tracking_number}/rating",
        {"satisfaction": "unsatisfied", "comment": "仍未到账"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["satisfaction"] == "unsatisfied" and body["round"] == 1 and body["appeal_round"] == 2
    assert body["status"] in (Status.ASSIGNED, Status.IN_PROGRESS) and body["due_at"] is not None
    assert Rating.objects.filter(appeal=appeal).count() == 1


@pytest.mark.parametrize("who", ["other_enterprise_user", "handler", "supervisor"])
def test_rating_by_anyone_but_the_enterprise_is_refused_and_nothing_changes(client, setup, who):
    appeal = _replied(setup)
    before = _snapshot(appeal)
    client.force_login(setup[who])
    response = client.post(
        f"{API}/{appeal.tracking_number}/rating",
        {"satisfaction": "unsatisfied"},
        content_type="application/json",
    )
    assert response.status_code == (404 if who == "other_enterprise_user" else 403)
    assert _snapshot(appeal) == before and not Rating.objects.exists()


def test_rating_with_a_read_only_key_is_refused(client, setup, api_key):
    appeal = _replied(setup)
    _key, reader = api_key("appeals:read")
    response = client.post(f"{API}/{appeal.tracking_number}/rating", {"satisfaction": "satisfied"},
                           content_type="application/json", HTTP_X_API_KEY=reader)
    assert response.status_code == 403 and not Rating.objects.exists()


def test_rating_errors_name_the_field_or_the_status(client, setup):
    client.force_login(setup["enterprise_user"])
    url = f"{API}/{setup['late'].tracking_number}/rating"
    response = client.post(url, {"satisfaction": "satisfied"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["field"] == "status"  # not replied yet
    _replied(setup)
    response = client.post(url, {"satisfaction": "great"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "satisfaction"
    assert not Rating.objects.exists()


# --- handler queue -----------------------------------------------------------------------------
def test_handler_queue_is_their_units_by_deadline_with_overdue_flags(client, setup):
    client.force_login(setup["handler"])
    response = client.get(f"{API}/queue")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["tracking_number"] for row in rows] == [
        setup["late"].tracking_number,
        setup["recent"].tracking_number,
    ]
    assert rows[0]["overdue"] is True and rows[0]["days_overdue"] > 0
    assert rows[1]["overdue"] is False and rows[1]["days_overdue"] == 0


def test_handler_may_not_ask_for_another_units_queue(client, setup):
    client.force_login(setup["handler"])
    response = client.get(f"{API}/queue", {"unit": setup["other_unit"].code})
    assert response.status_code == 404 and response.json()["field"] == "unit"


def test_enterprise_user_is_refused_the_queue(client, setup):
    client.force_login(setup["enterprise_user"])
    assert client.get(f"{API}/queue").status_code == 403


def test_a_reading_key_sees_every_unit_and_filters_by_unit_code(client, setup, api_key):
    _key, reader = api_key("appeals:read")
    everything = client.get(f"{API}/queue", HTTP_X_API_KEY=reader).json()
    assert everything["count"] == 3
    one_unit = client.get(f"{API}/queue", {"unit": setup["other_unit"].code}, HTTP_X_API_KEY=reader).json()
    assert [row["tracking_number"] for row in one_unit["results"]] == [setup["elsewhere"].tracking_number]
    assert one_unit["results"][0]["handling_unit_code"] == setup["other_unit"].code
    response = client.get(f"{API}/queue", {"unit": "NO-SUCH-UNIT"}, HTTP_X_API_KEY=reader)
    assert response.status_code == 404 and response.json()["field"] == "unit"
    _key, writer = api_key("appeals:write")
    assert client.get(f"{API}/queue", HTTP_X_API_KEY=writer).status_code == 403


# --- supervision list --------------------------------------------------------------------------
def test_supervision_list_gives_working_days_overdue_to_the_supervision_office(client, setup, api_key):
    run_sweep(today=D(2025, 10, 20))
    client.force_login(setup["supervisor"])
    response = client.get(f"{API}/supervision")
    assert response.status_code == 200
    rows = {row["tracking_number"]: row for row in response.json()["results"]}
    assert setup["late"].tracking_number in rows and rows[setup["late"].tracking_number]["days_overdue"] > 0
    assert setup["recent"].tracking_number not in rows
    _key, reader = api_key("appeals:read")
    assert client.get(f"{API}/supervision", HTTP_X_API_KEY=reader).json()["count"] == response.json()["count"]


@pytest.mark.parametrize("who", ["handler", "enterprise_user"])
def test_supervision_list_is_refused_to_handlers_and_enterprises(client, setup, who):
    client.force_login(setup[who])
    assert client.get(f"{API}/supervision").status_code == 403


# --- suggestions -------------------------------------------------------------------------------
def test_routing_suggestion_for_the_supervision_office_and_not_for_a_handler(
    client, setup, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # no model trained here: the answer says so instead of guessing
    url = f"{API}/{setup['late'].tracking_number}/routing-suggestion"
    client.force_login(setup["supervisor"])
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["available"] is False and body["reason"] and body["unit"] is None
    client.force_login(setup["handler"])
    assert client.get(url).status_code == 403


def test_answer_suggestions_for_a_consultation(client, setup, api_key, interpretations):
    appeal = factories.file_appeal(
        content="请问企业诉求多久能办结？时限是几个工作日？",
        category=Category.CONSULTATION,
        title="诉求办理时限",
    )
    services.appeal_triage(
        appeal=appeal, track=Track.RESOLVE, category=Category.CONSULTATION, actor=setup["supervisor"]
    )
    services.appeal_assign(appeal=appeal, unit=setup["unit"], actor=setup["supervisor"])
    url = f"{API}/{appeal.tracking_number}/answer-suggestions"
    client.force_login(setup["handler"])
    response = client.get(url)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and results[0]["interpretation"]["question"] == "企业诉求多久办结？"
    assert "第八条" in results[0]["reply_draft"] or "8" in results[0]["interpretation"]["article_keys"]
    client.force_login(setup["other_handler"])
    assert client.get(url).status_code == 404  # another unit's appeal
    client.force_login(setup["enterprise_user"])
    assert client.get(url).status_code == 403
    _key, reader = api_key("appeals:read")
    assert client.get(url, HTTP_X_API_KEY=reader).status_code == 200


def test_published_interpretations_need_the_read_scope(client, setup, api_key, interpretations):
    _key, reader = api_key("appeals:read")
    response = client.get(f"{API}/interpretations", {"q": "年会"}, HTTP_X_API_KEY=reader)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert ["14.2"] in [row["article_keys"] for row in rows]
    assert all("年会" in row["question"] + row["answer"] + row["keywords"] for row in rows)
    _key, writer = api_key("appeals:write")
    assert client.get(f"{API}/interpretations", HTTP_X_API_KEY=writer).status_code == 403
    assert client.get(f"{API}/interpretations").status_code == 401


def test_published_interpretations_are_paged_never_cut(client, api_key, db):
    from django.utils import timezone

    from qinqing.policy.models import PolicyInterpretation

    now = timezone.now()
    PolicyInterpretation.objects.bulk_create(
        PolicyInterpretation(question=f"问题{n:03d}", answer="答复", article_keys="8", is_published=True,
                             published_at=now, created_at=now, updated_at=now)
        for n in range(53)
    )
    PolicyInterpretation.objects.create(question="未发布", answer="答复", article_keys="8", created_at=now,
                                        updated_at=now)
    _key, reader = api_key("appeals:read")
    first = client.get(f"{API}/interpretations", HTTP_X_API_KEY=reader).json()
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (53, 1, 2, 50)
    second = client.get(f"{API}/interpretations", {"page": 2}, HTTP_X_API_KEY=reader).json()
    questions = [row["question"] for row in first["results"] + second["results"]]
    assert questions == [f"问题{n:03d}" for n in range(53)]  # by question, no overlap, nothing missing


# --- ninja -------------------------------------------------------------------------------------
def test_filing_through_the_api_raises_no_deprecation_warning(client, api_key):
    _key, writer = api_key("appeals:write")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.post(
            f"{API}/",
            {"content": "用电增容申请一直没有答复"},
            content_type="application/json",
            HTTP_X_API_KEY=writer,
        )
    assert response.status_code == 201
    assert not [warning for warning in caught if "Returning tuple" in str(warning.message)]


def test_the_new_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "queue",
        "supervision",
        "interpretations",
        "{tracking_number}/timeline",
        "{tracking_number}/rating",
        "{tracking_number}/routing-suggestion",
        "{tracking_number}/answer-suggestions",
    ):
        assert f"{API}/{path}" in paths
    assert "RatingIn" in str(paths[f"{API}/{{tracking_number}}/rating"])
