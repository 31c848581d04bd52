"""Leaders' liaison (article 7) and consultation before decisions (article 9)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.appeals.models import Appeal, Channel
from qinqing.core.errors import ConflictError, NotFound, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.liaison import selectors, services
from qinqing.liaison.models import DecisionStatus, ListStatus, MeetingKind, MeetingStatus, Outcome, Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    organ = directory.make_unit(name="区人民政府")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=organ, name="杨帆", user=staff)
    leader_a = directory.make_official(unit=organ, name="陈静", position="常务副区长")
    leader_b = directory.make_official(unit=organ, name="周明", position="副区长")
    key_1 = directory.make_enterprise(name="示范区恒通科技有限公司", is_key_enterprise=True)
    key_2 = directory.make_enterprise(name="示范区华信建设有限公司", is_key_enterprise=True)
    ordinary = directory.make_enterprise(name="示范区小店")
    return staff, leader_a, leader_b, key_1, key_2, ordinary


def test_coverage_shows_leaders_without_enterprises_and_key_enterprises_without_leaders_live(office):
    staff, official_a, official_b, key_1, key_2, ordinary = office
    a = services.leader_add(official=official_a, actor=staff)
    b = services.leader_add(official=official_b, actor=staff)
    data = selectors.coverage()
    assert {leader.pk for leader in data["leaders_without"]} == {a.pk, b.pk}
    assert {e.pk for e in data["enterprises_without"]} == {key_1.pk, key_2.pk}  # never the ordinary one

    link = services.link_add(leader=a, enterprise=key_1, actor=staff)
    data = selectors.coverage()
    assert [leader.pk for leader in data["leaders_without"]] == [b.pk]
    assert [e.pk for e in data["enterprises_without"]] == [key_2.pk]

    services.link_add(leader=a, enterprise=key_2, actor=staff)
    services.link_end(link=link, actor=staff)
    data = selectors.coverage()
    assert [e.pk for e in data["enterprises_without"]] == [key_1.pk]

    with pytest.raises(ServiceError) as refused:
        services.link_add(leader=b, enterprise=ordinary, actor=staff)
    assert refused.value.code == "not_key_enterprise" and refused.value.field == "enterprise"
    with pytest.raises(ConflictError):
        services.link_add(leader=a, enterprise=key_2, actor=staff)
    assert AuditEvent.objects.filter(action="liaison.leaderenterprise.end").count() == 1

    client = Client()
    client.force_login(staff)
    page = client.get(reverse("liaison:coverage")).content.decode()
    assert "示范区恒通科技有限公司" in page and "周明" in page


def test_a_responsibility_list_is_public_only_once_published_and_only_in_its_scope(office, make_user):
    staff, official_a, *_rest = office
    leader = services.leader_add(official=official_a, actor=staff)
    row = services.list_create(
        leader=leader, year=2026, title="2026年帮扶责任清单", content="每季度走访一次", actor=staff
    )
    anonymous = Client()
    url = reverse("liaison:list_public", kwargs={"pk": row.pk})
    assert anonymous.get(url).status_code == 404  # a draft, even by its id
    assert "2026年帮扶责任清单" not in anonymous.get(reverse("liaison:lists_public")).content.decode()

    services.list_publish(responsibility_list=row, scope=Scope.INTERNAL, actor=staff)
    assert anonymous.get(url).status_code == 404
    enterprise_user = make_user(Role.ENTERPRISE_USER)
    as_enterprise = Client()
    as_enterprise.force_login(enterprise_user)
    assert as_enterprise.get(url).status_code == 404
    as_staff = Client()
    as_staff.force_login(staff)
    assert as_staff.get(url).status_code == 200

    row.refresh_from_db()
    services.list_withdraw(responsibility_list=row, actor=staff)
    services.list_publish(responsibility_list=row, scope=Scope.ENTERPRISES, actor=staff)
    assert as_enterprise.get(url).status_code == 200 and anonymous.get(url).status_code == 404

    services.list_withdraw(responsibility_list=row, actor=staff)
    services.list_publish(responsibility_list=row, scope=Scope.PUBLIC, actor=staff)
    response = anonymous.get(url)
    assert response.status_code == 200 and "每季度走访一次" in response.content.decode()
    row.refresh_from_db()
    assert row.status == ListStatus.PUBLISHED
    with pytest.raises(PermissionDeniedError):
        services.list_withdraw(responsibility_list=row, actor=enterprise_user)


def test_a_problem_raised_at_a_roundtable_becomes_an_appeal_linked_to_the_meeting(office):
    staff, official_a, _b, key_1, key_2, ordinary = office
    leader = services.leader_add(official=official_a, actor=staff)
    meeting = services.meeting_schedule(
        kind=MeetingKind.ROUNDTABLE,
        title="第四季度企业恳谈会",
        scheduled_on=datetime.date(2026, 12, 2),
        leader=leader,
        enterprises=[key_1, key_2],
        participants="区发改局、区工商联",
        actor=staff,
    )
    with pytest.raises(ConflictError):  # not held yet: no minutes
        services.problem_raise(
            meeting=meeting, title="用地审批慢", text="厂房扩建用地审批超过半年", actor=staff
        )
    with pytest.raises(ServiceError) as future:
        services.meeting_hold(
            meeting=meeting, minutes="纪要", held_on=datetime.date(2026, 12, 5), actor=staff
        )
    assert future.value.field == "held_on"
    meeting = services.meeting_hold(meeting=meeting, minutes="听取企业意见三条", actor=staff)
    assert meeting.status == MeetingStatus.HELD
    with pytest.raises(ServiceError) as not_invited:
        services.problem_raise(meeting=meeting, title="x", text="y", enterprise=ordinary, actor=staff)
    assert not_invited.value.code == "not_invited"

    problem = services.problem_raise(
        meeting=meeting, title="用地审批慢", text="厂房扩建用地审批超过半年", enterprise=key_1, actor=staff
    )
    appeal = Appeal.objects.get(pk=problem.appeal_id)
    assert appeal.channel == Channel.ROUNDTABLE and appeal.enterprise == key_1 and appeal.due_at is not None
    assert "第四季度企业恳谈会" in appeal.content
    assert AuditEvent.objects.filter(action="appeals.appeal.file", object_id=str(appeal.pk)).exists()

    client = Client()
    client.force_login(staff)
    page = client.get(reverse("liaison:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert appeal.tracking_number in page and str(appeal.get_status_display()) in page
    assert appeal.due_at.strftime("%Y-%m-%d") in page

    follow_up = services.follow_up_add(
        meeting=meeting, task="协调自然资源局", due_on=datetime.date(2026, 12, 10), actor=staff
    )
    services.follow_up_done(follow_up=follow_up, result="已召开协调会", actor=staff)
    with pytest.raises(ConflictError):
        services.follow_up_done(follow_up=follow_up, result="again", actor=staff)


def test_the_problem_form_files_the_appeal_in_one_post(office):
    staff, official_a, _b, key_1, _key_2, _ordinary = office
    meeting = services.meeting_schedule(
        kind=MeetingKind.VISIT,
        title="走访恒通科技",
        enterprises=[key_1],
        scheduled_on=datetime.date(2026, 11, 30),
        actor=staff,
    )
    services.meeting_hold(meeting=meeting, minutes="走访纪要", actor=staff)
    client = Client()
    client.force_login(staff)
    url = reverse("liaison:problem_raise", kwargs={"pk": meeting.pk})
    assert client.post(url, {"title": "", "text": ""}).status_code == 400
    response = client.post(url, {"enterprise": key_1.pk, "title": "融资难", "text": "贷款续贷难"})
    assert response.status_code == 302
    assert Appeal.objects.get(liaison_problem__meeting=meeting).channel == Channel.VISIT


def test_a_decision_cannot_be_adopted_without_a_completed_consultation(office):
    staff, *_rest = office
    decision = services.decision_register(
        title="示范区工业用地弹性出让办法", summary="调整出让年期", actor=staff
    )
    with pytest.raises(ConflictError) as refused:
        services.decision_adopt(decision=decision, actor=staff)
    assert refused.value.code == "consultation_required" and "第九条" in refused.value.text()
    consultation = services.consultation_add(
        decision=decision, form="hearing", held_on=datetime.date(2026, 12, 3), actor=staff
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CONSULTING
    with pytest.raises(ConflictError):  # consulting, not completed
        services.decision_adopt(decision=decision, actor=staff)
    with pytest.raises(ServiceError) as missing:
        services.consultation_complete(consultation=consultation, conclusion="", actor=staff)
    assert missing.value.field == "conclusion"
    services.consultation_complete(consultation=consultation, conclusion="多数赞成", actor=staff)
    decision = services.decision_adopt(decision=decision, actor=staff)
    assert decision.status == DecisionStatus.ADOPTED
    event = AuditEvent.objects.filter(action="liaison.decision.adopt").get()
    assert event.details["article"] == "9"

    client = Client()
    client.force_login(staff)
    other = services.decision_register(title="另一决策", summary="x", actor=staff)
    response = client.post(reverse("liaison:decision_act", kwargs={"pk": other.pk}), {"action": "adopt"})
    assert response.status_code == 409 and 'data-field="status"' in response.content.decode()
    other.refresh_from_db()
    assert other.status == DecisionStatus.DRAFT


def test_the_federation_sees_its_invitation_gives_an_opinion_and_reads_the_answer(office, make_user):
    staff, _a, _b, key_1, key_2, _ordinary = office
    federation = make_user(Role.FEDERATION_STAFF)
    directory.make_official(unit=directory.make_unit(name="区工商业联合会"), name="吴刚", user=federation)
    enterprise_user, outsider = make_user(Role.ENTERPRISE_USER), make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=enterprise_user, enterprise=key_1)
    directory.make_membership(user=outsider, enterprise=key_2)
    decision = services.decision_register(title="示范区涉企收费清单调整", summary="取消三项收费", actor=staff)
    consultation = services.consultation_add(
        decision=decision,
        form="forum",
        held_on=datetime.date(2026, 12, 3),
        invite_federation=True,
        enterprises=[key_1],
        actor=staff,
    )

    as_federation = Client()
    as_federation.force_login(federation)
    assert "示范区涉企收费清单调整" in as_federation.get(reverse("liaison:invitations")).content.decode()
    url = reverse("liaison:invitation", kwargs={"pk": consultation.pk})
    assert as_federation.post(url, {"text": "建议同步公开收费依据"}).status_code == 302
    opinion = consultation.opinions.get()
    assert opinion.organisation == "区工商业联合会" and opinion.outcome == Outcome.PENDING

    as_outsider = Client()
    as_outsider.force_login(outsider)
    assert as_outsider.get(url).status_code == 404  # not invited: not found
    with pytest.raises(NotFound):
        services.opinion_submit(consultation=consultation, text="x", actor=outsider)
    services.opinion_submit(consultation=consultation, text="希望延长过渡期", actor=enterprise_user)

    services.consultation_complete(consultation=consultation, conclusion="采纳公开依据的建议", actor=staff)
    with pytest.raises(ConflictError) as unanswered:
        services.decision_adopt(decision=decision, actor=staff)
    assert unanswered.value.code == "opinions_unanswered"
    with pytest.raises(ServiceError) as why:
        services.opinion_answer(opinion=opinion, outcome=Outcome.NOT_ADOPTED, response="", actor=staff)
    assert why.value.field == "response"
    services.opinion_answer(
        opinion=opinion, outcome=Outcome.ADOPTED, response="收费依据将随清单公开", actor=staff
    )
    other = consultation.opinions.exclude(pk=opinion.pk).get()
    services.opinion_answer(
        opinion=other, outcome=Outcome.NOT_ADOPTED, response="过渡期已为六个月", actor=staff
    )
    with pytest.raises(ConflictError):  # closed: no more opinions
        services.opinion_submit(consultation=consultation, text="late", actor=federation)
    services.feedback_publish(decision=decision, feedback="采纳一条，未采纳一条（理由见下）", actor=staff)
    services.decision_adopt(decision=decision, actor=staff)

    page = as_federation.get(url).content.decode()
    assert "收费依据将随清单公开" in page and "过渡期已为六个月" not in page  # its own opinion only
    public = Client().get(reverse("liaison:feedback_public")).content.decode()
    assert "采纳一条" in public and "过渡期已为六个月" in public


def test_a_problem_raised_again_shows_the_earlier_appeals_progress(office):
    staff, _a, _b, key_1, _key_2, _ordinary = office
    first = services.meeting_schedule(
        kind=MeetingKind.ROUNDTABLE,
        title="恳谈会一",
        enterprises=[key_1],
        scheduled_on=datetime.date(2026, 11, 30),
        actor=staff,
    )
    services.meeting_hold(meeting=first, minutes="纪要", actor=staff)
    original = services.problem_raise(
        meeting=first, title="融资难", text="贷款续贷难，希望协调银行", enterprise=key_1, actor=staff
    ).appeal
    again = services.problem_raise(
        meeting=first, title="融资难", text="贷款续贷难，希望协调银行", enterprise=key_1, actor=staff
    ).appeal
    assert again.merged_into_id == original.pk
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("liaison:meeting_detail", kwargs={"pk": first.pk})).content.decode()
    assert page.count(original.tracking_number) == 2 and again.tracking_number not in page


def test_the_coverage_api_answers_the_gaps(office):
    staff, official_a, official_b, key_1, key_2, _ordinary = office
    a = services.leader_add(official=official_a, actor=staff)
    services.leader_add(official=official_b, actor=staff)
    services.link_add(leader=a, enterprise=key_1, actor=staff)
    client = Client()
    client.force_login(staff)
    data = client.get("/api/v1/liaison/coverage").json()
    assert data["key_enterprises"] == 2
    assert [row["name"] for row in data["leaders_without"]] == ["周明"]
    assert [row["uscc"] for row in data["enterprises_without"]] == [key_2.uscc]


def test_an_overdue_follow_up_is_marked_until_it_is_done(office):
    staff, *_rest = office
    meeting = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION,
        title="政企定期沟通会",
        scheduled_on=datetime.date(2026, 11, 20),
        actor=staff,
    )
    late = services.follow_up_add(
        meeting=meeting, task="梳理涉企收费清单", due_on=datetime.date(2026, 11, 25), actor=staff
    )
    services.follow_up_add(
        meeting=meeting, task="召开商会座谈", due_on=datetime.date(2026, 12, 5), actor=staff
    )
    client = Client()
    client.force_login(staff)
    url = reverse("liaison:meeting_detail", kwargs={"pk": meeting.pk})
    assert client.get(url).content.decode().count('class="overdue"') == 1
    services.follow_up_done(follow_up=late, result="已印发", actor=staff)
    assert 'class="overdue"' not in client.get(url).content.decode()


def test_the_federation_reads_the_communication_meetings_and_their_follow_ups(office, make_user):
    staff, *_rest = office
    meeting = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION,
        title="政企定期沟通会",
        scheduled_on=datetime.date(2026, 11, 27),
        participants="区工商联、区商会",
        actor=staff,
    )
    services.follow_up_add(
        meeting=meeting, task="梳理涉企收费清单", due_on=datetime.date(2026, 12, 5), actor=staff
    )
    federation = Client()
    federation.force_login(make_user(Role.FEDERATION_STAFF))
    page = federation.get(reverse("liaison:communication")).content.decode()
    assert "政企定期沟通会" in page and "梳理涉企收费清单" in page
    assert federation.get(reverse("liaison:meeting_detail", kwargs={"pk": meeting.pk})).status_code == 403


def test_an_enterprise_sees_the_meetings_it_was_invited_to_and_its_own_problems_only(office, make_user):
    staff, official_a, _b, key_1, key_2, ordinary = office
    mine, other = make_user(Role.ENTERPRISE_USER), make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=mine, enterprise=key_1)
    directory.make_membership(user=other, enterprise=ordinary)
    leader = services.leader_add(official=official_a, actor=staff)
    shared = services.meeting_schedule(
        kind=MeetingKind.ROUNDTABLE,
        title="第四季度企业恳谈会",
        scheduled_on=datetime.date(2026, 11, 27),
        leader=leader,
        enterprises=[key_1, key_2],
        actor=staff,
    )
    services.meeting_schedule(
        kind=MeetingKind.VISIT,
        title="走访示范区小店",
        scheduled_on=datetime.date(2026, 11, 26),
        leader=leader,
        enterprises=[ordinary],
        actor=staff,
    )
    services.meeting_hold(meeting=shared, minutes="听取企业意见", actor=staff)
    own = services.problem_raise(
        meeting=shared, title="用地审批慢", text="厂房扩建用地审批超过半年", enterprise=key_1, actor=staff
    )
    theirs = services.problem_raise(
        meeting=shared, title="融资难", text="贷款审批周期长", enterprise=key_2, actor=staff
    )
    own_appeal, their_appeal = Appeal.objects.get(pk=own.appeal_id), Appeal.objects.get(pk=theirs.appeal_id)

    client = Client()
    client.force_login(mine)
    response = client.get(reverse("liaison:my_meetings"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "第四季度企业恳谈会" in page and "2026-11-27" in page and "走访示范区小店" not in page
    assert str(MeetingKind.ROUNDTABLE.label) in page
    assert own_appeal.tracking_number in page and str(own_appeal.get_status_display()) in page
    assert their_appeal.tracking_number not in page and "融资难" not in page

    client.force_login(other)
    page = client.get(reverse("liaison:my_meetings")).content.decode()
    assert "走访示范区小店" in page and "第四季度企业恳谈会" not in page
    assert list(selectors.meetings_invited(other).values_list("title", flat=True)) == ["走访示范区小店"]
    assert Client().get(reverse("liaison:my_meetings")).status_code in (302, 403)
    client.force_login(staff)
    assert client.get(reverse("liaison:my_meetings")).status_code == 403
