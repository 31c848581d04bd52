"""Every use of an API key, in the audit log as one event per key per window (issue 19).

An API key is used thousands of times a second on the eligibility check (``integrity.fastpath``),
so a synchronous audit write per request is not an option there: it would double the
request's writes. Instead:

* ``note(key_id)`` — called by ``core.services.apikey_authenticate`` for every request whose key
  is accepted, on every path (django-ninja's auth and the eligibility fast path) — adds one to
  an in-process counter (a dict under a lock: no I/O).
* A daemon thread in each process (started on the first use, after any fork) calls ``flush``
  every ``FLUSH_SECONDS``: for each key and each closed window of ``WINDOW_SECONDS`` it records
  ONE event ``core.apikey.use`` (actor: the key; object: the key, with its state digest, so the
  record check is unchanged) whose details give the window, the number of requests, the first
  and last use and the process. ``flush(final=True)`` also runs at interpreter exit.

What this proves and what it does not: the log holds, per key, how many requests each process
accepted in each window; a window's event is written at most ``FLUSH_SECONDS`` after it
closes. A process killed without an orderly exit loses the counts of its open and unflushed
windows (at most two windows). The eligibility check needs no more: each answered check is
also one row of its own append-only log (``integrity.EligibilityCheck``: caller, time, query
digest), so its uses are individually on record. Read the events with
``AuditEvent.objects.filter(action="core.apikey.use", object_id=<key id>)`` or on the key's trail.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger("qinqing.core.audit.apikey_usage")

ACTION = "core.apikey.use"
WINDOW_SECONDS = 300
FLUSH_SECONDS = 60

_lock = threading.Lock()
# (key id, window start as a Unix time) -> [count, first use, last use]
_counts: dict[tuple[int, int], list[float]] = {}
_flusher_pid: int | None = None


def _window_of(moment: float) -> int:
    return int(moment // WINDOW_SECONDS) * WINDOW_SECONDS


def note(key_id: int, *, now: float | None = None) -> None:
    """Count one accepted request made with the key ``key_id`` (no I/O)."""
    if _flusher_pid != os.getpid():
        _start_flusher()
    moment = time.time() if now is None else now
    slot = (key_id, _window_of(moment))
    with _lock:
        entry = _counts.get(slot)
        if entry is None:
            _counts[slot] = [1, moment, moment]
        else:
            entry[0] += 1
            entry[2] = moment


def pending() -> dict[tuple[int, int], list[float]]:
    """A copy of the counts not yet written (for tests and the flush)."""
    with _lock:
        return {slot: list(entry) for slot, entry in _counts.items()}


def _iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, tz=datetime.UTC).isoformat(timespec="seconds")


def flush(*, final: bool = False, now: float | None = None) -> int:
    """Write one ``core.apikey.use`` event per key per closed window (every window when
    ``final``). Returns the number of events written. Counts whose write fails are put back."""
    from .. import audit
    from ..models import ApiKey

    current = _window_of(time.time() if now is None else now)
    with _lock:
        ready = {slot: entry for slot, entry in _counts.items() if final or slot[1] < current}
        for slot in ready:
            del _counts[slot]
    if not ready:
        return 0
    written = 0
    try:
        keys = ApiKey.objects.in_bulk({key_id for key_id, _window in ready})
        with transaction.atomic():
            for (key_id, window), (count, first, last) in sorted(ready.items()):
                key = keys.get(key_id)
                if key is None:
                    continue
                audit.record_event(
                    actor=key,
                    action=ACTION,
                    instance=key,
                    details={
                        "window_start": _iso(window),
                        "window_end": _iso(window + WINDOW_SECONDS),
                        "requests": int(count),
                        "first_use": _iso(first),
                        "last_use": _iso(last),
                        "process": os.getpid(),
                    },
                )
                written += 1
    except Exception:
        logger.exception("API key use: %d window(s) not written, kept for the next flush", len(ready))
        with _lock:
            for slot, entry in ready.items():
                held = _counts.setdefault(slot, [0, entry[1], entry[2]])
                held[0] += entry[0]
                held[1], held[2] = min(held[1], entry[1]), max(held[2], entry[2])
        return 0
    return written


def _loop() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            flush()
        finally:
            connection.close()  # this thread's own connection; a fresh one next time


def _at_exit() -> None:
    try:
        flush(final=True)
    except Exception:  # the interpreter is going away: say so, do not raise
        logger.exception("API key use: final flush failed")


def _start_flusher() -> None:
    global _flusher_pid
    with _lock:
        if _flusher_pid == os.getpid():
            return
        if _flusher_pid is not None:
            _counts.clear()  # a forked child: these counts are the parent's to write
        _flusher_pid = os.getpid()
    if getattr(settings, "MODE", "") == "test":
        return  # tests call flush() themselves
    threading.Thread(target=_loop, name="qinqing-apikey-usage", daemon=True).start()
    atexit.register(_at_exit)
