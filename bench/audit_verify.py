"""Benchmark: the audit log at a million events — sequencing, proofs and full verification.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ./qinqing bench audit_verify [--events 1000000]

Builds (or reuses) a scratch database ``qinqing_bench_audit_<N>`` (SQLite: under /tmp) holding
``--events`` synthetic audit events written the way ``record_bulk_events`` writes them (content
hash computed per event, COPY), then measures, each on its own clock:

* the sequencer integrating all of them (``sequencer.integrate_all``: leaf indexes, stored
  subtrees, one signed head per pass of 20,000) — its rate bounds the write rate it keeps up with;
* publishing the head to an anchor file (``publish.publish_now``);
* 200 inclusion proofs of random events and a consistency proof (reads of stored subtrees only);
* ``verify_chain(check_records=False)`` against the anchored head: every event's content hash
  recomputed, the whole tree recomputed and compared with every signed head and the anchor.

Also prints ``SELECT 1`` × 1,000 on the same connection, as the trivial figure of this run.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _appeals_db import ROOT, django_setup  # noqa: E402

ACTIONS = [
    "appeals.appeal.file",
    "appeals.appeal.assign",
    "directory.enterprise.update",
    "core.user.login",
    "directory.person.reveal_id",
    "conduct.gift.record",
]


def database_env(events: int, rebuild: bool) -> tuple[dict, bool]:
    env = {**os.environ, "QINQING_MODE": "demo"}
    url = env.get("DATABASE_URL", "")
    var = Path(f"/tmp/qinqing-bench-audit-{events}")  # noqa: S108 (a scratch benchmark directory)
    var.mkdir(parents=True, exist_ok=True)
    env["QINQING_VAR_DIR"] = str(var)
    env["QINQING_AUDIT_ANCHOR_FILE"] = str(var / "anchor" / "heads.jsonl")
    marker = var / "built"
    if url.startswith("postgres"):
        import psycopg

        name = f"qinqing_bench_audit_{events}"
        base = url.rpartition("/")[0]
        env["DATABASE_URL"] = f"{base}/{name}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if rebuild or not exists or not marker.exists():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
                marker.unlink(missing_ok=True)
    else:
        env.pop("DATABASE_URL", None)
        if rebuild:
            marker.unlink(missing_ok=True)
            (var / "qinqing.sqlite3").unlink(missing_ok=True)
    return env, marker.exists()


def write_events(count: int) -> float:
    """``count`` synthetic events, as record_bulk_events writes them; seconds taken."""
    import datetime

    from django.db import connection, transaction

    from qinqing.core import audit, clock, db
    from qinqing.core.models import AuditEvent
    from qinqing.core.transparency.canonical import content_fields, content_hash_of

    field = AuditEvent._meta.get_field
    changes_field, details_field = field("changes"), field("details")
    columns = [
        "seq",
        "occurred_at",
        "actor_type",
        "actor_user_id",
        "actor_api_key_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "changes",
        "details",
        "state_digest",
        "request_id",
        "prev_hash",
        "hash",
        "content_hash",
    ]
    rng = random.Random(1)
    started = time.perf_counter()
    moment = clock.now() - datetime.timedelta(days=365)
    step = datetime.timedelta(seconds=365 * 86400 / count)
    done = 0
    while done < count:
        batch = min(20000, count - done)
        with transaction.atomic():
            seqs = audit._next_seqs(batch)
            rows = []
            for seq in seqs:
                moment += step
                action = rng.choice(ACTIONS)
                changes = {"status": ["received", "assigned"]} if "appeal" in action else {}
                details = {"n": seq, "note": "压测事件"}
                fields = content_fields(
                    occurred_at=moment,
                    actor_type="system",
                    actor_user_id=None,
                    actor_api_key_id=None,
                    actor_label="bench",
                    action=action,
                    object_type="bench.Thing",
                    object_id=str(seq),
                    changes=changes,
                    details=details,
                    state_digest="",
                    request_id=f"{seq:032x}",
                )
                rows.append(
                    (
                        seq,
                        field("occurred_at").get_db_prep_save(moment, connection),
                        "system",
                        None,
                        None,
                        "bench",
                        action,
                        "bench.Thing",
                        str(seq),
                        changes_field.get_db_prep_save(changes, connection),
                        details_field.get_db_prep_save(details, connection),
                        "",
                        f"{seq:032x}",
                        "",
                        None,
                        content_hash_of(fields),
                    )
                )
            db.bulk_insert(AuditEvent._meta.db_table, columns, rows)
        done += batch
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args()
    env, built = database_env(options.events, options.rebuild)
    if not built:
        import subprocess

        subprocess.run([str(ROOT / "qinqing"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    django_setup(env)
    os.environ["QINQING_AUDIT_ANCHOR_FILE"] = env["QINQING_AUDIT_ANCHOR_FILE"]
    from django.conf import settings
    from django.db import connection

    from qinqing.core import audit
    from qinqing.core.models import AuditEvent
    from qinqing.core.transparency import merkle, publish, sequencer, store

    settings.AUDIT_ANCHOR_FILE = env["QINQING_AUDIT_ANCHOR_FILE"]
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    figures = {}
    if not built:
        figures["write"] = write_events(options.events - AuditEvent.objects.count())
        started = time.perf_counter()
        sequencer.integrate_all()
        figures["sequence"] = time.perf_counter() - started
        Path(env["QINQING_VAR_DIR"], "built").write_text(json.dumps(figures))
    else:
        figures = json.loads(Path(env["QINQING_VAR_DIR"], "built").read_text())
    total = AuditEvent.objects.count()
    started = time.perf_counter()
    publish.publish_now()
    figures["publish"] = time.perf_counter() - started
    size = store.tree_size()
    started = time.perf_counter()
    rng = random.Random(2)
    for index in (rng.randrange(size) for _ in range(200)):
        store.inclusion_proof(index, size)
    figures["proof_ms"] = (time.perf_counter() - started) / 200 * 1000
    started = time.perf_counter()
    path = store.consistency_proof(size // 3, size)
    figures["consistency_ms"] = (time.perf_counter() - started) * 1000
    assert merkle.verify_consistency(size // 3, size, store.root_at(size // 3), store.root_at(size), path)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _ in range(1000):
            cursor.execute("SELECT 1")
            cursor.fetchone()
    trivial = time.perf_counter() - started
    anchored = publish.read_anchor_file()
    started = time.perf_counter()
    result = audit.verify_chain(check_records=False, anchor_heads=anchored[-1:])
    figures["verify"] = time.perf_counter() - started
    print(
        f"verify: {'intact' if result.ok else 'BROKEN ' + '; '.join(result.problems[:3])}; "
        f"{result.events_checked} events; {' '.join(result.statements[:1])}"
    )
    print(
        "| benchmark | database | events | write (bulk) | sequencer | sequencer rate | publish | "
        "inclusion proof | consistency proof | verify (full) | `SELECT 1` ×1,000 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    write = f"{figures['write']:.0f} s" if "write" in figures else "-"
    print(
        f"| audit log | {database} | {total:,} | {write} | {figures['sequence']:.0f} s | "
        f"{total / figures['sequence']:,.0f} events/s | {figures['publish'] * 1000:.0f} ms | "
        f"{figures['proof_ms']:.1f} ms | {figures['consistency_ms']:.1f} ms | {figures['verify']:.0f} s "
        f"({total / figures['verify']:,.0f} events/s) | {trivial * 1000:.0f} ms |"
    )
    if not result.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
