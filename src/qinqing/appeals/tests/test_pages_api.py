"""Pages and API: the right role succeeds, a wrong role is denied with nothing changed."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.roles import Role

from .. import services
from ..models import Appeal, LimitKey, Status, Track, TrackLimit
from ..workflow import services as workflow_services
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


@pytest.fixture
def setup(make_user):
    unit = factories.make_unit("区发改局")
    handler, official = factories.make_handler(unit)
    enterprise_user, enterprise = factories.make_enterprise_user()
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(enterprise=enterprise, received_at=D(2025, 9, 1))
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return {
        "unit": unit,
        "handler": handler,
        "official": official,
        "enterprise_user": enterprise_user,
        "enterprise": enterprise,
        "supervisor": supervisor,
        "appeal": appeal,
    }


def test_handler_queue_is_sorted_by_deadline_with_overdue_in_red(client, setup):
    client.force_login(setup["handler"])
    response = client.get(reverse("appeals:queue"))
    assert response.status_code == 200
    assert setup["appeal"].tracking_number in response.text and 'class="overdue"' in response.text


@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.CREDIT_ADMINISTRATOR])
def test_queue_denies_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("appeals:queue")).status_code == 403


def test_handler_of_another_unit_gets_404_on_detail_and_action_and_nothing_changes(client, setup):
    other, _official = factories.make_handler(factories.make_unit("区税务局"))
    client.force_login(other)
    appeal = setup["appeal"]
    before = audit.snapshot(Appeal.objects.get(pk=appeal.pk))
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": "越权"}).status_code == 404
    assert audit.snapshot(Appeal.objects.get(pk=appeal.pk)) == before


def test_handler_replies_and_enterprise_rates_unsatisfied_through_the_pages(client, setup):
    appeal = setup["appeal"]
    client.force_login(setup["handler"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": "已协调解决"})
    assert response.status_code == 302
    client.force_login(setup["enterprise_user"])
    page = client.get(reverse("appeals:detail", args=[appeal.pk]))
    assert "已协调解决" in page.text and 'data-testid="form-rate"' in page.text
    client.post(reverse("appeals:act", args=[appeal.pk, "rate"]), {"satisfaction": "unsatisfied"})
    appeal.refresh_from_db()
    assert appeal.round == 2 and appeal.status == Status.ASSIGNED


def test_enterprise_user_cannot_reply_to_its_own_appeal(client, setup):
    client.force_login(setup["enterprise_user"])
    appeal = setup["appeal"]
    assert (
        client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": "自己答复"}).status_code
        == 403
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED and not appeal.reply


def test_service_error_is_shown_next_to_the_form_and_nothing_changes(client, setup):
    client.force_login(setup["handler"])
    response = client.post(reverse("appeals:act", args=[setup["appeal"].pk, "reply"]), {"text": ""})
    assert response.status_code == 400 and 'data-testid="error-reply-text"' in response.text


def test_enterprise_files_with_an_attachment_and_a_wrong_type_is_refused(client, setup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(setup["enterprise_user"])
    good = factories.pdf_upload("证明.pdf")
    response = client.post(
        reverse("appeals:mine"),
        {"title": "电力增容", "content": "申请电力增容，已等待三个月", "attachments": [good]},
    )
    assert response.status_code == 302
    filed = Appeal.objects.get(title="电力增容")
    assert filed.enterprise == setup["enterprise"] and filed.attachments.get().original_name == "证明.pdf"
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("appeals:mine"), {"title": "另一件", "content": "另一件完全不同的事情", "attachments": [bad]}
    )
    assert response.status_code == 400 and not Appeal.objects.filter(title="另一件").exists()
    assert setup["appeal"].tracking_number in client.get(reverse("appeals:mine")).text


def test_my_appeals_denies_staff(client, setup):
    client.force_login(setup["handler"])
    assert client.get(reverse("appeals:mine")).status_code == 403


def test_supervision_list_shows_days_overdue_after_the_sweep(client, setup):
    from ..workflow.sweep import run_sweep

    run_sweep(today=D(2025, 10, 13))
    client.force_login(setup["supervisor"])
    response = client.get(reverse("appeals:supervision"))
    assert response.status_code == 200 and setup["appeal"].tracking_number in response.text
    client.force_login(setup["handler"])
    assert client.get(reverse("appeals:supervision")).status_code == 403


def test_administrator_edits_a_limit_and_others_may_not(client, make_user):
    client.force_login(make_user(Role.DISTRICT_LEADER))
    assert client.post(reverse("appeals:limits"), {"key": "resolve_simple", "value": "3"}).status_code == 403
    assert not TrackLimit.objects.exists()
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(reverse("appeals:limits")).status_code == 200
    assert client.post(reverse("appeals:limits"), {"key": "resolve_simple", "value": "3"}).status_code == 302
    assert services.limit_value(LimitKey.RESOLVE_SIMPLE) == 3
    # a value past what a track can need (or the column hold) is refused on its row, not a 500
    for typed in ("251", "99999999999999999999"):
        refused = client.post(reverse("appeals:limits"), {"key": "resolve_simple", "value": typed})
        assert refused.status_code == 400 and "应在 0 至 250 之间" in refused.content.decode()
    assert services.limit_value(LimitKey.RESOLVE_SIMPLE) == 3
    window = client.post(reverse("appeals:limits"), {"key": "duplicate_window_hours", "value": "720"})
    assert window.status_code == 302


def test_api_files_with_the_write_scope_and_refuses_a_read_only_key(client, api_key):
    _key, raw = api_key("appeals:write")
    response = client.post(
        "/api/v1/appeals/",
        {"content": "咨询高新技术企业认定", "contact_phone": "13700137000"},
        content_type="application/json",
        HTTP_X_API_KEY=raw,
    )
    assert response.status_code == 201, response.content
    number = response.json()["tracking_number"]
    _key, read_only = api_key("appeals:read")
    response = client.post(
        "/api/v1/appeals/", {"content": "别的事"}, content_type="application/json", HTTP_X_API_KEY=read_only
    )
    assert response.status_code == 403 and Appeal.objects.count() == 1
    assert client.get(f"/api/v1/appeals/{number}", HTTP_X_API_KEY=read_only).json()["status"] == "received"
    assert client.get("/api/v1/appeals/", HTTP_X_API_KEY=read_only).json()["count"] == 1


def test_api_errors_name_the_field(client, api_key):
    _key, raw = api_key("appeals:write")
    response = client.post(
        "/api/v1/appeals/", {"content": " "}, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert response.status_code == 400 and response.json()["field"] == "content"


def test_api_transitions_for_the_unit_and_404_for_another_unit(client, setup):
    appeal = setup["appeal"]
    other, _official = factories.make_handler(factories.make_unit("区商务局"))
    client.force_login(other)
    url = f"/api/v1/appeals/{appeal.tracking_number}/transitions"
    assert (
        client.post(
            url, {"action": "reply", "data": {"text": "越权"}}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(setup["handler"])
    response = client.post(
        url, {"action": "reply", "data": {"text": "已办结"}}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "replied"
    response = client.get("/api/v1/appeals/")
    assert response.status_code == 200 and response.json()["count"] == 1
