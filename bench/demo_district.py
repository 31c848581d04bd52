"""Benchmark: generate the demo district at a given scale into a scratch database.

    ./qinqing bench demo_district --scale 100000      (SQLite in a temporary directory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./qinqing bench demo_district --scale 100000
        (PostgreSQL: a fresh database qinqing_bench is created on that server and dropped after)
Prints wall time, peak memory (max RSS of the generator process) and rows written, as a
Markdown table row for docs/PERFORMANCE.md. Issue "District data": --scale 1000000 must
finish in minutes.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], env: dict) -> str:
    completed = subprocess.run(
        [str(ROOT / "qinqing"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout + completed.stderr


def fresh_postgres_database(url: str, name: str = "qinqing_bench") -> str:
    """Create an empty database next to the one in ``url`` and return its URL."""
    import psycopg

    base, _slash, _database = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qinqing-bench-") as scratch:
        env = {**os.environ, "QINQING_MODE": "demo", "QINQING_VAR_DIR": scratch}
        database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        if database == "PostgreSQL":
            env["DATABASE_URL"] = fresh_postgres_database(env["DATABASE_URL"])
        run(["migrate", "-v0"], env)
        started = time.perf_counter()
        output = run(["demo", "--scale", str(options.scale)], env)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        verify_started = time.perf_counter()
        verified = run(["audit", "verify", "--chain-only"], env)
        verify_elapsed = time.perf_counter() - verify_started
    counts = re.search(
        r"(\d+) officials, (\d+) enterprises.*?(\d+) persons, (\d+) related persons, (\d+) person",
        output,
        re.S,
    )
    print("\n".join(output.strip().splitlines()[-4:]))
    print(verified.strip())
    summary = (
        ", ".join(
            f"{n} {label}"
            for n, label in zip(
                counts.groups(),
                ["officials", "enterprises", "persons", "related persons", "links"],
                strict=True,
            )
        )
        if counts
        else ""
    )
    print(
        f"| demo --scale {options.scale} | {database} | {elapsed:.0f} s | {peak_mb:.0f} MB | "
        f"{summary} | audit chain verified in {verify_elapsed:.0f} s |"
    )


if __name__ == "__main__":
    main()
