"""Benchmark: one filing's CPU in one process — ``qinqing.wsgi.application`` called directly, no server.

    ./qinqing bench appeals_intake_inprocess [--count 20000] [--filings 3000] [--warmup 200] [--profile 25]
        [--source DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench appeals_intake_inprocess ...

The method of docs/PERFORMANCE.md's session 43: the bench's database (``appeals_intake``'s, built or reused
with ``--count`` demo appeals) is copied (``appeals_intake.scratch_copy``), an API key with appeals:write is
made, and ``POST /api/v1/appeals/`` bodies like ``bench/appeals_intake.lua``'s (a different text and phone
each time, so nothing is merged) are handed to the WSGI application in this process: ``--warmup`` filings
first, then ``--filings`` measured, each with ``time.process_time()`` (this process's CPU: the Python of a
filing, psycopg included, the database's backend not) and ``time.perf_counter()`` around it. Every answer
must be 201. Prints the mean, median and p95 CPU per filing and the mean wall time; ``--profile N`` runs
the measured filings under cProfile instead and prints its N largest entries by own time (the figures are
then the profiler's, slower).

The database's backend CPU per filing is read from /proc when PostgreSQL runs on this machine
(``_proc_cpu``), as ``appeals_intake`` reads it. ``--source`` serves the code from another ``src``
directory (a worktree of an older commit): measure before and after a change with the same data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, database_env, run  # noqa: E402
from _proc_cpu import available as proc_available  # noqa: E402
from _proc_cpu import cpu_seconds  # noqa: E402
from appeals_intake import drop_scratch_copy, scratch_copy  # noqa: E402

TOPICS = ["稳岗补贴发放进度", "厂房消防验收", "电力增容申请", "出口退税进度", "道路施工影响经营",
          "人才公寓申请条件"]


def body(rng: random.Random, number: int) -> bytes:
    topic = rng.choice(TOPICS)
    phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
    return json.dumps(
        {
            "title": f"关于{topic}的诉求 9-{number}",
            "content": f"压测诉求 9-{number}-{rng.randint(1, 10**9)}：{topic}，请协助办理。"
                       f"企业编号{rng.randint(1, 10**8)}。",
            "channel": "api",
            "contact_phone": phone,
        },
        ensure_ascii=False,
    ).encode()


def environ_for(data: bytes, key: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/appeals/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_X_API_KEY": key,
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def backend_cpu_seconds() -> float | None:
    """CPU so far of this process's PostgreSQL backend (this machine's /proc), or None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql" or not proc_available():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return cpu_seconds(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20000, help="demo appeals already in the database")
    parser.add_argument("--filings", type=int, default=3000, help="filings measured")
    parser.add_argument("--warmup", type=int, default=200, help="filings before the measured ones")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="run the measured filings under cProfile and print its N largest own times")
    parser.add_argument("--source", help="the src directory to run (default this checkout's)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy filed into")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    built_env, database, _built = database_env(options.count)
    run(["audit", "sequence"], built_env)
    env = scratch_copy(built_env)
    try:
        measure(options, env, database)
    finally:
        if not options.keep:
            drop_scratch_copy(env)


def measure(options, env: dict, database: str) -> None:
    name = f"bench-inprocess-{int(time.time())}"
    key = run(["apikey", "create", "--name", name, "--scope", "appeals:write"], env).split()[0]
    for name in ("QINQING_MODE", "QINQING_VAR_DIR", "DATABASE_URL"):
        if name in env:
            os.environ[name] = env[name]
        else:
            os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    source = str(Path(options.source).resolve()) if options.source else str(ROOT / "src")
    sys.path.insert(0, source)
    import qinqing
    from qinqing.wsgi import application

    if not qinqing.__file__.startswith(source):
        sys.exit(f"the code imported is {qinqing.__file__}, not {source}'s")
    rng = random.Random(options.seed)
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def file_one(number: int) -> None:
        for chunk in application(environ_for(body(rng, number), key), start_response):
            del chunk

    for number in range(options.warmup):
        file_one(number)
    backend_before = backend_cpu_seconds()
    cpu, wall = [], []
    profiler = None
    if options.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    for number in range(options.warmup, options.warmup + options.filings):
        before_wall, before_cpu = time.perf_counter(), time.process_time()
        file_one(number)
        cpu.append(time.process_time() - before_cpu)
        wall.append(time.perf_counter() - before_wall)
    total_cpu, total_wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    if profiler is not None:
        profiler.disable()
    from django.db import connections

    from qinqing.core.audit import apikey_usage

    backend_after = backend_cpu_seconds()
    apikey_usage.flush(final=True)  # the key's use, before the scratch copy is dropped
    created = statuses.get("201 Created", 0)
    if created != options.warmup + options.filings:
        sys.exit(f"not every filing answered 201: {statuses}")
    cpu.sort()
    backend = (
        f"PostgreSQL backend {1000 * (backend_after - backend_before) / options.filings:.2f} ms per filing"
        if backend_before is not None and backend_after is not None else "the database's CPU not read"
    )
    print(
        f"{options.filings} filings after {options.warmup} ({database}, source {source}): CPU per filing "
        f"mean {1000 * total_cpu / options.filings:.3f} ms, median {1000 * statistics.median(cpu):.3f} ms, "
        f"p95 {1000 * cpu[int(0.95 * len(cpu))]:.3f} ms; wall mean "
        f"{1000 * total_wall / options.filings:.3f} ms; "
        f"{backend}"
    )
    connections.close_all()
    if profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(options.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(options.profile)


if __name__ == "__main__":
    main()
