"""Mixed-role load test (issue 18): pages, API, intake and the worker together, production config.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench load_mixed \
        [--duration 600] [--users 32] [--workers 2] [--threads 4] [--scale 200] [--rebuild]

1. A scratch PostgreSQL database ``qinqing_bench_load`` gets the demo district of every app
   (``./qinqing serve --no-serve``, demo mode), once; later runs reuse it (``--rebuild``).
2. The site then runs as in production: ``QINQING_MODE=production`` (DEBUG off, HTTPS
   redirect — clients send ``X-Forwarded-Proto: https`` as the proxy would —, secure
   cookies, 2FA for privileged roles), gunicorn, Redis as the shared cache and the task
   broker, and ``./qinqing worker`` beside it running the periodic jobs.
3. Every demo account gets a signed-in, second-factor-verified session (a confirmed TOTP
   device, as after enrolment); an API key gets ``directory:read``, ``appeals:write`` and
   ``integrity:query``.
4. ``/healthz`` alone is measured with wrk for 15 s (the trivial figure of this run).
5. Locust (bench/_load_locustfile.py) runs every role's menu pages, the anonymous public
   pages, the directory and eligibility APIs and appeal intake together for ``--duration``
   seconds; the report gives throughput and p95 per kind, failures (any 3xx/4xx/5xx counts),
   the server log's errors and the jobs the worker ran, and the ratio of the total to the
   trivial figure so the result can be compared on another machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, run  # noqa: E402

SCRATCH = "qinqing_bench_load"
VAR = Path("/tmp/qinqing-bench-load")  # noqa: S108 (a scratch benchmark directory)
SECRET = "qinqing-bench-load-secret-key-not-for-production-8d41c2e7a9"  # noqa: S105 (bench only)

SETUP = r"""
import json, secrets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from qinqing.core.demo import DEMO_ACCOUNTS
from qinqing.directory.models import Enterprise

backend = "django.contrib.auth.backends.ModelBackend"
sessions = {}
for username, _role, _name in DEMO_ACCOUNTS:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        continue
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench-load", confirmed=True)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = backend
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store.set_expiry(4 * 3600)
    store.create()
    sessions[username] = store.session_key
codes = list(Enterprise.objects.order_by("?").values_list("uscc", flat=True)[:500])
pages = max(1, Enterprise.objects.count() // 50)
print("FIXTURE" + json.dumps({"sessions": sessions, "usccs": codes, "directory_pages": pages,
                              "session_cookie": settings.SESSION_COOKIE_NAME}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environments(options) -> tuple[dict, dict, bool]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench load_mixed runs on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres")
    import psycopg

    base = url.rpartition("/")[0]
    marker = VAR / "built"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SCRATCH]).fetchone()
        build = options.rebuild or not exists or not marker.exists()
        if build:
            connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{SCRATCH}"')
            shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    # The keys outside the database are the same for the build (demo mode) and the production
    # run, as they are for a real site across restarts: the records stay readable.
    demo = {**os.environ, "QINQING_MODE": "demo", "DATABASE_URL": f"{base}/{SCRATCH}",
            "QINQING_VAR_DIR": str(VAR / "var"), "QINQING_FIELD_KEY": "bench-load-field-key-" + "3c" * 16,
            "QINQING_AUDIT_KEY": "bench-load-audit-key-" + "9e" * 16}
    production = {
        **demo,
        "QINQING_MODE": "production",
        "QINQING_SECRET_KEY": SECRET,
        "QINQING_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QINQING_CACHE_URL": "redis://127.0.0.1:6379/7",
        "QINQING_TASK_BROKER_URL": "redis://127.0.0.1:6379/8",
        "QINQING_SUPERVISION_KEYS": "bench:" + "5a" * 16,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "qinqing.settings",
    }
    return demo, production, build


def ensure_locust() -> str:
    locust = ROOT / ".venv/bin/locust"
    if not locust.exists():
        print("installing locust (the load generator) into .venv ...", flush=True)
        subprocess.run([str(ROOT / ".venv/bin/pip"), "install", "-q", "locust>=2.30"], check=True)  # noqa: S603
    return str(locust)


def wait_for(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 (own server)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not answer /healthz")


def trivial(port: int, seconds: int) -> float:
    if shutil.which("wrk") is None:
        sys.exit("bench load_mixed needs wrk for the trivial figure: apt-get install wrk")
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c32", f"-d{seconds}s", f"http://127.0.0.1:{port}/healthz"],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    sys.exit(f"wrk printed no rate:\n{out}")


def job_runs(env: dict, since: float) -> str:
    code = (
        "import datetime, json\n"
        "from django_q.models import Success, Failure\n"
        f"t = datetime.datetime.fromtimestamp({since}, datetime.timezone.utc)\n"
        "print('JOBS' + json.dumps({'succeeded': Success.objects.filter(stopped__gte=t).count(),"
        " 'failed': Failure.objects.filter(stopped__gte=t).count()}))\n"
    )
    out = run(["shell", "-c", code], env)
    return json.loads(out.split("JOBS", 1)[1].splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=600, help="seconds of mixed load (10 minutes)")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--spawn-rate", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--scale", type=int, default=200, help="demo district's enterprises (on build)")
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args()
    locust = ensure_locust()
    demo, production, build = environments(options)
    if build:
        print(f"building the demo district in {SCRATCH} (scale {options.scale}) ...", flush=True)
        run(["serve", "--no-serve", "--scale", str(options.scale)], demo)
        (VAR / "built").write_text("built\n")
    run(["migrate", "--no-input"], production)
    run(["collectstatic", "--no-input", "-v", "0"], production)  # as a deployment does (OPERATIONS.md)
    key = run(["apikey", "create", "--name", f"bench-load-{int(time.time())}", "--scope", "directory:read",
               "--scope", "appeals:write", "--scope", "integrity:query"], production).split()[0]
    fixture = json.loads(run(["shell", "-c", SETUP], production).split("FIXTURE", 1)[1].splitlines()[0])
    fixture["api_key"] = key
    fixture_file = VAR / "fixture.json"
    fixture_file.write_text(json.dumps(fixture))
    port = free_port()
    log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    worker_log = open(VAR / "worker.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "qinqing.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(options.workers), "--threads", str(options.threads), "--worker-class", "gthread",
         "--backlog", "2048", "--timeout", "60", "--keep-alive", "75", "--log-level", "warning"],
        env=production, cwd=ROOT, stdout=log, stderr=log,
    )
    worker = subprocess.Popen([str(ROOT / "qinqing"), "worker"], env=production, cwd=ROOT,  # noqa: S603
                              stdout=worker_log, stderr=worker_log)
    started = time.time()
    load_before = os.getloadavg()[0]
    try:
        wait_for(port)
        healthz = trivial(port, 15)
        print(f"/healthz alone: {healthz:,.0f} requests/s (wrk, 32 connections, 15 s)", flush=True)
        prefix = VAR / "locust"
        print(f"mixed load: {options.users} users for {options.duration} s ...", flush=True)
        subprocess.run(  # noqa: S603
            [locust, "-f", str(ROOT / "bench/_load_locustfile.py"), "--headless", "-u", str(options.users),
             "-r", str(options.spawn_rate), "-t", f"{options.duration}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "60"],
            env={**os.environ, "QINQING_LOAD_FIXTURE": str(fixture_file)}, cwd=ROOT, check=False,
            stdout=subprocess.DEVNULL,
        )
        jobs = job_runs(production, started)
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        worker_log.close()
    load = f"{load_before:.1f}–{os.getloadavg()[0]:.1f}"
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    print()
    print("| kind | requests | req/s | p50 ms | p95 ms | failures |")
    print("|---|---:|---:|---:|---:|---:|")
    total = None
    for row in rows:
        line = (f"| {row['Name']} | {int(row['Request Count']):,} | {float(row['Requests/s']):.1f} | "
                f"{row['50%']} | {row['95%']} | {row['Failure Count']} |")
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(line)
    if total is None:
        sys.exit("locust wrote no aggregate row")
    rate = float(total["Requests/s"])
    print(f"| **all** | {int(total['Request Count']):,} | {rate:.1f} | {total['50%']} | {total['95%']} | "
          f"{total['Failure Count']} |")
    failures = VAR / "locust_failures.csv"
    failed = list(csv.DictReader(open(failures))) if failures.exists() else []  # noqa: SIM115
    for row in failed[:10]:
        print(f"  failure: {row['Name']}: {row['Error'][:160]} × {row['Occurrences']}")
    server_errors = sum(1 for line in (VAR / "gunicorn.log").read_text().splitlines() if "Traceback" in line)
    print()
    print(f"worker: {jobs['succeeded']} job runs succeeded, {jobs['failed']} failed during the run")
    print(f"server log: {server_errors} tracebacks")
    print(f"trivial: /healthz {healthz:,.0f}/s; mixed total {rate:,.1f}/s = {rate / healthz:.1%} of it")
    print(f"load average {load} on {os.cpu_count()} CPUs; production settings, gunicorn "
          f"{options.workers}×{options.threads} gthread, Redis cache and broker, PostgreSQL")
    ok = int(total["Failure Count"]) == 0 and server_errors == 0 and jobs["failed"] == 0
    print("RESULT: " + ("no errors" if ok else "ERRORS (see above and /tmp/qinqing-bench-load/*.log)"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
