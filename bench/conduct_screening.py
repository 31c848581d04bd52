"""Conflict-of-interest screening benchmark (article 15 item 7).

    .venv/bin/python bench/conduct_screening.py [--scale 1.0] [--keep DIR]

Builds, in a scratch SQLite database (QINQING_VAR_DIR points to a temporary directory),
50,000 officials, 200,000 related persons, 1,000,000 enterprises and 3,000,000 person–enterprise
links (at --scale 1.0) with set-based INSERT … SELECT over a recursive counter — deterministic
formulas, so DuckDB builds exactly the same rows. The rows are written directly (not through
the services): a benchmark database, never verified by ``audit verify``.

Reports: build time; full screening (``conduct.conflicts.screen``: exact-ID, legal
representative and name+birth-date matches, evidence objects built) on SQLite; the same
exact-ID join in DuckDB (in-memory); and the per-assignment ``check_assignment`` p50/p95 over
random official × enterprise pairs (conflicted and clean).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--keep", help="directory for the scratch database (default: a temporary one)")
    options = parser.parse_args()
    var_dir = options.keep or tempfile.mkdtemp(prefix="qinqing-bench-")
    os.environ["QINQING_VAR_DIR"] = var_dir
    os.environ.setdefault("QINQING_MODE", "demo")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    officials = int(50_000 * options.scale)
    related = int(200_000 * options.scale)
    enterprises = int(1_000_000 * options.scale)
    links = int(3_000_000 * options.scale)
    others = int(1_250_000 * options.scale)  # persons who are neither officials nor relatives
    persons = officials + related + others

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("INSERT INTO directory_unit (code, name, kind, organ_type, is_active) VALUES ('B0001', '基准单位', 'organ', 'government', 1)")
        unit_id = cursor.lastrowid
        # Persons: resident_id_index is a unique stand-in digest; every 50th "other" person has no ID
        # and the same name and birth date as a related person (a name+birth-date candidate).
        cursor.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {persons})
            INSERT INTO directory_person (id, name, resident_id, resident_id_index, gender, birth_date, phone)
            SELECT i,
                   CASE WHEN i > {officials + related} AND i % 50 = 0 THEN '人' || ({officials} + 1 + (i % {related}))
                        ELSE '人' || i END,
                   '',
                   CASE WHEN i > {officials + related} AND i % 50 = 0 THEN '' ELSE printf('%064x', i) END,
                   '',
                   CASE WHEN i > {officials + related} AND i % 50 = 0
                        THEN date('1960-01-01', '+' || (({officials} + 1 + (i % {related})) % 15000) || ' days')
                        ELSE date('1960-01-01', '+' || (i % 15000) || ' days') END,
                   ''
              FROM n""")
        cursor.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {officials})
            INSERT INTO directory_official (id, person_id, unit_id, position, rank, is_leading_cadre, is_active)
            SELECT i, i, {unit_id}, '科员', 'clerk', 0, 1 FROM n""")
        cursor.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {related})
            INSERT INTO directory_relatedperson (id, official_id, person_id, relationship, occupation)
            SELECT i, 1 + (i % {officials}), {officials} + i,
                   CASE i % 4 WHEN 0 THEN 'spouse' WHEN 1 THEN 'child' WHEN 2 THEN 'child_spouse' ELSE 'other' END, '' FROM n""")
        cursor.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {enterprises})
            INSERT INTO directory_enterprise (id, name, uscc, ownership_type, is_key_enterprise, industry, address, is_active)
            SELECT i, '企业' || i, printf('B%017d', i), 'private', 0, '', '', 1 FROM n""")
        cursor.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {links})
            INSERT INTO directory_enterpriselink (id, person_id, enterprise_id, kind, role, share_percent, source)
            SELECT i, 1 + ((i * 7919) % {persons}), 1 + ((i * 104729) % {enterprises}),
                   CASE i % 3 WHEN 0 THEN 'shareholder' WHEN 1 THEN 'executive' ELSE 'employee' END, '',
                   CASE i % 3 WHEN 0 THEN 1 + (i % 40) ELSE NULL END, 'bench' FROM n""")
        cursor.execute("ANALYZE")
    build_seconds = time.perf_counter() - started

    from qinqing.conduct.conflicts import screen

    started = time.perf_counter()
    conflicts = screen()
    screen_seconds = time.perf_counter() - started
    exact = sum(1 for conflict in conflicts if conflict.match in ("resident_id", "same_person"))

    import duckdb

    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE link AS SELECT i AS id, 1 + ((i * 7919) % {persons}) AS person_id, 1 + ((i * 104729) % {enterprises}) AS enterprise_id FROM range(1, {links} + 1) t(i)")
    duck.execute(f"CREATE TABLE official AS SELECT i AS id, i AS person_id FROM range(1, {officials} + 1) t(i)")
    duck.execute(f"CREATE TABLE related AS SELECT i AS id, 1 + (i % {officials}) AS official_id, {officials} + i AS person_id FROM range(1, {related} + 1) t(i)")
    started = time.perf_counter()
    duck_rows = duck.execute("""
        WITH subjects AS (SELECT id AS official_id, person_id FROM official
                          UNION ALL SELECT official_id, person_id FROM related)
        SELECT s.official_id, l.id, l.enterprise_id FROM subjects s JOIN link l ON l.person_id = s.person_id""").fetchall()
    duck_seconds = time.perf_counter() - started

    from django.utils.crypto import get_random_string  # noqa: F401 (settings loaded)

    from qinqing.conduct.services import RecusalRequired, check_assignment
    from qinqing.core.audit import SystemActor
    from qinqing.directory.models import Enterprise, Official

    pairs = [(c.official_id, c.enterprise_id) for c in conflicts[: options.checks // 2]]
    pairs += [(1 + (i * 31) % officials, 1 + (i * 9973) % enterprises) for i in range(options.checks - len(pairs))]
    actor = SystemActor("bench")
    timings = []
    blocked = 0
    for official_id, enterprise_id in pairs:
        official = Official.objects.select_related("person").get(pk=official_id)
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        started = time.perf_counter()
        try:
            check_assignment(official=official, enterprise=enterprise, matter_type="bench", matter_id="1", actor=actor)
        except RecusalRequired:
            blocked += 1
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]

    print(f"data: {officials:,} officials, {related:,} related persons, {persons:,} persons, {enterprises:,} enterprises, {links:,} links")
    print(f"build (SQLite, set-based inserts): {build_seconds:.1f} s   [database: {var_dir}]")
    print(f"full screening, SQLite (screen()): {screen_seconds:.2f} s, {len(conflicts):,} conflicts ({exact:,} exact-ID)")
    print(f"exact-ID join, DuckDB in-memory:   {duck_seconds:.2f} s, {len(duck_rows):,} rows")
    print(f"ratio SQLite full / DuckDB exact:  {screen_seconds / duck_seconds:.1f}x")
    print(f"check_assignment over {len(timings)} pairs ({blocked} blocked, each blocked check writes its audited record): "
          f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
