"""The Merkle tree as stored: leaves are the events' ``leaf_index``/``content_hash``, the
perfect subtrees of two or more leaves are ``AuditTreeNode`` rows. A proof reads the few
subtrees it needs (O(log² n) at most, in two queries), never the leaves of the whole tree."""

from __future__ import annotations

from django.db.models import Q

from ..models import AuditEvent, AuditTreeHead, AuditTreeNode
from . import merkle


def tree_size() -> int:
    """Leaves integrated so far (the sequencer writes leaves, nodes and the head together)."""
    head = AuditTreeHead.objects.order_by("-tree_size").values_list("tree_size", flat=True).first()
    return head or 0


def _piece(start: int, end: int) -> tuple[int, int]:
    """(level, index) of the perfect aligned subtree [start, end)."""
    level = (end - start).bit_length() - 1
    return level, start >> level


def fetch_pieces(pieces: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of perfect subtrees by (level, index): leaves from the events, the rest from nodes."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = sorted(index for level, index in pieces if level == 0)
    if leaves:
        for index, content_hash in AuditEvent.objects.filter(leaf_index__in=leaves).values_list(
            "leaf_index", "content_hash"
        ):
            found[(0, index)] = merkle.leaf_hash(bytes.fromhex(content_hash))
    nodes = [(level, index) for level, index in pieces if level > 0]
    for chunk_start in range(0, len(nodes), 200):
        condition = Q()
        for level, index in nodes[chunk_start : chunk_start + 200]:
            condition |= Q(level=level, index=index)
        for level, index, value in AuditTreeNode.objects.filter(condition).values_list(
            "level", "index", "hash"
        ):
            found[(level, index)] = bytes.fromhex(value)
    missing = pieces - set(found)
    if missing:
        raise LookupError(f"the stored tree lacks subtrees {sorted(missing)[:5]}")
    return found


class StoredTree:
    """``mth(start, end)`` over the stored tree, for ``merkle.inclusion_proof`` and friends.

    Used in two rounds: ``plan`` runs the proof with placeholder hashes to learn which ranges
    it needs, ``fetch_pieces`` reads them at once, then the proof runs on the real hashes."""

    def __init__(self) -> None:
        self.pieces: dict[tuple[int, int], bytes] = {}
        self.wanted: set[tuple[int, int]] = set()

    def _recording(self, start: int, end: int) -> bytes:
        for a, b in merkle.perfect_ranges(start, end):
            self.wanted.add(_piece(a, b))
        return b"\x00" * merkle.HASH_SIZE

    def mth(self, start: int, end: int) -> bytes:
        hashes = [self.pieces[_piece(a, b)] for a, b in merkle.perfect_ranges(start, end)]
        value = hashes[-1]
        for left in reversed(hashes[:-1]):
            value = merkle.node_hash(left, value)
        return value

    def run(self, build):
        """``build(mth)`` twice: once to plan, once for real."""
        build(self._recording)
        self.pieces.update(fetch_pieces(self.wanted - set(self.pieces)))
        return build(self.mth)


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return StoredTree().run(lambda mth: merkle.inclusion_proof(index, size, mth))


def consistency_proof(first_size: int, second_size: int) -> list[bytes]:
    return StoredTree().run(lambda mth: merkle.consistency_proof(first_size, second_size, mth))


def root_at(size: int) -> bytes:
    if size == 0:
        return merkle.empty_root()
    return StoredTree().run(lambda mth: mth(0, size))


def frontier(size: int) -> merkle.Frontier:
    """The right edge of the stored tree of ``size`` leaves, to append to."""
    ranges = merkle.perfect_ranges(0, size)
    pieces = fetch_pieces({_piece(a, b) for a, b in ranges})
    return merkle.Frontier(size, [pieces[_piece(a, b)] for a, b in ranges])
