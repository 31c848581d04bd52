"""Listings (article 21): the decision, each restriction's scope and period, objection, early removal, expiry by the clock."""  # noqa: E501

import datetime

import pytest

from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import Activity, ListingNotice, ListingStatus, RecordKind

from .factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def credit(make_user):
    return make_user(Role.CREDIT_ADMINISTRATOR)


def test_a_listing_is_a_numbered_decision_with_grounds_restrictions_record_and_notice(credit, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise(name="围猎建设有限公司")
    listing = make_listing(enterprise=enterprise, activities=("procurement", "honour"), actor=credit)
    assert listing.number == "亲清信决〔2026〕0001号"
    assert (
        listing.uscc == enterprise.uscc
        and listing.name == "围猎建设有限公司"
        and listing.decided_by == credit
    )
    assert listing.objection_until == D(2026, 12, 15) and listing.repair_from == D(2027, 11, 30)
    assert sorted(r.activity for r in listing.restrictions.all()) == ["honour", "procurement"]
    assert listing.records.get().kind == RecordKind.LISTING
    notice = ListingNotice.objects.get(listing=listing)
    assert notice.delivered_on is None and listing.number in notice.text  # written, not claimed as delivered
    actions = list(
        AuditEvent.objects.filter(request_id__isnull=False).order_by("seq").values_list("action", flat=True)
    )
    assert actions[-5:] == [
        "integrity.listing.decide",
        "integrity.restriction.impose",
        "integrity.restriction.impose",
        "integrity.record.add",
        "integrity.notice.write",
    ]
    second = make_listing(enterprise=directory.make_enterprise(), actor=credit)
    assert second.number == "亲清信决〔2026〕0002号"


def test_a_decision_naming_no_periods_gets_the_administrators_defaults(
    credit, make_user, client, frozen_clock
):
    """The periods offered and used when a decision names none (the API, an import) are data
    (core.time_limits, defaults 15 and 365 days); a decision's own periods are its own."""
    from qinqing.core import time_limits

    frozen_clock("2026-11-30 10:00")
    admin = make_user(Role.ADMINISTRATOR)
    time_limits.time_limit_set(actor=admin, key="integrity.listing_objection", value=30)
    time_limits.time_limit_set(actor=admin, key="integrity.listing_minimum", value=730)
    listing = make_listing(enterprise=directory.make_enterprise(), actor=credit)
    assert listing.objection_until == D(2026, 12, 30) and listing.repair_from == D(2028, 11, 29)
    own = make_listing(
        enterprise=directory.make_enterprise(), actor=credit, objection_days=10, minimum_days=100
    )
    assert own.objection_until == D(2026, 12, 10)
    client.force_login(credit)
    form = client.get("/integrity/listings/new/").context["form"]
    assert (form["objection_days"].value(), form["minimum_days"].value()) == (30, 730)


def test_a_listing_refuses_unknown_activities_reversed_periods_and_duplicate_numbers(credit):
    enterprise = directory.make_enterprise()
    with pytest.raises(ServiceError) as error:
        make_listing(enterprise=enterprise, activities=("casino",))
    assert error.value.code == "unknown_activity" and error.value.field == "restrictions"
    with pytest.raises(ServiceError) as error:
        make_listing(enterprise=enterprise, start=D(2026, 5, 1), end=D(2026, 4, 1))
    assert error.value.code == "end_before_start"
    with pytest.raises(ServiceError) as error:
        services.listing_decide(
            enterprise=enterprise,
            kind="dishonest",
            grounds="",
            restrictions=[("loan", D(2026, 1, 1), D(2027, 1, 1))],
            actor=credit,
        )
    assert error.value.field == "grounds"
    make_listing(enterprise=enterprise, number="区信〔2026〕7号")
    with pytest.raises(ConflictError):
        make_listing(enterprise=directory.make_enterprise(), number="区信〔2026〕7号")


@pytest.mark.parametrize("activity", Activity.values)
def test_each_restriction_binds_only_its_activity_and_only_within_its_period(activity, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    make_listing(enterprise=enterprise, activities=(activity,), start=D(2026, 12, 1), end=D(2027, 11, 30))
    other = next(a for a in Activity.values if a != activity)
    assert services.eligibility(enterprise=enterprise, activity=activity).eligible  # starts tomorrow
    frozen_clock("2026-12-01 00:01")
    answer = services.eligibility(enterprise=enterprise, activity=activity)
    assert not answer.eligible and [r["activity"] for r in answer.restrictions] == [activity]
    assert answer.restrictions[0]["start"] == "2026-12-01" and answer.restrictions[0]["end"] == "2027-11-30"
    assert "21(" in answer.restrictions[0]["basis"]
    assert services.eligibility(
        enterprise=enterprise, activity=other
    ).eligible  # another activity is not restricted
    frozen_clock("2027-11-30 23:59")
    assert not services.eligibility(
        enterprise=enterprise, activity=activity
    ).eligible  # the last day still counts
    frozen_clock("2027-12-01 00:00")
    assert services.eligibility(
        enterprise=enterprise, activity=activity
    ).eligible  # ended yesterday: over by itself


def test_the_head_being_restricted_makes_the_enterprise_ineligible_for_the_same_activities(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    head = directory.make_person(name="赵老板")
    enterprise = directory.make_enterprise(name="赵氏贸易有限公司", legal_representative=head)
    make_listing(person=head, activities=("loan", "fiscal_subsidy"))
    answer = services.eligibility(uscc=enterprise.uscc, activity="loan")
    assert (
        not answer.eligible
        and answer.restrictions[0]["via_head"]
        and "赵老板" in answer.restrictions[0]["basis"]
    )
    assert services.eligibility(uscc=enterprise.uscc, activity="procurement").eligible
    assert not services.eligibility(id_number=head.resident_id, activity="fiscal_subsidy").eligible


def test_an_objection_within_the_period_upheld_revokes_the_listing(credit, make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=user, enterprise=enterprise)
    listing = make_listing(enterprise=enterprise, activities=("procurement",), actor=credit)
    stranger = make_user(Role.ENTERPRISE_USER)
    with pytest.raises(PermissionDeniedError):
        services.application_file(listing=listing, kind="objection", text="不服", actor=stranger)
    objection = services.application_file(listing=listing, kind="objection", text="证据不实", actor=user)
    with pytest.raises(ConflictError):
        services.application_file(listing=listing, kind="objection", text="again", actor=user)
    with pytest.raises(PermissionDeniedError):
        services.application_grant(application=objection, reason="x", actor=user)
    with pytest.raises(ServiceError) as error:
        services.application_grant(application=objection, reason="", actor=credit)
    assert error.value.field == "reason"
    frozen_clock("2026-12-05 10:00")
    assert not services.eligibility(enterprise=enterprise, activity="procurement").eligible
    services.application_grant(application=objection, reason="复核后证据不足", actor=credit)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REVOKED
    assert listing.restrictions.get().lifted_on == D(2026, 12, 5)
    assert services.eligibility(enterprise=enterprise, activity="procurement").eligible
    assert AuditEvent.objects.filter(action="integrity.application.grant").exists()
    assert AuditEvent.objects.filter(action="integrity.restriction.lift").exists()


def test_an_objection_after_the_period_is_refused(credit, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    listing = make_listing(enterprise=directory.make_enterprise(), actor=credit)
    frozen_clock("2026-12-16 10:00")
    with pytest.raises(ServiceError) as error:
        services.application_file(listing=listing, kind="objection", text="迟到的异议", actor=credit)
    assert error.value.code == "objection_period_over" and "2026-12-15" in error.value.text()


def test_early_removal_only_after_the_minimum_period_and_then_restrictions_end_that_day(credit, frozen_clock):
    frozen_clock("2026-01-10 10:00")
    enterprise = directory.make_enterprise()
    listing = make_listing(
        enterprise=enterprise,
        activities=("honour", "association_office"),
        start=D(2026, 1, 10),
        end=D(2029, 1, 9),
        actor=credit,
        minimum_days=365,
    )
    with pytest.raises(ServiceError) as error:
        services.application_file(listing=listing, kind="repair", text="已整改", actor=credit)
    assert error.value.code == "too_early" and "2027-01-10" in error.value.text()
    frozen_clock("2027-02-01 10:00")
    application = services.application_file(
        listing=listing, kind="repair", text="已整改，完成信用修复培训", actor=credit
    )
    refused = services.application_refuse(application=application, reason="整改材料不全", actor=credit)
    assert (
        refused.status == "refused"
        and not services.eligibility(enterprise=enterprise, activity="honour").eligible
    )
    application = services.application_file(listing=listing, kind="repair", text="补充材料", actor=credit)
    services.application_grant(application=application, reason="信用修复完成", actor=credit)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED
    assert services.eligibility(enterprise=enterprise).eligible
    frozen_clock(
        "2027-01-31 10:00"
    )  # the day before the removal the restrictions were in force (a lift is not retroactive)
    assert not services.eligibility(enterprise=enterprise, activity="honour", log=False).eligible


def test_the_notice_is_marked_delivered_only_when_someone_records_it(credit, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    listing = make_listing(enterprise=directory.make_enterprise(), actor=credit)
    notice = listing.notices.get()
    with pytest.raises(ServiceError):
        services.notice_delivered(
            notice=notice, delivered_on=D(2026, 12, 2), note="送达", actor=credit
        )  # in the future
    services.notice_delivered(
        notice=notice, delivered_on=D(2026, 11, 30), note="当面送达法定代表人，签收", actor=credit
    )
    notice.refresh_from_db()
    assert notice.delivered_on == D(2026, 11, 30)
    with pytest.raises(ConflictError):
        services.notice_delivered(notice=notice, delivered_on=D(2026, 11, 30), note="again", actor=credit)


def test_a_party_outside_the_directory_can_be_listed_and_checked(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    uscc = directory.make_uscc()
    make_listing(uscc=uscc, name="外地建设集团有限公司", activities=("construction_bidding",))
    answer = services.eligibility(uscc=uscc, activity="construction_bidding")
    assert (
        not answer.eligible
        and answer.party["in_directory"] is False
        and answer.party["name"] == "外地建设集团有限公司"
    )
