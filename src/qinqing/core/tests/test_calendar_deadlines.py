"""core.calendar.deadlines with a basis the record keeps itself (``basis_fields``): the provisional
dates of open records are counted again when a year is loaded, records with a basis and no date yet
are counted, a moved date clears the fields named, and each change calls the callback it is for.

Run on the appeal (its ``due_at`` with ``due_start``, ``due_days``, ``due_provisional``) under a
test registration, so only the mechanism is looked at: the real 2024–2026 calendar, 2027 provisional,
and the 2027 notice of core.testing, whose Spring Festival make-up days are 13 and 20 February where
the provisional schedule works Sunday 31 January.
"""

import datetime

import pytest
from django.db.models import Q

from qinqing.appeals.models import OPEN_STATUSES, Appeal, Status
from qinqing.appeals.tests import factories
from qinqing.core import calendar
from qinqing.core.calendar import deadlines
from qinqing.core.calendar.services import calendar_notice_load
from qinqing.core.models import AuditEvent, DeadlineBasis
from qinqing.core.roles import Role
from qinqing.core.testing import NOTICE_2027

pytestmark = pytest.mark.django_db
D = datetime.date
ACTION = "test.appeal.deadline_recount"


@pytest.fixture
def on_the_record(monkeypatch):
    """Appeal.due_at registered with its basis on the record; the callbacks' calls kept."""
    calendar.invalidate()
    factories.load_calendar()
    monkeypatch.setattr(deadlines, "_specs", dict(deadlines._specs))
    calls = []
    deadlines.register(
        Appeal, "due_at", open=Q(status__in=OPEN_STATUSES), action=ACTION,
        provisional_field="due_provisional",
        basis_fields=("due_start", "due_days"), reset_on_move=("urged_on", "due_flagged_on"),
        moved=lambda record, change: calls.append(("moved", record.pk, change)),
        confirmed=lambda record, change: calls.append(("confirmed", record.pk, change)),
    )
    yield calls
    calendar.invalidate()


def _appeal(*, due, provisional, start, days, status=Status.TRIAGED, urged_on=None):
    """An appeal in the state named, written past the services (the audit chain is not looked at here)."""
    appeal = factories.file_appeal(received_at=D(2026, 11, 30))
    Appeal.objects.filter(pk=appeal.pk).update(status=status, due_at=due, due_provisional=provisional,
                                               due_start=start, due_days=days, urged_on=urged_on,
                                               due_flagged_on=urged_on)
    return appeal.pk


def test_a_basis_kept_on_the_record_is_counted_again_and_undated_records_are_counted(
        on_the_record, frozen_clock, make_user):
    calls = on_the_record
    admin = make_user(Role.ADMINISTRATOR)
    frozen_clock("2026-12-20 10:00")
    # 30 working days from Sunday 2026-12-20: Sunday 2027-01-31 is a provisional make-up day.
    assert calendar.deadline_info(D(2026, 12, 20), 30).due == D(2027, 1, 31)
    moved = _appeal(due=D(2027, 1, 31), provisional=True, start=D(2026, 12, 20), days=30,
                    urged_on=D(2027, 1, 29))
    confirmed = _appeal(due=D(2027, 1, 5), provisional=True, start=D(2026, 12, 28), days=5,
                        urged_on=D(2027, 1, 4))
    undated = _appeal(due=None, provisional=False, start=D(2026, 12, 31), days=1)
    closed = _appeal(due=D(2027, 1, 31), provisional=True, start=D(2026, 12, 20), days=30,
                     status=Status.CLOSED)
    official = _appeal(due=D(2026, 12, 25), provisional=False, start=D(2026, 12, 20), days=5)
    no_basis = _appeal(due=None, provisional=False, start=None, days=None)
    with pytest.raises(LookupError):
        deadlines.keep(Appeal.objects.get(pk=moved), "due_at", start=D(2026, 12, 20), days=30, actor=admin)

    calendar_notice_load(text=NOTICE_2027, actor=admin)

    rows = {row.pk: row for row in Appeal.objects.all()}
    assert (rows[moved].due_at, rows[moved].due_provisional) == (D(2027, 2, 1), False)
    assert (rows[moved].urged_on, rows[moved].due_flagged_on) == (None, None), "urged for the old date"
    assert (rows[confirmed].due_at, rows[confirmed].due_provisional, rows[confirmed].urged_on) == (
        D(2027, 1, 5), False, D(2027, 1, 4)), "the date did not move: its urging stands"
    assert (rows[undated].due_at, rows[undated].due_provisional) == (D(2027, 1, 4), False)
    assert (rows[closed].due_at, rows[closed].due_provisional) == (D(2027, 1, 31), True), "closed: as it was"
    assert rows[official].due_at == D(2026, 12, 25) and rows[no_basis].due_at is None
    assert not DeadlineBasis.objects.exists(), "the basis stays on the record"

    assert [(kind, pk) for kind, pk, _change in calls] == [("moved", moved), ("confirmed", confirmed),
                                                           ("moved", undated)]
    assert [(change.before, change.after, change.params["old"]) for _kind, _pk, change in calls] == [
        (D(2027, 1, 31), D(2027, 2, 1), "2027-01-31"), (D(2027, 1, 5), D(2027, 1, 5), "2027-01-05"),
        (None, D(2027, 1, 4), "")]
    events = {int(event.object_id): event for event in AuditEvent.objects.filter(action=ACTION)}
    assert set(events) == {moved, confirmed, undated}
    assert events[moved].details | {"source": ""} == {
        "reason": "calendar_year_loaded", "calendar_year": 2027, "source": "", "field": "due_at",
        "start": "2026-12-20", "days": 30, "due_before": "2027-01-31", "due_after": "2027-02-01",
        "provisional": False, "told": False}
    assert {"due_at", "due_provisional", "urged_on"} <= set(events[moved].changes)
    assert set(events[confirmed].changes) == {"due_provisional"}
    assert (events[undated].details["due_before"], events[undated].details["due_after"]) == (
        None, "2027-01-04")
