"""The visit frequency across the year's end (article 7): a responsibility list is yearly, so the
last period of the year ends in one year and is checked in the next."""

import datetime

import pytest

from qinqing.liaison import jobs
from qinqing.liaison.models import Reminder, ReminderKind, VisitPeriod
from qinqing.liaison.tests.test_reminders import _promise, office  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", [VisitPeriod.QUARTER, VisitPeriod.YEAR])
def test_the_last_period_of_the_year_that_ended_short_is_reminded_on_the_first_working_day_after(
        office, period):  # noqa: F811
    """A period that ended short is reminded once it has ended; the job looked only at this year's
    list, so on the first working day of 2027 the fourth quarter (or the whole year) of 2026 — ended
    with no visit — was never reminded, though every other quarter's is."""
    _promise(office, visits=2, period=period)  # 2026's list; no visit held all year
    office["clock"]("2027-01-04 10:00")  # Monday, the first working day of 2027 (no 2027 list yet)
    jobs.reminders()
    short = Reminder.objects.filter(kind=ReminderKind.FREQUENCY, key__startswith="short:")
    assert list(short.values_list("recipient_id", "due")) == [
        (office["leader_user"].pk, datetime.date(2026, 12, 31))
    ]
    jobs.reminders()
    assert short.count() == 1  # once
