"""Shared by the appeals benchmarks: build or reuse a scratch database with N demo appeals.

SQLite: QINQING_VAR_DIR=/tmp/qinqing-bench-appeals-sqlite-<N>. PostgreSQL (DATABASE_URL set
to a postgres:// URL): a dedicated database ``qinqing_bench_appeals_<N>`` on that server —
never the ``test`` database. A marker (a file for SQLite, a table-free check of the row
count for PostgreSQL) lets a second run reuse the data; ``--rebuild`` starts afresh.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_SCALE = 10_000  # enterprises in the demo district under the appeals
AS_OF = "2026-11-25"  # the day the demo pool describes (a Wednesday); the sweep runs the day after


def run(args: list[str], env: dict, *, check: bool = True) -> str:
    completed = subprocess.run(
        [str(ROOT / "qinqing"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout + completed.stderr


def database_env(count: int, *, rebuild: bool = False) -> tuple[dict, str, bool]:
    """(environment for ./qinqing, "SQLite"/"PostgreSQL", whether it was built now)."""
    env = {**os.environ, "QINQING_MODE": "demo"}
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"qinqing_bench_appeals_{count}"
        base = url.rpartition("/")[0]
        env["DATABASE_URL"] = f"{base}/{name}"
        env["QINQING_VAR_DIR"] = f"/tmp/qinqing-bench-appeals-postgresql-{count}"  # noqa: S108 (a scratch benchmark directory)
        Path(env["QINQING_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        marker = Path(env["QINQING_VAR_DIR"]) / "built"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if rebuild or not exists or not marker.exists():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
                marker.unlink(missing_ok=True)
        database = "PostgreSQL"
    else:
        env.pop("DATABASE_URL", None)
        env["QINQING_VAR_DIR"] = f"/tmp/qinqing-bench-appeals-sqlite-{count}"  # noqa: S108 (a scratch benchmark directory)
        marker = Path(env["QINQING_VAR_DIR"]) / "built"
        if rebuild and Path(env["QINQING_VAR_DIR"]).exists():
            import shutil

            shutil.rmtree(env["QINQING_VAR_DIR"])
        Path(env["QINQING_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        database = "SQLite"
    if marker.exists():
        return env, database, False
    started = time.perf_counter()
    run(["migrate", "-v0"], env)
    run(["workdays", "seed"], env)
    run(["demo", "--scale", str(DEMO_SCALE), "--seed", "1"], env)
    output = run(["appeals_demo", "--count", str(count), "--seed", "1", "--as-of", AS_OF], env)
    elapsed = time.perf_counter() - started
    print(output.strip().splitlines()[-3:] and "\n".join(output.strip().splitlines()[-3:]))
    print(
        f"| build: demo --scale {DEMO_SCALE} + appeals_demo --count {count} | {database} | {elapsed:.0f} s |"
    )
    marker.write_text(output)
    return env, database, True


def django_setup(env: dict) -> None:
    """Point this process at the bench database and set Django up."""
    os.environ.update(
        {
            key: value
            for key, value in env.items()
            if key in ("QINQING_MODE", "QINQING_VAR_DIR", "DATABASE_URL")
        }
    )
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
