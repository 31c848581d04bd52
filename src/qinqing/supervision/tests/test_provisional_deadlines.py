"""The report and reminder deadlines counted on the provisional 2027 are counted again when the 2027 notice
is loaded (core.calendar.deadlines): the real 2024–2026 calendar, 2027 provisional, and a 2027 notice whose
Spring Festival make-up days are 13 and 20 February where the provisional schedule works Sunday 31 January.
"""

import datetime

import pytest

from qinqing.core import audit
from qinqing.core.calendar.services import calendar_notice_load
from qinqing.core.models import AuditEvent, DeadlineBasis
from qinqing.core.roles import Role
from qinqing.core.testing import NOTICE_2027
from qinqing.directory.tests import factories as directory
from qinqing.supervision import services
from qinqing.supervision.models import Message, MessageKind, Report

from .test_reports import _submit, office  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
D = datetime.date
ACTION = "supervision.report.deadline_recount"


def _accepted(inspector, **extra) -> Report:
    report, _code = _submit(**extra)
    services.assign(report=report, inspector=inspector, actor=inspector)
    return services.report_accept(report=report, actor=inspector)


def test_loading_the_2027_notice_moves_the_deadlines_of_open_reports_and_reminders(
        office, frozen_clock, make_user):  # noqa: F811
    inspector, _other = office
    frozen_clock("2026-11-06 10:00")  # a priority report accepted: 60 working days to verify
    verifying = _accepted(inspector)
    assert verifying.verify_due == D(2027, 1, 31), "the provisional schedule works Sunday 31 January"
    frozen_clock("2027-01-04 10:00")  # 2027 not yet loaded: still provisional
    reminder = services.reminder_create(official=directory.make_official(name="孙某"), concern="苗头性问题",
                                        actor=inspector)
    assert reminder.follow_up_due == D(2027, 1, 31)
    frozen_clock("2027-01-11 10:00")  # 15 working days to accept, 15 to tell the result
    waiting, _code = _submit(category="other")
    assert (waiting.accept_due, waiting.accept_provisional) == (D(2027, 1, 31), True)
    declined, _code = _submit(category="other")
    services.assign(report=declined, inspector=inspector, actor=inspector)
    services.report_decline(report=declined, reason="不属于受理范围", actor=inspector)
    concluded = _accepted(inspector)
    services.report_dispose(report=concluded, disposal="preliminary", actor=inspector)
    concluded = services.report_conclude(report=concluded, finding="unsubstantiated",
                                         conclusion="经核查不属实", actor=inspector)
    assert concluded.result_due == D(2027, 1, 31) and concluded.verify_due > D(2027, 1, 31)
    told_before = Message.objects.filter(report=waiting, kind=MessageKind.NOTICE).count()

    admin = make_user(Role.ADMINISTRATOR)
    calendar_notice_load(text=NOTICE_2027, actor=admin)

    for row in (verifying, reminder, waiting, declined, concluded):
        row.refresh_from_db()
    assert verifying.verify_due == D(2027, 2, 1)
    assert reminder.follow_up_due == D(2027, 2, 1)
    assert (waiting.accept_due, waiting.accept_provisional) == (D(2027, 2, 1), False)
    assert concluded.result_due == D(2027, 2, 1)
    assert declined.accept_due == D(2027, 1, 31), "a declined report's acceptance is decided: left as it was"
    event = AuditEvent.objects.get(action=ACTION, object_id=str(waiting.pk))
    assert event.actor_label == admin.username
    assert (event.details["calendar_year"], event.details["field"], event.details["due_before"],
            event.details["due_after"]) == (2027, "accept_due", "2027-01-31", "2027-02-01")
    assert "accept_due" in event.changes and "accept_provisional" in event.changes
    assert AuditEvent.objects.filter(action="supervision.reminder.deadline_recount",
                                     object_id=str(reminder.pk)).count() == 1
    assert not AuditEvent.objects.filter(action=ACTION, object_id=str(declined.pk)).exists()
    # the reporter was told the acceptance date when filing: a notice read with the receipt code says it moved
    notices = Message.objects.filter(report=waiting, kind=MessageKind.NOTICE).order_by("pk")
    assert notices.count() == told_before + 1
    assert "2027-01-31" in notices.last().body and "2027-02-01" in notices.last().body
    assert not DeadlineBasis.objects.exists(), "official dates keep no basis"
    assert audit.verify_chain().ok


def test_a_deadline_counted_on_an_official_year_keeps_no_basis(office, frozen_clock):  # noqa: F811
    frozen_clock("2026-11-30 10:00")
    report, _code = _submit(category="other")
    assert report.accept_due.year == 2026 and not report.accept_provisional
    assert not DeadlineBasis.objects.exists()
