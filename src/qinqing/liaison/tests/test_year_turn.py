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


def test_on_the_provisional_years_last_days_a_follow_up_it_can_count_is_reminded_one_it_cannot_skipped(
        office):  # noqa: F811
    """2024–2026 loaded, 2027 provisional: on Wednesday 2027-12-29 the follow-ups' warning horizon (three
    working days) runs into 2028, which nothing covers, and the job failed whole. A follow-up due Friday
    2027-12-31 is two working days away: reminded. One due 2028-01-05 may or may not be within three working
    days: skipped, no reminder. The run then fails, recorded by core.jobs as needing attention, saying one
    record could not be counted and that 2028's notice must be loaded."""
    from qinqing.core import jobs as core_jobs
    from qinqing.core.errors import ServiceError
    from qinqing.core.models import JobState
    from qinqing.liaison import services
    from qinqing.liaison.models import MeetingKind

    office["clock"]("2027-12-28 10:00")
    meeting = services.meeting_schedule(kind=MeetingKind.COMMUNICATION, title="政企沟通会",
                                        scheduled_on=datetime.date(2027, 12, 28), actor=office["staff"])
    services.meeting_hold(meeting=meeting, minutes="议定事项", actor=office["staff"])
    countable, beyond = (
        services.follow_up_add(meeting=meeting, task=task, unit=office["bureau"], due_on=due,
                               actor=office["staff"])
        for task, due in (("梳理企业用地需求", datetime.date(2027, 12, 31)),
                          ("协调企业用工", datetime.date(2028, 1, 5)))
    )

    office["clock"]("2027-12-29 10:00")
    with pytest.raises(ServiceError) as skipped:
        jobs.reminders()
    assert skipped.value.code == "calendar_year_not_loaded"
    assert (skipped.value.params["count"], skipped.value.params["year"]) == (1, 2028)
    reminded = Reminder.objects.filter(kind=ReminderKind.FOLLOW_UP_DUE)
    assert set(reminded.values_list("follow_up", "recipient_id")) == {
        (countable.pk, office["staff"].pk), (countable.pk, office["handler"].pk)}
    assert not Reminder.objects.filter(follow_up=beyond).exists()

    with pytest.raises(ServiceError):  # the same through the task queue's run: a failure naming the year
        core_jobs.run("liaison.reminders")
    state = JobState.objects.get(name="liaison.reminders")
    assert state.last_outcome == JobState.Outcome.FAILED
    assert "另有 1 条记录无法按工作日计算" in state.last_error
    assert "2028 年工作日历尚未载入" in state.last_error
    assert "发出提醒 0 条，已提醒过 2 条" in state.last_error  # what the run did, then what it skipped
    health = next(row for row in core_jobs.health() if row.job.name == "liaison.reminders")
    assert not health.healthy and health.problem == "last_run_failed"
    assert reminded.count() == 2  # reminded once
