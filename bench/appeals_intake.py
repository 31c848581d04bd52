"""Benchmark: appeal intake through the HTTP API (POST /api/v1/appeals/), audit chain included.

    ./qinqing bench appeals_intake [--count 1000] [--clients 32] [--duration 30] [--workers 2] [--threads 8]
        [--reference-healthz 1522]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench appeals_intake ...

Builds (or reuses) a scratch database with the demo district and ``--count`` demo appeals
(PostgreSQL: database qinqing_bench_appeals_<count>; SQLite under /tmp), creates an API key
with appeals:write, starts gunicorn (``--server granian``: granian) on a free 127.0.0.1 port
(QINQING_MODE=demo), and drives it with wrk (``bench/appeals_intake.lua``: every request a
different text and phone, so none is merged) at ``--clients`` connections for ``--duration``
seconds. Reports throughput, p50/p95/p99 latency and errors, then counts the rows written and
verifies the audit log (``./qinqing audit verify --chain-only``). Issue 4 target on
PostgreSQL: ≥ 300 appeals/s sustained at 32 clients with p95 ≤ 100 ms.

The audit log's sequencer (issue 19) runs beside the server during the load, as the worker runs
it (``core.transparency.sequencer.run_for``: a pass every ``sequencer.INTERVAL``); afterwards the benchmark
prints the lag between an event being written and a signed head covering it (p50/p95/max).
The same server's ``/healthz`` and ``GET /api/v1/whoami`` are measured in the same run, with
the ratios, so the figure can be compared on a machine shared with other work; the run's rate and p95 are
also printed scaled to the machine the target was set on (``--reference-healthz``, its ``/healthz`` rate:
the rate in proportion, the p95 in inverse proportion, as with a fixed number of waiting clients).

Every run files into a scratch copy of the built database (PostgreSQL: ``CREATE DATABASE
qinqing_bench_intake TEMPLATE qinqing_bench_appeals_<N>``; SQLite: a copy of its directory),
dropped afterwards, so the pool the sweep and page benchmarks read is never changed and
each intake run starts from the same data (``--keep`` keeps the copy).
"""

import argparse
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, database_env, run  # noqa: E402
from _proc_cpu import available as proc_available  # noqa: E402
from _proc_cpu import cpu_used, server_cpu  # noqa: E402

# `/healthz` on the server of the machine where issue 19 set the intake target (≥ 300 appeals/s, p95 ≤ 100 ms
# at 32 clients): the "/healthz on the same configuration served 1,522 requests/s".
REFERENCE_HEALTHZ = 1522.0
TARGET_RATE, TARGET_P95_MS = 300, 100


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def count_rows(env: dict) -> tuple[int, int]:
    code = ("from qinqing.appeals.models import Appeal; from qinqing.core.models import AuditEvent; "
            "print(Appeal.objects.count(), AuditEvent.objects.count())")
    output = run(["shell", "-c", code], env)
    appeals, events = output.split()[-2:]
    return int(appeals), int(events)


def server_command(options, port: int) -> list[str]:
    """The WSGI server's command line: gunicorn (sync workers, or gthread with ``--threads`` > 1), or
    granian (docs/OPERATIONS.md) with ``--threads`` blocking threads per worker."""
    if options.server == "granian":
        return [
            str(ROOT / ".venv/bin/python"), "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(options.workers),
            "--blocking-threads", str(options.threads),
            "--backlog", "2048", "--log-level", "warning", "qinqing.wsgi:application",
        ]
    return [
        str(ROOT / ".venv/bin/gunicorn"), "qinqing.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(options.workers), "--threads", str(options.threads),
        "--worker-class", "gthread" if options.threads > 1 else "sync", "--backlog", "2048",
        "--log-level", "warning",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000, help="demo appeals already in the database")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=int, default=30, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (granian: blocking)")
    parser.add_argument(
        "--server", choices=["gunicorn", "granian"], default="gunicorn",
        help="the WSGI server (gunicorn as docs/OPERATIONS.md runs the site; granian to compare)",
    )
    parser.add_argument(
        "--reference-healthz", type=float, default=REFERENCE_HEALTHZ,
        help="`/healthz` requests/s of the machine the target was set on, to scale this run's figures to it",
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--source",
        help="serve the code from this src directory instead (e.g. a git worktree of an older commit, "
        "to measure before/after an optimisation)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch copy the appeals were filed into"
    )
    parser.add_argument(
        "--no-sequencer", action="store_true", help="do not run the audit log's sequencer during the load"
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("appeals_intake needs the wrk load generator: apt-get install wrk (Debian's package)")
    built_env, database, _built = database_env(options.count, rebuild=options.rebuild)
    # Events of the build go into the tree once, in the built database (not in each run).
    run(["audit", "sequence"], built_env)
    env = scratch_copy(built_env)
    try:
        measure(options, env, database)
    finally:
        if not options.keep:
            drop_scratch_copy(env)


SCRATCH = "qinqing_bench_intake"


def scratch_copy(env: dict) -> dict:
    """A copy of the built database to file into (the built one stays as generated)."""
    copy = dict(env)
    if env.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        base, _slash, name = env["DATABASE_URL"].rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
            # FILE_COPY copies the files (the default WAL_LOG strategy writes the whole database
            # through the WAL, and the checkpoint that follows would land inside the measurement);
            # CHECKPOINT settles what is left before the clock starts.
            connection.execute(f'CREATE DATABASE "{SCRATCH}" TEMPLATE "{name}" STRATEGY FILE_COPY')
            connection.execute("CHECKPOINT")
        copy["DATABASE_URL"] = f"{base}/{SCRATCH}"
    else:
        target = Path(env["QINQING_VAR_DIR"] + "-intake")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(env["QINQING_VAR_DIR"], target)
        copy["QINQING_VAR_DIR"] = str(target)
    return copy


def drop_scratch_copy(env: dict) -> None:
    if env.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        base = env["DATABASE_URL"].rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    else:
        shutil.rmtree(env["QINQING_VAR_DIR"], ignore_errors=True)


def measure(options, env: dict, database: str) -> None:
    key_name = f"bench-intake-{int(time.time())}"
    key = run(["apikey", "create", "--name", key_name, "--scope", "appeals:write"], env).split()[0]
    appeals_before, events_before = count_rows(env)
    newest = "print(AuditEvent.objects.order_by('-seq').values_list('seq', flat=True).first() or 0)"
    last_seq = int(
        run(["shell", "-c", f"from qinqing.core.models import AuditEvent; {newest}"], env).split()[-1]
    )
    port = free_port()
    server_env = {
        **env,
        "PYTHONPATH": options.source or str(ROOT / "src"),
        "QINQING_BENCH_KEY": key,
        "DJANGO_SETTINGS_MODULE": "qinqing.settings",
    }
    log = open(Path(env["QINQING_VAR_DIR"]) / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(  # noqa: S603
        server_command(options, port),
        env=server_env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/docs", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        sequencer = None
        if not options.no_sequencer:
            sequencer = subprocess.Popen(  # noqa: S603
                [str(ROOT / "qinqing"), "shell", "-c",
                 "from qinqing.core.transparency import sequencer; "
                 f"print(sequencer.run_for(seconds={options.duration + 25}).summary())"],
                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            time.sleep(3)  # the shell has started and made its first pass
        command = [
            "wrk",
            "-t2",
            f"-c{options.clients}",
            f"-d{options.duration}s",
            "--latency",
            "-s",
            str(ROOT / "bench/appeals_intake.lua"),
            f"http://127.0.0.1:{port}/api/v1/appeals/",
        ]
        # CPU per filing and per /healthz request, by process kind (PostgreSQL on this machine only): the
        # work a request takes, which the machine's other load moves less than it moves throughput.
        on_postgres = env.get("DATABASE_URL", "").startswith("postgres") and proc_available()
        others = {"sequencer": sequencer.pid} if sequencer is not None else {}

        def cpu():
            return server_cpu(server.pid, SCRATCH, others=others) if on_postgres else {}

        before = cpu()
        completed = subprocess.run(command, env=server_env, capture_output=True, text=True, check=False)  # noqa: S603
        time.sleep(0.3)  # the requests still in flight when wrk stopped
        intake_cpu = (before, cpu())
        # The same server and key on a trivial JSON endpoint, so the figure can be checked on
        # another machine: the ratio travels, absolute rates do not.
        trivial_command = [
            "wrk",
            "-t2",
            f"-c{options.clients}",
            f"-d{min(options.duration, 10)}s",
            "--latency",
            "-s",
            str(ROOT / "bench/eligibility.lua"),
            f"http://127.0.0.1:{port}/api/v1/whoami",
        ]
        trivial_run = subprocess.run(  # noqa: S603
            trivial_command,
            env={**server_env, "QINQING_BENCH_PATH": "/api/v1/whoami"},
            capture_output=True,
            text=True,
            check=False,
        )
        before = cpu()
        healthz_run = subprocess.run(  # noqa: S603
            [*trivial_command[:-1], f"http://127.0.0.1:{port}/healthz"],
            env={**server_env, "QINQING_BENCH_PATH": "/healthz"},
            capture_output=True,
            text=True,
            check=False,
        )
        time.sleep(0.3)
        healthz_cpu = (before, cpu())
        sequencer_summary = ""
        if sequencer is not None:  # it stops by itself just after the measurements
            sequencer_summary = (sequencer.communicate(timeout=120)[0] or "").strip().splitlines()[-1:]
        sequencer_stopped = time.time()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    match = re.search(
        r"RESULT requests=(\d+) seconds=([\d.]+) p50_ms=([\d.]+) p95_ms=([\d.]+) p99_ms=([\d.]+) "
        r"max_ms=([\d.]+) "
        r"socket_errors=(\d+) statuses=(\S*)",
        completed.stdout,
    )
    if not match:
        sys.exit(f"wrk failed:\n{completed.stdout}\n{completed.stderr}")
    requests, seconds, p50, p95, p99, worst, socket_errors, statuses = match.groups()
    statuses_seen = dict(part.split("=") for part in statuses.split(",") if part)
    created = int(statuses_seen.get("201", 0))
    errors = int(requests) - created + int(socket_errors)
    appeals_after, events_after = count_rows(env)
    lag = ""
    if not options.no_sequencer:
        run(["audit", "sequence"], env)  # what the sequencer had not reached when it was stopped
        # Events written while the sequencer ran (not those of the server's shutdown after it).
        code = ("import datetime; from qinqing.core.transparency import sequencer; s = sequencer.lag_stats("
                f"{last_seq}, until=datetime.datetime.fromtimestamp({sequencer_stopped}, datetime.UTC)); "
                "print(s['events'], s['p50_s'], s['p95_s'], s['max_s'])")
        events, lag50, lag95, lagmax = run(["shell", "-c", code], env).split()[-4:]
        lag = f"{float(lag50):.1f} / {float(lag95):.1f} / {float(lagmax):.1f} s over {events} events"
        print(f"sequencer during the load: {sequencer_summary}")
    started = time.perf_counter()
    verify_output = run(["audit", "verify", "--chain-only"], env, check=False).strip().splitlines()
    verified = next((line for line in verify_output if line.startswith("audit log")), verify_output[-1])
    verify_seconds = time.perf_counter() - started
    rate = created / float(seconds)
    trivial = re.search(r"RESULT requests=(\d+) seconds=([\d.]+)", trivial_run.stdout)
    if not trivial:
        sys.exit(f"wrk on the trivial endpoint failed:\n{trivial_run.stdout}\n{trivial_run.stderr}")
    trivial_rate = int(trivial.group(1)) / float(trivial.group(2))
    healthz = re.search(r"RESULT requests=(\d+) seconds=([\d.]+)", healthz_run.stdout)
    if not healthz:
        sys.exit(f"wrk on /healthz failed:\n{healthz_run.stdout}\n{healthz_run.stderr}")
    healthz_rate = int(healthz.group(1)) / float(healthz.group(2))
    print(f"wrk: {' '.join(command[:-1])} <url>")
    if intake_cpu[1]:
        per_filing = {kind: 1000 * cpu_used(*intake_cpu, kind) / max(created, 1)
                      for kind in ("worker", "database", "sequencer")}
        healthz_requests = int(healthz.group(1))
        per_healthz = 1000 * cpu_used(*healthz_cpu, "worker") / max(healthz_requests, 1)
        print(
            f"CPU per filing: server workers {per_filing['worker']:.2f} ms, PostgreSQL "
            f"{per_filing['database']:.2f} ms, sequencer {per_filing['sequencer']:.2f} ms (with its backend "
            f"counted under PostgreSQL); `/healthz`: workers {per_healthz:.3f} ms per request — a filing's "
            f"worker CPU is {per_filing['worker'] / per_healthz:.1f}× a `/healthz` request's"
            if per_healthz else "CPU per filing: no /healthz reading"
        )
    # The portable reading: the same CPU per request on a machine whose `/healthz` serves the reference rate.
    # With a fixed number of clients each waiting for its answer, latency scales as 1 / throughput.
    scale = options.reference_healthz / healthz_rate
    scaled_rate, scaled_p95 = rate * scale, float(p95) / scale
    verdict = "met" if scaled_rate >= TARGET_RATE and scaled_p95 <= TARGET_P95_MS else "not met"
    print(
        f"scaled to the target's machine (`/healthz` {options.reference_healthz:,.0f}/s, this run's "
        f"× {scale:.2f}): about {scaled_rate:.0f} appeals/s, p95 about {scaled_p95:.0f} ms — the target "
        f"(≥ {TARGET_RATE}/s, p95 ≤ {TARGET_P95_MS} ms) {verdict} in this run"
    )
    print(
        f"statuses: {statuses_seen}; appeals +{appeals_after - appeals_before}, audit events "
        f"+{events_after - events_before}"
    )
    print(
        "| benchmark | database | server | clients | appeals/s | p50 | p95 | p99 | errors | "
        "`GET /api/v1/whoami`/s | ratio | `/healthz`/s | ratio | sequencer lag p50/p95/max | "
        "audit verify | command |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| appeals intake (API) | {database} | {options.server} {options.workers} workers × "
        f"{options.threads} threads | {options.clients} | {rate:.0f} | "
        f"{float(p50):.0f} ms | {float(p95):.0f} ms | {float(p99):.0f} ms | {errors} | "
        f"{trivial_rate:.0f} | {rate / trivial_rate:.0%} | {healthz_rate:.0f} | {rate / healthz_rate:.0%} | "
        f"{lag or 'not run'} | "
        f"{verified} ({verify_seconds:.0f} s) | "
        f"`./qinqing bench appeals_intake --count {options.count} --clients {options.clients} "
        f"--duration {options.duration} "
        f"--workers {options.workers} --threads "
        f"{options.threads}{' --server granian' if options.server == 'granian' else ''}"
        f"{' --source ' + options.source if options.source else ''}` |"
    )


if __name__ == "__main__":
    main()
