"""Article 20: the priority list and the comprehensive evaluation (integrity record + federation + 廉洁意见)."""  # noqa: E501

import datetime

import pytest

from qinqing.core.audit import SystemActor
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services

from .factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date
ACTOR = SystemActor("test")


def _honours(enterprise, count):
    for n in range(count):
        services.record_add(
            enterprise=enterprise,
            kind="honour",
            title=f"荣誉{n}",
            source="区政府",
            occurred_on=D(2026, 1, 1 + n),
            actor=ACTOR,
        )


def test_the_priority_list_holds_grade_a_enterprises_without_restrictions(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    good, listed_head, middling = directory.make_enterprise(name="甲"), directory.make_enterprise(
        name="乙", legal_representative=directory.make_person()), directory.make_enterprise(name="丙")
    _honours(good, 3)
    _honours(listed_head, 4)
    _honours(middling, 1)
    make_listing(person=listed_head.legal_representative, activities=("loan",))
    rows = services.priority_list()
    assert [enterprise.name for enterprise, _result in rows] == ["甲"]


def test_the_comprehensive_evaluation_needs_both_opinions_and_refuses_a_restricted_party(
    make_user, frozen_clock
):
    frozen_clock("2026-11-30 10:00")
    federation, inspector = make_user(Role.FEDERATION_STAFF), make_user(Role.DISCIPLINE_INSPECTOR)
    enterprise = directory.make_enterprise(legal_representative=directory.make_person(name="周总"))
    _honours(enterprise, 2)
    row = services.comprehensive_start(
        enterprise=enterprise, purpose="honour", matter="2027年度优秀民营企业家", actor=federation
    )
    assert row.integrity_grade == "A" and not row.integrity_restricted and "荣誉0" in row.integrity_summary
    with pytest.raises(ServiceError) as error:
        services.comprehensive_conclude(evaluation=row, recommend=True, reason="推荐", actor=federation)
    assert error.value.code == "opinions_missing"
    with pytest.raises(PermissionDeniedError):
        services.comprehensive_clean_opinion(
            evaluation=row, opinion="无", conclusion="no_objection", actor=federation
        )
    services.comprehensive_federation_opinion(evaluation=row, opinion="守法经营，热心公益", actor=federation)
    services.comprehensive_clean_opinion(
        evaluation=row, opinion="未发现违纪违法问题", conclusion="no_objection", actor=inspector
    )
    done = services.comprehensive_conclude(
        evaluation=row, recommend=True, reason="同意推荐", actor=federation
    )
    assert done.status == "recommended"

    make_listing(person=enterprise.legal_representative, activities=("honour",))
    restricted = services.comprehensive_start(
        enterprise=enterprise, purpose="honour", matter="另一荣誉", actor=federation
    )
    assert restricted.integrity_restricted
    services.comprehensive_federation_opinion(evaluation=restricted, opinion="x", actor=federation)
    services.comprehensive_clean_opinion(
        evaluation=restricted, opinion="y", conclusion="no_objection", actor=inspector
    )
    with pytest.raises(ServiceError) as error:
        services.comprehensive_conclude(
            evaluation=restricted, recommend=True, reason="推荐", actor=federation
        )
    assert error.value.code == "restricted"
    assert (
        services.comprehensive_conclude(
            evaluation=restricted, recommend=False, reason="列入黑名单期间不予推荐", actor=federation
        ).status
        == "not_recommended"
    )


def test_one_service_answers_the_standing_for_each_purpose_and_logs_the_check(frozen_clock):
    from qinqing.integrity.models import EligibilityCheck

    frozen_clock("2026-11-30 10:00")
    head = directory.make_person(name="吴总")
    enterprise = directory.make_enterprise(name="吴氏科技有限公司", legal_representative=head)
    _honours(enterprise, 3)
    standing = services.priority_standing(enterprise, purpose="funds")
    assert standing.on_priority_list and standing.grade == "A" and standing.basis == "20"
    assert EligibilityCheck.objects.filter(
        check_id=standing.check_id, purpose="integrity.priority.funds"
    ).exists()
    make_listing(person=head, activities=("fiscal_subsidy",))  # the head: restriction (2), fiscal subsidies
    funds = services.priority_standing(enterprise, purpose="funds")
    assert not funds.on_priority_list and funds.restricted and len(funds.reasons) == 2  # grade D, restricted
    honour = services.priority_standing(enterprise, purpose="honour")
    assert honour.restricted is False
    # The head's listing caps the grade at D, so no purpose keeps the enterprise on the list.
    assert not honour.on_priority_list and honour.grade == "D"
    with pytest.raises(ServiceError) as error:
        services.priority_standing(enterprise, purpose="lottery")
    assert error.value.field == "purpose"
    assert [e.name for e, _r in services.priority_list(purpose="funds")] == []


def test_the_priority_list_by_purpose_and_the_comprehensive_evaluation_record_the_standing(
    client, make_user, frozen_clock
):
    from django.urls import reverse

    frozen_clock("2026-11-30 10:00")
    federation = make_user(Role.FEDERATION_STAFF)
    good, other = directory.make_enterprise(name="甲级企业"), directory.make_enterprise(name="普通企业")
    _honours(good, 3)
    _honours(other, 1)
    row = services.comprehensive_start(
        enterprise=good, purpose="political_arrangement", matter="政协委员推荐", actor=federation
    )
    assert row.on_priority_list and "第二十条" in row.integrity_summary
    plain = services.comprehensive_start(
        enterprise=other, purpose="honour", matter="优秀企业", actor=federation
    )
    assert not plain.on_priority_list
    client.force_login(federation)
    detail = client.get(reverse("integrity:comprehensive_detail", args=[row.pk])).content.decode()
    assert 'data-testid="on-priority"' in detail
    assert 'data-testid="not-on-priority"' in client.get(
        reverse("integrity:comprehensive_detail", args=[plain.pk])).content.decode()
    listing = client.get(reverse("integrity:comprehensive")).content.decode()
    assert f'data-testid="on-priority-{row.pk}"' in listing
    assert f'data-testid="on-priority-{plain.pk}"' not in listing
    page = client.get(reverse("integrity:priority"), {"purpose": "honour"}).content.decode()
    assert "甲级企业" in page and "普通企业" not in page
    # The federation reads the list, not the credit file behind each name: no link it could not open
    profile = reverse("integrity:enterprise", args=[good.pk])
    assert profile not in page
    assert client.get(profile).status_code == 403
    client.force_login(make_user(Role.CREDIT_ADMINISTRATOR))
    assert profile in client.get(reverse("integrity:priority"), {"purpose": "honour"}).content.decode()
