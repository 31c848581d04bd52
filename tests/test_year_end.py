"""The demo district carried over the year's end, the cliff the platform must not fall off (the
calendar once stopped at 2026): loaded today, then the clock moved into the years after.

* Into the next year, whose working days are provisional until the State Council's notice is loaded
  (``core.calendar``): every job runs, and every page each demo role reaches opens.
* To the last working day of that provisional year, where a count of working days ahead (the urging and
  warning horizons) runs into a year nothing covers: the jobs that look ahead do what they can count
  (``core.calendar.LookAhead``); one with a record it cannot count skips it and its run fails, saying what
  it did, how many it skipped and which year to load — shown as needing attention; every page still opens.
* Into the year after that, which no loaded calendar covers: the jobs that must know whether today is a
  working day fail, each saying which year's calendar the administrator must load (not the message's
  template), and every page still opens.

Each date is a weekday morning of the first working week, taken relative to today so that the test
says the same thing next year.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from qinqing.core import clock, jobs
from qinqing.core.demo import DEMO_ACCOUNTS
from tests.test_chinese_text import walk_pages
from tests.test_navigation import _shared_client, demo_district  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def _first_monday_of(year: int) -> datetime.datetime:
    day = datetime.date(year, 1, 4)  # 1 January is a holiday every year; the 4th's week is a working one
    day += datetime.timedelta(days=-day.weekday() % 7)
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=ZONE)


def _server_errors(client) -> dict[str, int]:
    """Every page each demo role reaches from its home page in two steps (one of each kind, as
    tests/test_chinese_text.py walks them) that answers 500 or above."""
    from django.contrib.auth import get_user_model

    broken = {}
    for username in [account[0] for account in DEMO_ACCOUNTS]:
        client.cookies.clear()
        client.force_login(get_user_model().objects.get(username=username))
        statuses = {url: response.status_code for url, response in walk_pages(client)}
        assert len(statuses) > 3, f"{username} reached only {statuses}"
        broken.update({f"{username} {url}": status for url, status in statuses.items() if status >= 500})
    return broken


def test_the_district_runs_into_next_year_every_job_and_every_page(_shared_client):  # noqa: F811
    with time_machine.travel(_first_monday_of(clock.today().year + 1), tick=False):
        failed = [report for report in jobs.run_all() if not report.ok]
        assert not failed, failed
        broken = _server_errors(_shared_client)
    assert not broken, broken


def test_a_year_no_calendar_covers_fails_the_jobs_that_need_it_by_name_and_pages_still_open(_shared_client):  # noqa: F811
    year = clock.today().year + 2
    with time_machine.travel(_first_monday_of(year), tick=False):
        failed = [report for report in jobs.run_all() if not report.ok]
        broken = _server_errors(_shared_client)
    # the reminders run on working days only: whether today is one cannot be known
    assert {"liaison.reminders", "policy.reminders"} <= {report.name for report in failed}, failed
    for report in failed:
        assert f"{year} 年工作日历尚未载入" in report.summary and "%(" not in report.summary, report
    assert not broken, broken


def test_the_last_day_of_the_provisional_year_the_jobs_that_look_ahead_do_what_they_can_count_and_pages_open(
        _shared_client):  # noqa: F811
    """A follow-up due today is reminded; one due early in the year after may or may not be within the
    three working days ahead: skipped. liaison.reminders' run fails saying what it did, that one record
    could not be counted and which year to load (the health check: needing attention); every other job
    — the appeals sweep, supervision's notices and duties, policy, commitments — runs."""
    from qinqing.liaison import services as liaison
    from qinqing.liaison.models import FollowUp, Meeting, MeetingStatus, Reminder

    year = clock.today().year + 1
    last_workday = datetime.date(year, 12, 31)
    while last_workday.weekday() >= 5:  # 31 December on a weekend: the Friday before
        last_workday -= datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(last_workday, datetime.time(9, 0), tzinfo=ZONE),
                             tick=False):
        meeting = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("pk").first()
        today_due, beyond = (
            liaison.follow_up_add(meeting=meeting, task=task, due_on=due, actor=meeting.created_by)
            for task, due in (("梳理企业诉求清单", last_workday),
                              ("协调新春用工", datetime.date(year + 1, 1, 5)))
        )
        failed = {report.name: report.summary for report in jobs.run_all() if not report.ok}
        health = {row.job.name: row for row in jobs.health()}
        broken = _server_errors(_shared_client)
    assert list(failed) == ["liaison.reminders"], failed
    summary = failed["liaison.reminders"]
    assert "发出提醒" in summary and "另有 1 条记录无法按工作日计算" in summary, summary
    assert f"{year + 1} 年工作日历尚未载入" in summary and "%(" not in summary, summary
    assert health["liaison.reminders"].problem == "last_run_failed"
    assert Reminder.objects.filter(follow_up=today_due).exists()
    assert not Reminder.objects.filter(follow_up=beyond).exists()
    assert FollowUp.objects.filter(pk__in=[today_due.pk, beyond.pk], done_on__isnull=True).count() == 2
    assert not broken, broken
