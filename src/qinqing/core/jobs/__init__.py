"""Background jobs on the task queue (django-q2): registry, isolated runs, retries, health.

An app registers each of its jobs once, from its ``AppConfig.ready()``::

    jobs.register(jobs.Job("appeals.sweep", "qinqing.appeals.jobs.sweep", _("Deadline sweep"),
                           every_minutes=10))

* **Periodic** jobs (``every_minutes`` or ``daily_at``) become django-q2 ``Schedule`` rows
  named ``qinqing:<job>`` (``sync_schedules``, run after every ``migrate`` and when a worker
  starts). django-q2's scheduler takes due schedules under ``SELECT … FOR UPDATE`` (SQLite:
  the write lock of ``BEGIN IMMEDIATE``), so each period makes one task however many
  clusters run; the broker hands each task to one worker (ORM broker: a conditional UPDATE
  of its lock; Redis: ``BLPOP``).
* **On demand**: ``enqueue(name, **kwargs)`` puts one run on the queue (for a deadline job
  a later module wants to run at a given time, ``enqueue(name, at=moment)``).
* Every run goes through ``run(name)``: it claims the job (one conditional UPDATE on its
  ``JobState`` row, so the same job never runs twice at once, even when the queue and a
  person at the command line start it together), times it, records the outcome on the
  row and, when it failed, schedules a retry with exponential backoff. One job failing
  never stops another: each is its own task, and ``run_all`` (the demo's first run,
  ``./qinqing worker --once``) isolates each call.
* ``health()`` is what the jobs page and ``/healthz/jobs`` show.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .. import clock, district

logger = logging.getLogger("qinqing.core.jobs")

SCHEDULE_PREFIX = "qinqing:"
RETRY_PREFIX = "qinqing-retry:"
RUN_FUNC = "qinqing.core.jobs.run"


@dataclass(frozen=True)
class Job:
    """One background job. ``func`` is a dotted path (or a callable) taking the job's keyword
    arguments and returning a short summary (str or anything with ``summary()``)."""

    name: str
    func: str | Callable[..., Any]
    label: Any
    every_minutes: int | None = None  # periodic every N minutes
    daily_at: datetime.time | None = None  # periodic once a day at this district time
    retries: int = 3  # retries after a failure, with backoff
    backoff_seconds: int = 60  # first retry after this; doubled each time
    max_minutes: int = 30  # a claim older than this has expired (the worker died)
    description: Any = ""

    @property
    def periodic(self) -> bool:
        return bool(self.every_minutes or self.daily_at)

    @property
    def schedule_name(self) -> str:
        return SCHEDULE_PREFIX + self.name

    def expected_interval(self) -> datetime.timedelta | None:
        """How often a healthy periodic job finishes (for the health check)."""
        if self.every_minutes:
            return datetime.timedelta(minutes=self.every_minutes)
        if self.daily_at:
            return datetime.timedelta(days=1)
        return None

    def retry_delay(self, attempt: int) -> datetime.timedelta:
        """Seconds before retry ``attempt`` (2, 3, …): backoff, doubled each time, capped at the period."""
        seconds = self.backoff_seconds * 2 ** max(0, attempt - 2)
        interval = self.expected_interval()
        if interval is not None:
            seconds = min(seconds, max(self.backoff_seconds, int(interval.total_seconds())))
        return datetime.timedelta(seconds=seconds)


_JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Make ``job`` known (replaces a job of the same name)."""
    _JOBS[job.name] = job
    return job


def unregister(name: str) -> None:
    _JOBS.pop(name, None)


def registered() -> list[Job]:
    return [_JOBS[name] for name in sorted(_JOBS)]


def get(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise KeyError(f"no background job named {name!r}; known: {', '.join(sorted(_JOBS))}") from None


# --- locks ---------------------------------------------------------------------------
def exclusive(key: str) -> None:
    """Inside ``transaction.atomic()``: wait until no other transaction holds ``key``, then
    hold it until this one ends. PostgreSQL: a transaction-level advisory lock; SQLite needs
    none (settings open every transaction with ``BEGIN IMMEDIATE``, which already takes the
    database's one write lock)."""
    if not connection.in_atomic_block:
        raise RuntimeError("jobs.exclusive() must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


# --- runs ----------------------------------------------------------------------------
def _state_model():
    from ..models import JobState

    return JobState


def _ensure_state(name: str):
    JobState = _state_model()
    with contextlib.suppress(IntegrityError):  # created by another worker at the same moment
        JobState.objects.get_or_create(name=name)


def _claim(job: Job) -> str | None:
    """Take the job's claim with one conditional UPDATE; None when another run holds it."""
    JobState = _state_model()
    _ensure_state(job.name)
    now = clock.now()
    token = uuid.uuid4().hex
    expired = now - datetime.timedelta(minutes=job.max_minutes)
    taken = JobState.objects.filter(
        Q(running_since__isnull=True) | Q(running_since__lt=expired), name=job.name
    ).update(running_since=now, run_token=token, last_started_at=now)
    return token if taken else None


def _summary_of(result: Any) -> str:
    if result is None:
        return ""
    summary = result.summary() if hasattr(result, "summary") else result
    return str(summary)[:500]


def _finish(job: Job, token: str, *, ok: bool, duration_ms: int, summary: str = "", error: str = "") -> None:
    JobState = _state_model()
    now = clock.now()
    fields: dict[str, Any] = {
        "last_finished_at": now,
        "last_duration_ms": duration_ms,
        "last_outcome": JobState.Outcome.OK if ok else JobState.Outcome.FAILED,
        "runs": F("runs") + 1,
    }
    if ok:
        fields.update(last_summary=summary, last_error="", last_success_at=now, consecutive_failures=0)
    else:
        fields.update(
            last_error=error[:500],
            failures=F("failures") + 1,
            consecutive_failures=F("consecutive_failures") + 1,
        )
    released = JobState.objects.filter(name=job.name, run_token=token).update(
        running_since=None, run_token="", **fields
    )
    if not released:  # our claim expired and another run took it over: record the outcome, leave its claim
        JobState.objects.filter(name=job.name).update(**fields)


def run(name: str, attempt: int = 1, **kwargs) -> str:
    """Run one job now, in this process: what every queued task calls.

    Returns the job's summary. Raises the job's exception after recording it (so the queue
    keeps it among its failures too) and after scheduling the next attempt."""
    job = get(name)
    token = _claim(job)
    if token is None:
        logger.info("job %s is already running elsewhere; skipped", name)
        return f"skipped: {name} is already running"
    started = time.perf_counter()
    func = import_string(job.func) if isinstance(job.func, str) else job.func
    try:
        # A job may run from a page ("run now") in its user's language; what it writes is the district's.
        with district.language():
            result = func(**kwargs)
    except Exception as error:
        duration_ms = int((time.perf_counter() - started) * 1000)
        text = f"{type(error).__name__}: {error}"
        try:
            _finish(job, token, ok=False, duration_ms=duration_ms, error=text)
            retry = schedule_retry(job, attempt + 1, kwargs) if attempt <= job.retries else None
        except Exception:  # the database itself is failing: the queue still records the failure
            logger.exception("could not record the failure of job %s", name)
            retry = None
        logger.error("job %s failed (attempt %d%s): %s", name, attempt,
                     f", retry at {clock.local(retry):%H:%M:%S}" if retry else ", no retry left", text)
        raise
    summary = _summary_of(result)
    _finish(job, token, ok=True, duration_ms=int((time.perf_counter() - started) * 1000), summary=summary)
    return summary


def schedule_retry(job: Job, attempt: int, kwargs: dict | None = None) -> datetime.datetime:
    """A one-off schedule that runs the job again after its backoff delay."""
    at = clock.now() + job.retry_delay(attempt)
    _one_off(job, at=at, kwargs={**(kwargs or {}), "attempt": attempt}, name=f"{RETRY_PREFIX}{job.name}")
    return at


def _one_off(job: Job, *, at: datetime.datetime, kwargs: dict, name: str) -> None:
    from django_q.models import Schedule

    Schedule.objects.create(
        name=name[:100], func=RUN_FUNC, args=repr((job.name,)), kwargs=repr(kwargs),
        schedule_type=Schedule.ONCE, repeats=-1, next_run=at,
    )


def enqueue(name: str, *, at: datetime.datetime | None = None, **kwargs) -> str | None:
    """Queue one run of job ``name`` (now, or at ``at`` through a one-off schedule).
    Returns the queue's task id (None for a scheduled run)."""
    job = get(name)
    if at is not None:
        _one_off(job, at=at, kwargs=kwargs, name=f"qinqing-at:{job.name}")
        return None
    from django_q.tasks import async_task

    return async_task(
        RUN_FUNC, job.name, **kwargs, task_name=f"{job.name}-{uuid.uuid4().hex[:8]}", group=job.name
    )


@dataclass
class RunReport:
    name: str
    ok: bool
    summary: str


def run_all(names: list[str] | None = None) -> list[RunReport]:
    """Run each job once in this process, each isolated: a failing one is reported and the
    next one runs anyway. For the demo's first start and ``./qinqing worker --once``."""
    reports = []
    for job in registered():
        if names and job.name not in names:
            continue
        try:
            reports.append(RunReport(job.name, True, run(job.name)))
        except Exception as error:  # isolation: recorded on the job's state by run()
            reports.append(RunReport(job.name, False, f"{type(error).__name__}: {error}"))
    return reports


# --- schedules -----------------------------------------------------------------------
def _next_daily(at: datetime.time) -> datetime.datetime:
    now = clock.local(clock.now())
    moment = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return moment if moment > now else moment + datetime.timedelta(days=1)


def sync_schedules(**_signal_kwargs) -> int:
    """Make django-q2's schedules match the registered periodic jobs (idempotent); returns
    how many rows changed. Serialised, so two workers starting together make one each."""
    from django_q.models import Schedule

    changed = 0
    with transaction.atomic():
        exclusive("qinqing.core.jobs.sync_schedules")
        wanted = {job.schedule_name: job for job in registered() if job.periodic}
        existing: dict[str, list] = {}
        for schedule in Schedule.objects.filter(name__startswith=SCHEDULE_PREFIX):
            existing.setdefault(schedule.name, []).append(schedule)
        for schedule_name, rows in existing.items():
            keep = rows[0] if schedule_name in wanted else None
            for row in rows:
                if row is not keep:
                    row.delete()
                    changed += 1
        for schedule_name, job in wanted.items():
            fields = {"func": RUN_FUNC, "args": repr((job.name,)), "kwargs": "", "repeats": -1}
            if job.every_minutes:
                fields.update(schedule_type=Schedule.MINUTES, minutes=job.every_minutes)
            else:
                fields.update(schedule_type=Schedule.DAILY, minutes=None)
            current = existing.get(schedule_name, [None])[0]
            if current is None:
                next_run = _next_daily(job.daily_at) if job.daily_at else clock.now()
                Schedule.objects.create(name=schedule_name, next_run=next_run, **fields)
                changed += 1
            elif any(getattr(current, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(current, key, value)
                if job.daily_at:
                    current.next_run = _next_daily(job.daily_at)
                current.save()
                changed += 1
    return changed


# --- health --------------------------------------------------------------------------
PROBLEMS = {
    "last_run_failed": _("last run failed"),
    "never_succeeded": _("never succeeded yet"),
    "overdue": _("no success for longer than twice its period: is a worker running?"),
    "overran": _("a run exceeded its time limit (the worker may have died)"),
}


@dataclass
class JobHealth:
    job: Job
    state: Any  # JobState or None
    healthy: bool
    problem: str  # a key of PROBLEMS, "" when healthy
    next_run: datetime.datetime | None

    @property
    def problem_text(self) -> str:
        return str(PROBLEMS[self.problem]) if self.problem else ""

    def as_dict(self) -> dict:
        state = self.state

        def iso(value):
            return value.isoformat() if value else None

        return {
            "name": self.job.name,
            "label": str(self.job.label),
            "periodic": self.job.periodic,
            "every_minutes": self.job.every_minutes,
            "daily_at": self.job.daily_at.strftime("%H:%M") if self.job.daily_at else None,
            "healthy": self.healthy,
            "problem": self.problem or None,
            "problem_text": self.problem_text or None,
            "running": bool(state and state.running_since),
            "last_started_at": iso(state and state.last_started_at),
            "last_finished_at": iso(state and state.last_finished_at),
            "last_outcome": (state.last_outcome or None) if state else None,
            "last_duration_ms": state.last_duration_ms if state else None,
            "last_summary": (state.last_summary or None) if state else None,
            "last_error": (state.last_error or None) if state else None,
            "last_success_at": iso(state and state.last_success_at),
            "consecutive_failures": state.consecutive_failures if state else 0,
            "runs": state.runs if state else 0,
            "failures": state.failures if state else 0,
            "next_run": iso(self.next_run),
        }


def health() -> list[JobHealth]:
    """Each registered job with its last run and whether it looks healthy: it did not fail
    last time, and a periodic job finished successfully within twice its period (plus the
    time limit of one run) — so a worker that stopped shows up too. A job that never ran is
    healthy until its first scheduled run is overdue."""
    from django_q.models import Schedule

    states = {state.name: state for state in _state_model().objects.all()}
    next_runs = dict(
        Schedule.objects.filter(name__startswith=SCHEDULE_PREFIX).values_list("name", "next_run")
    )
    now = clock.now()
    result = []
    for job in registered():
        state = states.get(job.name)
        problem = ""
        if state and state.last_outcome == "failed":
            problem = "last_run_failed"
        elif job.periodic:
            interval = job.expected_interval()
            grace = 2 * interval + datetime.timedelta(minutes=job.max_minutes)
            next_run = next_runs.get(job.schedule_name)
            if state is None or state.last_success_at is None:
                # Waiting for its first run is fine (a daily job deployed in the morning);
                # not having run well after it was due, or having no schedule, is not.
                first_run_late = next_run is None or now - next_run > datetime.timedelta(
                    minutes=job.max_minutes + 5
                )
                if first_run_late or (state and state.last_outcome):
                    problem = "never_succeeded"
            elif now - state.last_success_at > grace:
                problem = "overdue"
        if (
            state
            and state.running_since
            and now - state.running_since > datetime.timedelta(minutes=job.max_minutes)
        ):
            problem = "overran"
        result.append(JobHealth(job=job, state=state, healthy=not problem, problem=problem,
                                next_run=next_runs.get(job.schedule_name)))
    return result


def cluster_status() -> list[dict]:
    """The django-q2 clusters that reported in the last few seconds (via the shared cache)."""
    try:
        from django_q.status import Stat

        stats = Stat.get_all()
    except Exception:  # the cache or broker is unreachable: the page still shows the jobs
        logger.exception("could not read the task queue's cluster status")
        return []
    return [{"host": stat.host, "pid": stat.pid, "status": str(stat.status), "workers": len(stat.workers),
             "tasks_waiting": stat.task_q_size, "uptime_seconds": int(stat.uptime())} for stat in stats]


def queue_size() -> int | None:
    try:
        from django_q.brokers import get_broker

        return get_broker().queue_size()
    except Exception:
        logger.exception("could not read the task queue's size")
        return None


def after_migrate(using="default", **_kwargs) -> None:
    """After ``migrate``: the database cache's table (a no-op with Redis) and the schedules
    of the periodic jobs. Skipped while the task queue's own tables are not migrated yet."""
    from django.core.management import call_command
    from django.db import connections

    call_command("createcachetable", database=using, verbosity=0)
    if "django_q_schedule" in connections[using].introspection.table_names():
        sync_schedules()
