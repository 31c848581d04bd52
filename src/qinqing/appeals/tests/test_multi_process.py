"""Two application processes on one database, as two gunicorn workers (or two machines) are:
the WeChat de-duplication is in the shared cache (settings.CACHES: the database by default,
Redis with QINQING_CACHE_URL), so a message WeChat retries against the other process is
answered without filing a second appeal. With a per-process cache (Django's default local
memory) the second process would file it again.

Two worker processes (``./qinqing worker --once`` with the delivery and the sweep jobs, started
together) on one database deliver each notification once and change each appeal once: the
job's own claim (core.jobs) lets one delivery round run at a time, the outbox row's claim
(workflow.notify) keeps rounds that do overlap from sending a row twice; with both removed the
test sees numbers texted twice."""

import contextlib
import datetime
import json
import os
import select
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from .test_channels_wechat import APP_ID, OPENID, TOKEN, signed_query, text_message_xml

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[3]


def _database_url(tmp_path: Path) -> str:
    """The test database as the other processes reach it: PostgreSQL's test database itself;
    for SQLite (whose test database lives in this process's memory) a file copy of it."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        return (f"postgres://{settings_dict['USER']}{password}@{settings_dict.get('HOST') or '127.0.0.1'}:"
                f"{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}")
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class AppProcess:
    def __init__(self, database_url: str):
        env = {
            **os.environ,
            "QINQING_MODE": "test",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "qinqing.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
            "QINQING_WECHAT_TOKEN": TOKEN,
            "QINQING_WECHAT_APP_ID": APP_ID,
            "QINQING_WECHAT_ENCODING_AES_KEY": "",
            "QINQING_LOG_LEVEL": "ERROR",
        }
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our own module)
            [sys.executable, "-m", "qinqing.appeals.tests.app_process"], env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def read(self, timeout: float = 60) -> dict:
        ready, _w, _x = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise AssertionError("the app process did not answer in time")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the app process ended: {self.process.stderr.read()[-3000:]}")
        return json.loads(line)

    def request(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _wechat_request(xml: str) -> dict:
    query = signed_query()
    path = (
        reverse("appeals_channels:wechat_webhook")
        + "?"
        + "&".join(f"{key}={value}" for key, value in query.items())
    )
    return {"method": "POST", "path": path, "body": xml, "content_type": "text/xml"}


def test_a_wechat_message_retried_against_the_other_process_files_no_second_appeal(
    tmp_path, workday_calendar
):
    url = _database_url(tmp_path)
    first, second = AppProcess(url), AppProcess(url)
    try:
        assert first.read()["ready"] != second.read()["ready"]  # two processes, two memories

        message = text_message_xml(
            "园区道路施工封路三个月，货车进不来，请协调。", message_id=7200000000000001
        )
        answer = first.request(**_wechat_request(message))
        assert answer["status"] == 200 and answer["appeals"] == 1

        # WeChat got no answer in time (as it sees it) and retries the same MsgId — this time
        # the load balancer hands it to the other process.
        retried = second.request(**_wechat_request(message))
        assert retried["status"] == 200
        assert retried["appeals"] == 1, "the second process filed the retried message again"
        assert (
            "SQ" in retried["body"]
        )  # answered with the tracking number of the appeal the first process filed

        # The second process files new messages itself: what stopped the retry was the shared guard.
        other = text_message_xml("申请的稳岗补贴还没有到账。", message_id=7200000000000002)
        assert second.request(**_wechat_request(other))["appeals"] == 2
    finally:
        first.close()
        second.close()
        cache.clear()


def test_the_cache_is_shared_not_per_process(settings):
    """The configuration the guards rely on: a cache every process reaches."""
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {"qinqing.core.cache.DatabaseCache", "django.core.cache.backends.redis.RedisCache"}
    assert OPENID  # the WeChat fixtures are shared with test_channels_wechat


# --- two worker processes --------------------------------------------------------------------
SWEEP_ACTIONS = (
    "appeals.appeal.supervise",
    "appeals.appeal.flag_due",
    "appeals.appeal.urge_before_deadline",
    "appeals.appeal.raise_to_district_leader",
)


def _worker(database_url: str, sms_log: Path) -> subprocess.Popen:
    """``./qinqing worker --once`` running the delivery and the sweep jobs, as its own process with
    its own memory; its SMS provider appends each message it sends to ``sms_log``."""
    env = {
        **os.environ,
        "QINQING_MODE": "test",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "qinqing.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
        "QINQING_SMS_BACKEND": "qinqing.appeals.tests.app_process.RecordingSmsBackend",
        "QINQING_TEST_SMS_LOG": str(sms_log),
        "QINQING_TEST_SMS_PAUSE": "0.05",  # each send takes a moment, so the two rounds overlap
        "QINQING_LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(  # noqa: S603 (this interpreter, Django's own command line)
        [sys.executable, "-m", "django", "worker", "--once",
         "--job", "appeals.notifications", "--job", "appeals.sweep"],
        env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_two_worker_processes_deliver_each_notification_once_and_sweep_each_appeal_once(
    tmp_path, settings, workday_calendar
):
    from qinqing.core import clock

    from ..models import Appeal, Channel, Notification, NotificationStatus
    from . import factories

    settings.APPEALS_DELIVER_ON_COMMIT = False  # everything waits in the outbox for the workers
    today = clock.today()
    for number in range(16):  # acknowledgements to send: one SMS per appeal, each to its own number
        factories.file_appeal(channel=Channel.SMS, contact_phone=f"1390013{number:04d}")
    for days_ago in (60, 45, 30, 21, 14, 12, 10):  # open appeals past or near their deadline
        factories.file_appeal(received_at=today - datetime.timedelta(days=days_ago))
    queued = {row.pk: row.recipient for row in Notification.objects.filter(
        channel=Channel.SMS, status=NotificationStatus.QUEUED)}
    assert len(queued) == 16 and len(set(queued.values())) == 16

    sms_log = tmp_path / "sms.jsonl"
    url = _database_url(tmp_path)
    workers = [_worker(url, sms_log), _worker(url, sms_log)]  # both started before either is waited for
    outputs = []
    for worker in workers:
        try:
            outputs.append(worker.communicate(timeout=120))
        except subprocess.TimeoutExpired:
            worker.kill()
            outputs.append(worker.communicate())
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, f"a worker failed:\n{out}\n{err[-3000:]}"

    # What both processes sent: each notification's number exactly once.
    sent = [json.loads(line) for line in sms_log.read_text(encoding="utf-8").splitlines()]
    per_number = {phone: [entry["phone"] for entry in sent].count(phone) for phone in queued.values()}
    assert per_number == dict.fromkeys(queued.values(), 1), f"sent twice or never: {per_number}"
    assert len(sent) == len(queued), "something else was sent"

    # What the workers wrote to the shared database (on SQLite: the file copy they shared).
    statuses = {pk: (status, attempts) for pk, status, attempts in _shared_rows(
        url, "SELECT id, status, attempts FROM appeals_notification WHERE channel = 'sms'")}
    assert statuses == dict.fromkeys(queued, (NotificationStatus.SENT.value, 1))
    events = [(action, object_id) for action, object_id in _shared_rows(
        url, "SELECT action, object_id FROM core_auditevent WHERE action LIKE 'appeals.appeal.%'")
        if action in SWEEP_ACTIONS]
    assert events, "the sweep had nothing to do: the test proves nothing"
    appeal_ids = {str(pk) for pk in Appeal.objects.values_list("pk", flat=True)}
    assert {object_id for _action, object_id in events} <= appeal_ids
    assert len(events) == len(set(events)), f"an appeal was changed twice by the sweep: {sorted(events)}"
    summaries = "\n".join(out for out, _err in outputs)
    assert summaries.count("appeals.notifications: ok") == summaries.count("appeals.sweep: ok") == 2


def _shared_rows(url: str, sql: str) -> list[tuple]:
    """Rows of the database the workers used: PostgreSQL's test database is this process's own;
    on SQLite they used the file copy (this process's test database is another, in memory)."""
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as database:
            return database.execute(sql).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()
