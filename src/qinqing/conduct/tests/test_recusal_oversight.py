"""District leaders and administrators decide recusals (article 15 item 7) on their own page: the
recusal workflow admits them (conduct.services.OVERSIGHT), conduct:recusals_pending lists what
awaits a decision and conduct:recusal_oversee decides it through conduct.services.recusal_decide."""

import pytest
from django.urls import reverse

from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories

from .. import services
from ..models import Recusal, RecusalStatus

pytestmark = pytest.mark.django_db


def _apply(people, official=None, user=None, matter_id="A-1"):
    return services.recusal_report(
        official=official or people.official,
        matter_type="appeal",
        matter_id=matter_id,
        enterprise=people.enterprise,
        description="配偶持股",
        apply=True,
        actor=user or people.official_user,
    )


def _decide(client, recusal, decision="approve", reason="同意回避"):
    return client.post(
        reverse("conduct:recusal_oversee", kwargs={"pk": recusal.pk}),
        {"decision": decision, "reason": reason},
    )


def _events(recusal):
    return list(AuditEvent.objects.filter(object_type="conduct.Recusal", object_id=str(recusal.pk))
                .order_by("seq").values_list("action", flat=True))


def test_a_district_leader_sees_pending_recusals_and_approves_one(people, client, make_user):
    pending = _apply(people)
    reported = services.recusal_report(
        official=people.other, matter_type="appeal", matter_id="A-2", actor=people.other_user
    )
    decided = _apply(people, matter_id="A-3")
    services.recusal_decide(recusal=decided, approve=False, reason="无须回避", actor=people.leader_user)
    district_leader = make_user(Role.DISTRICT_LEADER)
    client.force_login(district_leader)

    page = client.get(reverse("conduct:recusals_pending"))
    assert page.status_code == 200
    listed = {recusal.pk for recusal in page.context["recusals"]}
    assert listed == {pending.pk, reported.pk}, "pending and reported, not decided"
    html = page.content.decode()
    assert (
        "张三" in html
        and "王领导" in html
        and reverse("conduct:recusal_oversee", kwargs={"pk": pending.pk}) in html
    )
    assert reverse("conduct:recusals_pending") in html, "the conduct menu offers the page"

    response = _decide(client, pending)
    assert response.status_code == 302 and response["Location"] == reverse("conduct:recusals_pending")
    pending.refresh_from_db()
    assert pending.status == RecusalStatus.APPROVED and pending.decided_by == district_leader
    assert pending.decision_reason == "同意回避" and pending.decided_at is not None
    assert _events(pending) == ["conduct.recusal.apply", "conduct.recusal.approve"]
    event = AuditEvent.objects.filter(action="conduct.recusal.approve").get()
    assert event.details["article"] == "15.7"
    assert {
        recusal.pk for recusal in client.get(reverse("conduct:recusals_pending")).context["recusals"]
    } == {reported.pk}


def test_an_administrator_rejects_a_reported_conflict(people, client, make_user):
    reported = services.recusal_report(
        official=people.official, matter_type="appeal", matter_id="B-1", actor=people.official_user
    )
    administrator = make_user(Role.ADMINISTRATOR)
    client.force_login(administrator)
    assert _decide(client, reported, decision="reject", reason="关联已终止").status_code == 302
    reported.refresh_from_db()
    assert reported.status == RecusalStatus.REJECTED and reported.decided_by == administrator
    assert _events(reported)[-1] == "conduct.recusal.reject"


@pytest.mark.parametrize(
    "role",
    [
        Role.OFFICIAL,
        Role.SUPERVISING_LEADER,
        Role.DISCIPLINE_INSPECTOR,
        Role.DEPARTMENT_HANDLER,
        Role.ENTERPRISE_USER,
    ],
)
def test_other_roles_are_refused_and_nothing_changes(people, client, make_user, role):
    recusal = _apply(people)
    client.force_login(make_user(role))
    assert client.get(reverse("conduct:recusals_pending")).status_code == 403
    assert _decide(client, recusal).status_code == 403
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.PENDING and _events(recusal) == ["conduct.recusal.apply"]


def test_the_supervising_leader_is_refused_here_and_decides_on_the_approvals_page(people, client):
    recusal = _apply(people)
    client.force_login(people.leader_user)
    assert client.get(reverse("conduct:recusals_pending")).status_code == 403
    assert _decide(client, recusal).status_code == 403
    assert (
        reverse("conduct:recusals_pending") not in client.get(reverse("conduct:approvals")).content.decode()
    )


def test_their_own_recusal_answers_404_and_is_not_listed(people, client, make_user):
    """A district leader who is an official too never decides their own recusal: not listed, 404 on the
    page, refused by the workflow in the service as well; an unknown recusal is 404 alike."""
    district_leader = make_user(Role.DISTRICT_LEADER, Role.OFFICIAL)
    own_official = factories.make_official(
        unit=people.unit, name="陈区长", position="副区长", user=district_leader
    )
    own = _apply(people, official=own_official, user=district_leader)
    other = _apply(people)
    client.force_login(district_leader)
    assert {
        recusal.pk for recusal in client.get(reverse("conduct:recusals_pending")).context["recusals"]
    } == {other.pk}
    assert _decide(client, own).status_code == 404
    missing = Recusal(pk=Recusal.objects.order_by("-pk").first().pk + 1)
    assert _decide(client, missing).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.recusal_decide(recusal=own, approve=True, reason="", actor=district_leader)
    own.refresh_from_db()
    assert own.status == RecusalStatus.PENDING and _events(own) == ["conduct.recusal.apply"]


def test_a_recusal_decided_meanwhile_answers_409_on_the_list(people, client, make_user):
    recusal = _apply(people)
    services.recusal_decide(recusal=recusal, approve=True, reason="同意", actor=people.leader_user)
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = _decide(client, recusal, decision="reject", reason="迟来的决定")
    assert response.status_code == 409
    assert 'data-testid="recusal-error"' in response.content.decode()
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.APPROVED and recusal.decided_by == people.leader_user
    assert _events(recusal) == ["conduct.recusal.apply", "conduct.recusal.approve"]


def test_a_decision_must_be_chosen(people, client, make_user):
    recusal = _apply(people)
    client.force_login(make_user(Role.DISTRICT_LEADER))
    response = _decide(client, recusal, decision="", reason="写了理由")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="recusal-error"' in html and 'value="写了理由"' in html, (
        "the refusal is shown with what was typed"
    )
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.PENDING


def test_a_20000_character_reason_is_refused_on_the_page_and_nothing_is_decided(people, client, make_user):
    """Issue 20: lengths by purpose on every form (core.limits.REASON), the service checks them."""
    recusal = _apply(people)
    client.force_login(make_user(Role.DISTRICT_LEADER))
    response = _decide(client, recusal, reason="长" * 20_000)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="recusal-error"' in html and "最多 2000 个字符（当前 20000 个）" in html
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.PENDING and recusal.decision_reason == ""
    assert _events(recusal) == ["conduct.recusal.apply"]
    with pytest.raises(ServiceError) as error:
        services.recusal_report(official=people.official, matter_type="appeal", matter_id="X" * 65,
                                actor=people.official_user)
    assert (error.value.code, error.value.field) == ("too_long", "matter_id")
