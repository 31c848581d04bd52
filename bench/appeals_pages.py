"""Benchmark: the handler queue, the supervision list and the dashboard at two data sizes.

    ./qinqing bench appeals_pages [--counts 100000 1000000] [--requests 80]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench appeals_pages ...

For each count, builds or reuses the scratch database (see ``_appeals_db``), logs in through
Django's test Client as a department handler of the unit with the most open appeals and as a
supervising leader, warms up, then requests each page ``--requests`` times: p50/p95 latency
and the number of SQL queries per request (CaptureQueriesContext). The query count must be
the same at both sizes. Issue 4 target: ≤ 200 ms p95 at 1,000,000 appeals. The dashboard
(/appeals/dashboard/) is measured when its URL is installed.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import database_env, django_setup  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(count: int, requests: int) -> None:
    env, database, _built = database_env(count)
    django_setup(env)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from qinqing.appeals.models import OPEN_STATUSES, Appeal
    from qinqing.core import audit
    from qinqing.core.roles import Role
    from qinqing.directory.models import Official

    users = get_user_model()
    unit_id = (
        Appeal.objects.filter(status__in=OPEN_STATUSES, handling_unit__isnull=False)
        .values("handling_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("handling_unit", flat=True)
        .first()
    )
    handler, _ = users.objects.get_or_create(username="bench-handler")
    handler.groups.add(Group.objects.get(name=Role.DEPARTMENT_HANDLER))
    if not Official.objects.filter(user=handler).exists():
        official = Official.objects.filter(unit_id=unit_id, user__isnull=True, is_active=True).first()
        with transaction.atomic():
            before = audit.snapshot(official)
            official.user = handler
            official.save(update_fields=["user"])
            audit.record_event(
                actor=audit.SystemActor("bench"),
                action="directory.official.update",
                instance=official,
                before=before,
                details={"source": "bench"},
            )
    leader, _ = users.objects.get_or_create(username="bench-supervisor")
    leader.groups.add(Group.objects.get(name=Role.SUPERVISING_LEADER))
    pages = [
        ("handler queue", handler, reverse("appeals:queue")),
        ("supervision list", leader, reverse("appeals:supervision")),
    ]
    try:
        pages.append(("dashboard", leader, reverse("appeals:dashboard")))
    except NoReverseMatch:
        print("(no dashboard URL installed: measured the queue and the supervision list only)")
    else:
        # The dashboard reads figures the worker keeps up to date; compute them as it would.
        from qinqing.appeals.dashboard.figures import refresh_figures

        started = time.perf_counter()
        refreshed = refresh_figures(full=True)
        print(
            f"dashboard figures: refresh_figures(full=True) took "
            f"{time.perf_counter() - started:.1f} s ({len(refreshed.months)} months)"
        )
    total = Appeal.objects.count()
    queue_size = Appeal.objects.filter(handling_unit_id__in=[unit_id], status__in=OPEN_STATUSES).count()
    print(f"{database}, {total:,} appeals; the handler's unit has {queue_size:,} open appeals")
    # A trivial page from the same process and database, so the figures can be checked on
    # another machine by their ratio to it.
    pages.append(("trivial: /healthz", handler, "/healthz"))
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        for _ in range(5):
            response = client.get(url)
            if response.status_code != 200:
                print(f"| {label} | {database} | {total:,} | HTTP {response.status_code} | | | |")
                break
        else:
            timings, queries = [], set()
            for _ in range(requests):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                queries.add(len(captured.captured_queries))
            print(
                f"| {label} ({url}) | {database} | {total:,} | {statistics.median(timings):.0f} "
                f"ms | {percentile(timings, 0.95):.0f} ms | "
                f"{'/'.join(str(q) for q in sorted(queries))} | ≤ 200 ms p95 |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument(
        "--one", type=int, help=argparse.SUPPRESS
    )  # internal: measure one count in this process
    options = parser.parse_args()
    if options.one:
        measure(options.one, options.requests)
        return
    print("| page | database | appeals | p50 | p95 | SQL queries per request | target |")
    print("|---|---|---|---|---|---|---|")
    for count in options.counts:
        # One process per size: Django is set up once per process, against one database.
        subprocess.run(
            [sys.executable, __file__, "--one", str(count), "--requests", str(options.requests)],
            env=os.environ,
            check=False,
        )  # noqa: S603
    print(
        f"command: ./qinqing bench appeals_pages --counts {' '.join(map(str, options.counts))} "
        f"--requests {options.requests}"
    )


if __name__ == "__main__":
    main()
