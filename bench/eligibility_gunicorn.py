"""gunicorn hooks for bench/eligibility.py: each worker counts the eligibility checks it answered (200
responses; a 500-party batch counts 500) and writes the count to ``QINQING_BENCH_COUNTS/<pid>`` when it
exits, so the benchmark can compare the log with what the server actually answered — wrk stops its clock
with requests in flight, which the server still answers and logs."""

import os
import threading
from pathlib import Path

from _eligibility_counts import checks_in

_lock = threading.Lock()
_answered = {"checks": 0}


def post_request(worker, req, environ, resp):
    checks = checks_in(req.path, resp.status_code)
    if checks:
        with _lock:
            _answered["checks"] += checks


def worker_exit(server, worker):
    folder = os.environ.get("QINQING_BENCH_COUNTS")
    if folder:
        (Path(folder) / str(os.getpid())).write_text(str(_answered["checks"]))
