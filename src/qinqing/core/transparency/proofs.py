"""Inclusion proofs for receipts: what an enterprise fetches to check, offline, that its
filing is in the published log (docs/OPERATIONS.md, "The audit log: checking a receipt")."""

from __future__ import annotations

from typing import Any

from ..models import AuditEvent
from . import heads, merkle, store

VERSION = 1


def proof_for_content_hash(content_hash_hex: str) -> dict[str, Any] | None:
    """The inclusion proof of the event with this content hash against the latest signed head,
    or None while the event is not yet sequenced (or no such event exists).

    ``audit_path`` is RFC 9162's PATH (bottom first, hex); check it with
    ``merkle.verify_inclusion(leaf_hash, leaf_index, tree_size, path, root_hash)``; the head's
    ``signature`` is hex (``signature_encoding``), its signing input is documented."""
    content_hash_hex = (content_hash_hex or "").strip().lower()
    if len(content_hash_hex) != 64 or any(c not in "0123456789abcdef" for c in content_hash_hex):
        return None
    leaf_index = (
        AuditEvent.objects.filter(content_hash=content_hash_hex, leaf_index__isnull=False)
        .order_by("leaf_index")
        .values_list("leaf_index", flat=True)
        .first()
    )
    head = heads.latest()
    if leaf_index is None or head is None or leaf_index >= head.tree_size:
        return None
    leaf = merkle.leaf_hash(bytes.fromhex(content_hash_hex))
    path = store.inclusion_proof(leaf_index, head.tree_size)
    return {
        "version": VERSION,
        "leaf_index": leaf_index,
        "tree_size": head.tree_size,
        "content_hash": content_hash_hex,
        "leaf_hash": leaf.hex(),
        "audit_path": [node.hex() for node in path],
        "head": heads.as_json(head),
    }


def consistency_between(first_size: int, second_size: int | None = None) -> dict[str, Any] | None:
    """RFC 9162 consistency proof from an earlier tree size to a signed head (the latest, or
    the head of exactly ``second_size``); None when there is no such head."""
    from ..models import AuditTreeHead

    head = (
        heads.latest() if second_size is None else AuditTreeHead.objects.filter(tree_size=second_size).first()
    )
    if head is None or not 0 <= first_size <= head.tree_size:
        return None
    path = store.consistency_proof(first_size, head.tree_size)
    return {
        "version": VERSION,
        "first_size": first_size,
        "second_size": head.tree_size,
        "consistency_path": [node.hex() for node in path],
        "head": heads.as_json(head),
    }
