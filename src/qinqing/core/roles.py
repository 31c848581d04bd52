"""Roles are Django groups; each carries the permissions its users need.

The group name is the role's code; its label is translated for display. Modules add
their permissions to ``ROLE_PERMISSIONS`` (``"app_label.codename"`` strings); a
permission whose app is not installed yet is skipped, so the table can grow with the
modules. ``sync_roles()`` is idempotent and runs after every migrate.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    OFFICIAL = "official", _("Public official")
    SUPERVISING_LEADER = "supervising_leader", _("Supervising leader")
    DISTRICT_LEADER = "district_leader", _("District leader")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("Discipline inspector")
    CREDIT_ADMINISTRATOR = "credit_administrator", _("Credit administrator")
    FEDERATION_STAFF = "federation_staff", _("Federation / chamber staff")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # The organisation department (组织部): receives the filed fault-tolerance conclusions of its
    # officials (article 22), reads them and records their receipt and use; nothing else.
    ORGANISATION_DEPARTMENT = "organisation_department", _("Organisation department")
    # An enforcement or judicial body (公安、法院、检察院、市场监管等; articles 11-13, 15.6): registers and
    # follows up the compulsory measures, inspections and charges of its own body, answers objections to
    # them, records its cooperation in the lawsuits where it is the party or the court; nothing else.
    ENFORCEMENT_BODY = "enforcement_body", _("Enforcement or judicial body")


# Permissions per role. Core permissions live on qinqing.core models.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Enterprise users hold no model permission: membership alone shows them their enterprise.
    Role.ENTERPRISE_USER: [],
    # Officials and handlers see their own unit's officials: the selectors narrow it.
    Role.OFFICIAL: ["directory.view_unit", "directory.view_official", "directory.view_enterprise"],
    Role.SUPERVISING_LEADER: ["directory.view_unit", "directory.view_official", "directory.view_enterprise"],
    Role.DISTRICT_LEADER: ["directory.view_unit", "directory.view_official", "directory.view_enterprise"],
    Role.DEPARTMENT_HANDLER: ["directory.view_unit", "directory.view_official", "directory.view_enterprise"],
    Role.DISCIPLINE_INSPECTOR: [
        "core.view_auditevent",
        "directory.view_unit",
        "directory.view_official",
        "directory.view_enterprise",
        "directory.view_person",
    ],
    Role.CREDIT_ADMINISTRATOR: ["directory.view_enterprise", "directory.view_person"],
    Role.FEDERATION_STAFF: ["directory.view_enterprise"],
    Role.AUDITOR: ["core.view_auditevent", "core.verify_audit_chain"],
    Role.ORGANISATION_DEPARTMENT: [],
    Role.ENFORCEMENT_BODY: [],
    Role.ADMINISTRATOR: [
        "core.view_auditevent",
        "core.verify_audit_chain",
        "core.view_apikey",
        "core.manage_apikey",
        "directory.view_unit",
        "directory.add_unit",
        "directory.change_unit",
        "directory.view_official",
        "directory.add_official",
        "directory.change_official",
        "directory.view_enterprise",
        "directory.add_enterprise",
        "directory.change_enterprise",
        "directory.view_person",
        "directory.add_person",
        "directory.change_person",
        "core.manage_calendar",
    ],
}


def role_codes(user) -> set[str]:
    """The role codes a user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_qinqing_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._qinqing_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_codes(user) & {str(role) for role in roles})


def is_administrator(user) -> bool:
    """The administrator role, or Django's superuser flag."""
    return has_role(user, Role.ADMINISTRATOR) or bool(getattr(user, "is_superuser", False))


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def sync_roles(app_config=None, **_kwargs) -> None:
    """Create one group per role and give it exactly the listed permissions.

    Connected to ``post_migrate`` for every app (Django creates each app's permissions on that app's
    signal), it acts on the last app's signal only, when every permission exists: once per migrate or
    flush instead of once per installed app (a test database's flush paid it 22 times, 1.6 s)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    if app_config is not None:
        with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
        if with_models and app_config is not with_models[-1]:
            return
    dotted_names = {dotted for names in ROLE_PERMISSIONS.values() for dotted in names}
    wanted_filter = Q(pk__in=[])
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        wanted_filter |= Q(content_type__app_label=app_label, codename=codename)
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(wanted_filter).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = {by_name[dotted] for dotted in ROLE_PERMISSIONS.get(role, []) if dotted in by_name}
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
