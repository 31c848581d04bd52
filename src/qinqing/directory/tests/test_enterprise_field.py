"""Choosing an enterprise on a form (directory.forms.EnterpriseField): by its credit code, "名称（代码）" as
copied from a page, or its exact name when no other enterprise has it — a text box, never a list of every
enterprise of the district sent with the form."""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qinqing.core.roles import Role
from qinqing.core.testing import make_user
from qinqing.directory.forms import EnterpriseField
from qinqing.directory.models import Enterprise

from .factories import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class One(forms.Form):
    enterprise = EnterpriseField()


class Several(forms.Form):
    enterprises = EnterpriseField(multiple=True, required=False, max_entries=3)


def _clean(form_class, value):
    form = form_class({next(iter(form_class.base_fields)): value})
    valid = form.is_valid()
    name = next(iter(form_class.base_fields))
    return (form.cleaned_data[name] if valid else None), form.errors.get(name)


def test_one_enterprise_by_code_by_copied_label_or_by_its_unique_name():
    first = make_enterprise(name="示范区恒通科技有限公司")
    assert _clean(One, first.uscc) == (first, None)
    assert _clean(One, first.uscc.lower()) == (first, None)
    assert _clean(One, f"{first.name}（{first.uscc}）") == (first, None)
    assert _clean(One, "  示范区恒通科技有限公司 ") == (first, None)

    chosen, errors = _clean(One, "示范区不存在有限公司")
    assert chosen is None and "示范区不存在有限公司" in errors[0]
    _, errors = _clean(One, f"{first.uscc}\n{make_enterprise().uscc}")
    assert errors == ["Name one enterprise only."]
    _, errors = _clean(One, "")
    assert errors == ["This field is required."]


def test_an_inactive_enterprise_or_one_outside_the_queryset_is_not_chosen():
    closed = make_enterprise(is_active=False)
    _, errors = _clean(One, closed.uscc)
    assert errors and closed.uscc in errors[0]

    own = make_enterprise()
    other = make_enterprise()

    class Own(forms.Form):
        enterprise = EnterpriseField(queryset=lambda: Enterprise.objects.filter(pk=own.pk))

    assert _clean(Own, own.uscc) == (own, None)
    _, errors = _clean(Own, other.uscc)
    assert errors and other.uscc in errors[0]


def test_a_name_two_enterprises_share_asks_for_the_code():
    first = make_enterprise(name="同名贸易有限公司")
    # two registered under one name (a registry import may bring them)
    Enterprise.objects.filter(pk=make_enterprise().pk).update(name="同名贸易有限公司")
    _, errors = _clean(One, "同名贸易有限公司")
    assert errors and "give the unified social credit code" in errors[0]
    assert _clean(One, first.uscc) == (first, None)


def test_several_in_the_order_given_each_once_with_a_limit():
    a, b, c, d = (make_enterprise() for _ in range(4))
    chosen, errors = _clean(Several, f"{b.uscc}、{a.name}\n{b.uscc}，{c.uscc}")
    assert errors is None and chosen == [b, a, c]
    assert _clean(Several, "") == ([], None)
    _, errors = _clean(Several, ",".join(e.uscc for e in (a, b, c, d)))
    assert errors == ["At most 3 enterprises at a time."]
    _, errors = _clean(Several, f"{a.uscc}\n91110000000000000X\n不存在的公司")
    assert errors and "91110000000000000X" in errors[0] and "不存在的公司" in errors[0]


def test_the_forms_that_name_an_enterprise_do_not_list_every_enterprise(client):
    enterprises = [make_enterprise(name=f"列表测试企业{index}") for index in range(3)]
    handler = make_user(Role.DEPARTMENT_HANDLER)
    leader = make_user(Role.DISTRICT_LEADER)
    pages = ((handler, "legal:register"), (leader, "liaison:meetings"), (handler, "policy:education"))
    for user, name in pages:
        web = Client()
        web.force_login(user)
        page = web.get(reverse(name))
        assert page.status_code == 200, name
        html = page.content.decode()
        assert all(enterprise.name not in html for enterprise in enterprises), name


def test_an_official_by_name_by_name_and_unit_or_position_and_never_one_out_of_office():
    from qinqing.directory.forms import OfficialField

    from .factories import make_official, make_unit

    class Pick(forms.Form):
        official = OfficialField()

    housing = make_unit(name="区住建局")
    only = make_official(name="李清", unit=housing)
    assert _clean(Pick, "李清") == (only, None)
    assert _clean(Pick, str(only)) == (only, None)  # "姓名（职务）", as the directory prints an official
    assert _clean(Pick, "李清（区住建局）") == (only, None)
    _, errors = _clean(Pick, "李清（区水务局）")
    assert errors and "李清（区水务局）" in errors[0]
    gone = make_official(name="赵退", unit=housing)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)  # left office
    _, errors = _clean(Pick, "赵退")
    assert errors and "赵退" in errors[0]
