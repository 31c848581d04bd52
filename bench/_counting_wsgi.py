"""The site's WSGI application, counting the eligibility checks it answers, for ``bench/eligibility.py``
under granian (under gunicorn the hooks of ``bench/eligibility_gunicorn.py`` count them).

Each worker process counts its 200 answers to the eligibility operations (a 500-party batch counts 500)
and a daemon thread writes the count to ``QINQING_BENCH_COUNTS/<pid>`` every 0.1 s when it changed, so
the benchmark can compare the log with what the server answered — wrk stops its clock with requests in
flight, which the server still answers and logs. The benchmark reads the files after stopping the
server, seconds after the last check (the batches and the id verification come after the load)."""

import os
import threading
import time
from pathlib import Path

from _eligibility_counts import PATH, checks_in

from qinqing.wsgi import application as site

_lock = threading.Lock()
_answered = {"checks": 0, "written": -1}


def _writer() -> None:
    folder = os.environ.get("QINQING_BENCH_COUNTS")
    if not folder:
        return
    target = Path(folder) / str(os.getpid())
    while True:
        time.sleep(0.1)
        with _lock:
            checks = _answered["checks"]
        if checks != _answered["written"]:
            target.write_text(str(checks))
            _answered["written"] = checks


threading.Thread(target=_writer, name="bench-counts", daemon=True).start()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PATH):
        return site(environ, start_response)

    def counting_start_response(status, headers, *args):
        checks = checks_in(path, int(status.split()[0]))
        if checks:
            with _lock:
                _answered["checks"] += checks
        return start_response(status, headers, *args)

    return site(environ, counting_start_response)
