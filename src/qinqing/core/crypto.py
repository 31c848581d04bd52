"""National-standard cryptography helpers (GB/T 32905 SM3, GB/T 32907 SM4).

`cryptography` (OpenSSL) provides both; we only choose modes and encodings here.
- ``sm3_hex``: digest for the audit chain.
- ``hmac_sm3_hex``: keyed digest, used for blind indexes of personal identifiers
  (look up a resident ID without storing it in clear) and record-state digests.
- ``encrypt_text`` / ``decrypt_text``: SM4-GCM with a random 96-bit nonce, stored as
  ``sm4gcm:<base64(nonce|ciphertext|tag)>``; ``encrypt_bytes`` / ``decrypt_bytes`` the same for bytes,
  without the prefix and base64.
- ``encrypt_text_deterministic``: the same format with a synthetic nonce (HMAC-SM3 of the
  plain text under a separate key), so equal values give equal tokens: for a column that SQL
  must compare for equality (a date of birth matched across persons) yet is stored encrypted.
  It reveals which rows are equal, nothing else; use it only where that is the point.
"""

import base64
import datetime
import functools
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

_PREFIX = "sm4gcm:"


class DecryptionError(ValueError):
    """Ciphertext could not be authenticated with the configured key."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _derive(purpose: str, configured: str) -> bytes:
    """A 32-byte key for ``purpose``: the configured value, else derived from SECRET_KEY."""
    return _key_from_material(configured or f"{settings.SECRET_KEY}:{purpose}")


@functools.lru_cache(maxsize=16)
def _key_from_material(material: str) -> bytes:
    return hashlib.sha256(material.encode()).digest()


def hmac_sm3_hex(data: bytes, *, purpose: str = "audit") -> str:
    key = _derive(purpose, settings.AUDIT_KEY if purpose == "audit" else settings.FIELD_ENCRYPTION_KEY)
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def blind_index(value: str) -> str:
    """Deterministic keyed digest of a normalised identifier, for exact-match lookups."""
    return hmac_sm3_hex(value.strip().upper().encode(), purpose="blind-index")


def _field_key() -> bytes:
    return _derive("field-encryption", settings.FIELD_ENCRYPTION_KEY)[:16]  # SM4 keys are 128-bit


def encrypt_bytes(plain: bytes) -> bytes:
    """SM4-GCM under the field key with a random nonce: ``nonce | ciphertext | tag`` (a file waiting for
    the worker, ``core.imports``)."""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_field_key()), modes.GCM(nonce)).encryptor()
    return nonce + encryptor.update(plain) + encryptor.finalize() + encryptor.tag


def decrypt_bytes(sealed: bytes) -> bytes:
    nonce, body, tag = sealed[:12], sealed[12:-16], sealed[-16:]
    decryptor = Cipher(algorithms.SM4(_field_key()), modes.GCM(nonce, tag)).decryptor()
    try:
        return decryptor.update(body) + decryptor.finalize()
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("ciphertext failed authentication (wrong key or tampered)") from error


def encrypt_text(plain: str) -> str:
    return _PREFIX + base64.b64encode(encrypt_bytes(plain.encode())).decode()


def _synthetic_nonce(plain: bytes) -> bytes:
    mac = hmac.HMAC(_derive("field-encryption-siv", settings.FIELD_ENCRYPTION_KEY), hashes.SM3())
    mac.update(plain)
    return mac.finalize()[:12]


def encrypt_text_deterministic(plain: str) -> str:
    """SM4-GCM whose nonce is a keyed digest of the plain text (synthetic-IV style): the same
    plain text always gives the same token, two different ones never share a nonce."""
    data = plain.encode()
    nonce = _synthetic_nonce(data)
    encryptor = Cipher(algorithms.SM4(_field_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(data) + encryptor.finalize()
    return _PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt_text(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise DecryptionError("not an SM4-GCM token")
    raw = base64.b64decode(token[len(_PREFIX) :])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(_field_key()), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as error:
        raise DecryptionError("ciphertext failed authentication (wrong key or tampered)") from error


class EncryptedTextField(models.TextField):
    """A text column stored SM4-GCM encrypted; Python code sees the plain text.

    Not searchable: pair it with a ``blind_index`` column for exact lookups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if value.startswith(_PREFIX):
            return value
        return encrypt_text(value)


def date_token(value: datetime.date | None) -> str | None:
    """The stored (deterministic) token of a date, as ``EncryptedDateField`` writes it."""
    return None if value is None else encrypt_text_deterministic(value.isoformat())


class EncryptedDateField(models.TextField):
    """A date stored SM4-GCM encrypted with a synthetic nonce; Python code sees a ``date``.

    Deterministic on purpose: SQL can still join two columns on equality (same date, same
    token) without the key, but neither order nor range queries work — there are none on
    the columns that use it. NULL stays NULL.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return datetime.date.fromisoformat(decrypt_text(value))

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, datetime.date):
            return value or None
        if isinstance(value, str) and value.startswith(_PREFIX):
            return datetime.date.fromisoformat(decrypt_text(value))
        return models.DateField().to_python(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.startswith(_PREFIX):
            return value
        return date_token(self.to_python(value))

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.isoformat()

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})
