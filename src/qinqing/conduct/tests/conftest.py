"""Shared conduct fixtures: an official with a supervising leader, a spouse who holds shares."""

import pytest

from qinqing.core.roles import Role
from qinqing.directory.models import LinkKind, Relationship
from qinqing.directory.tests import factories


@pytest.fixture
def people(make_user):
    """Leader 王领导 supervises official 张三; 张三's spouse 李四 holds 12.5% of 某某科技有限公司."""
    unit = factories.make_unit(name="区发改局")
    leader_user = make_user(Role.SUPERVISING_LEADER, Role.OFFICIAL)
    leader = factories.make_official(unit=unit, name="王领导", position="副局长", user=leader_user)
    official_user = make_user(Role.OFFICIAL)
    official = factories.make_official(unit=unit, name="张三", user=official_user, supervising_leader=leader)
    other_user = make_user(Role.OFFICIAL)
    other = factories.make_official(unit=unit, name="赵六", user=other_user, supervising_leader=leader)
    spouse = factories.make_person(name="李四")
    factories.make_related_person(official=official, person=spouse, relationship=Relationship.SPOUSE)
    enterprise = factories.make_enterprise(name="某某科技有限公司")
    factories.make_link(person=spouse, enterprise=enterprise, kind=LinkKind.SHAREHOLDER, share_percent="12.5")
    clean_enterprise = factories.make_enterprise(name="清白实业有限公司")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)

    class People:
        pass

    found = People()
    found.__dict__.update(
        unit=unit,
        leader=leader,
        leader_user=leader_user,
        official=official,
        official_user=official_user,
        other=other,
        other_user=other_user,
        spouse=spouse,
        enterprise=enterprise,
        clean_enterprise=clean_enterprise,
        inspector=inspector,
    )
    return found
