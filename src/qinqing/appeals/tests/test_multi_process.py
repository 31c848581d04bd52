"""Two application processes on one database, as two gunicorn workers (or two machines) are:
the WeChat de-duplication is in the shared cache (settings.CACHES: the database by default,
Redis with QINQING_CACHE_URL), so a message WeChat retries against the other process is
answered without filing a second appeal. With a per-process cache (Django's default local
memory) the second process would file it again."""

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
