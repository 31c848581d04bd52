"""Conflict-of-interest screening benchmark (article 15 item 7, issue 5).

    ./qinqing bench conduct_screening [--scale 1.0] [--database sqlite|postgres] [--checks 500] [--keep]

Data (at --scale 1.0): 50,000 officials, 200,000 related persons, 1,000,000 enterprises,
3,000,000 person–enterprise links, 1,250,000 other persons. Realistic shape: almost every link
and every legal representative belongs to people who are neither officials nor their relatives.
A known share is planted:

- P = officials / 50 links (2% of officials): odd j → the official themselves, even j → one of
  their related persons, each holding a stake, office or job in one enterprise;
- Q = officials / 200 enterprises whose legal representative is an official (odd) or a related
  person (even);
- T = officials / 500 persons WITHOUT a resident ID who share the name and date of birth of a
  related person and hold one link each (the name-based matches, reported separately).

So the full screening must find exactly P + Q exact-ID conflicts and T name-based ones; the
benchmark asserts it. Rows are written with set-based INSERT … SELECT (deterministic formulas),
directly rather than through the services: a scratch benchmark database, never audit-verified.
The conduct app's database triggers fire on these inserts as on any other and fill the
screening watch list (``conduct.ScreeningWatch``, the index the screening is driven by); the
build time includes them (the links step, where a trigger runs per row, is shown on its own).
After the build the watch list is rebuilt from scratch (timed): the rebuild must find no row
the triggers missed, and the list must hold exactly the P + Q planted ties.

SQLite: a temporary directory (QINQING_VAR_DIR). PostgreSQL: a dedicated database
``qinqing_bench_conduct`` created on the server named by DATABASE_URL (default
postgres://postgres@127.0.0.1:5432) and dropped afterwards (kept with --keep).

What is timed (each on the same rows, in the same run):

- exact-ID join, ours: the statement EXACT_JOIN_SQL below — officials ∪ their current related
  persons ⋈ open person–enterprise links ⋈ enterprises → (official, person, relationship,
  enterprise, enterprise name, link kind) rows — run by our database;
- the same EXACT_JOIN_SQL text run by DuckDB on the same rows, after loading the needed columns
  from our database into DuckDB's memory (load timed separately, not part of the join);
- screen SQL only: ``conduct.conflicts.screen_rows`` — the one set-based statement of the full
  screening (exact ID + legal representative + name/date-of-birth matches), rows fetched. Its
  exact branches are driven by the trigger-maintained watch list, an index DuckDB's join does
  not have (and need not: it scans the 3M links column-wise in memory);
- screen total: ``conduct.conflicts.screen`` — the same plus building the Conflict objects
  (evidence text is built lazily, only when a conflict is shown);
- check_assignment p50/p95 over N official × enterprise pairs, half of them conflicted (each
  blocked check writes its audited AssignmentCheck, as it does in production).

The issue's target compares the FULL screening with DuckDB's exact-ID join ("screen total /
DuckDB join"); the like-for-like figure is "exact join ours / DuckDB join".
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BENCH_DATABASE = "qinqing_bench_conduct"

# The one join both engines run, textually identical (table names substituted).
EXACT_JOIN_SQL = """
SELECT s.official_id, s.person_id, s.relationship, l.enterprise_id, e.name, l.kind
  FROM (SELECT o.id AS official_id, o.person_id AS person_id, 'self' AS relationship
          FROM {official} o WHERE o.is_active
        UNION ALL
        SELECT r.official_id, r.person_id, r.relationship
          FROM {related} r JOIN {official} o ON o.id = r.official_id
         WHERE r.end_date IS NULL AND o.is_active) s
  JOIN {link} l ON l.person_id = s.person_id
  JOIN {enterprise} e ON e.id = l.enterprise_id
 WHERE l.end_date IS NULL
"""


class Shape:
    def __init__(self, scale: float):
        self.officials = int(50_000 * scale)
        self.related = int(200_000 * scale)
        self.enterprises = int(1_000_000 * scale)
        self.links = int(3_000_000 * scale)
        self.others = int(1_250_000 * scale)
        self.planted_links = self.officials // 50
        self.planted_representatives = self.officials // 200
        self.twins = max(1, self.officials // 500)
        self.persons = self.officials + self.related + self.others + self.twins
        self.first_other = self.officials + self.related + 1
        self.first_twin = self.officials + self.related + self.others + 1


class Dialect:
    """The few expressions SQLite and PostgreSQL spell differently."""

    def __init__(self, vendor: str):
        self.vendor = vendor

    def insert_series(self, count: int, table: str, columns: str, select: str) -> str:
        if self.vendor == "sqlite":
            return (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
                    f"INSERT INTO {table} ({columns}) SELECT {select} FROM n")
        return (
            f"INSERT INTO {table} ({columns}) SELECT {select} FROM generate_series(1::bigint, "
            f"{count}) AS n(i)"
        )

    def hex64(self, expression: str) -> str:
        return (
            f"printf('%064x', {expression})"
            if self.vendor == "sqlite"
            else f"lpad(to_hex({expression}), 64, '0')"
        )

    def padded(self, prefix: str, expression: str, width: int) -> str:
        if self.vendor == "sqlite":
            return f"printf('{prefix}%0{width}d', {expression})"
        return f"'{prefix}' || lpad(({expression})::text, {width}, '0')"

    def day(self, expression: str) -> str:
        if self.vendor == "sqlite":
            return f"date('1960-01-01', '+' || ({expression}) || ' days')"
        return f"(DATE '1960-01-01' + ({expression})::int)"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"


def build(cursor, shape: Shape, dialect: Dialect) -> dict[str, float]:
    """Fill the directory; returns the seconds of the links step (one watch trigger per row)."""
    s = shape
    d = dialect
    if d.vendor == "sqlite":
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("INSERT INTO directory_unit (code, name, kind, organ_type, is_active) "
                   "VALUES ('B0001', '基准单位', 'organ', 'government', TRUE)")
    cursor.execute("SELECT id FROM directory_unit WHERE code = 'B0001'")
    unit_id = cursor.fetchone()[0]
    # Persons: officials, related persons and others carry a unique stand-in resident-ID digest;
    # the twins have no resident ID and copy the name and birth date of related person twin × step.
    step = s.related // s.twins
    twin_of = f"({s.officials} + (i - {s.first_twin - 1}) * {step})"
    is_twin = f"i >= {s.first_twin}"
    cursor.execute(d.insert_series(
        s.persons, "directory_person", "id, name, resident_id, resident_id_index, gender, birth_date, phone",
        f"i, '人' || {d.text(f'CASE WHEN {is_twin} THEN {twin_of} ELSE i END')}, '', "
        f"CASE WHEN {is_twin} THEN '' ELSE {d.hex64('i')} END, '', "
        f"{d.day(f'(CASE WHEN {is_twin} THEN {twin_of} ELSE i END) % 15000')}, ''"))
    cursor.execute(
        d.insert_series(
            s.officials,
            "directory_official",
            "id, person_id, unit_id, position, rank, is_leading_cadre, is_active",
            f"i, i, {unit_id}, '科员', 'clerk', FALSE, TRUE",
        )
    )
    # Related person r belongs to official 1 + (r mod officials); official k's first relative is r = k − 1.
    cursor.execute(
        d.insert_series(
            s.related,
            "directory_relatedperson",
            "id, official_id, person_id, relationship, occupation",
            f"i, 1 + (i % {s.officials}), {s.officials} + i, "
            "CASE i % 4 WHEN 0 THEN 'spouse' WHEN 1 THEN 'child' WHEN 2 THEN 'child_spouse' ELSE "
            "'other' END, ''",
        )
    )
    # Legal representatives: enterprise e ≤ Q → official 50e − 25 (odd e) or their first relative (even e).
    representative = (f"CASE WHEN i <= {s.planted_representatives} THEN "
                      f"(CASE WHEN i % 2 = 1 THEN 50 * i - 25 ELSE {s.officials} + 50 * i - 26 END) "
                      f"ELSE {s.first_other} + ((i * 7) % {s.others}) END")
    cursor.execute(
        d.insert_series(
            s.enterprises,
            "directory_enterprise",
            "id, name, uscc, ownership_type, is_key_enterprise, industry, address, "
            "legal_representative_id, is_active",
            f"i, '企业' || {d.text('i')}, {d.padded('B', 'i', 17)}, 'private', FALSE, '', '', "
            f"{representative}, TRUE",
        )
    )
    # Links: j ≤ P → official 50j (odd j) or their first relative (even j); then one link per twin;
    # every other link belongs to an "other" person.
    person = (f"CASE WHEN i <= {s.planted_links} THEN "
              f"(CASE WHEN i % 2 = 1 THEN 50 * i ELSE {s.officials} + 50 * i - 1 END) "
              f"WHEN i <= {s.planted_links + s.twins} THEN {s.first_twin} + i - {s.planted_links + 1} "
              f"ELSE {s.first_other} + ((i * 7919) % {s.others}) END")
    started = time.perf_counter()
    cursor.execute(
        d.insert_series(
            s.links,
            "directory_enterpriselink",
            "id, person_id, enterprise_id, kind, role, share_percent, source",
            f"i, {person}, 1 + ((i * 104729) % {s.enterprises}), "
            "CASE i % 3 WHEN 0 THEN 'shareholder' WHEN 1 THEN 'executive' ELSE 'employee' END, '', "
            "CASE i % 3 WHEN 0 THEN 1 + (i % 40) ELSE NULL END, 'bench'",
        )
    )
    steps = {"links": time.perf_counter() - started}
    cursor.execute("ANALYZE")
    return steps


def tables() -> dict[str, str]:
    from qinqing.directory.models import Enterprise, EnterpriseLink, Official, RelatedPerson

    return {"official": Official._meta.db_table, "related": RelatedPerson._meta.db_table,
            "link": EnterpriseLink._meta.db_table, "enterprise": Enterprise._meta.db_table}


def load_into_duckdb(cursor, duck) -> None:
    """Copy the columns the join needs from our database into DuckDB tables of the same names."""
    import numpy

    names = tables()
    wanted = {
        "official": ["id", "person_id", "is_active"],
        "related": ["official_id", "person_id", "relationship", "end_date"],
        "link": ["id", "person_id", "enterprise_id", "kind", "end_date"],
        "enterprise": ["id", "name"],
    }
    for key, columns in wanted.items():
        cursor.execute(f"SELECT {', '.join(columns)} FROM {names[key]}")
        rows = []
        while chunk := cursor.fetchmany(200_000):
            rows.extend(chunk)
        data = {
            column: numpy.array([row[index] for row in rows], dtype=object)
            for index, column in enumerate(columns)
        }
        for column in columns:
            if column in ("id", "person_id", "official_id", "enterprise_id"):
                data[column] = data[column].astype(numpy.int64)
            elif column == "is_active":
                data[column] = data[column].astype(bool)
        duck.register("incoming", data)
        casts = ", ".join(
            f"CAST({column} AS DATE) AS {column}" if column == "end_date" else column for column in columns
        )
        duck.execute(f"CREATE TABLE {names[key]} AS SELECT {casts} FROM incoming")
        duck.unregister("incoming")


def fresh_postgres_url() -> str:
    import psycopg

    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    base, _slash, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return f"{base}/{BENCH_DATABASE}"


def drop_postgres(url: str) -> None:
    import psycopg

    base, _slash, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def percentile(values: list[float], percent: int) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


def repeated(function, times: int = 3):
    """Run ``function`` ``times`` times: the result, the first (cold) time and the median time.

    Both engines are measured the same way; the median is the figure compared."""
    seconds = []
    result = None
    for _attempt in range(times):
        result, elapsed = timed(function)
        seconds.append(elapsed)
    return result, seconds[0], statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--checks", type=int, default=500, help="official × enterprise pairs for check_assignment"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--explain", action="store_true", help="print the query plan of the screening statement"
    )
    options = parser.parse_args()
    os.environ["QINQING_MODE"] = "demo"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qinqing.settings"
    var_dir = tempfile.mkdtemp(prefix="qinqing-bench-")
    os.environ["QINQING_VAR_DIR"] = var_dir
    if options.database == "postgres":
        os.environ["DATABASE_URL"] = fresh_postgres_url()
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    shape = Shape(options.scale)
    call_command("migrate", verbosity=0)
    try:
        run(options, shape, connection, var_dir)
    finally:
        connection.close()
        if options.database == "postgres" and not options.keep:
            drop_postgres(os.environ["DATABASE_URL"])
        if not options.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def run(options, shape: Shape, connection, var_dir: str) -> None:
    import duckdb

    from qinqing.conduct import conflicts as conflict_module
    from qinqing.conduct.services import RecusalRequired, check_assignment, screening_watch_rebuild
    from qinqing.core.audit import SystemActor
    from qinqing.directory.models import Enterprise, Official

    dialect = Dialect(connection.vendor)
    with connection.cursor() as cursor:
        steps, build_seconds = timed(lambda: build(cursor, shape, dialect))
    expected_exact = shape.planted_links + shape.planted_representatives
    # The triggers filled the watch list during the build; a rebuild must find nothing missing.
    rebuilt, rebuild_seconds = timed(screening_watch_rebuild)
    assert rebuilt.missing == 0, f"the triggers missed {rebuilt.missing} watch-list rows"
    assert rebuilt.rows == expected_exact and rebuilt.stale == 0, rebuilt
    expected_name = shape.twins
    join_sql = EXACT_JOIN_SQL.format(**tables())

    if options.explain:
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            conflict_module.use_nested_loops(cursor)  # as screen_rows runs it
            sql, params = conflict_module.screen_statement()
            prefix = "EXPLAIN QUERY PLAN " if dialect.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("    " + " | ".join(str(value) for value in row))

    def our_join():
        with connection.cursor() as cursor:
            cursor.execute(join_sql)
            return cursor.fetchall()

    screen_rows, screen_sql_first, screen_sql_seconds = repeated(conflict_module.screen_rows)
    conflicts, screen_first, screen_seconds = repeated(conflict_module.screen)
    our_rows, our_join_first, our_join_seconds = repeated(our_join)
    exact = [c for c in conflicts if c.match in ("resident_id", "same_person")]
    by_name = [c for c in conflicts if c.match not in ("resident_id", "same_person")]

    duck = duckdb.connect()
    with connection.cursor() as cursor:
        _nothing, load_seconds = timed(lambda: load_into_duckdb(cursor, duck))
    duck_rows, duck_first, duck_seconds = repeated(lambda: duck.execute(join_sql).fetchall())
    duck.close()

    assert len(our_rows) == len(duck_rows) == shape.planted_links, (
        len(our_rows),
        len(duck_rows),
        shape.planted_links,
    )
    assert sorted(our_rows) == sorted(tuple(row) for row in duck_rows), "our join and DuckDB's differ"
    assert len(screen_rows) == len(conflicts)
    assert len(exact) == expected_exact, (
        f"screen found {len(exact)} exact-ID conflicts, expected {expected_exact}"
    )
    assert len(by_name) == expected_name, (
        f"screen found {len(by_name)} name-based conflicts, expected {expected_name}"
    )
    assert all(c.match == "name_birth_date" for c in by_name)

    # check_assignment: half conflicted pairs (from the screening), half random ones.
    conflicted = [(c.official_id, c.enterprise_id) for c in exact[: options.checks // 2]]
    pairs = conflicted + [(1 + (i * 31) % shape.officials, 1 + (i * 9973) % shape.enterprises)
                          for i in range(options.checks - len(conflicted))]
    actor = SystemActor("bench")
    timings = []
    blocked_timings = []
    clean_timings = []
    for official_id, enterprise_id in pairs:
        official = Official.objects.select_related("person").get(pk=official_id)
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        started = time.perf_counter()
        try:
            check_assignment(
                official=official, enterprise=enterprise, matter_type="bench", matter_id="1", actor=actor
            )
        except RecusalRequired:
            blocked_timings.append((time.perf_counter() - started) * 1000)
        else:
            clean_timings.append((time.perf_counter() - started) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    blocked = len(blocked_timings)

    database = "SQLite" if dialect.vendor == "sqlite" else "PostgreSQL"
    if dialect.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database += " " + cursor.fetchone()[0].split()[0]
    else:
        import sqlite3

        database += " " + sqlite3.sqlite_version
    s = shape
    print(
        f"\nconduct screening, scale {options.scale:g}: {s.officials:,} officials, {s.related:,} "
        f"related persons, "
        f"{s.persons:,} persons, {s.enterprises:,} enterprises, {s.links:,} links; database {database}"
        + (f" [{var_dir}]" if dialect.vendor == "sqlite" else f" [{BENCH_DATABASE}]")
        + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"planted: {s.planted_links:,} links + {s.planted_representatives:,} legal representatives "
        f"({(s.planted_links + s.planted_representatives) / s.officials:.1%} of officials) + "
        f"{s.twins:,} name/date-of-birth twins\n"
    )
    print("| database | measure | value |")
    print("|---|---|---|")
    rows = [
        (
            "data build (set-based INSERT … SELECT + ANALYZE; watch triggers fire)",
            f"{build_seconds:.1f} s, of which the {s.links:,} links {steps['links']:.1f} s",
        ),
        (
            "watch list rebuilt from the directory (screening_watch_rebuild)",
            f"{rebuild_seconds:.2f} s, {rebuilt.rows:,} rows, {rebuilt.missing} missed by the triggers",
        ),
        (
            "screen SQL only (screen_rows: exact ID + legal representative + name/date of birth; "
            "median of 3, first run)",
            f"{screen_sql_seconds:.3f} s ({screen_sql_first:.3f} s), {len(screen_rows):,} rows",
        ),
        (
            "screen total (screen(): SQL + Conflict objects; median of 3, first run)",
            f"{screen_seconds:.3f} s ({screen_first:.3f} s)",
        ),
        (
            "exact-ID join, ours (EXACT_JOIN_SQL; median of 3, first run)",
            f"{our_join_seconds:.3f} s ({our_join_first:.3f} s), {len(our_rows):,} rows",
        ),
        ("DuckDB load (needed columns copied from our database)", f"{load_seconds:.1f} s"),
        (
            "DuckDB exact-ID join (same EXACT_JOIN_SQL, in memory; median of 3, first run)",
            f"{duck_seconds:.3f} s ({duck_first:.3f} s), {len(duck_rows):,} rows",
        ),
        ("ratio screen total / DuckDB join (issue target ≤ 3×)", f"{screen_seconds / duck_seconds:.1f}×"),
        ("ratio screen SQL only / DuckDB join", f"{screen_sql_seconds / duck_seconds:.1f}×"),
        ("ratio exact-ID join ours / DuckDB join (like for like)", f"{our_join_seconds / duck_seconds:.1f}×"),
        ("conflicts found vs expected (exact ID)", f"{len(exact):,} / {expected_exact:,}"),
        (
            "conflicts found vs expected (name + date of birth, separately)",
            f"{len(by_name):,} / {expected_name:,}",
        ),
        (
            f"check_assignment over {len(timings)} pairs ({blocked} blocked, each writes its audited record)",
            f"p50 {percentile(timings, 50):.2f} ms, p95 {percentile(timings, 95):.2f} ms",
        ),
        (
            f"check_assignment, {len(clean_timings)} clean pairs (reads only)",
            f"p50 {percentile(clean_timings, 50):.2f} ms, p95 {percentile(clean_timings, 95):.2f} ms",
        ),
        (
            f"check_assignment, {blocked} blocked pairs (reads + audited AssignmentCheck + commit)",
            f"p50 {percentile(blocked_timings, 50):.2f} ms, p95 {percentile(blocked_timings, 95):.2f} ms",
        ),
    ]
    for measure, value in rows:
        print(f"| {database} | {measure} | {value} |")


if __name__ == "__main__":
    main()
