"""Timeline steps are audited records (issue 19: "editing timeline steps, 0/20 detected")."""

import datetime

import pytest
from django.db import connection

from qinqing.core import audit
from qinqing.core.models import AuditEvent

from ..models import Appeal, AppealStep
from ..services import STEP_ADD
from ..workflow.sweep import run_sweep
from .factories import file_appeal

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _step_problems():
    return [p for p in audit.verify_chain().problems if p.startswith("appeals.AppealStep")]


def _step_events(step):
    return AuditEvent.objects.filter(object_type="appeals.AppealStep", object_id=str(step.pk))


def test_filing_records_the_first_step_and_verify_passes(workday_calendar):
    appeal = file_appeal()
    step = AppealStep.objects.get(appeal=appeal)
    event = _step_events(step).get()
    assert event.action == STEP_ADD and event.state_digest
    assert audit.verify_chain().ok


def test_a_step_edited_in_the_database_is_found(workday_calendar):
    step = AppealStep.objects.get(appeal=file_appeal())
    _sql("UPDATE appeals_appealstep SET text = %s WHERE id = %s", ["已办结", step.pk])
    problems = _step_problems()
    assert problems and "changed outside the services" in problems[0]
    assert f"appeals.AppealStep {step.pk} " in problems[0]


def test_a_step_inserted_or_deleted_in_the_database_is_found(workday_calendar):
    appeal = file_appeal()
    step = AppealStep.objects.get(appeal=appeal)
    _sql(
        "INSERT INTO appeals_appealstep (appeal_id, kind, actor_label, text, at) VALUES (%s, %s, %s, %s, %s)",
        [appeal.pk, "resolved", "x", "已办结", "2026-01-01 00:00:00+00:00"],
    )
    assert any("without any audit event" in p for p in _step_problems())
    _sql("DELETE FROM appeals_appealstep WHERE id = %s", [step.pk])
    assert any(f"{step.pk} was deleted outside the services" in p for p in _step_problems())


def test_steps_of_the_sweep_are_audited_one_event_each(workday_calendar):
    appeals = [file_appeal() for _ in range(3)]
    due = max(Appeal.objects.get(pk=a.pk).due_at for a in appeals)
    run_sweep(today=due + datetime.timedelta(days=30))
    swept = AppealStep.objects.filter(appeal__in=appeals).exclude(kind="received")
    assert swept.count() >= 3
    for step in swept:
        assert _step_events(step).count() == 1
    assert audit.verify_chain().ok


def test_a_workflow_step_is_audited_with_its_actor(workday_calendar):
    from ..services import _add_step

    appeal = file_appeal()
    from django.db import transaction

    with transaction.atomic():
        step = _add_step(appeal, "note", audit.SystemActor("tester"), "备注")
    event = _step_events(step).get()
    assert event.actor_label == "tester"
    assert event.changes["text"] == [None, "备注"]
    assert audit.verify_chain().ok
