"""The district screening run and the rebuild of its watch list (article 15 item 7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from qinqing.core import clock

from ..conflicts import watch_statements
from ..models import ScreeningWatch


# --- screening -------------------------------------------------------------------------------------
def screening_run(*, incremental: bool = False, since=None):
    """Run the district screening; incremental mode starts from ``since`` or the last run."""
    from ..conflicts import screen
    from ..models import ScreeningRun

    if incremental and since is None:
        last = ScreeningRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
        since = last.started_at if last else None
    run = ScreeningRun.objects.create(started_at=clock.now(), incremental_since=since)
    conflicts = screen(since=since)
    run.conflicts_found = len(conflicts)
    run.finished_at = clock.now()
    run.save(update_fields=["conflicts_found", "finished_at"])
    return run, conflicts


@dataclass(frozen=True)
class WatchRebuild:
    """What ``screening_watch_rebuild`` found and did."""

    rows: int  # rows in the rebuilt list
    missing: int  # rows the triggers had NOT added: 0 unless a trigger was dropped or bypassed
    stale: int  # rows removed: links or enterprises since re-pointed at someone else (harmless)


def screening_watch_rebuild() -> WatchRebuild:
    """Rebuild the screening watch list (``ScreeningWatch``) from the directory (article 15 item 7).

    The triggers keep the list complete on their own; this trims the stale rows they leave and
    reports any row they missed. Derived data, like an index: no audit event (the directory
    rows it is computed from are audited). One transaction; on PostgreSQL the list is locked
    against the triggers' inserts meanwhile (reads, including screening, go on).
    """
    table = connection.ops.quote_name(ScreeningWatch._meta.db_table)
    statements = watch_statements()
    missing = rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        for column, select in statements.items():
            cursor.execute(
                f"SELECT COUNT(*) FROM ({select}) wanted "  # noqa: S608 (identifiers from model metadata)
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} w WHERE w.{column} = wanted.id)"
            )
            missing += cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for column, select in statements.items():
            cursor.execute(f"INSERT INTO {table} ({column}) {select}")
            rows += cursor.rowcount
    return WatchRebuild(rows=rows, missing=missing, stale=before - (rows - missing))
