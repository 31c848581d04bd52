"""One public timeline for the enterprise: its detail page, the portal status page and the API
never show an objection, the supervision office's urging or revisit notes; the handler sees them."""

import pytest
from django.urls import reverse

from qinqing.appeals import selectors
from qinqing.appeals.intake.channels import intake
from qinqing.appeals.models import Track
from qinqing.appeals.workflow import services
from qinqing.core.roles import Role

from . import factories

pytestmark = pytest.mark.django_db

OBJECTION_REASON = "本局不负责出口退税事项"
URGE_NOTE = "内部催办请加快办理"
REVISIT_NOTE = "回访记录企业负责人情绪激动"
REPLY = "退税已于今日到账"
PHONE = "13912345678"


@pytest.fixture
def handled(workday_calendar, make_user):
    """Assigned to the wrong unit, objected to, re-assigned, urged, replied and revisited."""
    wrong_unit, right_unit = factories.make_unit("区商务局"), factories.make_unit("区税务局")
    wrong_handler, _official = factories.make_handler(wrong_unit)
    handler, _official = factories.make_handler(right_unit)
    enterprise_user, enterprise = factories.make_enterprise_user()
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(
        enterprise=enterprise, contact_phone=PHONE, content="出口退税三个月没有到账"
    )
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=wrong_unit, actor=supervisor)
    services.appeal_object(appeal=appeal, reason=OBJECTION_REASON, actor=wrong_handler)
    services.appeal_assign(appeal=appeal, unit=right_unit, actor=supervisor)
    services.appeal_urge(appeal=appeal, text=URGE_NOTE, actor=supervisor)
    services.appeal_reply(appeal=appeal, text=REPLY, actor=handler)
    services.appeal_revisit(appeal=appeal, notes=REVISIT_NOTE, actor=handler)
    return {
        "appeal": appeal,
        "enterprise_user": enterprise_user,
        "handler": handler,
        "supervisor": supervisor,
    }


INTERNAL_TEXTS = (OBJECTION_REASON, URGE_NOTE, REVISIT_NOTE)


def test_public_timeline_leaves_out_the_objection_the_urging_and_the_revisit_notes(handled):
    appeal = handled["appeal"]
    kinds = [step.kind for step in selectors.public_timeline(appeal)]
    assert "object" not in kinds and "urge" not in kinds and "revisit" not in kinds
    assert "received" in kinds and "reply" in kinds
    everything = [step.kind for step in appeal.steps.all()]
    assert {"object", "urge", "revisit"} <= set(everything)
    assert intake.public_timeline is selectors.public_timeline  # the portal uses the very same selector


def test_enterprise_detail_page_shows_the_public_timeline_only(client, handled):
    client.force_login(handled["enterprise_user"])
    response = client.get(reverse("appeals:detail", args=[handled["appeal"].pk]))
    assert response.status_code == 200
    assert REPLY in response.text
    for text in INTERNAL_TEXTS:
        assert text not in response.text


def test_the_handler_sees_the_whole_timeline(client, handled):
    client.force_login(handled["handler"])
    response = client.get(reverse("appeals:detail", args=[handled["appeal"].pk]))
    assert response.status_code == 200
    for text in INTERNAL_TEXTS:
        assert text in response.text


def test_the_supervision_office_sees_the_whole_timeline(client, handled):
    client.force_login(handled["supervisor"])
    response = client.get(reverse("appeals:detail", args=[handled["appeal"].pk]))
    assert OBJECTION_REASON in response.text and URGE_NOTE in response.text


def test_portal_status_page_shows_the_same_public_timeline(client, handled, settings):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    response = client.post(reverse("appeals_channels:portal_status"),
                           {"tracking_number": handled["appeal"].tracking_number, "contact_phone": PHONE})
    assert response.status_code == 200
    assert REPLY in response.text
    for text in INTERNAL_TEXTS:
        assert text not in response.text


def test_api_timeline_for_the_enterprise_has_no_internal_step(client, handled):
    client.force_login(handled["enterprise_user"])
    response = client.get(f"/api/v1/appeals/{handled['appeal'].tracking_number}/timeline")
    assert response.status_code == 200
    body = response.json()
    assert body["reply"] == REPLY and body["handling_unit"] == "区税务局"
    kinds = [step["kind"] for step in body["steps"]]
    assert "reply" in kinds and not {"object", "urge", "revisit"} & set(kinds)
    assert not any(text in response.text for text in INTERNAL_TEXTS)
