"""Signed tree heads: signing, checking, and their JSON form (the one published everywhere)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from ..models import AuditTreeHead
from . import canonical, keys


def signing_input(head: Any) -> bytes:
    return canonical.head_signing_input(
        log_id=head_log_id(head),
        tree_size=head_value(head, "tree_size"),
        root_hash=head_value(head, "root_hash"),
        timestamp=head_timestamp_text(head),
        key_id=head_value(head, "key_id"),
    )


def head_value(head: Any, name: str) -> Any:
    return head[name] if isinstance(head, dict) else getattr(head, name)


def head_log_id(head: Any) -> str:
    return head.get("log_id", settings.AUDIT_LOG_ID) if isinstance(head, dict) else settings.AUDIT_LOG_ID


def head_timestamp_text(head: Any) -> str:
    value = head_value(head, "timestamp")
    return value if isinstance(value, str) else canonical.head_timestamp(value)


def sign_new(tree_size: int, root_hash: bytes, *, now: datetime.datetime) -> AuditTreeHead:
    """A signed head for the tree (not saved). The timestamp is kept to the microsecond."""
    key = keys.signing_key()
    head = AuditTreeHead(
        tree_size=tree_size,
        root_hash=root_hash.hex(),
        timestamp=now,
        algorithm=key.algorithm,
        key_id=key.key_id,
        public_key=key.public_key or "",
    )
    head.signature = keys.sign(key, signing_input(head))
    return head


def check_signature(head: Any) -> tuple[bool, str]:
    """(valid, why not). A head signed with a key we no longer hold is reported as such."""
    key = keys.find(head_value(head, "key_id"))
    if key is None:
        return False, f"signed with key {head_value(head, 'key_id')}, which is not among the configured keys"
    if key.algorithm != head_value(head, "algorithm"):
        return False, "the algorithm does not match the key"
    if not keys.verify(key, signing_input(head), head_value(head, "signature")):
        return False, "the signature does not verify"
    return True, ""


def as_json(head: AuditTreeHead) -> dict[str, Any]:
    return {
        "log_id": settings.AUDIT_LOG_ID,
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": canonical.head_timestamp(head.timestamp),
        "algorithm": head.algorithm,
        "key_id": head.key_id,
        "signature": head.signature,
        "signature_encoding": "hex",
        "public_key": head.public_key or None,
    }


def latest() -> AuditTreeHead | None:
    return AuditTreeHead.objects.order_by("-tree_size").first()
