import pytest

from qinqing.core.errors import NotFound
from qinqing.core.roles import Role
from qinqing.directory import selectors

from .factories import (
    make_enterprise,
    make_membership,
    make_official,
    make_person,
    make_related_person,
    make_unit,
)

pytestmark = pytest.mark.django_db


def test_official_sees_own_unit_and_sub_units_but_not_another_unit(make_user):
    unit_a = make_unit()
    sub_unit_a = make_unit(parent=unit_a)
    unit_b = make_unit()
    user = make_user(Role.OFFICIAL)
    me = make_official(unit=unit_a, user=user)
    colleague_below = make_official(unit=sub_unit_a)
    stranger = make_official(unit=unit_b)
    visible = set(selectors.officials_visible_to(user))
    assert {me, colleague_below} <= visible
    assert stranger not in visible
    assert selectors.unit_scope_ids(user) == {unit_a.pk, sub_unit_a.pk}
    with pytest.raises(NotFound):
        selectors.access_official(user, stranger.pk)


def test_forbidden_and_missing_officials_answer_alike(make_user):
    user = make_user(Role.DEPARTMENT_HANDLER)
    make_official(user=user)
    stranger = make_official()
    with pytest.raises(NotFound) as forbidden:
        selectors.access_official(user, stranger.pk)
    with pytest.raises(NotFound) as missing:
        selectors.access_official(user, 999_999)
    assert forbidden.value.as_dict() == missing.value.as_dict()


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER]
)
def test_overseeing_roles_see_every_official(make_user, role):
    officials = {make_official(), make_official()}
    assert officials <= set(selectors.officials_visible_to(make_user(role)))


def test_enterprise_user_sees_only_own_enterprise_and_no_officials(make_user):
    user = make_user(Role.ENTERPRISE_USER)
    own, other = make_enterprise(), make_enterprise()
    make_membership(user=user, enterprise=own)
    make_official()
    assert list(selectors.enterprises_visible_to(user)) == [own]
    assert list(selectors.enterprises_for_user(user)) == [own]
    assert not selectors.officials_visible_to(user).exists()
    with pytest.raises(NotFound):
        selectors.access_enterprise(user, other.pk)
    assert selectors.access_enterprise(user, own.pk) == own


def test_an_official_without_a_role_sees_nothing(make_user):
    user = make_user()
    make_official(user=user)
    assert not selectors.officials_visible_to(user).exists()
    assert not selectors.enterprises_visible_to(user).exists()
    assert not selectors.persons_visible_to(user).exists()


def test_unit_scoped_official_sees_related_persons_of_own_units_officials_only(make_user):
    unit = make_unit()
    user = make_user(Role.OFFICIAL)
    make_official(unit=unit, user=user)
    colleague = make_official(unit=unit)
    spouse = make_person()
    make_related_person(official=colleague, person=spouse)
    outsider_relative = make_related_person().person
    visible = set(selectors.persons_visible_to(user))
    assert spouse in visible and outsider_relative not in visible


def test_official_for_user_finds_the_official_record(make_user):
    user = make_user(Role.OFFICIAL)
    official = make_official(user=user)
    assert selectors.official_for_user(user) == official
    assert selectors.official_for_user(make_user(Role.OFFICIAL)) is None
