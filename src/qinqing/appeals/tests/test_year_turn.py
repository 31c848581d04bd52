"""Appeals at the year's turn, on real schedules only (nothing invented for a year whose notice is
not published): the last published year here is 2025, so 2026 is the provisional year and 2027 is
covered by nothing until 2026's schedule is loaded."""

import datetime

import pytest

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.services import calendar_seed_years
from qinqing.core.models import AuditEvent

from ..workflow.deadlines import ACTION
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def published_until_2025(db):
    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025], actor=SystemActor("test"))
    calendar.invalidate()
    yield
    calendar.invalidate()


def test_an_appeal_filed_without_a_date_on_new_years_eve_gets_one_when_the_year_is_loaded(frozen_clock):
    """Filed on 31 December of the provisional year, its acknowledgement falls in a year no calendar
    covers: filed without a date (never refused). Loading that year's schedule recounts the deadlines;
    the appeal without a date was left out, so it never had a deadline, was never urged or overdue."""
    frozen_clock("2026-12-31 23:50")
    appeal = factories.file_appeal(received_at=D(2026, 12, 31))
    assert appeal.due_at is None and appeal.tracking_number.startswith("SQ20261231")

    frozen_clock("2027-01-01 00:10")
    calendar_seed_years(years=[2026], actor=SystemActor("test"))  # the real 2026 schedule; 2027 provisional
    appeal.refresh_from_db()
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 1, 4), True)
    step = appeal.steps.get(kind="deadline_recount")
    assert "2026-12-31" in step.text and "2027-01-04" in step.text
    told = appeal.notifications.order_by("-pk").first()
    assert appeal.tracking_number in told.text and "2027-01-04" in told.text
    event = AuditEvent.objects.filter(action=ACTION, object_id=str(appeal.pk)).get()
    assert event.details["due_before"] is None and event.details["due_after"] == "2027-01-04"
