"""The shared database cache (core.cache): an incr that keeps the entry's expiry and loses no
count when processes count at once — what the portal's rate limits rely on."""

import contextlib
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections

from qinqing.appeals.intake.channels import intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def test_a_rate_limit_window_lasts_its_hour_however_often_it_is_counted(frozen_clock, settings):
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("Redis keeps its own expiry")
    frozen_clock("2026-11-30 10:00")
    attempts = [intake.rate_limit_exceeded("test", "13800138000", limit=3) for _ in range(4)]
    assert attempts == [False, False, False, True]

    frozen_clock("2026-11-30 10:20")  # Django's own DatabaseCache.incr had reset the window to 5 minutes
    assert intake.rate_limit_exceeded("test", "13800138000", limit=3) is True

    frozen_clock("2026-11-30 11:01")  # the hour is over
    assert intake.rate_limit_exceeded("test", "13800138000", limit=3) is False


def test_incr_of_a_missing_or_expired_key_is_refused(frozen_clock, settings):
    frozen_clock("2026-11-30 10:00")
    with pytest.raises(ValueError):
        cache.incr("nothing-here")
    cache.add("short", 1, timeout=60)
    assert cache.incr("short") == 2 and cache.decr("short") == 1
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        return  # Redis expires keys by its own clock, which the test cannot move
    frozen_clock("2026-11-30 10:02")
    with pytest.raises(ValueError):
        cache.incr("short")


@pytest.mark.django_db(transaction=True)
def test_counts_from_several_connections_at_once_are_all_kept():
    """Four workers count at the same time, each on its own connection (PostgreSQL: truly at
    once, the row lock orders them; SQLite: one writer at a time, so they take turns)."""
    cache.add("together", 0, timeout=3600)
    turns = threading.Lock() if connection.vendor != "postgresql" else contextlib.nullcontext()
    errors = []

    def count() -> None:
        try:
            for _ in range(10):
                with turns:
                    cache.incr("together")
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and cache.get("together") == 40
