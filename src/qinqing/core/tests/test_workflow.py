"""The workflow engine (core.workflow): the status is re-checked under the lock, a denied actor
or missing input changes nothing, and the step, outbox and audit event are written in the
transaction while delivery waits for the commit (and never happens on a rollback).

The engine is exercised on a throw-away workflow over the calendar's days (``kind`` as the
status: a holiday can be made a make-up workday and back), so these tests depend on no app.
"""

import datetime

import pytest
from django.db import transaction

from qinqing.core import audit, workflow
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent, CalendarDay, CalendarYear
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

pytestmark = pytest.mark.django_db

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY


class Hooks:
    """Records what the workflow's hooks saw, and when."""

    def __init__(self):
        self.steps, self.queued, self.delivered = [], [], []

    def step(self, day, action, actor, text):
        self.steps.append((day.pk, action, text, transaction.get_connection().in_atomic_block))

    def notify(self, day, text):
        self.queued.append(text)
        return f"outbox:{text}"

    def deliver(self, rows):
        self.delivered.append(list(rows))


@pytest.fixture
def hooks():
    return Hooks()


@pytest.fixture
def flow(hooks):
    return Workflow(
        name="tests.calendarday",
        model=CalendarDay,
        state_field="kind",
        actors={
            "admin": ActorRule(
                lambda actor, day: has_role(actor, Role.ADMINISTRATOR), roles=(Role.ADMINISTRATOR,)
            )
        },
        transitions={
            "make_workday": Transition((HOLIDAY,), WORKDAY, ("admin",), "3", requires={"name": "The name"}),
            "make_holiday": Transition((WORKDAY,), HOLIDAY, ("admin",), "3"),
            "rename": Transition((HOLIDAY, WORKDAY), None, ("admin",), "3"),
        },
        step=hooks.step,
        notify=hooks.notify,
        deliver=hooks.deliver,
        register=False,
    )


@pytest.fixture
def day(db):
    with transaction.atomic():  # audited like a service would, so the chain verifies
        year = CalendarYear.objects.create(
            year=2031, source="test", loaded_at=datetime.datetime(2030, 12, 1, tzinfo=datetime.UTC)
        )
        day = CalendarDay.objects.create(
            calendar_year=year, date=datetime.date(2031, 1, 1), kind=HOLIDAY, name="元旦"
        )
        audit.record_events(
            [
                {"actor": audit.SystemActor("test"), "action": "tests.create", "instance": row}
                for row in (year, day)
            ]
        )
    return day


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


def rename_to(name):
    def apply(locked):
        locked.name = name
        return Change(["name"], step=f"renamed {name}", notify=[f"now {name}"])

    return apply


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_a_transition_saves_adds_the_step_and_audit_event_and_delivers_only_after_commit(
    flow, hooks, day, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = workflow.transition(
            flow, day, "make_workday", actor=admin, apply=rename_to("补班"), data={"name": "补班"}
        )
        # Written in the transaction: the step and the outbox entry; nothing delivered yet.
        assert hooks.steps == [(day.pk, "make_workday", "renamed 补班", True)]
        assert hooks.queued == ["now 补班"] and hooks.delivered == []
    assert saved.kind == WORKDAY and saved.name == "补班"
    day.refresh_from_db()
    assert (day.kind, day.name) == (WORKDAY, "补班")
    event = events("tests.calendarday.make_workday").get()
    assert event.details == {"article": "3"} and event.changes["kind"] == [HOLIDAY, WORKDAY]
    assert len(callbacks) == 1 and hooks.delivered == []
    callbacks[0]()  # the commit
    assert hooks.delivered == [["outbox:now 补班"]]
    assert audit.verify_chain().ok


def test_the_status_is_rechecked_after_the_lock(flow, hooks, day, admin, django_capture_on_commit_callbacks):
    """The caller read the day as a holiday; meanwhile another writer made it a workday."""
    CalendarDay.objects.filter(pk=day.pk).update(kind=WORKDAY)
    assert day.kind == HOLIDAY  # the caller's stale copy
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ConflictError) as raised:
        workflow.transition(flow, day, "make_workday", actor=admin, apply=rename_to("x"), data={"name": "x"})
    error = raised.value
    assert (error.status, error.code, error.field) == (409, "invalid_transition", "kind")
    assert "article 3" in error.text() or "第3条" in error.text()
    assert (
        not events("tests.calendarday.make_workday").exists()
        and hooks.steps == hooks.queued == []
        and callbacks == []
    )
    assert CalendarDay.objects.get(pk=day.pk).name == "元旦"


def test_a_denied_actor_changes_nothing(flow, hooks, day, make_user, django_capture_on_commit_callbacks):
    applied = []

    def apply(locked):
        applied.append(locked)
        return Change(["name"])

    clerk = make_user(Role.DEPARTMENT_HANDLER)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(PermissionDeniedError) as raised:
        workflow.transition(flow, day, "make_workday", actor=clerk, apply=apply, data={"name": "x"})
    assert raised.value.status == 403
    assert applied == [] and hooks.steps == hooks.queued == [] and callbacks == []
    assert (
        CalendarDay.objects.get(pk=day.pk).kind == HOLIDAY
        and not events("tests.calendarday.make_workday").exists()
    )
    assert workflow.allowed_actions(flow, clerk, day) == []


def test_required_input_is_named_and_nothing_changes(flow, hooks, day, admin):
    with pytest.raises(ServiceError) as raised:
        workflow.transition(flow, day, "make_workday", actor=admin, apply=rename_to("x"), data={"name": "  "})
    assert (raised.value.code, raised.value.field, raised.value.status) == ("required", "name", 400)
    assert CalendarDay.objects.get(pk=day.pk).kind == HOLIDAY and hooks.steps == []


def test_nothing_is_delivered_when_the_surrounding_transaction_rolls_back(
    flow, hooks, day, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(
            flow, day, "make_workday", actor=admin, apply=rename_to("补班"), data={"name": "补班"}
        )
        raise RuntimeError("the caller fails after the transition")
    assert callbacks == [] and hooks.delivered == []
    assert (
        CalendarDay.objects.get(pk=day.pk).kind == HOLIDAY
        and not events("tests.calendarday.make_workday").exists()
    )


def test_an_error_in_apply_rolls_back_and_queues_nothing(
    flow, hooks, day, admin, django_capture_on_commit_callbacks
):
    def apply(locked):
        locked.name = "half done"
        locked.save(update_fields=["name"])
        raise ServiceError("no", field="name")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ServiceError):
        workflow.transition(flow, day, "rename", actor=admin, apply=apply)
    assert callbacks == [] and CalendarDay.objects.get(pk=day.pk).name == "元旦"


def test_a_transition_without_target_keeps_the_status_and_without_messages_delivers_nothing(
    flow, hooks, day, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.transition(flow, day, "rename", actor=admin, apply=lambda locked: Change([]))
    assert CalendarDay.objects.get(pk=day.pk).kind == HOLIDAY
    assert events("tests.calendarday.rename").count() == 1 and callbacks == []


def test_allowed_actions_follow_the_status_and_the_actor(flow, day, admin):
    assert workflow.allowed_actions(flow, admin, day) == ["make_workday", "rename"]
    day.kind = WORKDAY
    assert workflow.allowed_actions(flow, admin, day) == ["make_holiday", "rename"]


def test_the_declarations_are_data(flow):
    rows = {row["action"]: row for row in workflow.declared([flow])}
    assert rows["make_workday"] == {
        "workflow": "tests.calendarday",
        "action": "make_workday",
        "sources": [HOLIDAY],
        "target": WORKDAY,
        "who": ["admin"],
        "roles": [Role.ADMINISTRATOR],
        "api_key": False,
        "article": "3",
        "requires": ["name"],
    }
    assert "tests.calendarday" not in workflow.REGISTRY


def test_an_unknown_actor_rule_is_refused_when_declared():
    with pytest.raises(ValueError, match="nobody"):
        Workflow(name="tests.broken", model=CalendarDay, actors={}, register=False,
                 transitions={"x": Transition((HOLIDAY,), WORKDAY, ("nobody",), "3")})


def test_every_declared_workflow_is_consistent():
    """Each app's declarations: statuses are choices of the state field, every action names who
    may take it (with real roles) and cites one of the policy's 23 articles."""
    flows = workflow.registry()
    assert {"appeals.appeal", "conduct.activity", "conduct.recusal", "conduct.gift"} <= set(flows)
    for name, flow in flows.items():
        choices = {str(value) for value, _label in flow.model._meta.get_field(flow.state_field).choices}
        for action, rule in flow.transitions.items():
            where = f"{name}.{action}"
            assert rule.sources and {str(source) for source in rule.sources} <= choices, where
            assert rule.target is None or str(rule.target) in choices, where
            assert rule.who, where
            assert 1 <= int(rule.article.split(".")[0]) <= 23, where
            for rule_name in rule.who:
                assert {str(role) for role in flow.actors[rule_name].roles} <= set(Role.values), where
