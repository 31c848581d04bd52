"""The three time-limited tracks and the closed loop (article 8), with holiday weeks."""

import datetime

import pytest

from qinqing.core import audit, calendar
from qinqing.core.errors import ConflictError, NotFound, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.core.testing import in_english, make_api_key

from .. import selectors, services
from ..models import Appeal, Complexity, ExtensionStatus, Level, LimitKey, Satisfaction, Status, Track
from ..workflow import services as workflow_services
from ..workflow.sweep import run_sweep
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISING_LEADER)


@pytest.fixture
def unit():
    return factories.make_unit("区市场监管局")


@pytest.fixture
def handler(unit):
    return factories.make_handler(unit)


NATIONAL_DAY_EVE = D(2025, 9, 30)


def _assigned(
    supervisor,
    unit,
    *,
    track=Track.RESOLVE,
    complexity=Complexity.SIMPLE,
    received=NATIONAL_DAY_EVE,
    enterprise=None,
):
    appeal = factories.file_appeal(received_at=received, enterprise=enterprise)
    workflow_services.appeal_triage(appeal=appeal, track=track, complexity=complexity, actor=supervisor)
    return workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)


@pytest.mark.parametrize(
    ("received", "track", "complexity", "due"),
    [
        # 2025-09-30, the day before National Day (10-01..10-08 off, Saturday 10-11 a make-up day)
        (D(2025, 9, 30), Track.RESOLVE, Complexity.SIMPLE, D(2025, 10, 14)),
        (D(2025, 9, 30), Track.RESOLVE, Complexity.COMPLEX, D(2025, 10, 28)),
        (D(2025, 9, 30), Track.ESCALATE, Complexity.SIMPLE, D(2025, 10, 11)),
        (D(2025, 9, 30), Track.DECLINE, Complexity.SIMPLE, D(2025, 10, 11)),
        # 2026-02-13, before Spring Festival (Saturday 02-14 a make-up day, 02-15..02-23 off)
        (D(2026, 2, 13), Track.RESOLVE, Complexity.SIMPLE, D(2026, 2, 27)),
        (D(2026, 2, 13), Track.ESCALATE, Complexity.SIMPLE, D(2026, 2, 25)),
        (D(2026, 2, 13), Track.DECLINE, Complexity.SIMPLE, D(2026, 2, 25)),
    ],
)
def test_each_track_deadline_counts_working_days_across_the_holiday_week(
    supervisor, received, track, complexity, due
):
    appeal = factories.file_appeal(received_at=received)
    appeal = workflow_services.appeal_triage(
        appeal=appeal, track=track, complexity=complexity, actor=supervisor
    )
    assert appeal.due_at == due
    assert appeal.status == Status.TRIAGED


def test_administrator_changes_a_limit_and_new_triage_uses_it(supervisor, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    services.track_limit_set(key=LimitKey.RESOLVE_SIMPLE, value=2, actor=admin)
    appeal = factories.file_appeal(received_at=D(2025, 9, 30))
    assert workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor).due_at == D(
        2025, 10, 10
    )
    assert audit.verify_chain().ok


def test_unit_objects_within_one_working_day_and_the_appeal_returns_to_triage(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, _official = handler
    frozen_clock(D(2025, 9, 26))  # Friday; Sunday 09-28 is a make-up workday
    appeal = _assigned(supervisor, unit, received=D(2025, 9, 26))
    frozen_clock(D(2025, 9, 28))
    appeal = workflow_services.appeal_object(appeal=appeal, reason="不属于本单位职责", actor=user)
    assert appeal.status == Status.TRIAGED and appeal.handling_unit is None
    assert appeal.objections.get().reason == "不属于本单位职责"


def test_objection_after_the_window_is_refused_and_nothing_changes(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, _official = handler
    frozen_clock(D(2025, 9, 26))
    appeal = _assigned(supervisor, unit, received=D(2025, 9, 26))
    frozen_clock(D(2025, 9, 29))
    with pytest.raises(ServiceError) as error:
        workflow_services.appeal_object(appeal=appeal, reason="太晚了", actor=user)
    assert error.value.code == "objection_window_closed" and error.value.field == "reason"
    appeal.refresh_from_db()
    assert (
        appeal.status == Status.ASSIGNED and appeal.handling_unit == unit and not appeal.objections.exists()
    )


def test_extension_before_the_deadline_is_approved_and_moves_it(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, _official = handler
    appeal = _assigned(supervisor, unit)  # due 2025-10-14
    frozen_clock(D(2025, 10, 13))
    request = workflow_services.extension_request(appeal=appeal, days=3, reason="需要现场勘验", actor=user)
    request = workflow_services.extension_decide(request=request, approve=True, actor=supervisor)
    appeal.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED and request.due_after == D(2025, 10, 17)
    assert appeal.due_at == D(2025, 10, 17)


def test_extension_after_the_deadline_or_beyond_the_cap_is_refused(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, _official = handler
    appeal = _assigned(supervisor, unit)  # due 2025-10-14
    frozen_clock(D(2025, 10, 15))
    with pytest.raises(ServiceError) as error:
        workflow_services.extension_request(appeal=appeal, days=3, reason="晚了", actor=user)
    assert error.value.code == "extension_too_late"
    frozen_clock(D(2025, 10, 10))
    with pytest.raises(ServiceError) as error:
        workflow_services.extension_request(appeal=appeal, days=11, reason="太长", actor=user)
    assert error.value.code == "extension_days"
    workflow_services.extension_request(appeal=appeal, days=2, reason="一次", actor=user)
    with pytest.raises(ServiceError) as error:
        workflow_services.extension_request(appeal=appeal, days=2, reason="第二次", actor=user)
    assert error.value.code == "extension_cap"
    assert appeal.extensions.count() == 1


def test_escalation_records_the_authority_and_stays_open_until_the_answer_is_relayed(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, _official = handler
    appeal = _assigned(supervisor, unit, track=Track.ESCALATE)
    frozen_clock(D(2025, 10, 10))
    appeal = workflow_services.appeal_escalate(
        appeal=appeal, authority="市自然资源局", reported_on=D(2025, 10, 10), actor=user
    )
    assert appeal.status == Status.ESCALATED and appeal.is_open
    assert appeal.escalations.get().authority == "市自然资源局"
    appeal = workflow_services.appeal_relay_higher_answer(
        appeal=appeal, answer="市局已同意调整用地指标", actor=user
    )
    assert appeal.status == Status.REPLIED and appeal.escalations.get().answer_relayed_at is not None


def test_decline_needs_reason_and_basis(supervisor, unit, handler):
    user, _official = handler
    appeal = _assigned(supervisor, unit, track=Track.DECLINE)
    with pytest.raises(ServiceError) as error:
        workflow_services.appeal_decline(appeal=appeal, reason="属于司法程序", basis="", actor=user)
    assert error.value.field == "basis"
    appeal = workflow_services.appeal_decline(
        appeal=appeal, reason="属于司法程序", basis="《民事诉讼法》", actor=user
    )
    assert appeal.status == Status.REPLIED and appeal.decline_basis == "《民事诉讼法》"


def test_reply_on_the_wrong_track_is_refused(supervisor, unit, handler):
    user, _official = handler
    appeal = _assigned(supervisor, unit, track=Track.DECLINE)
    with pytest.raises(ConflictError):
        workflow_services.appeal_reply(appeal=appeal, text="答复", actor=user)


def test_handler_of_another_unit_can_neither_see_nor_act_and_nothing_changes(supervisor, unit):
    appeal = _assigned(supervisor, unit)
    other_user, _official = factories.make_handler(factories.make_unit("区税务局"))
    with pytest.raises(NotFound):
        selectors.access_appeal(other_user, appeal.pk)
    before = audit.snapshot(Appeal.objects.get(pk=appeal.pk))
    with pytest.raises(PermissionDeniedError):
        workflow_services.appeal_reply(appeal=appeal, text="越权答复", actor=other_user)
    assert audit.snapshot(Appeal.objects.get(pk=appeal.pk)) == before


def test_conflicted_handler_is_refused_when_the_conduct_check_raises(monkeypatch, supervisor, unit, handler):
    user, official = handler
    appeal = _assigned(supervisor, unit, enterprise=factories.make_enterprise())

    class RecusalRequired(ServiceError):
        status = 409

    def refuse(**kwargs):
        assert kwargs["matter_type"] == "appeals.appeal" and kwargs["official"] == official
        raise RecusalRequired("must recuse", code="recusal_required", field="official")

    monkeypatch.setattr(workflow_services, "conflict_check", lambda: refuse)
    with pytest.raises(RecusalRequired):
        workflow_services.appeal_assign_handler(appeal=appeal, official=official, actor=user)
    appeal.refresh_from_db()
    assert appeal.handler is None and appeal.status == Status.ASSIGNED


def test_unconflicted_handler_passes_the_real_conduct_check(supervisor, unit, handler):
    user, official = handler
    appeal = _assigned(supervisor, unit, enterprise=factories.make_enterprise())
    assert workflow_services.conflict_check() is not None
    appeal = workflow_services.appeal_assign_handler(appeal=appeal, official=official, actor=user)
    assert appeal.handler == official and appeal.status == Status.IN_PROGRESS


def test_unsatisfied_rating_reopens_round_two_then_raises_to_district_leader(
    monkeypatch, supervisor, unit, handler, frozen_clock
):
    user, official = handler
    enterprise_user, enterprise = factories.make_enterprise_user()
    appeal = _assigned(supervisor, unit, enterprise=enterprise)
    workflow_services.appeal_assign_handler(appeal=appeal, official=official, actor=user)
    workflow_services.appeal_reply(appeal=appeal, text="已安排验收", actor=user)
    frozen_clock(D(2025, 10, 20))
    workflow_services.appeal_rate(
        appeal=appeal, satisfaction=Satisfaction.UNSATISFIED, comment="没有解决", actor=enterprise_user
    )
    appeal.refresh_from_db()
    assert appeal.round == 2 and appeal.status == Status.IN_PROGRESS and appeal.due_at == D(2025, 10, 27)
    workflow_services.appeal_reply(appeal=appeal, text="再次答复", actor=user)
    workflow_services.appeal_rate(appeal=appeal, satisfaction=Satisfaction.UNSATISFIED, actor=enterprise_user)
    appeal.refresh_from_db()
    assert appeal.level == Level.DISTRICT_LEADER and appeal.is_open


def test_full_loop_keeps_the_audit_chain_valid(supervisor, unit, handler):
    user, official = handler
    enterprise_user, enterprise = factories.make_enterprise_user()
    appeal = _assigned(supervisor, unit, enterprise=enterprise)
    workflow_services.appeal_assign_handler(appeal=appeal, official=official, actor=user)
    workflow_services.appeal_urge(appeal=appeal, actor=supervisor)
    workflow_services.appeal_reply(appeal=appeal, text="已办结", actor=user)
    rating = workflow_services.appeal_rate(
        appeal=appeal, satisfaction=Satisfaction.SATISFIED, actor=enterprise_user
    )
    workflow_services.appeal_revisit(appeal=appeal, notes="企业表示满意", actor=supervisor)
    appeal = workflow_services.appeal_close(appeal=appeal, actor=supervisor)
    assert rating.round == 1 and appeal.status == Status.CLOSED
    kinds = list(appeal.steps.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "triage",
        "assign",
        "assign_handler",
        "urge",
        "reply",
        "rate",
        "revisit",
        "close",
    ]
    result = audit.verify_chain()
    assert result.ok, result.problems


def test_wrong_role_cannot_rate_someone_elses_appeal(supervisor, unit, handler):
    user, _official = handler
    _owner, enterprise = factories.make_enterprise_user()
    stranger, _other = factories.make_enterprise_user()
    appeal = _assigned(supervisor, unit, enterprise=enterprise)
    workflow_services.appeal_reply(appeal=appeal, text="答复", actor=user)
    with pytest.raises(PermissionDeniedError):
        workflow_services.appeal_rate(appeal=appeal, satisfaction=Satisfaction.UNSATISFIED, actor=stranger)
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and not appeal.ratings.exists()


def test_sweep_urges_flags_moves_overdue_to_supervision_and_raises_second_rounds(supervisor, unit):
    due_soon = _assigned(supervisor, unit)  # due 2025-10-14
    overdue = _assigned(supervisor, unit, received=D(2025, 9, 1))  # due 2025-09-08
    second_round = _assigned(supervisor, unit, received=D(2025, 9, 2))
    workflow_services.appeal_reply(appeal=second_round, text="答复", actor=supervisor)
    # the hotline system relays a rating taken by phone (a district leader does not rate: issue 20)
    workflow_services.appeal_rate(
        appeal=second_round, satisfaction=Satisfaction.UNSATISFIED, actor=make_api_key("appeals:write")[0]
    )
    second_round.refresh_from_db()
    assert second_round.round == 2

    result = run_sweep(today=D(2025, 10, 13))
    assert result.urged == [due_soon.pk]
    assert overdue.pk in result.supervised
    overdue.refresh_from_db()
    assert overdue.level == Level.SUPERVISION and overdue.supervised_on == D(2025, 10, 13)
    # 09-09..09-30 has 17 working days (Sunday 09-28 is a make-up day), then 10-09, 10-10, 10-11, 10-13
    assert selectors.days_overdue(overdue, D(2025, 10, 13)) == 21
    assert overdue.pk in selectors.supervision_list().values_list("pk", flat=True)

    result = run_sweep(today=D(2025, 10, 14))
    assert result.flagged == [due_soon.pk] and not result.supervised and not result.urged
    assert (
        in_english(run_sweep(today=D(2025, 10, 14)).summary)
        .endswith("raised 0, moved to supervision 0, flagged 0, urged 0")
    )

    later = run_sweep(today=calendar.add_workdays(second_round.due_at, 1))
    assert second_round.pk in later.raised
    second_round.refresh_from_db()
    assert second_round.level == Level.DISTRICT_LEADER
    assert second_round.steps.filter(kind="raise_to_district_leader").exists()
    result = audit.verify_chain()
    assert result.ok, result.problems
