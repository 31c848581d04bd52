"""The sequencer: integrates written events into the Merkle tree, in order, and signs a head.

``integrate()`` is one pass (serialised by a lock, so two workers never interleave): the events
that are committed and not yet in the tree, oldest ``seq`` first, get the next leaf indexes;
the subtrees they complete are stored; a head over the new tree is signed and stored — all in
one transaction. An event whose transaction commits late simply gets a later leaf.

The task queue's scheduler works in minutes, so the periodic job ``core.audit_sequencer``
(every minute) runs ``job``: in a task-queue worker, a pass every ``INTERVAL`` (a quarter of a
second) for just under a minute; the next run starts as this one ends (the job's claim keeps two
from overlapping), so the lag between a write and its signed head stays under half a second.
Short passes rather than one a second: each pass rewrites the events it integrates (their
``leaf_index``), and a second's worth at once was a burst of writes that the filings committing
meanwhile waited behind (docs/PERFORMANCE.md, "The sequencer's pace": intake's p95 and p99 fall).
A pass with nothing to do reads one index outside any transaction (no lock; on SQLite, no write
lock). It keeps one of the cluster's worker processes busy (docs/OPERATIONS.md: count it in
``QINQING_TASK_WORKERS``).
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .. import clock, db, jobs
from ..models import AuditEvent, AuditTreeNode
from . import heads, merkle, store

LOCK = "qinqing.core.transparency.sequencer"
BATCH = 20000
INTERVAL = 0.25  # seconds between passes while the job runs


def _set_leaf_indexes(pairs: list[tuple[int, int]]) -> None:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    if connection.vendor == "postgresql":
        db.execute(
            f"UPDATE {table} AS e SET leaf_index = v.leaf FROM "  # noqa: S608 (model metadata)
            "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS leaf) AS v WHERE e.id = v.id",
            [[pk for pk, _ in pairs], [leaf for _, leaf in pairs]],
        )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET leaf_index = %s WHERE id = %s",  # noqa: S608
            [(leaf, pk) for pk, leaf in pairs],
        )


def _first_pending() -> int | None:
    """The ``seq`` of the first event not yet in the tree, or None. Ordered by ``seq``, so the planner reads
    the partial index of pending events (``core_audit_pending_idx``) whatever its statistics say: a bare
    ``EXISTS … WHERE leaf_index IS NULL`` was planned as a scan of the whole table when the statistics still
    counted every event as pending (after a bulk load, before the next analyze) — 48 ms at 112,000 events, on
    every pass, four passes a second, where the index answers in half a millisecond."""
    return pending_in_order().first()


def pending_in_order():
    """The ``seq`` of the events not yet in the tree, in order (see ``_first_pending``)."""
    return AuditEvent.objects.filter(leaf_index__isnull=True).order_by("seq").values_list("seq", flat=True)


def integrate(*, limit: int = BATCH) -> int:
    """One pass; returns how many events it integrated (0: nothing new, no head signed)."""
    if _first_pending() is None:
        return 0  # nothing new: no transaction, no lock (read again under the lock below)
    with transaction.atomic():
        jobs.exclusive(LOCK)
        pending = list(
            AuditEvent.objects.filter(leaf_index__isnull=True)
            .order_by("seq")
            .values_list("id", "content_hash")[:limit]
        )
        if not pending:
            return 0
        size = store.tree_size()
        frontier = store.frontier(size)
        nodes: list[AuditTreeNode] = []
        pairs = []
        for offset, (pk, content_hash) in enumerate(pending):
            for level, index, value in frontier.append(merkle.leaf_hash(bytes.fromhex(content_hash))):
                nodes.append(AuditTreeNode(level=level, index=index, hash=value.hex()))
            pairs.append((pk, size + offset))
        _set_leaf_indexes(pairs)
        if nodes:
            db.insert_rows(AuditTreeNode, nodes)
        head = heads.sign_new(frontier.size, frontier.root(), now=clock.now())
        head.save()
        return len(pending)


def integrate_all() -> int:
    total = 0
    while True:
        done = integrate()
        total += done
        if done < BATCH:
            return total


class PassSummary:
    def __init__(self, passes: int, events: int, size: int) -> None:
        self.passes, self.events, self.size = passes, events, size

    def summary(self) -> str:
        return _("%(passes)s passes, %(events)s events integrated, tree size %(size)s") % {
            "passes": self.passes, "events": self.events, "size": self.size}


_IN_CLUSTER = False


def mark_cluster_worker(**_kwargs) -> None:
    """django-q2's ``post_spawn`` signal: this process is a task-queue worker."""
    global _IN_CLUSTER
    _IN_CLUSTER = True


def job() -> PassSummary:
    """The periodic job ``core.audit_sequencer``. In a task-queue worker it keeps going for just
    under its one-minute period (a pass every ``INTERVAL``); run anywhere else (``./qinqing worker
    --once``, the demo's first start, a test) it makes one pass and returns."""
    return run_for(55.0 if _IN_CLUSTER else 0.0)


def run_for(seconds: float = 55.0, interval: float = INTERVAL) -> PassSummary:
    """The periodic job: a pass every ``interval`` seconds for ``seconds``."""
    deadline = time.monotonic() + seconds
    passes = events = 0
    while True:
        started = time.monotonic()
        events += integrate_all()
        passes += 1
        if started + interval >= deadline:
            break
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return PassSummary(passes, events, store.tree_size())


def lag_stats(since_seq: int = 0, until=None) -> dict[str, float | int]:
    """How long events after ``since_seq`` waited between being written and being covered by a
    signed head: the head's timestamp minus the event's ``occurred_at``, in seconds (for the
    benchmark). Events not yet integrated are counted apart; ``until`` leaves out events written
    after that moment."""
    import bisect

    from ..models import AuditTreeHead

    signed = list(AuditTreeHead.objects.order_by("tree_size").values_list("tree_size", "timestamp"))
    sizes = [size for size, _ in signed]
    lags = []
    pending = 0
    events = AuditEvent.objects.filter(seq__gt=since_seq)
    if until is not None:
        events = events.filter(occurred_at__lte=until)
    rows = events.values_list("leaf_index", "occurred_at")
    for leaf_index, occurred_at in rows.iterator(chunk_size=10000):
        if leaf_index is None:
            pending += 1
            continue
        position = bisect.bisect_right(sizes, leaf_index)  # the first head with tree_size > leaf_index
        if position < len(signed):
            lags.append((signed[position][1] - occurred_at).total_seconds())
    lags.sort()

    def pick(share: float) -> float:
        return lags[min(len(lags) - 1, int(share * len(lags)))] if lags else 0.0

    return {"events": len(lags), "pending": pending, "p50_s": pick(0.5), "p95_s": pick(0.95),
            "p99_s": pick(0.99), "max_s": lags[-1] if lags else 0.0}
