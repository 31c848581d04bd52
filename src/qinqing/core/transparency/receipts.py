"""Receipts: what an enterprise keeps to check, at any later time, that its filing is in the
published audit log (issue 19; docs/OPERATIONS.md, "Checking a filing receipt").

A filing (an appeal, through any channel) writes one audit event, ``appeals.appeal.file``; its
``content_hash`` (SM3 of the event's canonical content, ``canonical.content_bytes``) is the leaf
data of the Merkle log. The **receipt code** is the first 80 bits of that hash in Crockford
base32, grouped by four: ``7K3M-Q9XD-2F6H-VT8A`` — short enough for an SMS variable (letters,
digits and ``-``, at most 32) and a QR code, long enough that nobody finds another filing's code
by trying (2**80). It says nothing about the filing: no tracking number, no content; the
receipt page shows only whether the event is in the log and the proof.

``proof_for_code(code)`` gives the JSON a holder checks: the full content hash, and once the
sequencer has integrated the event, the RFC 9162 inclusion proof against the latest signed head
(``proofs.proof_for_content_hash``). The check, offline (``check_receipt.py``) or in the browser
(``receipt-verify.js``): ``SM3(0x00 || content_hash)`` is the leaf hash, the audit path leads from
it to the head's ``root_hash``, the head is one of the heads the district published (and its
signature verifies with the published key), and the code is the content hash's prefix.

Supervision reports (clue reports, 举报) get no receipt: an anonymous reporter's receipt, if it
were ever found with them, would link them to a report; they keep the report's own query code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from ..models import AuditEvent

VERSION = 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_BITS = 80
CODE_CHARS = CODE_BITS // 5  # 16
PREFIX_HEX = CODE_BITS // 4  # 20
# The audit actions that are filings with a receipt (an app adds its own with ``register``).
FILING_ACTIONS: set[str] = {"appeals.appeal.file"}
_DECODE = {char: value for value, char in enumerate(ALPHABET)}
_DECODE.update({"I": 1, "L": 1, "O": 0})  # Crockford: read what people type


def register(action: str) -> None:
    FILING_ACTIONS.add(action)


def code_for(content_hash: str) -> str:
    """The receipt code of an event's content hash (64 hex digits)."""
    value = int(content_hash[:PREFIX_HEX], 16)
    chars = [ALPHABET[(value >> (5 * (CODE_CHARS - 1 - i))) & 31] for i in range(CODE_CHARS)]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, CODE_CHARS, 4))


def normalise(code: str) -> str | None:
    """The code in its canonical form, or None when it is not one (wrong length or letters)."""
    chars = [c for c in (code or "").upper() if c not in "- "]
    if len(chars) != CODE_CHARS or any(c not in _DECODE for c in chars):
        return None
    value = 0
    for char in chars:
        value = value << 5 | _DECODE[char]
    return code_for(f"{value:0{PREFIX_HEX}x}")


def hash_prefix(code: str) -> str | None:
    """The 20 hex digits of the content hash a (normalised or typed) code stands for."""
    canonical = normalise(code)
    if canonical is None:
        return None
    value = 0
    for char in canonical.replace("-", ""):
        value = value << 5 | _DECODE[char]
    return f"{value:0{PREFIX_HEX}x}"


def content_hash_for_code(code: str) -> str | None:
    """The content hash of the filing event with this code (a range scan of the indexed
    ``content_hash`` column), or None."""
    prefix = hash_prefix(code)
    if prefix is None:
        return None
    return (
        AuditEvent.objects.filter(
            content_hash__gte=prefix, content_hash__lt=prefix + "g", action__in=sorted(FILING_ACTIONS)
        )
        .order_by("seq")
        .values_list("content_hash", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Receipt:
    code: str
    content_hash: str

    @property
    def path(self) -> str:
        return reverse("transparency_receipt", args=[self.code])

    @property
    def short_path(self) -> str:
        return reverse("receipt_short", args=[self.code.replace("-", "")])

    def url(self, request=None) -> str:
        """The short link, absolute: from QINQING_PUBLIC_BASE_URL, else the request's host."""
        base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
        if base:
            return base + self.short_path
        if request is not None:
            return request.build_absolute_uri(self.short_path)
        return self.short_path


def for_object(object_type: str, object_id: Any) -> Receipt | None:
    """The receipt of the filing event of one object (e.g. ``appeals.Appeal``, its pk)."""
    content_hash = (
        AuditEvent.objects.filter(
            object_type=object_type, object_id=str(object_id), action__in=sorted(FILING_ACTIONS)
        )
        .order_by("seq")
        .values_list("content_hash", flat=True)
        .first()
    )
    return Receipt(code_for(content_hash), content_hash) if content_hash else None


def for_appeal(appeal) -> Receipt | None:
    return for_object("appeals.Appeal", appeal.pk)


def proof_for_code(code: str) -> dict[str, Any] | None:
    """The receipt's JSON (None for an unknown code): ``status`` is ``included`` with the
    inclusion proof, or ``pending`` while the sequencer has not integrated the event yet."""
    from . import proofs

    content_hash = content_hash_for_code(code)
    if content_hash is None:
        return None
    proof = proofs.proof_for_content_hash(content_hash)
    return {
        "version": VERSION,
        "receipt": code_for(content_hash),
        "content_hash": content_hash,
        "status": "included" if proof is not None else "pending",
        "proof": proof,
        "published_heads": reverse("transparency_heads"),
    }
