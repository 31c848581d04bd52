"""A refused action on a conduct page answers 4xx on the page the form is on: the rule beside the field
it names (data-field), what was typed kept; never a redirect with a flash message."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import ActivityStatus, GiftDisposition
from .test_activities import draft

pytestmark = pytest.mark.django_db


def _refused(response, testid: str, field: str, status: int = 400) -> str:
    page = response.content.decode()
    assert response.status_code == status, response.status_code
    assert re.search(rf'data-testid="{testid}" data-field="{field}"', page), page
    return page


def test_a_refused_decision_comes_back_on_the_request_with_the_reason_typed(people, client):
    activity = services.activity_submit(
        actor=people.official_user, **draft(people, cost_per_head=Decimal("300"))
    )
    client.force_login(people.leader_user)
    url = reverse("conduct:activity_decide", args=[activity.pk])
    response = client.post(url, {"decision": "approve", "reason": "同意独特ABC"})
    page = _refused(response, "form-errors", "status")
    assert "同意独特ABC</textarea>" in page and 'data-testid="decision-form"' in page
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    _refused(client.post(url, {"decision": "maybe", "reason": "理由DEF"}), "error-decision", "decision")


def test_a_refused_report_keeps_what_was_typed(people, client):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    client.force_login(people.official_user)
    url = reverse("conduct:activity_report", args=[activity.pk])
    response = client.post(url, {"actual_cost_per_head": "一百", "actual_participants": "张三、李独特",
                                 "actual_participant_count": "2"})
    page = _refused(response, "error-actual_cost_per_head", "actual_cost_per_head")
    assert "张三、李独特</textarea>" in page and 'data-testid="report-form"' in page
    # past what the column holds: refused on its field (it reached PostgreSQL and answered 500)
    huge = "99999999999999999999"
    response = client.post(url, {"actual_cost_per_head": huge, "actual_participants": "张三",
                                 "actual_participant_count": huge})
    _refused(response, "error-actual_cost_per_head", "actual_cost_per_head")
    assert 'data-testid="error-actual_participant_count"' in response.content.decode()


def test_numbers_past_their_columns_are_refused_by_the_services_on_their_fields(people):
    """The API and the pages alike: the service names the field; nothing reaches the database."""
    from qinqing.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        services.activity_submit(actor=people.official_user,
                                 **draft(people, cost_per_head=Decimal("10000000")))
    assert refused.value.field == "cost_per_head" and refused.value.code == "out_of_range"
    with pytest.raises(ServiceError) as refused:
        services.activity_submit(actor=people.official_user, **draft(people, participant_count=2**31))
    assert refused.value.field == "participant_count"
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    with pytest.raises(ServiceError) as refused:
        services.activity_report(activity=activity, actual_cost_per_head=Decimal("1e20"),
                                 actual_participants="张三", actor=people.official_user)
    assert refused.value.field == "actual_cost_per_head"
    with pytest.raises(ServiceError) as refused:
        services.activity_report(activity=activity, actual_cost_per_head=Decimal("100"),
                                 actual_participants="张三", actual_participant_count=0,
                                 actor=people.official_user)
    assert refused.value.field == "actual_participant_count"


def test_a_refused_recusal_decision_comes_back_in_its_row(people, client):
    recusal = services.recusal_report(
        official=people.official, matter_type="appeal", matter_id="A-1", enterprise=people.enterprise,
        description="配偶持股", apply=True, actor=people.official_user,
    )
    client.force_login(people.leader_user)
    too_long = "理" * 2001
    response = client.post(reverse("conduct:recusal_decide", args=[recusal.pk]),
                           {"decision": "approve", "reason": too_long})
    page = _refused(response, "refusal", "reason")
    assert f'value="{too_long}"' in page


def test_an_ordered_recusal_refused_without_a_fitting_reason_keeps_it(people, client):
    recusal = services.recusal_order(
        official=people.official, matter_type="appeals.appeal", matter_id="21", reason="曾任顾问",
        actor=people.leader_user,
    )
    client.force_login(people.official_user)
    too_long = "不" * 2001
    response = client.post(reverse("conduct:my_recusals"), {"refuse": recusal.pk, "reason": too_long})
    page = _refused(response, "refusal", "reason")
    assert f'value="{too_long}"' in page
    assert 'data-testid="error-' not in page  # the declaration form below is not refused as well


def test_a_second_annual_confirmation_and_a_second_hand_in_are_refused_on_the_page(people, client):
    services.annual_confirm(official=people.official, actor=people.official_user)
    client.force_login(people.official_user)
    page = _refused(client.post(reverse("conduct:my_related_persons"), {"confirm": "1"}), "refusal", "year")
    assert 'data-testid="error-' not in page

    gift = services.gift_record(
        official=people.official, direction="received", kind="red_envelope", value=Decimal("500"),
        occurred_on=timezone.localdate() - datetime.timedelta(days=40), disposition="pending",
        giver_enterprise=people.enterprise, actor=people.official_user,
    )
    client.force_login(people.inspector)
    url = reverse("conduct:gift_hand_in", args=[gift.pk])
    assert client.post(url).status_code == 302
    gift.refresh_from_db()
    assert gift.disposition == GiftDisposition.HANDED_IN
    page = _refused(client.post(url), "refusal", "disposition", 409)  # handed in: the rule at the page's top
    assert re.search(r'<h1>.*?</h1>\s*<div class="errors" role="alert" data-testid="refusal"', page, re.S)
