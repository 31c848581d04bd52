"""A refused post on an integrity page answers on the page the form is on, with the refusal's own status
(400 bad input, 409 a conflict with what is recorded, 403 no right): the refusal beside the field it names
(data-testid/data-field), what was typed kept; never a redirect with a flash message."""

import pytest
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import Application, BriberyQuery, ListingNotice, NoticeChannel

from .factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    credit, user = make_user(Role.CREDIT_ADMINISTRATOR), make_user(Role.ENTERPRISE_USER)
    enterprise = directory.make_enterprise(name="拒绝测试有限公司")
    directory.make_membership(user=user, enterprise=enterprise)
    listing = make_listing(enterprise=enterprise, actor=credit)
    return credit, user, enterprise, listing


def test_a_refused_decision_on_an_application(client, listed):
    credit, user, _enterprise, listing = listed
    application = services.application_file(listing=listing, kind="objection", text="不服", actor=user)
    client.force_login(credit)
    url = reverse("integrity:application_decide", args=[application.pk])
    response = client.post(url, {"decision": "grant", "reason": "理" * 5001})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-reason" data-field="reason"' in page and "理" * 5001 in page
    response = client.post(url, {"decision": "maybe", "reason": "理由甲"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-decision"' in page and "理由甲" in page
    assert Application.objects.get().status == application.status
    assert client.post(url, {"decision": "refuse", "reason": "理由乙"}).status_code == 302
    # decided meanwhile (another tab): refused on the page, where the form was (it was a 500 before)
    again = client.post(url, {"decision": "grant", "reason": "理由丙"})
    assert again.status_code == 409 and 'data-testid="form-errors"' in again.content.decode()
    assert Application.objects.get().decision_reason == "理由乙"


def test_a_refused_delivery_publication_and_print(client, listed):
    credit, _user, _enterprise, listing = listed
    letter = listing.notices.get(channel=NoticeChannel.LETTER)
    system = listing.notices.get(channel=NoticeChannel.SYSTEM)
    client.force_login(credit)
    response = client.post(reverse("integrity:notice_delivered", args=[letter.pk]),
                           {"delivered_on": "2026-12-25", "note": "当面送达"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-delivered_on" data-field="delivered_on"' in page
    assert "当面送达" in page and 'value="2026-12-25"' in page
    assert ListingNotice.objects.get(pk=letter.pk).delivered_on is None
    delivered = client.post(reverse("integrity:notice_delivered", args=[letter.pk]),
                            {"delivered_on": "2026-11-30", "note": "当面送达"})
    assert delivered.status_code == 302
    again = client.post(reverse("integrity:notice_delivered", args=[letter.pk]),
                        {"delivered_on": "2026-11-30", "note": "再次登记"})
    # recorded once: a conflict (the form is gone, the refusal stands where it was; it was a 500 before)
    assert again.status_code == 409
    assert 'data-testid="form-errors" data-field="">该告知书的送达已登记' in again.content.decode()
    assert ListingNotice.objects.get(pk=letter.pk).delivery_note == "当面送达"
    response = client.post(reverse("integrity:notice_letter", args=[system.pk]))
    assert response.status_code == 400
    assert 'data-testid="print-error" data-field="notice"' in response.content.decode()


def test_a_refused_publication(client, make_user, listed):
    _credit, _user, _enterprise, listing = listed
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("integrity:listing_publication", args=[listing.pk]),
                           {"publication": "everyone"})
    assert response.status_code == 400
    assert 'data-testid="error-publication" data-field="publication"' in response.content.decode()


def test_a_refused_application_keeps_what_was_typed_on_its_card(client, listed):
    _credit, user, _enterprise, listing = listed
    client.force_login(user)
    response = client.post("/integrity/mine/", {"listing": listing.pk, "kind": "objection", "text": "",
                                                "evidence": "证据甲"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-text" data-field="text"' in page and "证据甲" in page
    services.application_file(listing=listing, kind="objection", text="第一次", actor=user)
    response = client.post("/integrity/mine/", {"listing": listing.pk, "kind": "objection", "text": "第二次"})
    assert response.status_code == 409  # one pending application of a kind: a conflict, not bad input
    page = response.content.decode()
    assert 'data-testid="error-kind" data-field="kind"' in page and "第二次" in page
    assert Application.objects.count() == 1


def test_refused_rules_keep_what_was_typed(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("integrity:rules"), {"points_honour": "五", "months_honour": "12"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-points_honour" data-field="points_honour"' in page and 'value="五"' in page
    response = client.post(reverse("integrity:rules"), {"points_honour": "5000"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="honour"' in page and 'value="5000"' in page


def test_a_refused_comprehensive_opinion_keeps_the_text(client, make_user, listed):
    _credit, _user, enterprise, _listing = listed
    federation = make_user(Role.FEDERATION_STAFF)
    row = services.comprehensive_start(enterprise=enterprise, purpose="honour", matter="荣誉推荐",
                                       actor=federation)
    client.force_login(federation)
    response = client.post(reverse("integrity:comprehensive_detail", args=[row.pk]),
                           {"action": "federation_opinion", "text": "意" * 5001})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-text" data-field="text"' in page and "意" * 5001 in page


def test_a_refused_bribery_query_and_answer(client, make_user, workday_calendar, listed):
    credit, _user, enterprise, _listing = listed
    client.force_login(credit)
    response = client.post(reverse("integrity:bribery"), {"uscc": enterprise.uscc, "purpose": "投" * 301})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-purpose" data-field="purpose"' in page and "投" * 301 in page
    assert enterprise.uscc in page
    response = client.post(reverse("integrity:bribery"), {"uscc": "NOSUCHCODE", "purpose": "投标"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-uscc" data-field="uscc"' in page and 'value="NOSUCHCODE"' in page
    assert not BriberyQuery.objects.exists()
    query = services.bribery_request(enterprise=enterprise, purpose="投标", actor=credit)
    response = client.post(reverse("integrity:bribery_answer", args=[query.pk]),
                           {"result": "perhaps", "text": "细节甲"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-result" data-field="result"' in page and 'value="细节甲"' in page
