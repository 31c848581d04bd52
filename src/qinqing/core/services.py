"""Kernel writes: API keys and user accounts. Each one transaction, one audit event."""

import hmac
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import audit, clock, db
from .audit import apikey_usage
from .audit.accounts import acting_as
from .crypto import sm3_hex
from .errors import ConflictError, NotFound, ServiceError
from .models import ApiKey
from .roles import Role
from .scopes import SCOPES

KEY_PREFIX = "qq"


def _hash_key(raw_key: str) -> str:
    return sm3_hex(raw_key.encode())


def apikey_create(*, name: str, scopes: list[str], actor) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or slugify(name) != name:
        raise ServiceError(
            _("The key name must be a slug: lower-case letters, digits, hyphens (got %(name)r)."),
            code="apikey_name",
            field="name",
            params={"name": name},
        )
    if not scopes:
        raise ServiceError(_("Give the key at least one scope."), code="apikey_scopes", field="scopes")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ServiceError(
            _("Unknown scope(s): %(unknown)s. Known scopes: %(known)s."),
            code="apikey_scope_unknown",
            field="scopes",
            params={"unknown": ", ".join(unknown), "known": ", ".join(sorted(SCOPES))},
        )
    prefix = secrets.token_hex(4)
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        if ApiKey.objects.filter(name=name).exists():
            raise ConflictError(
                _("An API key named %(name)s already exists."), field="name", params={"name": name}
            )
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            key_hash=_hash_key(raw_key),
            scopes=sorted(set(scopes)),
            created_at=clock.now(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record_event(actor=actor, action="core.apikey.create", instance=key)
    return key, raw_key


def apikey_revoke(*, name: str, actor) -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(name=name).first()
        if key is None:
            raise NotFound(_("No API key named %(name)s."), field="name", params={"name": name})
        if key.revoked_at is not None:
            return key
        before = audit.snapshot(key)
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
        audit.record_event(actor=actor, action="core.apikey.revoke", instance=key, before=before)
    return key


def apikey_authenticate(raw_key: str, *, note: bool = True) -> ApiKey | None:
    """The active key matching ``raw_key``, compared in constant time; None otherwise. Its use is
    counted (``apikey_usage.note``) unless ``note`` is False: a light path that may still hand the
    request to Django (which authenticates it again) counts the use itself when it answers."""
    parts = (raw_key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    # Plain SQL: every API request runs this lookup, and the ORM's query compilation cost
    # more than the indexed read. Checked against the database on every request, so a
    # revocation takes effect at once.
    table = connection.ops.quote_name(ApiKey._meta.db_table)
    rows = db.execute(
        f"SELECT id, name, prefix, key_hash, scopes FROM {table} WHERE prefix = %s AND revoked_at IS NULL",  # noqa: S608 (model metadata)
        [parts[1]],
    )
    row = rows[0] if rows else None
    if row is None or not hmac.compare_digest(row[3], _hash_key(raw_key)):
        return None
    if note:
        apikey_usage.note(row[0])  # each use on record: one event per key per window (issue 19)
    return db.instances(ApiKey, ("id", "name", "prefix", "key_hash", "scopes"), [row])[0]


def user_create(
    *,
    username: str,
    password: str | None,
    roles: list[str],
    actor,
    full_name: str = "",
    email: str = "",
    is_superuser: bool = False,
    validate: bool = True,
):
    """Create a login account with roles. Passwords must pass the password rules."""
    user_model = get_user_model()
    unknown = sorted(set(roles) - {r.value for r in Role})
    if unknown:
        raise ServiceError(
            _("Unknown role(s): %(roles)s."),
            code="unknown_role",
            field="roles",
            params={"roles": ", ".join(unknown)},
        )
    with transaction.atomic(), acting_as(actor):  # the account's own events name the actor
        if user_model.objects.filter(username=username).exists():
            raise ConflictError(
                _("The user name %(username)s is taken."), field="username", params={"username": username}
            )
        user = user_model(
            username=username,
            email=email,
            first_name=full_name,
            is_superuser=is_superuser,
            is_staff=is_superuser,
        )
        if password:
            if validate:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise ServiceError(
                        " ".join(error.messages), code="password_rules", field="password"
                    ) from error
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        audit.record_event(
            actor=actor,
            action="core.user.create",
            object_type="auth.User",
            object_id=user.pk,
            details={"username": username, "roles": sorted(roles)},
        )
    return user
