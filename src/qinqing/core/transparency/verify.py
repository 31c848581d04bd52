"""The tree half of ``./qinqing audit verify``: recompute the Merkle tree from the events,
check it against every signed head in the database and every head published outside it,
and say how far back the trail is proven."""

from __future__ import annotations

import datetime
from typing import Any

from .. import clock
from ..models import AuditEvent, AuditTreeHead
from . import heads, merkle, store


def _roots_at(sizes: set[int], result, max_problems: int) -> tuple[int, dict[int, bytes]]:
    """Stream the leaves in leaf order; MTH at each size in ``sizes``; the count of leaves."""
    roots: dict[int, bytes] = {}
    if 0 in sizes:
        roots[0] = merkle.empty_root()
    frontier = merkle.Frontier()
    expected = 0
    rows = (
        AuditEvent.objects.filter(leaf_index__isnull=False)
        .order_by("leaf_index")
        .values_list("leaf_index", "content_hash", "seq")
    )
    for leaf_index, content_hash, seq in rows.iterator(chunk_size=10000):
        if leaf_index != expected:
            result.fail(
                f"leaf #{expected} of the audit tree is missing (next is #{leaf_index}, event #{seq}): "
                f"an event was deleted or its place changed",
                seq,
            )
            if len(result.problems) >= max_problems:
                return expected, roots
        frontier.append(merkle.leaf_hash(bytes.fromhex(content_hash)))
        expected = leaf_index + 1
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
    return frontier.size, roots


def verify_tree(result, *, anchor_heads: list[dict[str, Any]] | None = None, max_problems: int = 20) -> None:
    db_heads = list(AuditTreeHead.objects.order_by("tree_size").values_list("tree_size", "root_hash"))
    latest = heads.latest()
    anchors = list(anchor_heads or [])
    sizes = {size for size, _ in db_heads} | {int(head["tree_size"]) for head in anchors}
    count, roots = _roots_at(sizes, result, max_problems)
    result.tree_size = count
    result.unsequenced = AuditEvent.objects.filter(leaf_index__isnull=True).count()
    oldest = (
        AuditEvent.objects.filter(leaf_index__isnull=True)
        .order_by("seq")
        .values_list("occurred_at", flat=True)
        .first()
    )
    for size, root in db_heads:
        if size > count:
            result.fail(
                f"a signed head covers {size} events but the tree has only {count}: "
                f"events were removed from the end"
            )
        elif roots.get(size, b"").hex() != root:
            result.fail(
                f"the tree of {size} events does not match its signed head's root: "
                f"an event in it was altered, deleted, moved or added"
            )
    if latest is not None:
        ok, why = heads.check_signature(latest)
        if not ok:
            result.fail(f"the newest signed head (size {latest.tree_size}) is not genuine: {why}")
        elif roots.get(latest.tree_size, b"").hex() == latest.root_hash:
            result.signed_size = latest.tree_size
        if count > latest.tree_size:
            result.fail(f"{count - latest.tree_size} events are in the tree but under no signed head")
    for head in anchors:
        size = int(head["tree_size"])
        where = head.get("_where", "the anchor file")
        ok, why = heads.check_signature(head)
        if not ok:
            result.fail(
                f"the head published at {head['timestamp']} (size {size}, {where}) is not genuine: {why}"
            )
            continue
        if size > count:
            result.fail(
                f"the head published at {head['timestamp']} ({where}) covers {size} events but the tree "
                f"has only {count}: events were removed from the end"
            )
            continue
        if roots.get(size, b"").hex() != head["root_hash"]:
            result.fail(
                f"the tree of {size} events does not match the head published at {head['timestamp']} "
                f"({where}): the trail was rewritten after it was published"
            )
            continue
        if latest is not None and size <= latest.tree_size and not _consistent(head, latest):
            result.fail(
                f"no valid consistency proof from the head published at {head['timestamp']} "
                f"to the newest signed head (the stored subtrees disagree)"
            )
            continue
        if size >= result.published_size:
            result.published_size, result.published_at, result.published_where = (
                size,
                head["timestamp"],
                where,
            )
    _statements(result, oldest)


def _consistent(head: dict[str, Any], latest: AuditTreeHead) -> bool:
    first = int(head["tree_size"])
    try:
        path = store.consistency_proof(first, latest.tree_size)
    except LookupError:
        return False
    return merkle.verify_consistency(
        first, latest.tree_size, bytes.fromhex(head["root_hash"]), bytes.fromhex(latest.root_hash), path
    )


STALE = datetime.timedelta(minutes=5)


def _statements(result, oldest_unsequenced=None) -> None:
    lines = []
    if result.published_size:
        lines.append(
            f"Leaves 0–{result.published_size - 1} are proven against the head published at "
            f"{result.published_at} ({result.published_where}): they cannot have been changed, "
            f"removed or reordered since, even by someone holding the database and the key."
        )
    else:
        lines.append(
            "No head published outside the database was checked: nothing is proven against "
            "an outside anchor (run ./qinqing audit anchor, or configure the anchor file)."
        )
    if result.signed_size > result.published_size:
        lines.append(
            f"Leaves {result.published_size}–{result.signed_size - 1} match the newest signed head "
            f"(size {result.signed_size}), checked with the signing key: proven against anyone "
            f"without the key, not yet against the operator."
        )
    if result.unsequenced:
        lines.append(
            f"{result.unsequenced} events are not yet in the tree (written in the last moments, "
            f"or the sequencer is not running): each is checked against its own content hash only."
        )
        if oldest_unsequenced is not None and clock.now() - oldest_unsequenced > STALE:
            lines.append(
                f"The oldest event not in the tree was written at {oldest_unsequenced:%Y-%m-%d %H:%M:%S} "
                f"(UTC): the sequencer is not running (see the jobs page), or the tree was removed."
            )
    if result.legacy_events:
        lines.append(
            f"{result.legacy_events} events from before the Merkle log also keep the old hash chain, "
            f"checked link by link."
        )
    result.statements = lines
