"""The canonical bytes of an audit event and of a tree head (docs/OPERATIONS.md, "The audit log").

Both definitions are part of what outside parties check: change them only with a new version.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from .merkle import sm3

CONTENT_VERSION = 1
HEAD_PREFIX = "qinqing-audit-tree-head/v1"


def _utc_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_fields(
    *,
    occurred_at: datetime.datetime,
    actor_type: str,
    actor_user_id: int | None,
    actor_api_key_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: Any,
    details: Any,
    state_digest: str,
    request_id: str,
) -> dict[str, Any]:
    return {
        "v": CONTENT_VERSION,
        "occurred_at": _utc_iso(occurred_at),
        "actor_type": actor_type,
        "actor_user_id": actor_user_id,
        "actor_api_key_id": actor_api_key_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": changes,
        "details": details,
        "state_digest": state_digest,
        "request_id": request_id,
    }


def content_bytes(fields: dict[str, Any]) -> bytes:
    """UTF-8 JSON, keys sorted at every level, no whitespace, non-ASCII kept as is."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash_of(fields: dict[str, Any]) -> str:
    return sm3(content_bytes(fields)).hex()


def event_content_hash(event: Any) -> str:
    """``content_hash`` of an ``AuditEvent`` (or anything with its attributes)."""
    return content_hash_of(
        content_fields(
            occurred_at=event.occurred_at,
            actor_type=event.actor_type,
            actor_user_id=event.actor_user_id,
            actor_api_key_id=event.actor_api_key_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            changes=event.changes,
            details=event.details,
            state_digest=event.state_digest,
            request_id=event.request_id,
        )
    )


def row_content_hash(row: dict[str, Any]) -> str:
    """``content_hash`` of an event given as its columns (an ``AuditEvent`` row by attname)."""
    return content_hash_of(content_fields(**{name: row[name] for name in _CONTENT_COLUMNS}))


_CONTENT_COLUMNS = (
    "occurred_at", "actor_type", "actor_user_id", "actor_api_key_id", "actor_label", "action", "object_type",
    "object_id", "changes", "details", "state_digest", "request_id",
)


def head_signing_input(*, log_id: str, tree_size: int, root_hash: str, timestamp: str, key_id: str) -> bytes:
    """What a tree head's signature covers: six lines, each ending in a newline (UTF-8)."""
    return f"{HEAD_PREFIX}\n{log_id}\n{tree_size}\n{root_hash}\n{timestamp}\n{key_id}\n".encode()


def head_timestamp(moment: datetime.datetime) -> str:
    """ISO-8601 in UTC with microseconds and a ``Z``: ``2026-11-30T12:00:00.000000Z``."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
