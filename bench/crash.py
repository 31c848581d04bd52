"""Crash test: kill -9 every server process in the middle of a filing run, restart, retry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench crash [--filings 2000]
        [--clients 16] [--kill-after 0.4] [--workers 2] [--threads 4] [--port 8107]

On a fresh scratch database (PostgreSQL: ``qinqing_bench_crash``, dropped afterwards; SQLite
under /tmp when DATABASE_URL is not a postgres:// URL) with the working-day calendar and an
API key, gunicorn serves the site (QINQING_MODE=demo) and ``--clients`` threads file
``--filings`` appeals through ``POST /api/v1/appeals/``, each with its own text and its own
``Idempotency-Key``. When ``--kill-after`` of the filings have been answered, every server
process (the master and its workers, one process group) gets SIGKILL; calls in flight get no
answer. The server is started again, the clients carry on, and at the end every filing that
got no answer is sent again with the same key and body (issue 18).

Checked afterwards, straight from the database:

* every acknowledged filing (201 with a tracking number) is stored, with its text, under that
  number (acknowledged = stored);
* every filing is stored exactly once (0 duplicates, 0 lost) — texts are unique, so only the
  Idempotency-Key stops a retried filing from being filed twice;
* a retry answered as a replay gives the number of the first, lost answer;
* the audit chain verifies (``./qinqing audit verify --chain-only``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, run  # noqa: E402

SCRATCH = "qinqing_bench_crash"


def scratch_env() -> tuple[dict, str]:
    env = {**os.environ, "QINQING_MODE": "demo"}
    env["QINQING_VAR_DIR"] = "/tmp/qinqing-bench-crash"  # noqa: S108 (a scratch benchmark directory)
    shutil.rmtree(env["QINQING_VAR_DIR"], ignore_errors=True)
    Path(env["QINQING_VAR_DIR"]).mkdir(parents=True)
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base = url.rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{SCRATCH}"')
        env["DATABASE_URL"] = f"{base}/{SCRATCH}"
        return env, "PostgreSQL"
    env.pop("DATABASE_URL", None)
    return env, "SQLite"


def drop(env: dict) -> None:
    if env.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        base = env["DATABASE_URL"].rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    shutil.rmtree(env["QINQING_VAR_DIR"], ignore_errors=True)


class Server:
    def __init__(self, env: dict, options):
        self.env, self.options, self.process = env, options, None
        self.log = open(Path(env["QINQING_VAR_DIR"]) / "gunicorn.log", "a")  # noqa: SIM115

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/gunicorn"), "qinqing.wsgi:application", "--bind",
             f"127.0.0.1:{self.options.port}", "--workers", str(self.options.workers), "--threads",
             str(self.options.threads), "--worker-class", "gthread", "--log-level", "warning"],
            env={**self.env, "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "qinqing.settings"},
            cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True,
        )
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.options.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        sys.exit("the server did not come up; see gunicorn.log")

    def kill9(self) -> int:
        """SIGKILL to the whole process group: master and workers at once, nothing cleaned up."""
        group = os.getpgid(self.process.pid)
        pgrep = shutil.which("pgrep") or "/usr/bin/pgrep"
        members = subprocess.run([pgrep, "-g", str(group)], capture_output=True, text=True).stdout.split()  # noqa: S603
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        return len(members)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(os.getpgid(self.process.pid), signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


def file_once(port: int, api_key: str, filing: dict) -> dict | None:
    """The answer (status, body) or None when the call got none (connection refused/reset)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/appeals/", body=json.dumps(filing["body"]).encode(),
                           headers={"Content-Type": "application/json", "X-API-Key": api_key,
                                    "Idempotency-Key": filing["key"]})
        response = connection.getresponse()
        body = response.read()
        return {"status": response.status, "body": json.loads(body) if body else None,
                "replayed": response.getheader("Idempotent-Replayed") == "true"}
    except (OSError, http.client.HTTPException, json.JSONDecodeError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kill-after", type=float, default=0.4, help="share answered before the kill")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    env, database = scratch_env()
    try:
        measure(options, env, database)
    finally:
        if not options.keep:
            drop(env)


def measure(options, env: dict, database: str) -> None:
    run(["migrate", "-v0"], env)
    run(["workdays", "seed"], env)
    api_key = run(["apikey", "create", "--name", "bench-crash", "--scope", "appeals:write"], env).split()[0]
    filings = [{"key": str(uuid.uuid4()), "body": {
        "title": f"崩溃测试 {i}",
        "content": f"第{i}件：园区{i % 97}号路段的路灯不亮，编号{uuid.uuid4().hex}。"}}
        for i in range(options.filings)]
    first: dict[int, dict | None] = {}
    lock, up = threading.Lock(), threading.Event()
    server = Server(env, options)
    server.start()
    up.set()
    queue = list(range(options.filings))
    started = time.perf_counter()

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                index = queue.pop(0)
            up.wait()
            answer = file_once(options.port, api_key, filings[index])
            with lock:
                first[index] = answer

    threads = [threading.Thread(target=client) for _ in range(options.clients)]
    for thread in threads:
        thread.start()
    while True:
        with lock:
            answered = sum(1 for a in first.values() if a is not None)
        if answered >= options.kill_after * options.filings:
            break
        time.sleep(0.01)
    up.clear()
    killed = server.kill9()
    kill_at = time.perf_counter() - started
    time.sleep(1)
    server.start()
    up.set()
    for thread in threads:
        thread.join()
    unanswered = [i for i in range(options.filings) if first.get(i) is None or first[i]["status"] >= 500]
    retried = {i: file_once(options.port, api_key, filings[i]) for i in unanswered}
    elapsed = time.perf_counter() - started
    server.stop()

    acknowledged = {i: a["body"]["tracking_number"] for i, a in first.items()
                    if a is not None and a["status"] == 201}
    retry_ok = {i: a["body"]["tracking_number"] for i, a in retried.items() if a and a["status"] == 201}
    replays = sum(1 for a in retried.values() if a and a["replayed"])
    code = ("import json; from qinqing.appeals.models import Appeal; print(json.dumps(list("
            "Appeal.objects.values_list('tracking_number', 'content'))))")
    stored = json.loads(run(["shell", "-c", code], env).strip().splitlines()[-1])
    by_content: dict[str, list[str]] = {}
    for number, content in stored:
        by_content.setdefault(content, []).append(number)
    lost_acks = [i for i, number in acknowledged.items()
                 if by_content.get(filings[i]["body"]["content"]) != [number]]
    duplicates = sum(len(numbers) - 1 for numbers in by_content.values() if len(numbers) > 1)
    missing = sum(1 for f in filings if f["body"]["content"] not in by_content)
    retry_mismatch = [i for i, number in retry_ok.items()
                      if by_content.get(filings[i]["body"]["content"]) != [number]]
    verified = run(["audit", "verify", "--chain-only"], env, check=False).strip().splitlines()[-1]
    print(f"filings {options.filings}, clients {options.clients}, kill -9 of {killed} server processes "
          f"at {kill_at:.1f} s after {options.kill_after:.0%} answered; unanswered {len(unanswered)}, "
          f"retried 201 {len(retry_ok)} ({replays} replays of a lost answer)")
    print(f"stored {len(stored)}; acknowledged {len(acknowledged)}, acknowledged but not stored as "
          f"acknowledged {len(lost_acks)}; duplicates {duplicates}; missing {missing}; retry answers "
          f"not matching the stored number {len(retry_mismatch)}; chain: {verified}")
    ok = not lost_acks and not duplicates and not missing and not retry_mismatch and \
        len(retry_ok) == len(unanswered) and "intact" in verified
    print("| benchmark | database | gunicorn | clients | filings | processes killed | unanswered → retried "
          "| replays | acknowledged = stored | duplicates | missing | chain | total time | command |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| crash (kill -9 mid-run) | {database} | {options.workers} workers × {options.threads} threads | "
          f"{options.clients} | {options.filings} | {killed} | {len(unanswered)} → {len(retry_ok)} | "
          f"{replays} | {'yes' if not lost_acks else f'NO ({len(lost_acks)})'} | {duplicates} | {missing} | "
          f"{verified} | {elapsed:.0f} s | `./qinqing bench crash --filings {options.filings} "
          f"--clients {options.clients}` |")
    if not ok:
        sys.exit("crash test FAILED")


if __name__ == "__main__":
    main()
