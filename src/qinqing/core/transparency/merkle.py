"""RFC 9162 §2.1 Merkle tree hashing, proofs and their verification, with SM3.

Pure functions, no database: ``leaf_hash``/``node_hash`` are the tree's two hashes,
``root_hash`` is MTH over a list of leaf hashes, ``inclusion_proof``/``consistency_proof``
build the RFC's PATH and PROOF from any source of subtree hashes (a list of leaf hashes,
or ``store.subtree_hash`` which reads stored nodes), and ``verify_inclusion``/
``verify_consistency`` are the RFC's verification algorithms (§2.1.3.2, §2.1.4.2), which a
receipt's holder runs with nothing but the proof and a published head.

    leaf_hash(d)   = SM3(0x00 || d)
    node_hash(l,r) = SM3(0x01 || l || r)

The leaf data ``d`` of an audit event is the 32 bytes of its ``content_hash``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives import hashes

try:  # OpenSSL's SM3 through hashlib: the fastest route (one C call per hash)
    hashlib.new("sm3", b"")

    def _sm3(data: bytes) -> bytes:
        return hashlib.new("sm3", data).digest()

except ValueError:  # an OpenSSL build without SM3 in hashlib: the same digest via `cryptography`

    def _sm3(data: bytes) -> bytes:
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()


HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

# (start, end) -> MTH(D[start:end]); end is exclusive.
SubtreeHash = Callable[[int, int], bytes]


def sm3(data: bytes) -> bytes:
    return _sm3(data)


def leaf_hash(data: bytes) -> bytes:
    return _sm3(LEAF_PREFIX + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sm3(NODE_PREFIX + left + right)


def empty_root() -> bytes:
    """MTH({}) = SM3 of the empty string (RFC 9162 §2.1.1)."""
    return _sm3(b"")


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH over ``leaves`` (leaf hashes), iteratively: O(n) hashes, O(log n) memory."""
    if not leaves:
        return empty_root()
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def mth_from_leaves(leaves: Sequence[bytes]) -> SubtreeHash:
    """A ``SubtreeHash`` over an in-memory list of leaf hashes (tests, small trees)."""

    def mth(start: int, end: int) -> bytes:
        return root_hash(leaves[start:end])

    return mth


def _source(leaves_or_mth: Sequence[bytes] | SubtreeHash) -> SubtreeHash:
    return leaves_or_mth if callable(leaves_or_mth) else mth_from_leaves(leaves_or_mth)


def inclusion_proof(index: int, tree_size: int, leaves_or_mth: Sequence[bytes] | SubtreeHash) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 9162 §2.1.3.1: the audit path of leaf ``index``, bottom first."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf {index} is not in a tree of {tree_size}")
    mth = _source(leaves_or_mth)
    path: list[bytes] = []
    start, end, m = 0, tree_size, index
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start += k
            m -= k
    path.reverse()
    return path


def consistency_proof(
    first_size: int, second_size: int, leaves_or_mth: Sequence[bytes] | SubtreeHash
) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1 (empty when m is 0 or m == n)."""
    if not 0 <= first_size <= second_size:
        raise ValueError(f"no consistency proof from {first_size} to {second_size}")
    if first_size in (0, second_size):
        return []
    mth = _source(leaves_or_mth)

    def subproof(m: int, start: int, end: int, flag: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if flag else [mth(start, end)]
        k = split_point(n)
        if m <= k:
            return subproof(m, start, start + k, flag) + [mth(start + k, end)]
        return subproof(m - k, start + k, end, False) + [mth(start, start + k)]

    return subproof(first_size, 0, second_size, True)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf ``leaf_hash`` at ``index`` in the tree
    of ``tree_size`` leaves whose root is ``root``?"""
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first_size: int, second_size: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (``second_size``, ``second_root``) an append-only
    extension of (``first_size``, ``first_root``)? A first size of 0 is consistent with
    anything (with an empty proof)."""
    if first_size < 0 or first_size > second_size:
        return False
    if first_size == second_size:
        return not path and first_root == second_root
    if first_size == 0:
        return not path
    path = list(path)
    if first_size & (first_size - 1) == 0:  # an exact power of two
        path = [first_root, *path]
    if not path:
        return False
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class Frontier:
    """The right edge of a growing tree: the roots of its perfect subtrees, largest first.

    ``append`` adds a leaf hash and returns the perfect subtrees it completed as
    ``(level, index, hash)`` (level 1 and up; ``index`` counts subtrees of that size from
    the left), which the sequencer stores so that proofs read O(log n) nodes. ``root()`` is
    MTH of everything appended so far. Memory is O(log n) whatever the size.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()):
        self.size = size
        # (level, hash) per perfect subtree, from the left; levels strictly decreasing
        levels = [bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]
        if len(levels) != len(hashes):
            raise ValueError("a frontier needs one hash per set bit of its size")
        self.stack: list[tuple[int, bytes]] = list(zip(levels, hashes, strict=True))

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed = []
        level, value = 0, leaf
        self.size += 1
        while self.stack and self.stack[-1][0] == level:
            _, left = self.stack.pop()
            value = node_hash(left, value)
            level += 1
            completed.append((level, (self.size >> level) - 1, value))
        self.stack.append((level, value))
        return completed

    def root(self) -> bytes:
        if not self.stack:
            return empty_root()
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value


def perfect_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) as RFC 9162 splits it: perfect subtrees, left to right, largest first.

    Valid for every range the proofs above ask for (``start`` is a multiple of the largest
    power of two not above ``end - start``). MTH(D[start:end]) is then these subtrees'
    hashes folded from the right."""
    ranges = []
    while end - start > 0:
        n = end - start
        size = 1 << (n.bit_length() - 1)
        ranges.append((start, start + size))
        start += size
    return ranges
