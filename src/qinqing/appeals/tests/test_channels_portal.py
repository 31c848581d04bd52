"""The public district head's mailbox: no account, phone required, field errors keep values,
robots and floods stopped, status lookup by tracking number and phone."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from qinqing.appeals.models import Appeal, Channel
from qinqing.directory.tests.factories import make_enterprise, make_uscc

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    cache.clear()
    settings.APPEALS_DELIVER_ON_COMMIT = False
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "contact_name": "张三",
        "contact_phone": PHONE,
        "enterprise_name": "",
        "enterprise_uscc": "",
        "category": "demand",
        "title": "排水管网改造",
        "content": "园区东门道路每逢下雨严重积水，影响货车通行，请求改造排水管网。",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_anyone_can_open_the_mailbox_without_an_account(client):
    response = client.get(reverse("appeals_channels:portal_mailbox"))
    assert response.status_code == 200
    assert 'name="contact_phone"' in response.content.decode()


@pytest.mark.django_db
def test_filing_shows_the_tracking_number_and_links_the_directory_enterprise(client):
    enterprise = make_enterprise(name="某区精密机械有限公司")
    response = client.post(
        reverse("appeals_channels:portal_mailbox"),
        form_data(enterprise_uscc=enterprise.uscc.lower()),
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("appeals_channels:portal_filed")
    assert appeal.tracking_number in response.content.decode()
    assert appeal.channel == Channel.WEB_PORTAL
    assert appeal.enterprise == enterprise
    assert appeal.contact_phone == PHONE


@pytest.mark.django_db
def test_acknowledgement_page_without_a_filing_in_this_session_sends_back_to_the_form(client):
    response = client.get(reverse("appeals_channels:portal_filed"))
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals_channels:portal_mailbox")


@pytest.mark.django_db
def test_missing_phone_is_named_and_the_other_values_are_kept(client):
    response = client.post(reverse("appeals_channels:portal_mailbox"), form_data(contact_phone=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-contact_phone"' in page
    assert "排水管网改造" in page and "园区东门道路每逢下雨严重积水" in page
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_invalid_phone_number_is_explained(client):
    response = client.post(reverse("appeals_channels:portal_mailbox"), form_data(contact_phone="1380013800"))
    assert response.status_code == 400
    assert 'data-testid="error-contact_phone"' in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_bad_uscc_is_named_and_the_values_are_kept(client):
    good = make_uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("appeals_channels:portal_mailbox"), form_data(enterprise_uscc="91330106ABC")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-enterprise_uscc"' in page
    assert 'value="91330106ABC"' in page and 'value="13800138000"' in page
    response = client.post(reverse("appeals_channels:portal_mailbox"), form_data(enterprise_uscc=bad))
    assert 'data-testid="error-enterprise_uscc"' in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_valid_uscc_unknown_to_the_directory_is_refused_by_field(client):
    response = client.post(reverse("appeals_channels:portal_mailbox"), form_data(enterprise_uscc=make_uscc()))
    assert response.status_code == 400
    assert 'data-testid="error-enterprise_uscc"' in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_enterprise_name_without_a_code_is_kept_with_the_text(client):
    client.post(
        reverse("appeals_channels:portal_mailbox"), form_data(enterprise_name="某区新材料科技有限公司")
    )
    assert "某区新材料科技有限公司" in Appeal.objects.get().content


@pytest.mark.django_db
def test_filled_honeypot_stores_nothing(client):
    response = client.post(
        reverse("appeals_channels:portal_mailbox"), form_data(website="http://spam.example")
    )
    assert response.status_code == 400
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_too_many_submissions_from_one_phone_are_refused(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "PORTAL_SUBMISSIONS_PER_PHONE_PER_HOUR": 2}
    for number in range(3):
        response = client.post(
            reverse("appeals_channels:portal_mailbox"),
            form_data(title=f"第{number}件", content=f"完全不同的内容{number}" * 5),
        )
    assert response.status_code == 400
    assert 'data-testid="error-contact_phone"' in response.content.decode()
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_too_many_submissions_from_one_address_are_refused(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "PORTAL_SUBMISSIONS_PER_ADDRESS_PER_HOUR": 1}
    client.post(reverse("appeals_channels:portal_mailbox"), form_data())
    response = client.post(
        reverse("appeals_channels:portal_mailbox"),
        form_data(contact_phone="13900139000", content="另一件事" * 10),
    )
    assert response.status_code == 400
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_status_lookup_with_number_and_phone_shows_status_and_public_timeline(client):
    client.post(reverse("appeals_channels:portal_mailbox"), form_data())
    appeal = Appeal.objects.get()
    response = client.post(
        reverse("appeals_channels:portal_status"),
        {"tracking_number": appeal.tracking_number.lower(), "contact_phone": "+86 138-0013-8000"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="status-result"' in page
    assert appeal.get_status_display() in page
    assert 'data-testid="timeline"' in page


@pytest.mark.django_db
def test_status_lookup_with_the_wrong_phone_reveals_nothing(client):
    client.post(reverse("appeals_channels:portal_mailbox"), form_data())
    appeal = Appeal.objects.get()
    response = client.post(
        reverse("appeals_channels:portal_status"),
        {"tracking_number": appeal.tracking_number, "contact_phone": "13900139000"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "排水管网改造" not in page
    assert 'data-testid="error-tracking_number"' in page


@pytest.mark.django_db
def test_same_appeal_through_sms_and_portal_surfaces_the_original_tracking_number(client, settings):
    import json
    import time

    from qinqing.appeals.intake.channels.sms import SIGNATURE_HEADER, TIMESTAMP_HEADER, gateway_signature

    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_GATEWAY_SECRET": "s"}
    text = "园区东门道路每逢下雨严重积水，影响货车通行，请求改造排水管网。"
    body = json.dumps({"from": PHONE, "text": text}).encode()
    timestamp = str(int(time.time()))
    by_sms = client.post(
        reverse("appeals_channels:sms_webhook"),
        data=body,
        content_type="application/json",
        headers={
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: gateway_signature(secret="s", timestamp=timestamp, body=body),
        },
    ).json()
    # An SMS has no title: the service takes the text's beginning, so the portal copy matches it.
    response = client.post(
        reverse("appeals_channels:portal_mailbox"), form_data(title=text[:40], content=text), follow=True
    )
    assert by_sms["tracking_number"] in response.content.decode()
    assert Appeal.objects.filter(merged_into__tracking_number=by_sms["tracking_number"]).count() == 1


@pytest.mark.django_db
def test_portal_appeal_with_the_enterprise_code_appears_in_that_enterprises_my_appeals(client, make_user):
    from qinqing.core.roles import Role
    from qinqing.directory.tests.factories import make_membership

    enterprise = make_enterprise(name="某区精密机械有限公司")
    member = make_user(Role.ENTERPRISE_USER)
    make_membership(user=member, enterprise=enterprise)
    outsider = make_user(Role.ENTERPRISE_USER)
    make_membership(user=outsider, enterprise=make_enterprise(name="另一家企业有限公司"))
    client.post(reverse("appeals_channels:portal_mailbox"), form_data(enterprise_uscc=enterprise.uscc))
    appeal = Appeal.objects.get()

    client.force_login(member)
    mine = client.get(reverse("appeals:mine")).content.decode()
    assert appeal.tracking_number in mine and "排水管网改造" in mine
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200

    client.force_login(outsider)
    assert appeal.tracking_number not in client.get(reverse("appeals:mine")).content.decode()
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404


@pytest.mark.django_db
def test_portal_appeal_without_a_code_stays_out_of_enterprise_lists(client, make_user):
    """Anyone can type any name or phone number on the public form: only the enterprise's code links it."""
    from qinqing.core.roles import Role
    from qinqing.directory.tests.factories import make_membership

    enterprise = make_enterprise()
    member = make_user(Role.ENTERPRISE_USER)
    make_membership(user=member, enterprise=enterprise)
    client.post(reverse("appeals_channels:portal_mailbox"), form_data(enterprise_name=enterprise.name))
    appeal = Appeal.objects.get()
    assert appeal.enterprise is None
    client.force_login(member)
    assert appeal.tracking_number not in client.get(reverse("appeals:mine")).content.decode()
