"""Background jobs (core.jobs) on django-q2: isolation, claims, retries with backoff, schedules
that make one task per period however many schedulers run, and the health page/endpoint."""

import contextlib
import datetime
import queue as std_queue
import re
import threading
from multiprocessing import Value

import pytest
from django.db import connection, connections
from django.urls import reverse
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule, Task
from django_q.monitor import save_task
from django_q.scheduler import scheduler
from django_q.signing import SignedPackage
from django_q.worker import worker

from qinqing.core import clock, jobs
from qinqing.core.models import JobState
from qinqing.core.roles import Role

CALLS: list[str] = []


def good_job() -> str:
    CALLS.append("good")
    return "all fine"


def failing_job() -> str:
    CALLS.append("failing")
    raise RuntimeError("the calendar has no 2028")


def other_good_job() -> str:
    CALLS.append("other")
    return "done too"


@pytest.fixture
def test_jobs():
    """Three periodic test jobs in place of the real ones (restored afterwards)."""
    saved = dict(jobs._JOBS)
    jobs._JOBS.clear()
    CALLS.clear()
    for job in (
        jobs.Job("test.good", "qinqing.core.tests.test_jobs.good_job", "good", every_minutes=10),
        jobs.Job(
            "test.failing", "qinqing.core.tests.test_jobs.failing_job", "failing", every_minutes=10, retries=2
        ),
        jobs.Job("test.other", "qinqing.core.tests.test_jobs.other_good_job", "other", every_minutes=10),
    ):
        jobs.register(job)
    yield
    jobs._JOBS.clear()
    jobs._JOBS.update(saved)


def test_the_appeals_jobs_are_registered():
    names = {job.name for job in jobs.registered()}
    assert {"appeals.sweep", "appeals.notifications", "appeals.figures", "appeals.routing"} <= names


@pytest.mark.django_db
def test_a_failing_job_stops_no_other_and_each_outcome_is_recorded(test_jobs):
    reports = jobs.run_all()

    assert CALLS == ["failing", "good", "other"]  # every job ran, in name order, despite the failure
    assert {report.name: report.ok for report in reports} == {
        "test.failing": False,
        "test.good": True,
        "test.other": True,
    }
    good, failing = JobState.objects.get(name="test.good"), JobState.objects.get(name="test.failing")
    assert good.last_outcome == "ok" and good.last_summary == "all fine" and good.last_duration_ms is not None
    assert good.last_success_at is not None and good.running_since is None and good.runs == 1
    assert failing.last_outcome == "failed" and failing.last_error == "RuntimeError: the calendar has no 2028"
    assert (
        failing.consecutive_failures == 1
        and failing.last_success_at is None
        and failing.running_since is None
    )


@pytest.mark.django_db
def test_a_failed_job_is_retried_with_growing_pauses_then_no_more(test_jobs, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    with pytest.raises(RuntimeError):
        jobs.run("test.failing")
    retry = Schedule.objects.get(name="qinqing-retry:test.failing")
    assert retry.schedule_type == Schedule.ONCE and retry.func == jobs.RUN_FUNC
    assert retry.next_run == clock.now() + datetime.timedelta(seconds=60)
    assert "'attempt': 2" in retry.kwargs
    retry.delete()

    with pytest.raises(RuntimeError):
        jobs.run("test.failing", attempt=2)
    assert Schedule.objects.get(
        name="qinqing-retry:test.failing"
    ).next_run == clock.now() + datetime.timedelta(seconds=120)
    Schedule.objects.filter(name__startswith="qinqing-retry:").delete()

    with pytest.raises(RuntimeError):
        jobs.run("test.failing", attempt=3)  # retries=2: the third attempt was the last
    assert not Schedule.objects.filter(name__startswith="qinqing-retry:").exists()
    assert JobState.objects.get(name="test.failing").consecutive_failures == 3


@pytest.mark.django_db
def test_a_job_already_running_elsewhere_is_skipped_until_its_claim_expires(test_jobs, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    JobState.objects.create(name="test.good", running_since=clock.now(), run_token="another-worker")
    assert jobs.run("test.good").startswith("skipped")
    assert CALLS == []

    frozen_clock("2026-11-30 10:31")  # the job's time limit (30 minutes) has passed: that worker died
    assert jobs.run("test.good") == "all fine"
    state = JobState.objects.get(name="test.good")
    assert CALLS == ["good"] and state.running_since is None and state.run_token == ""


@pytest.mark.django_db
def test_schedules_follow_the_registered_jobs_once_each(test_jobs):
    jobs.sync_schedules()
    jobs.sync_schedules()  # a second worker starting: nothing doubles
    rows = Schedule.objects.filter(name__startswith=jobs.SCHEDULE_PREFIX)
    assert sorted(rows.values_list("name", flat=True)) == [
        "qinqing:test.failing",
        "qinqing:test.good",
        "qinqing:test.other",
    ]
    assert {row.schedule_type for row in rows} == {Schedule.MINUTES} and {row.minutes for row in rows} == {10}

    jobs.unregister("test.other")
    jobs.sync_schedules()
    assert not Schedule.objects.filter(name="qinqing:test.other").exists()


def _work_off_the_queue(broker) -> list[dict]:
    """What a cluster's pusher, worker and monitor do, in this process: take each task from
    the broker (a claim per task), run it, save and acknowledge the result."""
    tasks, results = std_queue.Queue(), std_queue.Queue()
    for _attempt in range(20):
        if not broker.queue_size():
            break
        for ack_id, package in broker.dequeue() or []:
            task = SignedPackage.loads(package)
            task["ack_id"] = ack_id
            tasks.put(task)
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    done = []
    while not results.empty():
        task = results.get()
        save_task(task, broker)
        if task["success"] or task.get("ack_failure"):
            broker.acknowledge(task["ack_id"])
        done.append(task)
    return done


@pytest.mark.django_db(transaction=True)
def test_on_the_queue_each_period_makes_one_task_per_job_and_a_failure_stops_no_other(
    test_jobs, frozen_clock
):
    frozen_clock("2026-11-30 10:00")
    jobs.sync_schedules()
    broker = get_broker()
    frozen_clock("2026-11-30 10:00:05")

    # Two clusters' schedulers wake up in the same period, each on its own connection: at
    # once on PostgreSQL (the second waits for the first's row locks); SQLite has one writer
    # at a time, so there they take turns.
    serial = threading.Lock() if connection.vendor != "postgresql" else contextlib.nullcontext()

    def schedule_round():
        try:
            with serial:
                scheduler(broker=broker)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=schedule_round) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert OrmQ.objects.count() == 3  # one task per job, not two

    frozen_clock("2026-11-30 10:00:06")  # (the ORM broker hands out tasks queued before now)
    done = _work_off_the_queue(broker)
    assert sorted(CALLS) == ["failing", "good", "other"]
    assert {task["args"][0]: task["success"] for task in done} == {
        "test.failing": False,
        "test.good": True,
        "test.other": True,
    }
    assert (
        OrmQ.objects.count() == 0
    )  # every task acknowledged, the failed one too (retries are ours, with backoff)
    assert Task.objects.filter(func=jobs.RUN_FUNC).count() == 3
    assert JobState.objects.get(name="test.failing").last_outcome == "failed"
    assert Schedule.objects.filter(name="qinqing-retry:test.failing").count() == 1

    scheduler(broker=broker)  # same period again: nothing new
    assert OrmQ.objects.count() == 0
    frozen_clock("2026-11-30 10:11")  # the next period, and past the failed job's first retry (10:01:06)
    scheduler(broker=broker)
    assert sorted(SignedPackage.loads(row.payload)["args"][0] for row in OrmQ.objects.all()) == [
        "test.failing", "test.failing", "test.good", "test.other"]
    assert not Schedule.objects.filter(name="qinqing-retry:test.failing").exists()  # a one-off: used up


# --- page and health endpoint ---------------------------------------------------------
@pytest.mark.django_db
def test_health_answers_503_while_a_job_fails_and_200_when_all_are_healthy(client, test_jobs, api_key):
    url = reverse("healthz_jobs")
    _key, monitor = api_key("jobs:read")
    jobs.run_all()

    response = client.get(url, HTTP_X_API_KEY=monitor)
    assert response.status_code == 503
    document = response.json()
    assert document["status"] == "failing"
    by_name = {job["name"]: job for job in document["jobs"]}
    assert by_name["test.failing"]["healthy"] is False and by_name["test.failing"]["last_outcome"] == "failed"
    assert by_name["test.failing"]["last_error"] == "RuntimeError: the calendar has no 2028"
    assert by_name["test.good"]["healthy"] is True and by_name["test.good"]["last_duration_ms"] is not None
    assert "notifications" in document and "manual" in document["notifications"]["by_status"]

    jobs.unregister("test.failing")
    response = client.get(url, HTTP_X_API_KEY=monitor)
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.django_db
def test_a_periodic_job_that_never_ran_is_unhealthy_once_its_first_run_is_overdue(
    client, test_jobs, api_key, frozen_clock
):
    _key, monitor = api_key("jobs:read")
    frozen_clock("2026-11-30 10:00")
    document = client.get(reverse("healthz_jobs"), HTTP_X_API_KEY=monitor).json()
    assert {job["problem"] for job in document["jobs"]} == {"never_succeeded"}  # not even scheduled

    jobs.register(
        jobs.Job(
            "test.nightly", "qinqing.core.tests.test_jobs.good_job", "nightly", daily_at=datetime.time(2, 30)
        )
    )
    jobs.sync_schedules()
    problems = {
        job["name"]: job["problem"]
        for job in client.get(reverse("healthz_jobs"), HTTP_X_API_KEY=monitor).json()["jobs"]
    }
    assert problems["test.nightly"] is None  # due tomorrow at 02:30: waiting is fine
    assert problems["test.good"] is None  # due now: the scheduler has half a minute, the run its time limit

    frozen_clock("2026-11-30 10:36")  # every-10-minutes jobs were due at 10:00 and never ran: no worker
    problems = {
        job["name"]: job["problem"]
        for job in client.get(reverse("healthz_jobs"), HTTP_X_API_KEY=monitor).json()["jobs"]
    }
    assert problems["test.good"] == "never_succeeded" and problems["test.nightly"] is None


@pytest.mark.django_db
def test_health_needs_the_scope_or_an_administrator(client, api_key, make_user):
    url = reverse("healthz_jobs")
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_X_API_KEY="qq_nope_nope").status_code == 401
    _key, other = api_key("appeals:read")
    assert client.get(url, HTTP_X_API_KEY=other).status_code == 403
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(url).status_code in (200, 503)


@pytest.mark.django_db
def test_the_jobs_page_shows_each_jobs_last_run_for_administrators_only(client, test_jobs, make_user):
    jobs.run_all()
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    assert client.get(reverse("core:jobs")).status_code == 403
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse("core:jobs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-job="test.failing"' in html and "RuntimeError: the calendar has no 2028" in html
    failing = re.search(r'data-job="test.failing".*?</tr>', html, re.S).group(0)
    assert "<td>失败</td>" in failing and "发送失败" not in failing  # a job's outcome, not an SMS's
    assert "all fine" in html and 'data-testid="no-worker"' in html  # no cluster reported in


@pytest.mark.django_db
def test_a_later_module_can_queue_a_run_now_or_at_a_deadline(test_jobs, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    assert jobs.enqueue("test.good")
    assert [SignedPackage.loads(row.payload)["args"] for row in OrmQ.objects.all()] == [("test.good",)]

    deadline = clock.now() + datetime.timedelta(days=3)
    jobs.enqueue("test.other", at=deadline, reminder="12345")
    one_off = Schedule.objects.get(name="qinqing-at:test.other")
    assert (
        one_off.schedule_type == Schedule.ONCE
        and one_off.next_run == deadline
        and "'reminder': '12345'" in one_off.kwargs
    )
    with pytest.raises(KeyError):
        jobs.enqueue("no.such.job")


@pytest.mark.django_db
def test_the_worker_command_runs_every_job_once_and_fails_when_one_failed(test_jobs):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    with pytest.raises(CommandError, match="some jobs failed"):
        call_command("worker", "--once", stdout=out)
    assert (
        "test.failing: FAILED RuntimeError" in out.getvalue() and "test.good: ok all fine" in out.getvalue()
    )
    assert sorted(CALLS) == ["failing", "good", "other"]

    out = StringIO()
    call_command("worker", "--once", "--job", "test.good", stdout=out)
    assert out.getvalue().strip() == "test.good: ok all fine"
    out = StringIO()
    call_command("worker", "--list", stdout=out)
    assert "test.failing" in out.getvalue() and "every 10 min" in out.getvalue()
    with pytest.raises(CommandError, match="unknown job"):
        call_command("worker", "--once", "--job", "nope")
