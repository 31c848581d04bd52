"""Group, permission and privilege changes are audited wherever they come from, and the
membership rows are audited records: a row written with SQL is found by ``audit verify``
(issue 19: "adding a user to the administrator group, 0/10 detected")."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test import RequestFactory

from qinqing.core import audit
from qinqing.core.audit import accounts
from qinqing.core.models import AccountPrivileges, AuditEvent
from qinqing.core.roles import Role
from qinqing.core.services import user_create

pytestmark = pytest.mark.django_db
User = get_user_model()


def _sql(statement, params=()):
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems():
    result = audit.verify_chain()
    return result.problems


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_creating_an_account_records_its_privileges_and_roles_and_verifies():
    admin = user_create(username="boss", password=None, roles=[Role.ADMINISTRATOR], actor=audit.SYSTEM)
    privileges = AuditEvent.objects.get(action="core.user.privileges", object_id=str(admin.pk))
    assert privileges.object_type == "core.AccountPrivileges"
    assert privileges.details["created"] is True
    membership = _events("core.user.group_add")[-1]
    assert membership.object_type == "auth.User_groups"
    assert membership.details == {"user": "boss", "group": Role.ADMINISTRATOR}
    assert membership.state_digest
    assert _problems() == []


def test_group_changes_from_the_orm_are_recorded_with_the_actor():
    actor = user_create(username="root", password=None, roles=[Role.ADMINISTRATOR], actor=audit.SYSTEM)
    user = user_create(username="clerk", password=None, roles=[Role.OFFICIAL], actor=audit.SYSTEM)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    with accounts.acting_as(actor):
        user.groups.add(administrators)
    added = _events("core.user.group_add")[-1]
    assert added.actor_label == "root"
    assert added.details == {"user": "clerk", "group": Role.ADMINISTRATOR}
    # the other side of the relation, and removal (a collector delete: one event per row)
    administrators.user_set.remove(user)
    removed = _events("core.user.group_remove")[-1]
    assert removed.object_id == added.object_id
    assert removed.actor_label == "unattributed"
    assert removed.state_digest == ""
    user.groups.set([Group.objects.get(name=Role.AUDITOR)])
    assert _events("core.user.group_remove")[-1].details["group"] == Role.OFFICIAL
    assert _events("core.user.group_add")[-1].details["group"] == Role.AUDITOR
    user.groups.clear()
    assert _problems() == []


def test_the_request_user_is_the_actor_of_changes_made_during_a_request():
    actor = user_create(username="webadmin", password=None, roles=[Role.ADMINISTRATOR], actor=audit.SYSTEM)
    user = user_create(username="target", password=None, roles=[], actor=audit.SYSTEM)
    request = RequestFactory().get("/")
    request.user = actor

    def view(_request):
        with transaction.atomic():
            user.groups.add(Group.objects.get(name=Role.AUDITOR))
        return "ok"

    assert accounts.ActorMiddleware(view)(request) == "ok"
    assert _events("core.user.group_add")[-1].actor_label == "webadmin"


def test_permission_changes_of_groups_and_users_are_recorded():
    user = user_create(username="perm", password=None, roles=[], actor=audit.SYSTEM)
    permission = Permission.objects.get(content_type__app_label="core", codename="verify_audit_chain")
    group = Group.objects.get(name=Role.OFFICIAL)
    group.permissions.add(permission)
    event = _events("core.group.permission_add")[-1]
    assert event.details == {"group": Role.OFFICIAL, "permission": "core.verify_audit_chain"}
    user.user_permissions.add(permission)
    assert _events("core.user.permission_add")[-1].details["user"] == "perm"
    group.permissions.remove(permission)
    user.user_permissions.remove(permission)
    assert _events("core.group.permission_remove") and _events("core.user.permission_remove")
    assert _problems() == []


def test_privilege_flips_are_recorded_and_sign_ins_are_not():
    user = user_create(username="flip", password=None, roles=[], actor=audit.SYSTEM)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    event = _events("core.user.privileges")[-1]
    assert event.details == {"created": False, "changed": ["is_staff", "is_superuser"]}
    assert event.changes["is_superuser"] == [False, True]
    before = AuditEvent.objects.count()
    user.set_password("Another#Secret-2026")
    user.save()  # a password change flips nothing here
    User.objects.get(pk=user.pk).save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == before
    User.objects.filter(pk=user.pk).update(is_active=False)  # a bulk update passes no signal…
    assert any("core.AccountPrivileges" in p and "changed outside" in p for p in _problems())


def test_membership_inserted_with_sql_is_found_by_verify():
    user = user_create(username="sneak", password=None, roles=[Role.OFFICIAL], actor=audit.SYSTEM)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    assert _problems() == []
    _sql("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)", [user.pk, administrators.pk])
    problems = _problems()
    assert any(p.startswith("auth.User_groups") and "without any audit event" in p for p in problems)


def test_membership_deleted_with_sql_is_found_by_verify():
    user = user_create(username="gone", password=None, roles=[Role.AUDITOR], actor=audit.SYSTEM)
    _sql("DELETE FROM auth_user_groups WHERE user_id = %s", [user.pk])
    assert any(p.startswith("auth.User_groups") and "deleted outside" in p for p in _problems())


def test_superuser_flag_set_with_sql_is_found_by_verify():
    user = user_create(username="quiet", password=None, roles=[], actor=audit.SYSTEM)
    _sql("UPDATE auth_user SET is_superuser = %s WHERE id = %s", [True, user.pk])
    label = f"core.AccountPrivileges {user.pk} "
    assert any(p.startswith(label) and "changed outside" in p for p in _problems())


def test_deleting_an_account_records_the_cascade():
    user = user_create(username="leaver", password=None, roles=[Role.AUDITOR], actor=audit.SYSTEM)
    User.objects.filter(pk=user.pk).delete()
    assert _events("core.user.group_remove")[-1].details["user"] == "leaver"
    assert _events("core.user.delete")[-1].object_id == str(user.pk)
    assert _problems() == []


def test_adopt_once_adopts_rows_without_events_only_the_first_time():
    user = user_create(username="old", password=None, roles=[Role.AUDITOR], actor=audit.SYSTEM)
    # The marker of the first migrate exists: nothing is adopted, an SQL row stays reported.
    assert AuditEvent.objects.filter(action=accounts.ADOPT_ACTION).exists()
    _sql("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
         [user.pk, Group.objects.get(name=Role.ADMINISTRATOR).pk])
    assert accounts.adopt_once() == 0
    assert any("without any audit event" in p for p in _problems())
    assert AccountPrivileges.objects.filter(pk=user.pk, is_superuser=False).exists()
