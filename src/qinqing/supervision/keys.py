"""The supervision key ring: SM4-GCM keys kept outside the database, with rotation.

Reports (article 17) are sealed under keys of their own, not the platform's field key:
``settings.SUPERVISION_KEY_FILE`` (a file of ``key-id=<32 hex digits>`` lines) or
``settings.SUPERVISION_KEYS`` (``key-id:hex,key-id:hex``, from the environment).
``SUPERVISION_KEY_ID`` names the key new text is sealed with (default: the last one listed).
Every token carries its key id — ``sv1:<key id>:<base64(nonce | ciphertext | tag)>`` with the
key id as associated data — so after a rotation old rows stay readable with the old key while
new rows use the new one; ``./qinqing supervision_rekey`` re-seals old rows under the current key.

Nothing falls back silently: with no key configured in production, a token naming a key that is
not in the ring, or a token that fails authentication (wrong key, tampered row), reading or
writing raises ``KeyRingError`` / ``SealError``. Demo and test mode (no configuration) use one
key derived from the (demo) secret key, id ``demo``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "sv1:"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyRingError(ImproperlyConfigured):
    """No usable supervision key (missing, malformed, or a token names a key not in the ring)."""


class SealError(ValueError):
    """A sealed value failed authentication (wrong key or tampered) or is not a token."""


def _parse(pairs: list[tuple[str, str]], source: str) -> list[tuple[str, bytes]]:
    ring = []
    for key_id, hex_key in pairs:
        key_id, hex_key = key_id.strip(), hex_key.strip()
        if not _KEY_ID.match(key_id):
            raise KeyRingError(
                f"supervision key id {key_id!r} in {source} is not 1–32 letters, digits, - or _"
            )
        try:
            key = bytes.fromhex(hex_key)
        except ValueError as error:
            raise KeyRingError(f"supervision key {key_id!r} in {source} is not hexadecimal") from error
        if len(key) != 16:
            raise KeyRingError(
                f"supervision key {key_id!r} in {source} must be 16 bytes (32 hex digits) for SM4"
            )
        ring.append((key_id, key))
    return ring


@functools.lru_cache(maxsize=8)
def _ring(
    keys: str, key_file: str, file_stamp: float, current: str, demo_material: str
) -> tuple[dict[str, bytes], str]:
    pairs: list[tuple[str, str]] = []
    source = "QINQING_SUPERVISION_KEYS"
    if key_file:
        source = key_file
        for line in Path(key_file).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                if "=" not in line:
                    raise KeyRingError(f"{key_file}: a line is not key-id=hex")
                pairs.append(tuple(line.split("=", 1)))
    elif keys:
        for item in keys.split(","):
            if item.strip():
                if ":" not in item:
                    raise KeyRingError("QINQING_SUPERVISION_KEYS: an entry is not key-id:hex")
                pairs.append(tuple(item.split(":", 1)))
    ring = _parse(pairs, source)
    if not ring:
        if not demo_material:
            raise KeyRingError(
                "No supervision key is configured (QINQING_SUPERVISION_KEY_FILE or "
                "QINQING_SUPERVISION_KEYS): "
                "reports cannot be sealed or read."
            )
        ring = [("demo", hashlib.sha256(f"{demo_material}:supervision".encode()).digest()[:16])]
    keys_by_id = dict(ring)
    current = current or ring[-1][0]
    if current not in keys_by_id:
        raise KeyRingError(
            f"QINQING_SUPERVISION_KEY_ID {current!r} is not one of the configured supervision keys"
        )
    return keys_by_id, current


def key_ring() -> tuple[dict[str, bytes], str]:
    """(keys by id, the current key id) as configured now; raises ``KeyRingError``."""
    key_file = getattr(settings, "SUPERVISION_KEY_FILE", "") or ""
    stamp = 0.0
    if key_file:
        try:
            stamp = os.stat(key_file).st_mtime
        except OSError as error:
            raise KeyRingError(f"supervision key file {key_file} cannot be read: {error}") from error
    demo = settings.SECRET_KEY if getattr(settings, "MODE", "production") in ("demo", "test") else ""
    return _ring(
        getattr(settings, "SUPERVISION_KEYS", "") or "",
        key_file,
        stamp,
        getattr(settings, "SUPERVISION_KEY_ID", "") or "",
        demo,
    )


def current_key_id() -> str:
    return key_ring()[1]


def seal(plain: str) -> str:
    keys, key_id = key_ring()
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(f"{PREFIX}{key_id}".encode())
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return f"{PREFIX}{key_id}:" + base64.b64encode(nonce + body + encryptor.tag).decode()


def key_id_of(token: str) -> str:
    if not token.startswith(PREFIX) or token.count(":") < 2:
        raise SealError("not a sealed supervision value")
    return token[len(PREFIX):].split(":", 1)[0]


def unseal(token: str) -> str:
    key_id = key_id_of(token)
    keys, _current = key_ring()
    if key_id not in keys:
        raise KeyRingError(f"supervision key {key_id!r} is not configured: this value cannot be read")
    raw = base64.b64decode(token[len(PREFIX) + len(key_id) + 1:])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(f"{PREFIX}{key_id}".encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as error:
        raise SealError(
            f"a sealed supervision value failed authentication with key {key_id!r} (wrong key or tampered)"
        ) from error


class SealedTextField(models.TextField):
    """Text sealed with the supervision key ring; Python code sees the plain text.

    Every save seals the value afresh (a random nonce each time); nothing is passed through as
    "already sealed", so text a reporter types can never be stored unsealed. Not searchable.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return unseal(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(value)
