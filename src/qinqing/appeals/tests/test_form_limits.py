"""Issue 20, "lengths by purpose, dates within bounds, on every form": the appeal forms refuse a
20,000-character text and a date far in the future or the past with a message on the field (400),
and nothing is stored. The services check the same limits (core.limits), so the API is held too."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from qinqing.core import clock
from qinqing.core.errors import ServiceError
from qinqing.core.roles import Role

from ..models import Appeal, Escalation, Track
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
HUGE = "长" * 20_000
FAR_FUTURE, FAR_PAST = "2100-01-01", "1900-01-01"


@pytest.fixture(autouse=True)
def _setup(db, settings):
    factories.load_calendar()
    cache.clear()
    settings.APPEALS_DELIVER_ON_COMMIT = False


@pytest.fixture
def escalating(make_user):
    unit = factories.make_unit("区自然资源局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(received_at=clock.today() - datetime.timedelta(days=3))
    services.appeal_triage(appeal=appeal, track=Track.ESCALATE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return handler, appeal


@pytest.mark.parametrize(
    ("authority", "reported_on", "field"),
    [
        (HUGE, "", "authority"),
        ("市自然资源局", FAR_FUTURE, "reported_on"),
        ("市自然资源局", FAR_PAST, "reported_on"),  # before the appeal came in
    ],
)
def test_the_escalation_form_refuses_a_huge_authority_and_dates_out_of_bounds(
    client, escalating, authority, reported_on, field
):
    handler, appeal = escalating
    client.force_login(handler)
    response = client.post(reverse("appeals:act", args=[appeal.pk, "escalate"]),
                           {"authority": authority, "reported_on": reported_on}, **HTMX)
    assert response.status_code == 400
    assert f'id="error-escalate-{field}"' in response.text
    expected = {"authority": "最多 200 个字符（当前 20000 个）", FAR_FUTURE: "不能晚于今天",
                FAR_PAST: "不能早于"}[reported_on or field]
    assert expected in response.text
    assert not Escalation.objects.exists()


def test_the_escalation_form_offers_only_days_within_bounds(client, escalating):
    handler, appeal = escalating
    client.force_login(handler)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).text
    received = timezone.localdate(appeal.received_at).isoformat()
    assert f'name="reported_on" min="{received}" max="{clock.today().isoformat()}"' in page
    assert 'name="authority" value="" maxlength="200"' in page


@pytest.mark.parametrize(("action", "data", "field"), [
    ("object", {"reason": HUGE}, "reason"),
    ("urge", {"text": HUGE}, "text"),
])
def test_other_action_texts_are_bounded(client, escalating, make_user, action, data, field):
    handler, appeal = escalating
    client.force_login(handler if action == "object" else make_user(Role.DISTRICT_LEADER))
    before = Appeal.objects.get(pk=appeal.pk).steps.count()
    response = client.post(reverse("appeals:act", args=[appeal.pk, action]), data, **HTMX)
    assert response.status_code == 400
    assert "最多 2000 个字符（当前 20000 个）" in response.text
    assert Appeal.objects.get(pk=appeal.pk).steps.count() == before


def test_reply_decline_answer_rating_and_revisit_texts_are_bounded_in_the_services(escalating):
    handler, appeal = escalating
    calls = [
        (services.appeal_reply, {"text": HUGE}, "text"),
        (services.appeal_relay_higher_answer, {"answer": HUGE}, "answer"),
        (services.appeal_decline, {"reason": HUGE, "basis": "依据"}, "reason"),
        (services.appeal_decline, {"reason": "原因", "basis": HUGE}, "basis"),
        (services.extension_request, {"days": 1, "reason": HUGE}, "reason"),
        (services.appeal_rate, {"satisfaction": "satisfied", "comment": HUGE}, "comment"),
        (services.appeal_revisit, {"notes": HUGE}, "notes"),
    ]
    for service, kwargs, field in calls:
        with pytest.raises(ServiceError) as error:
            service(appeal=appeal, actor=handler, **kwargs)
        assert (error.value.code, error.value.field) == ("too_long", field), service.__name__


def _operator_form(**overrides):
    data = {
        "channel": "letter", "received_on": (clock.today() - datetime.timedelta(days=2)).isoformat(),
        "contact_name": "李四", "contact_phone": "", "contact_address": "人民路1号", "enterprise_uscc": "",
        "category": "complaint", "title": "来信反映审批超时", "content": "排污许可证超过法定时限仍未办结。",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("overrides", "field"), [
    ({"content": HUGE}, "content"),
    ({"contact_address": HUGE}, "contact_address"),
    ({"received_on": FAR_FUTURE}, "received_on"),
    ({"received_on": FAR_PAST}, "received_on"),
])
def test_the_operator_intake_form_refuses_huge_texts_and_dates_out_of_bounds(client, make_user, overrides,
                                                                              field):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.post(reverse("appeals_channels:operator_record"), _operator_form(**overrides))
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.text
    assert not Appeal.objects.exists()


def test_the_operator_date_input_offers_the_last_year_up_to_today(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    page = client.get(reverse("appeals_channels:operator_record")).text
    assert f'max="{clock.today().isoformat()}"' in page and 'min="' in page


def test_the_enterprise_form_and_the_api_path_refuse_a_huge_content(client):
    user, enterprise = factories.make_enterprise_user()
    client.force_login(user)
    response = client.post(reverse("appeals:mine"), {"title": "许可证", "content": HUGE,
                                                      "enterprise": enterprise.pk})
    assert response.status_code == 400
    assert "最多 5000 个字符（当前 20000 个）" in response.text
    assert not Appeal.objects.exists()
    with pytest.raises(ServiceError) as error:
        factories.file_appeal(received_at=timezone.now() + datetime.timedelta(days=400))
    assert (error.value.code, error.value.field) == ("date_out_of_range", "received_on")
