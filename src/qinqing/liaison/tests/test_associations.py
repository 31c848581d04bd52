"""The federation and chambers of commerce as directory records (article 9): invited to consultations and
communication meetings by record; a chamber's account gives its opinion and reads the answer; the follow-ups
of a meeting are shown to the enterprises and chambers invited."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core.errors import ConflictError, NotFound, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory import services as directory_services
from qinqing.directory.models import AssociationKind
from qinqing.directory.tests import factories as directory
from qinqing.liaison import selectors, services
from qinqing.liaison.models import MeetingKind, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=directory.make_unit(name="区人民政府"), name="杨帆", user=staff)
    federation = directory_services.association_create(
        name="示范区工商业联合会", kind=AssociationKind.FEDERATION, actor=staff
    )
    chamber = directory_services.association_create(
        name="示范区温州商会", kind=AssociationKind.CHAMBER, actor=staff
    )
    other_chamber = directory_services.association_create(
        name="示范区餐饮行业协会", kind=AssociationKind.CHAMBER, actor=staff
    )
    federation_user = make_user(Role.FEDERATION_STAFF)
    directory_services.association_member_add(user=federation_user, association=federation, actor=staff)
    chamber_user = make_user(Role.FEDERATION_STAFF)
    directory_services.association_member_add(user=chamber_user, association=chamber, actor=staff)
    other_user = make_user(Role.FEDERATION_STAFF)
    directory_services.association_member_add(user=other_user, association=other_chamber, actor=staff)
    return {
        "staff": staff,
        "federation": federation,
        "chamber": chamber,
        "other_chamber": other_chamber,
        "federation_user": federation_user,
        "chamber_user": chamber_user,
        "other_user": other_user,
    }


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_records_are_created_once_and_audited(world):
    with pytest.raises(ConflictError):
        directory_services.association_create(
            name="示范区温州商会", kind=AssociationKind.CHAMBER, actor=world["staff"]
        )
    with pytest.raises(ServiceError) as refused:
        directory_services.association_create(name="某协会", kind="club", actor=world["staff"])
    assert refused.value.field == "kind"
    assert AuditEvent.objects.filter(action="directory.association.create").count() == 3
    assert AuditEvent.objects.filter(action="directory.associationmembership.create").count() == 3


def test_a_chamber_invited_by_record_gives_its_opinion_and_reads_the_answer(world):
    staff, chamber = world["staff"], world["chamber"]
    decision = services.decision_register(title="示范区涉企收费清单调整", summary="取消三项收费", actor=staff)
    consultation = services.consultation_add(
        decision=decision,
        form="forum",
        held_on=datetime.date(2026, 12, 3),
        invite_federation=False,
        associations=[chamber],
        actor=staff,
    )
    assert not consultation.invite_federation
    url = reverse("liaison:invitation", kwargs={"pk": consultation.pk})
    as_chamber, as_other, as_federation = (
        _client(world["chamber_user"]),
        _client(world["other_user"]),
        _client(world["federation_user"]),
    )
    assert "示范区涉企收费清单调整" in as_chamber.get(reverse("liaison:invitations")).content.decode()
    assert as_other.get(url).status_code == 404  # another chamber, not invited
    assert as_federation.get(url).status_code == 404  # the federation was not invited this time
    with pytest.raises(NotFound):
        services.opinion_submit(consultation=consultation, text="x", actor=world["other_user"])

    assert as_chamber.post(url, {"text": "建议保留过渡期"}).status_code == 302
    opinion = consultation.opinions.get()
    assert opinion.association == chamber and opinion.organisation == "示范区温州商会"
    services.opinion_answer(opinion=opinion, outcome=Outcome.PARTLY, response="过渡期定为三个月", actor=staff)
    page = as_chamber.get(url).content.decode()
    assert "过渡期定为三个月" in page
    staff_page = (
        _client(staff).get(reverse("liaison:decision_detail", kwargs={"pk": decision.pk})).content.decode()
    )
    assert "示范区温州商会" in staff_page


def test_inviting_the_federations_record_invites_the_federation(world):
    staff = world["staff"]
    decision = services.decision_register(title="产业用地调整", summary="出让年期", actor=staff)
    consultation = services.consultation_add(
        decision=decision,
        form="hearing",
        held_on=datetime.date(2026, 12, 8),
        invite_federation=False,
        associations=[world["federation"]],
        actor=staff,
    )
    assert consultation.invite_federation
    assert consultation.invited_names == ["示范区工商业联合会"]
    opinion = services.opinion_submit(
        consultation=consultation, text="建议放宽年期", actor=world["federation_user"]
    )
    assert opinion.association == world["federation"] and opinion.organisation == "示范区工商业联合会"
    # a chamber's account is not the federation's
    with pytest.raises(NotFound):
        services.opinion_submit(consultation=consultation, text="x", actor=world["chamber_user"])


def test_an_inactive_record_cannot_be_invited(world):
    chamber = world["other_chamber"]
    chamber.is_active = False
    chamber.save(update_fields=["is_active"])
    with pytest.raises(ServiceError) as refused:
        services.meeting_schedule(
            kind=MeetingKind.COMMUNICATION,
            title="沟通会",
            scheduled_on=datetime.date(2026, 12, 10),
            associations=[chamber],
            actor=world["staff"],
        )
    assert refused.value.field == "associations"


def test_communication_meetings_invite_by_record_and_their_follow_ups_reach_enterprises_and_chambers(
    world, make_user
):
    staff = world["staff"]
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司", is_key_enterprise=True)
    member = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=member, enterprise=enterprise)
    meeting = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION,
        title="第四季度政企沟通会",
        scheduled_on=datetime.date(2026, 11, 30),
        participants="区发改局",
        enterprises=[enterprise],
        associations=[world["federation"], world["chamber"]],
        actor=staff,
    )
    services.meeting_hold(meeting=meeting, minutes="议定两项事项", actor=staff)
    services.follow_up_add(
        meeting=meeting, task="研究商会会员企业融资对接", due_on=datetime.date(2026, 12, 15), actor=staff
    )
    assert AuditEvent.objects.filter(action="liaison.meetingassociation.add").count() == 2

    page = _client(staff).get(reverse("liaison:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "示范区温州商会" in page and "示范区工商业联合会" in page
    # the chamber invited reads the meeting and its follow-up; another chamber does not; the federation does
    assert (
        "研究商会会员企业融资对接"
        in _client(world["chamber_user"]).get(reverse("liaison:communication")).content.decode()
    )
    assert (
        "第四季度政企沟通会"
        not in _client(world["other_user"]).get(reverse("liaison:communication")).content.decode()
    )
    assert (
        "第四季度政企沟通会"
        in _client(world["federation_user"]).get(reverse("liaison:communication")).content.decode()
    )
    assert [m.pk for m in selectors.communication_meetings(world["other_user"])] == []
    # the enterprise invited sees the follow-up on its meetings page
    mine = _client(member).get(reverse("liaison:my_meetings")).content.decode()
    assert "研究商会会员企业融资对接" in mine and 'data-testid="my-follow-ups"' in mine


def test_the_meeting_and_consultation_forms_invite_by_record(world):
    staff = world["staff"]
    client = _client(staff)
    response = client.post(
        reverse("liaison:meetings"),
        {
            "kind": MeetingKind.COMMUNICATION,
            "title": "政企沟通会",
            "scheduled_on": "2026-12-10",
            "associations": [world["chamber"].pk],
        },
    )
    assert response.status_code == 302
    decision = services.decision_register(title="收费调整", summary="取消收费", actor=staff)
    response = client.post(
        reverse("liaison:decision_act", kwargs={"pk": decision.pk}),
        {
            "action": "consult",
            "form": "forum",
            "held_on": "2026-12-12",
            "associations": [world["chamber"].pk],
        },
    )
    assert response.status_code == 302
    consultation = decision.consultations.get()
    assert [row.association for row in consultation.association_invitations.all()] == [world["chamber"]]
    assert not consultation.invite_federation and consultation.invited_chambers == ""


def test_the_liaison_office_records_a_chamber_and_its_account_on_the_page(world, make_user):
    staff = world["staff"]
    client = _client(staff)
    url = reverse("liaison:associations")
    page = client.get(url).content.decode()
    assert "示范区温州商会" in page and world["chamber_user"].username in page
    response = client.post(url, {"action": "add", "name": "示范区服装商会", "kind": AssociationKind.CHAMBER})
    assert response.status_code == 302
    duplicate = client.post(url, {"action": "add", "name": "示范区服装商会", "kind": AssociationKind.CHAMBER})
    assert duplicate.status_code == 400 and "示范区服装商会" in duplicate.content.decode()
    bad_code = client.post(
        url, {"action": "add", "name": "另一商会", "kind": AssociationKind.CHAMBER, "uscc": "123"}
    )
    assert bad_code.status_code == 400
    from qinqing.directory.models import Association

    chamber = Association.objects.get(name="示范区服装商会")
    account = make_user(Role.FEDERATION_STAFF)
    assert (
        client.post(url, {"action": "member", "association": chamber.pk, "user": account.pk}).status_code
        == 302
    )
    assert (
        client.post(url, {"action": "member", "association": chamber.pk, "user": account.pk}).status_code
        == 400
    )
    assert chamber.memberships.get().user == account
    # an enterprise account may not open it (declared for the liaison office only)
    outsider = make_user(Role.ENTERPRISE_USER)
    assert _client(outsider).get(url).status_code == 403
    assert Association.objects.filter(name="另一商会").count() == 0
