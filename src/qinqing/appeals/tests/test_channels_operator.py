"""Operator page: department handlers and administrators record calls, letters, visits and
roundtables with the original channel and date received; other roles are refused."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from qinqing.appeals.models import Appeal, Channel
from qinqing.core.roles import Role
from qinqing.directory.tests.factories import make_enterprise


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    cache.clear()
    settings.APPEALS_DELIVER_ON_COMMIT = False
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "channel": Channel.LETTER,
        "received_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "contact_name": "李四",
        "contact_phone": "",
        "contact_address": "某区人民路1号",
        "enterprise_uscc": "",
        "category": "complaint",
        "title": "来信反映审批超时",
        "content": "我公司申请的排污许可证超过法定时限仍未办结。",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR])
def test_handler_or_administrator_records_a_letter_with_its_channel_and_date(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    enterprise = make_enterprise()
    response = client.post(
        reverse("appeals_channels:operator_record"), form_data(enterprise_uscc=enterprise.uscc), follow=True
    )
    appeal = Appeal.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert appeal.channel == Channel.LETTER
    assert timezone.localdate(appeal.received_at) == timezone.localdate() - datetime.timedelta(days=2)
    assert appeal.enterprise == enterprise
    assert appeal.submitted_by == user
    assert appeal.tracking_number in page
    # A letter gets a printable acknowledgement with the address it goes back to.
    assert 'data-testid="acknowledgement-letter"' in page
    assert "某区人民路1号" in page
    assert "appeals/acknowledgement.css" in page


@pytest.mark.django_db
def test_hotline_call_is_recorded_with_the_callers_phone(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    client.post(
        reverse("appeals_channels:operator_record"),
        form_data(
            channel=Channel.HOTLINE,
            contact_phone="139 0013 9000",
            received_on=timezone.localdate().isoformat(),
        ),
    )
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.HOTLINE
    assert appeal.contact_phone == "13900139000"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.OFFICIAL, Role.AUDITOR])
def test_other_roles_cannot_open_or_use_the_operator_page(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("appeals_channels:operator_record")).status_code == 403
    assert client.post(reverse("appeals_channels:operator_record"), form_data()).status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.post(reverse("appeals_channels:operator_record"), form_data())
    assert response.status_code == 302
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_future_date_and_missing_contact_are_named_with_values_kept(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("appeals_channels:operator_record"), form_data(received_on=tomorrow, contact_name="")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-received_on"' in page and 'data-testid="error-contact_name"' in page
    assert "来信反映审批超时" in page
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_handler_sees_only_acknowledgements_of_appeals_they_recorded(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    client.post(reverse("appeals_channels:operator_record"), form_data())
    number = Appeal.objects.get().tracking_number
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.get(reverse("appeals_channels:operator_acknowledgement", args=[number]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_repeated_visit_after_a_portal_filing_is_merged_and_shows_the_original_number(client, make_user):
    text = "我公司申请的排污许可证超过法定时限仍未办结。"
    client.post(
        reverse("appeals_channels:portal_mailbox"),
        {
            "contact_phone": "13800138000",
            "title": "来信反映审批超时",
            "content": text,
            "category": "complaint",
        },
    )
    original = Appeal.objects.get()
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.post(
        reverse("appeals_channels:operator_record"),
        form_data(
            channel=Channel.VISIT, contact_phone="13800138000", received_on=timezone.localdate().isoformat()
        ),
        follow=True,
    )
    page = response.content.decode()
    assert 'data-testid="merged"' in page
    assert original.tracking_number in page
    assert Appeal.objects.get(channel=Channel.VISIT).merged_into == original
