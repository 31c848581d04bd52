"""Benchmark: concurrent audit appends with and without a lock on one shared row (issue 19).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench audit_append \
        [--threads 32] [--seconds 10] [--rounds 2]

Isolates what issue 19 removed from every write: ``--threads`` connections each run, for
``--seconds``, transactions of one ``audit.record_event`` (the append path every service
uses). Alternating in the same run, so both see the same machine:

* **shared row** — each transaction first locks one row (``SELECT … FOR UPDATE`` on
  ``core_audithead``) and holds it to its commit, as every append did before issue 19;
* **no shared row** — the append as it is now (content hash, sequence number, insert).

Prints transactions per second and p50/p95 latency of each, with ``SELECT 1`` per second on
one connection as the trivial figure of the same run. Uses a scratch database
``qinqing_bench_audit_append`` (SQLite: one writer at a time, so the comparison is moot there).
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, django_setup  # noqa: E402

NAME = "qinqing_bench_audit_append"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("audit_append compares lock contention on PostgreSQL: set DATABASE_URL")
    import subprocess

    import psycopg

    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{NAME}"')
    env = {
        **os.environ,
        "QINQING_MODE": "demo",
        "DATABASE_URL": f"{base}/{NAME}",
        "QINQING_VAR_DIR": "/tmp/qinqing-bench-audit-append",  # noqa: S108 (scratch directory)
    }
    Path(env["QINQING_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    subprocess.run([str(ROOT / "qinqing"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    django_setup(env)
    from django.db import connection, connections, transaction

    from qinqing.core import audit
    from qinqing.core.models import AuditHead

    AuditHead.objects.get_or_create(pk=1)

    def trivial() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _ in range(1000):
                cursor.execute("SELECT 1")
                cursor.fetchone()
        return 1000 / (time.perf_counter() - started)

    def load(shared_row: bool) -> tuple[float, float, float]:
        latencies: list[float] = []
        stop = time.monotonic() + options.seconds
        lock = threading.Lock()

        def worker(number: int) -> None:
            mine = []
            try:
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    with transaction.atomic():
                        if shared_row:
                            with connection.cursor() as cursor:
                                cursor.execute("SELECT last_seq FROM core_audithead WHERE id = 1 FOR UPDATE")
                        audit.record_event(
                            actor=audit.SYSTEM,
                            action="bench.append",
                            object_type="bench.Thing",
                            object_id=number,
                            details={"shared_row": shared_row},
                        )
                    mine.append(time.perf_counter() - started)
            finally:
                connections.close_all()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(options.threads)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        latencies.sort()
        return (
            len(latencies) / elapsed,
            latencies[len(latencies) // 2] * 1000,
            latencies[int(len(latencies) * 0.95)] * 1000,
        )

    print("| round | appends | transactions/s | p50 | p95 | `SELECT 1`/s (one connection) | threads |")
    print("|---|---|---|---|---|---|---|")
    for round_number in range(1, options.rounds + 1):
        for shared_row in (True, False):
            rate, p50, p95 = load(shared_row)
            label = "shared row locked to commit (before #19)" if shared_row else "no shared row (now)"
            print(
                f"| {round_number} | {label} | {rate:.0f} | {p50:.1f} ms | {p95:.1f} ms | {trivial():.0f} | "
                f"{options.threads} |",
                flush=True,
            )
    connections.close_all()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
