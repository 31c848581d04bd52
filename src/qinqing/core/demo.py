"""Demo accounts: one per role, printed by ``./qinqing serve`` (demo mode only)."""

from django.conf import settings
from django.contrib.auth import get_user_model

from . import audit
from .roles import Role
from .services import user_create

DEMO_PASSWORD = "Qinqing@2026"  # noqa: S105 (public demo password, refused outside demo mode)

# (user name, role, person's name shown in the top bar)
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", Role.ADMINISTRATOR, "王敏"),
    ("enterprise", Role.ENTERPRISE_USER, "李强"),
    ("official", Role.OFFICIAL, "张伟"),
    ("leader", Role.SUPERVISING_LEADER, "刘洋"),
    ("district", Role.DISTRICT_LEADER, "陈静"),
    ("handler", Role.DEPARTMENT_HANDLER, "杨帆"),
    ("inspector", Role.DISCIPLINE_INSPECTOR, "赵磊"),
    ("credit", Role.CREDIT_ADMINISTRATOR, "周婷"),
    ("federation", Role.FEDERATION_STAFF, "吴刚"),
    ("auditor", Role.AUDITOR, "孙丽"),
    ("orgdept", Role.ORGANISATION_DEPARTMENT, "黄志"),
    ("judicial", Role.ENFORCEMENT_BODY, "马骏"),  # 示范区人民法院 (legal_demo links the unit)
    ("procurator", Role.ENFORCEMENT_BODY, "周检察官"),  # 示范区人民检察院: issues recommendations
]


def create_demo_accounts() -> list[tuple[str, str]]:
    """Create missing demo accounts; return (username, role label) for all of them."""
    if not settings.DEMO:
        raise RuntimeError("demo accounts exist only in demo mode")
    existing = set(
        get_user_model()
        .objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
        .values_list("username", flat=True)
    )
    actor = audit.SystemActor("demo-loader")
    for username, role, person_name in DEMO_ACCOUNTS:
        if username not in existing:
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                roles=[role],
                actor=actor,
                full_name=person_name,
                is_superuser=(role == Role.ADMINISTRATOR),
            )
    create_demo_district()
    return [
        (username, f"{Role(role).label}（{person_name}）") for username, role, person_name in DEMO_ACCOUNTS
    ]


# What ``./qinqing serve`` loads after the seed policy and the generated district, in order: (command,
# arguments). tests/demo_district.py loads the same for the suite's walks, smaller (``APP_DEMOS_LEFT_OUT``).
APP_DEMOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # some appeals in every state, the policy-interpretation library and a first routing model, so the
    # appeal pages have work, answers and suggestions to show
    ("appeals_demo", ("--count", "400")),
    ("appeals_kb_seed", ()),
    ("appeals_train", ("--with-samples",)),
    ("integrity_demo", ()),  # listings (some expired) and applications for the credit administrator
    ("conduct_demo", ()),  # requests awaiting the leader (with findings), a letter, gift receipts
    ("supervision_demo", ()),  # reports in every state for the inspector account
    ("fairness", ("demo",)),  # a tender under fair-competition review, a policy signed off
    ("liaison_demo", ()),  # leaders and key enterprises, a roundtable's appeal, consultations
    ("policy_demo", ()),  # supporting measures in every state, education activities and plans
    ("tolerance_demo", ()),  # fault-tolerance requests in three states, a clearing notice
    ("legal_demo", ()),  # flagged measures, inspections and charges; a lawsuit; protection
    ("commitments_demo", ()),  # commitments to the demo enterprise in every state; a decided fund application
)


# The demo district's particulars, printed on its letters and receipts (an administrator fills
# in the real district's on first run: core.district).
DEMO_DISTRICT = {
    "district_name": "示范区",
    "seal_text": "中共示范区纪律检查委员会",
    "issuing_office": "示范区纪委监委",
    "helpdesk": "示范区政务服务数据管理局信息科（演示），工作日 9:00–17:00",
}


def create_demo_district() -> None:
    from .district import current, district_update

    if not current().configured:
        district_update(actor=audit.SystemActor("demo-loader"), **DEMO_DISTRICT)
