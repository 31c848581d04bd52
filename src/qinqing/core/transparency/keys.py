"""The key that signs tree heads — never in the database.

``QINQING_AUDIT_HEAD_KEY_FILE`` (default ``<QINQING_VAR_DIR>/keys/audit-head.key``, created with
a random HMAC-SM3 key on first use, mode 0600) holds one key per line:

    hmac-sm3:<64 hex digits>          a secret for HMAC-SM3 (signs and verifies)
    sm2:<64 hex digits>               an SM2 private key (GB/T 32918; signs and verifies)
    sm2-public:<128 hex digits>       an old SM2 public key x||y (verifies heads it signed)

The LAST signing line signs new heads; every line verifies (rotation: append a new key,
keep the old lines). ``QINQING_AUDIT_HEAD_KEY`` (one line in the same format) replaces the
file. With SM2 anyone holding the public key can check a head; with HMAC-SM3 only holders
of the key can (the heads are still published, so the operator cannot change one unseen).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .merkle import sm3

HMAC = "HMAC-SM3"
SM2 = "SM2"
SM2_USER_ID = b"1234567812345678"  # GB/T 32918 default distinguishing identifier (what gmssl uses)


class KeyError_(RuntimeError):
    pass


@dataclass(frozen=True)
class HeadKey:
    algorithm: str
    key_id: str
    secret: bytes | None  # HMAC secret, or SM2 private key (32 bytes); None for a public-only key
    public_key: str | None  # SM2: 128 hex digits (x||y); None for HMAC

    @property
    def can_sign(self) -> bool:
        return self.secret is not None


def _hmac_key(secret: bytes) -> HeadKey:
    return HeadKey(HMAC, sm3(b"qinqing-audit-head-key\x00" + secret).hex()[:16], secret, None)


def _sm2_public_of(private_hex: str) -> str:
    from gmssl import sm2

    crypt = sm2.CryptSM2(private_key=private_hex, public_key="")
    return crypt._kg(int(private_hex, 16), sm2.default_ecc_table["g"])


def _sm2_key(private_hex: str | None, public_hex: str | None = None) -> HeadKey:
    public = public_hex or _sm2_public_of(private_hex)
    return HeadKey(
        SM2,
        sm3(bytes.fromhex(public)).hex()[:16],
        bytes.fromhex(private_hex) if private_hex else None,
        public,
    )


def parse_line(line: str) -> HeadKey | None:
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    kind, _, value = line.partition(":")
    value = value.strip().lower()
    kind = kind.strip().lower()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise KeyError_(f"audit head key line {kind!r}: the value is not hex") from None
    if kind == "hmac-sm3" and len(raw) >= 16:
        return _hmac_key(raw)
    if kind == "sm2" and len(raw) == 32:
        return _sm2_key(value)
    if kind == "sm2-public" and len(raw) == 64:
        return _sm2_key(None, value)
    raise KeyError_(f"audit head key line of kind {kind!r} and {len(raw)} bytes is not understood")


def key_file() -> Path:
    return Path(settings.AUDIT_HEAD_KEY_FILE)


def _lines() -> list[str]:
    if settings.AUDIT_HEAD_KEY:
        return [settings.AUDIT_HEAD_KEY]
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created once, readable only by the service's user; an existing file is never overwritten.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write("# qinqing audit tree-head signing keys (docs/OPERATIONS.md); the last signs\n")
                handle.write(f"hmac-sm3:{secrets.token_hex(32)}\n")
    return path.read_text().splitlines()


def all_keys() -> list[HeadKey]:
    keys = [key for key in (parse_line(line) for line in _lines()) if key is not None]
    if not keys:
        raise KeyError_("no audit head key configured")
    return keys


def signing_key() -> HeadKey:
    signers = [key for key in all_keys() if key.can_sign]
    if not signers:
        raise KeyError_("the audit head key file holds no signing key")
    return signers[-1]


def _sm2(key: HeadKey):
    from gmssl import sm2

    return sm2.CryptSM2(private_key=key.secret.hex() if key.secret else "", public_key=key.public_key)


def sign(key: HeadKey, data: bytes) -> str:
    """Hex: HMAC-SM3 (32 bytes), or SM2 r||s (64 bytes) over SM3(Z||data)."""
    if key.algorithm == HMAC:
        from cryptography.hazmat.primitives import hashes, hmac

        mac = hmac.HMAC(key.secret, hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()
    from gmssl import sm2

    order = int(sm2.default_ecc_table["n"], 16)
    k = format(secrets.randbelow(order - 1) + 1, "064x")  # gmssl's own default nonce is not a CSPRNG
    return _sm2(key).sign_with_sm3(data, k)


def verify(key: HeadKey, data: bytes, signature: str) -> bool:
    if key.algorithm == HMAC:
        return secrets.compare_digest(sign(key, data), signature.lower())
    try:
        return bool(_sm2(key).verify_with_sm3(signature.lower(), data))
    except Exception:  # a malformed signature is simply not valid
        return False


def find(key_id: str) -> HeadKey | None:
    for key in all_keys():
        if key.key_id == key_id:
            return key
    return None
