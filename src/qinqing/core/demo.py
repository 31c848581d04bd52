"""Demo accounts: one per role, printed by ``./qinqing serve`` (demo mode only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import audit
from .roles import Role
from .services import user_create

DEMO_PASSWORD = "Qinqing@2026"  # noqa: S105 (public demo password, refused outside demo mode)

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", Role.ADMINISTRATOR, _("Administrator")),
    ("enterprise", Role.ENTERPRISE_USER, _("Enterprise user")),
    ("official", Role.OFFICIAL, _("Public official")),
    ("leader", Role.SUPERVISING_LEADER, _("Supervising leader")),
    ("district", Role.DISTRICT_LEADER, _("District leader")),
    ("handler", Role.DEPARTMENT_HANDLER, _("Department handler")),
    ("inspector", Role.DISCIPLINE_INSPECTOR, _("Discipline inspector")),
    ("credit", Role.CREDIT_ADMINISTRATOR, _("Credit administrator")),
    ("federation", Role.FEDERATION_STAFF, _("Federation / chamber staff")),
    ("auditor", Role.AUDITOR, _("Auditor")),
]


def create_demo_accounts() -> list[tuple[str, str]]:
    """Create missing demo accounts; return (username, role label) for all of them."""
    if not settings.DEMO:
        raise RuntimeError("demo accounts exist only in demo mode")
    existing = set(get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).values_list("username", flat=True))
    actor = audit.SystemActor("demo-loader")
    for username, role, label in DEMO_ACCOUNTS:
        if username not in existing:
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                roles=[role],
                actor=actor,
                full_name=str(label),
                is_superuser=(role == Role.ADMINISTRATOR),
            )
    return [(username, str(label)) for username, _role, label in DEMO_ACCOUNTS]
