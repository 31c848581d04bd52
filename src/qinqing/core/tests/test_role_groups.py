"""The role groups follow ROLE_PERMISSIONS after every migrate and flush (core.roles.sync_roles)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from qinqing.core.models import AuditEvent
from qinqing.core.roles import ROLE_PERMISSIONS, Role, sync_roles


def _granted(role) -> set[str]:
    group = Group.objects.get(name=role.value)
    granted = group.permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in granted}


def _check_every_role():
    for role in Role:
        assert _granted(role) == set(ROLE_PERMISSIONS.get(role, [])), role


@pytest.mark.django_db
def test_every_role_group_holds_exactly_its_listed_permissions_after_migrate():
    assert ROLE_PERMISSIONS[Role.AUDITOR], "a role with permissions to check"
    _check_every_role()


@pytest.mark.django_db
def test_a_group_edited_by_hand_is_put_back_on_the_last_apps_signal_only():
    group = Group.objects.get(name=Role.AUDITOR.value)
    group.permissions.clear()
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    sync_roles(app_config=with_models[0])  # an earlier app's signal: its permissions may not exist yet
    assert _granted(Role.AUDITOR) == set()
    sync_roles(app_config=with_models[-1])
    _check_every_role()


@pytest.mark.django_db
def test_syncing_unchanged_groups_writes_nothing():
    before = AuditEvent.objects.count()
    sync_roles()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_flushed_test_database_has_its_role_groups_again():
    Group.objects.get(name=Role.AUDITOR.value).permissions.clear()
    from django.core.management import call_command

    from qinqing.core.audit import _set_maintenance

    _set_maintenance(True)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        _set_maintenance(False)
    _check_every_role()
