"""Group, permission and privilege changes of login accounts, audited from anywhere (issue 19).

Roles are Django groups (``core.roles``), so adding a user to the ``administrator`` group
IS granting administration. Django's admin, the shell, ``createsuperuser`` and services all
change memberships through the ORM without passing a service of ours, so the events are
recorded from the ORM's own signals:

* ``User.groups``, ``User.user_permissions`` and ``Group.permissions``: each membership row
  is a registered audited record (``auth.User_groups``, ``auth.User_user_permissions``,
  ``auth.Group_permissions``). An added row records ``core.user.group_add`` (…) with the
  row's digest; a removed one (``remove``, ``clear``, ``set``, the cascade of deleting a user,
  group or permission) records ``core.user.group_remove`` (…). ``audit verify``'s record
  check then proves every membership row matches its last event: a row inserted or
  deleted with SQL — or with ``through.objects.create()``, which Django sends no signal
  for — is reported.
* ``is_active``, ``is_staff``, ``is_superuser`` and the user name: ``core.AccountPrivileges``
  (the same ``auth_user`` rows, those columns only) records ``core.user.privileges`` when
  an account is created or one of them flips, so a superuser flag set directly in the
  database is reported too. Saves that touch none of them (``last_login`` at each sign-in,
  a password change) record nothing here.

The actor is the signed-in user of the current request (``ActorMiddleware``), or the
actor a service names with ``acting_as(actor)``, else the system ("unattributed", with the
code path in ``details``). Each event is written in the transaction of the change when
there is one (``add``/``remove``/``set``/``delete`` are atomic in Django); a plain
``user.save()`` in autocommit mode is committed before its event, in its own transaction.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .. import audit
from .registry import audited

PRIVILEGE_FIELDS = ("username", "is_active", "is_staff", "is_superuser")
UNATTRIBUTED = audit.SystemActor("unattributed")

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("qinqing_account_actor", default=None)


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Attribute the account changes made inside to ``actor`` (a service that knows it)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Makes the request's signed-in user the actor of account changes made while it runs
    (the admin's group edits, for instance). Placed after ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(request)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _current_actor():
    from ..models import ApiKey

    value = _actor.get()
    if hasattr(value, "META"):  # the request: its signed-in user, read when a change happens
        value = getattr(value, "user", None)
    if isinstance(value, audit.SystemActor | ApiKey) or getattr(value, "is_authenticated", False):
        return value
    return UNATTRIBUTED


# --- the registered membership tables ---------------------------------------------------------
def _through_models() -> dict[type, tuple[str, str, str]]:
    """through model -> (action noun, owner column, member column)."""
    user_model = get_user_model()
    return {
        user_model.groups.through: ("group", "user_id", "group_id"),
        user_model.user_permissions.through: ("permission", "user_id", "permission_id"),
        Group.permissions.through: ("permission", "group_id", "permission_id"),
    }


def _subject(model) -> str:
    return "group" if model is Group.permissions.through else "user"


def _names(model, row) -> dict[str, str]:
    """Readable names of the two ends of a membership row, for the event's details."""
    user_model = get_user_model()
    _noun, owner, member = _through_models()[model]
    details = {}
    for column in (owner, member):
        pk = getattr(row, column)
        if column == "user_id":
            usernames = user_model._base_manager.filter(pk=pk).values_list("username", flat=True)
            details["user"] = usernames.first() or ""
        elif column == "group_id":
            details["group"] = Group.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
        else:
            permission = Permission.objects.filter(pk=pk).select_related("content_type").first()
            details["permission"] = (
                f"{permission.content_type.app_label}.{permission.codename}" if permission else str(pk)
            )
    return details


def _record_rows(model, rows, *, removed: bool) -> None:
    if not rows:
        return
    noun, _owner, _member = _through_models()[model]
    action = f"core.{_subject(model)}.{noun}_{'remove' if removed else 'add'}"
    actor = _current_actor()
    with transaction.atomic(savepoint=False):
        for row in rows:
            audit.record_event(
                actor=actor,
                action=action,
                instance=row,
                before=audit.snapshot(row) if removed else None,
                deleted=removed,
                details=_names(model, row),
            )


def _rows_of(through, column: str, pk, others=None):
    rows = through._base_manager.filter(**{column: pk})
    if others is not None:
        _noun, owner, member = _through_models()[through]
        rows = rows.filter(**{f"{member if column == owner else owner}__in": others})
    return list(rows.order_by("pk"))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    """``add`` bulk-creates and ``remove``/``clear`` delete through a query: Django sends no
    save or delete signal for these auto-created rows, only this one (inside its atomic
    block). Added rows are read after the insert; removed ones before the delete."""
    _noun, owner, member = _through_models()[sender]
    own = member if reverse else owner
    if action == "post_add" and pk_set:
        _record_rows(sender, _rows_of(sender, own, instance.pk, pk_set), removed=False)
    elif action == "pre_remove" and pk_set:
        _record_rows(sender, _rows_of(sender, own, instance.pk, pk_set), removed=True)
    elif action == "pre_clear":
        _record_rows(sender, _rows_of(sender, own, instance.pk), removed=True)


def _end_deleted(sender, instance, **_kwargs) -> None:
    """A user, group or permission being deleted takes its membership rows with it (a cascade
    that sends no signal for them): record each removal first, in the deletion's transaction."""
    for through, (_noun, owner, member) in _through_models().items():
        for column in (owner, member):
            target = through._meta.get_field(column.removesuffix("_id")).related_model
            if isinstance(instance, target):
                _record_rows(through, _rows_of(through, column, instance.pk), removed=True)


# --- privileges ----------------------------------------------------------------------------------
def _privileges_model():
    from ..models import AccountPrivileges

    return AccountPrivileges


def _touches_privileges(update_fields) -> bool:
    return update_fields is None or bool(set(update_fields) & set(PRIVILEGE_FIELDS))


def _user_pre_save(sender, instance, raw=False, update_fields=None, **_kwargs) -> None:
    if raw or not _touches_privileges(update_fields):
        instance._qinqing_privileges_before = False
        return
    row = None
    if instance.pk is not None:
        row = _privileges_model()._base_manager.filter(pk=instance.pk).first()
    instance._qinqing_privileges_before = audit.snapshot(row) if row is not None else None


def _user_saved(sender, instance, created, raw=False, update_fields=None, **_kwargs) -> None:
    before = getattr(instance, "_qinqing_privileges_before", False)
    if raw or before is False:
        return
    instance._qinqing_privileges_before = False
    row = _privileges_model()._base_manager.get(pk=instance.pk)
    after = audit.snapshot(row)
    if before is not None and before == after:
        return
    flipped = sorted(key for key in after if before is None or before.get(key) != after[key])
    with transaction.atomic(savepoint=False):
        audit.record_event(
            actor=_current_actor(),
            action="core.user.privileges",
            instance=row,
            before=before,
            details={"created": before is None, "changed": [key for key in flipped if key != "id"]},
        )


def _user_deleted(sender, instance, **_kwargs) -> None:
    model = _privileges_model()
    with transaction.atomic(savepoint=False):
        audit.record_event(
            actor=_current_actor(),
            action="core.user.delete",
            object_type=model._meta.label,
            object_id=instance.pk,
            deleted=True,
            details={"username": instance.get_username()},
        )


def connect() -> None:
    """Register the membership tables as audited records and connect the signal receivers
    (``CoreConfig.ready``)."""
    user_model = get_user_model()
    for through in _through_models():
        audited()(through)
        uid = through._meta.label
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"qinqing_audit_m2m_{uid}")
    for end in (user_model, Group, Permission):
        uid = f"qinqing_audit_end_deleted_{end._meta.label}"
        pre_delete.connect(_end_deleted, sender=end, dispatch_uid=uid)
    pre_save.connect(_user_pre_save, sender=user_model, dispatch_uid="qinqing_audit_user_pre_save")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="qinqing_audit_user_saved")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="qinqing_audit_user_deleted")


ADOPT_ACTION = "core.account.adopt"


def adopt_once(**_kwargs) -> int:
    """After every ``migrate`` (``CoreConfig.ready``): the accounts and membership rows of a
    database that predates their audit are adopted, the first time only."""
    return audit.adopt_rows_once([_privileges_model(), *_through_models()], action=ADOPT_ACTION,
                                 actor_label="account-audit")
