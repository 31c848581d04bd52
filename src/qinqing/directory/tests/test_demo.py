import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.core import audit
from qinqing.core.identifiers import is_valid_resident_id, is_valid_uscc
from qinqing.core.roles import Role
from qinqing.directory.models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseMembership,
    Official,
    OfficialPosition,
    Person,
    RelatedPerson,
    Unit,
)

pytestmark = pytest.mark.django_db


def test_demo_district_is_valid_coherent_and_fully_audited(make_user):
    for username, role in (
        ("official", Role.OFFICIAL),
        ("leader", Role.SUPERVISING_LEADER),
        ("district", Role.DISTRICT_LEADER),
        ("handler", Role.DEPARTMENT_HANDLER),
        ("enterprise", Role.ENTERPRISE_USER),
    ):
        make_user(role, username=username, full_name={"official": "张伟", "leader": "刘洋"}.get(username, ""))
    call_command("demo", scale=50, seed=3, conflict_share=0.05, verbosity=0)

    assert Enterprise.objects.count() == 50
    assert all(is_valid_uscc(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    ids = [person.resident_id for person in Person.objects.all()]
    assert all(is_valid_resident_id(number) for number in ids) and len(set(ids)) == len(ids)
    for name in ("区发展和改革局", "区市场监督管理局", "区行政审批局", "区纪委监委", "区工商业联合会"):
        assert Official.objects.filter(unit__name=name).exists()
    assert Unit.objects.filter(kind="department").count() >= 20
    # department heads answer to district leaders
    head = Official.objects.get(unit__name="区财政局", position="局长")
    assert head.supervising_leader.unit.code == "ZF"
    # shares never exceed 100 % per enterprise
    for enterprise in Enterprise.objects.all():
        total = sum(link.share_percent or 0 for link in enterprise.person_links.filter(kind="shareholder"))
        assert total <= 100
    # the known conflict share: officials whose related persons hold shares or posts
    relative_people = RelatedPerson.objects.values("person")
    conflicted = Official.objects.filter(
        related_persons__person__enterprise_links__kind__in=["shareholder", "executive"]
    ).distinct().count()
    assert conflicted == round(Official.objects.count() * 0.05)
    assert EnterpriseLink.objects.filter(person__in=relative_people).exists()
    # demo accounts are linked
    official = Official.objects.get(user__username="official")
    assert official.supervising_leader.user.username == "leader"
    # ... and carry the accounts' names (pages and letters agree with the accounts list)
    assert official.person.name == "张伟" and official.supervising_leader.person.name == "刘洋"
    assert Official.objects.get(user__username="district").unit.code == "ZF"
    assert Official.objects.get(user__username="handler").unit.name == "区行政审批局"
    assert EnterpriseMembership.objects.get(user__username="enterprise").is_head
    # every official starts with the position history official_create gives: one open post
    held = {}
    for position in OfficialPosition.objects.all():
        held.setdefault(position.official_id, []).append(
            (position.unit_id, position.position, position.rank, position.end_date)
        )
    officials = list(Official.objects.all())
    assert held == {o.pk: [(o.unit_id, o.position, o.rank, None)] for o in officials}
    # the chain holds, and every generated row matches the digest its last event recorded
    result = audit.verify_chain()
    assert result.ok, result.problems
    assert (
        result.records_checked
        >= Person.objects.count() + len(officials) + len(held) + EnterpriseLink.objects.count()
    )


def test_demo_without_accounts_skips_linking_and_refuses_a_second_run():
    call_command("demo", scale=5, verbosity=0)
    assert not Official.objects.filter(user__isnull=False).exists()
    with pytest.raises(CommandError):
        call_command("demo", scale=5, verbosity=0)
    assert Enterprise.objects.count() == 5


def test_export_writes_masked_resident_ids(tmp_path):
    import openpyxl

    call_command("demo", scale=5, seed=1, verbosity=0)
    for kind in ("units", "enterprises", "officials", "links", "relatives"):
        path = tmp_path / f"{kind}.xlsx"
        call_command("export", kind, str(path), verbosity=0)
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert len(rows) > 1
    officials = list(openpyxl.load_workbook(tmp_path / "officials.xlsx").active.iter_rows(values_only=True))
    assert all("*" in row[1] for row in officials[1:])
