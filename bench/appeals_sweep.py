"""Benchmark: the appeals deadline sweep (``qinqing.appeals.workflow.sweep.run_sweep``) over N demo appeals.

    ./qinqing bench appeals_sweep [--count 1000000] [--runs 5] [--verify] [--rebuild]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench appeals_sweep ...
        (PostgreSQL: a dedicated database qinqing_bench_appeals_<N> on that server)

The demo pool describes 2026-11-25 as the daily sweep would have left it (everything overdue
already at the supervision office, near deadlines already urged); the benchmark sweeps the
next day, 2026-11-26, so it does one day's real work: move the appeals that fell overdue,
flag the ones due today, urge the ones due tomorrow — each with its audit events, timeline
steps and notifications. Every run is rolled back, so each run does the same work; on
PostgreSQL ``VACUUM appeals_appeal`` runs before each (untimed), as autovacuum would have
between two days' sweeps. Run it before ``appeals_intake`` on the same database, or after
``--rebuild``: intake adds appeals that would change the day's work. Issue 4
target: ≤ 1 s at 1,000,000 appeals. ``--verify`` also times ``./qinqing audit verify``.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import database_env, django_setup, run  # noqa: E402

SWEEP_DAY = datetime.date(2026, 11, 26)


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--verify", action="store_true", help="also time ./qinqing audit verify (full and --chain-only)"
    )
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args()
    env, database, _built = database_env(options.count, rebuild=options.rebuild)
    django_setup(env)
    from django.db import connection, transaction

    from qinqing.appeals.models import OPEN_STATUSES, Appeal
    from qinqing.appeals.workflow.sweep import run_sweep

    total = Appeal.objects.count()
    open_count = Appeal.objects.filter(status__in=OPEN_STATUSES).count()
    overdue = Appeal.objects.filter(status__in=OPEN_STATUSES, due_at__lt=SWEEP_DAY).count()
    timings, result = [], None
    for _ in range(options.runs):
        if connection.vendor == "postgresql":
            # Each run is rolled back, which leaves its updated rows behind as dead tuples that
            # fill the free space the next run's HOT updates need. A real sweep runs once a
            # day on a table autovacuum keeps; vacuum between runs gives every run that table.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM appeals_appeal")
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = run_sweep(today=SWEEP_DAY)
                timings.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    # A trivial operation on the same connection (1,000 `SELECT 1` round trips), so the sweep's
    # figure can be checked on another machine by its ratio to it.
    trivial = []
    for _ in range(options.runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _ in range(1000):
                cursor.execute("SELECT 1")
                cursor.fetchone()
        trivial.append(time.perf_counter() - started)
    changed = len(result.raised) + len(result.supervised) + len(result.flagged) + len(result.urged)
    command = f"./qinqing bench appeals_sweep --count {options.count}"
    print(f"appeals: {total}, open: {open_count}, open and overdue on {SWEEP_DAY}: {overdue}")
    print(f"sweep on {SWEEP_DAY}: {result.summary()}")
    print("| benchmark | database | appeals | rows changed | median | best | worst | target | command |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| appeals sweep (one day) | {database} | {total:,} | {changed:,} | "
        f"{statistics.median(timings):.3f} s | "
        f"{min(timings):.3f} s | {max(timings):.3f} s | ≤ 1 s | `{command}` |"
    )
    print(
        f"| trivial: 1,000 × SELECT 1 | {database} | | | {statistics.median(trivial):.3f} s | "
        f"{min(trivial):.3f} s | {max(trivial):.3f} s | sweep/trivial "
        f"{statistics.median(timings) / statistics.median(trivial):.1f}× | |"
    )
    if options.verify:
        for args in (["audit", "verify", "--chain-only"], ["audit", "verify"]):
            started = time.perf_counter()
            output = run(args, env, check=False)
            elapsed = time.perf_counter() - started
            print(
                f"| ./qinqing {' '.join(args)} | {database} | {total:,} appeals | {elapsed:.0f} "
                f"s | {output.strip().splitlines()[-1][:120]} |"
            )


if __name__ == "__main__":
    main()
