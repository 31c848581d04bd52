"""The pages: the credit administrator decides a listing from the form and sees it; the enterprise objects from its own view."""  # noqa: E501

import datetime

import pytest
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity.models import Application, EligibilityCheck, Listing

from .factories import make_listing

pytestmark = pytest.mark.django_db


def test_the_credit_administrator_lists_an_enterprise_from_the_form(client, make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    enterprise = directory.make_enterprise(name="表单测试有限公司")
    client.force_login(credit)
    assert client.get("/integrity/listings/new/").status_code == 200
    response = client.post(
        "/integrity/listings/new/",
        {
            "uscc": enterprise.uscc,
            "kind": "corrupting_officials",
            "grounds": "多次宴请公职人员",
            "activities": ["procurement", "loan"],
            "start": "2026-12-01",
            "end": "2029-11-30",
            "publication": "authorities",
            "objection_days": "15",
            "minimum_days": "365",
        },
    )
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/integrity/listings/{listing.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert listing.number in page and "表单测试有限公司" in page
    bad = client.post(
        "/integrity/listings/new/",
        {
            "uscc": "91330106MA2B00000X",
            "kind": "dishonest",
            "grounds": "x",
            "activities": ["loan"],
            "start": "2026-12-01",
            "end": "2027-11-30",
            "publication": "authorities",
            "objection_days": "15",
            "minimum_days": "365",
        },
    )
    assert bad.status_code == 400 and 'data-testid="error-uscc"' in bad.content.decode()
    for url in (
        "/integrity/",
        "/integrity/records/",
        f"/integrity/enterprises/{enterprise.pk}/",
        "/integrity/rules/",
    ):
        assert client.get(url).status_code == 200, url
    checked = client.get("/integrity/check/", {"uscc": enterprise.uscc, "activity": "loan"}).content.decode()
    assert 'data-testid="eligible"' in checked  # starts tomorrow
    assert EligibilityCheck.objects.filter(purpose="page").count() == 1
    frozen_clock("2026-12-01 09:00")
    client.force_login(credit)  # a new day: the session of yesterday has ended
    checked = client.get("/integrity/check/", {"uscc": enterprise.uscc, "activity": "loan"}).content.decode()
    assert 'data-testid="not-eligible"' in checked


def test_the_enterprise_sees_its_own_record_and_objects(client, make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise(name="自查有限公司")
    user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=user, enterprise=enterprise)
    listing = make_listing(enterprise=enterprise, activities=("honour",), start=datetime.date(2026, 11, 30))
    other = make_listing(enterprise=directory.make_enterprise())
    client.force_login(user)
    page = client.get("/integrity/mine/").content.decode()
    assert listing.number in page and other.number not in page and 'data-testid="not-eligible"' in page
    assert "<li>荣誉 · " in page and "<li>honour" not in page  # the restriction by its name, not its API code
    response = client.post(
        "/integrity/mine/", {"listing": listing.pk, "kind": "objection", "text": "不服，申请复核"}
    )
    assert response.status_code == 302 and Application.objects.get().listing == listing
    assert (
        client.post("/integrity/mine/", {"listing": other.pk, "kind": "objection", "text": "x"}).status_code
        == 404
    )
    assert client.get("/integrity/").status_code == 403


def test_only_entries_published_to_the_public_appear_on_the_public_page(client, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    public = make_listing(enterprise=directory.make_enterprise(name="公开失信有限公司"), publication="public")
    internal = make_listing(
        enterprise=directory.make_enterprise(name="内部共享有限公司"), publication="authorities"
    )
    person = make_listing(person=directory.make_person(name="个人甲"), publication="public")
    ended = make_listing(enterprise=directory.make_enterprise(name="已到期有限公司"), publication="public",
                         start=datetime.date(2022, 1, 1), end=datetime.date(2024, 12, 31))
    page = client.get("/integrity/public/").content.decode()  # anonymous
    assert (
        public.number in page
        and internal.number not in page
        and person.number not in page
        and ended.number not in page
    )


def test_the_admin_shows_integrity_rows_read_only(client, make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    listing = make_listing(person=directory.make_person(name="个人乙"))
    admin = make_user(Role.ADMINISTRATOR, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/django-admin/integrity/listing/{listing.pk}/change/")
    assert page.status_code == 200 and listing.number in page.content.decode()
    assert listing.id_number not in page.content.decode()  # masked only
    assert client.get("/django-admin/integrity/listing/add/").status_code == 403
    assert client.get("/django-admin/integrity/eligibilitycheck/").status_code == 200


def test_integrity_forms_refuse_absurd_dates_and_overlong_text_with_400_naming_the_field(
    client, make_user, frozen_clock
):
    from qinqing.core.models import AuditEvent
    from qinqing.integrity.models import IntegrityRecord

    frozen_clock("2026-11-30 10:00")
    client.force_login(make_user(Role.CREDIT_ADMINISTRATOR))
    enterprise = directory.make_enterprise()
    listing = {
        "uscc": enterprise.uscc,
        "kind": "corrupting_officials",
        "grounds": "多次宴请",
        "activities": ["procurement"],
        "start": "2026-12-01",
        "end": "2999-12-31",
        "publication": "authorities",
        "objection_days": "15",
        "minimum_days": "365",
    }
    events = AuditEvent.objects.count()
    response = client.post(reverse("integrity:listing_new"), listing)
    assert response.status_code == 400 and 'data-testid="error-end"' in response.content.decode()
    response = client.post(reverse("integrity:listing_new"), {**listing, "end": "2027-12-31",
                                                              "grounds": "宴" * 2001})
    assert response.status_code == 400 and 'data-testid="error-grounds"' in response.content.decode()
    assert "2000" in response.content.decode()
    response = client.post(reverse("integrity:listing_new"), {**listing, "end": "2027-12-31",
                                                              "decided_on": "2027-01-01"})
    assert response.status_code == 400 and 'data-testid="error-decided_on"' in response.content.decode()
    record = {"uscc": enterprise.uscc, "kind": "honour", "title": "诚信示范", "source": "区工商联",
              "occurred_on": "1900-01-01"}
    response = client.post(reverse("integrity:record_new"), record)
    assert response.status_code == 400 and 'data-testid="error-occurred_on"' in response.content.decode()
    assert AuditEvent.objects.count() == events and not Listing.objects.exists()
    assert not IntegrityRecord.objects.exists()
    added = client.post(reverse("integrity:record_new"), {**record, "occurred_on": "2026-11-01"})
    assert added.status_code == 302
    page = client.get(reverse("integrity:records")).content.decode()
    assert 'type="date"' in page and 'action="/integrity/records/new/"' in page


def test_only_the_credit_administrator_sees_and_uses_the_record_form(client, make_user):
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    assert 'data-testid="record-form"' not in client.get(reverse("integrity:records")).content.decode()
    assert client.post(reverse("integrity:record_new"), {"kind": "honour"}).status_code == 403


def test_refused_posts_answer_400_with_the_message_naming_the_field(client, make_user, workday_calendar,
                                                                   frozen_clock):
    from django.utils.translation import gettext

    from qinqing.integrity import services
    from qinqing.integrity.models import BriberyQuery

    frozen_clock("2026-11-30 10:00")
    credit, federation = make_user(Role.CREDIT_ADMINISTRATOR), make_user(Role.FEDERATION_STAFF)
    enterprise = directory.make_enterprise()
    listing = make_listing(enterprise=enterprise, actor=credit)
    notice = listing.notices.get()
    client.force_login(credit)
    response = client.post(reverse("integrity:notice_delivered", args=[notice.pk]),
                           {"delivered_on": "2026-12-25", "note": "当面送达"})
    assert response.status_code == 400
    assert gettext("The delivery date must be today or earlier.") in response.content.decode()
    notice.refresh_from_db()
    assert notice.delivered_on is None
    response = client.post(reverse("integrity:bribery"), {"uscc": enterprise.uscc, "purpose": "投" * 301})
    assert response.status_code == 400 and "300" in response.content.decode()
    assert not BriberyQuery.objects.exists()
    response = client.post(reverse("integrity:rules"), {"points_honour": "五"})
    assert response.status_code == 400
    client.force_login(federation)
    row = services.comprehensive_start(
        enterprise=enterprise, purpose="honour", matter="荣誉推荐", actor=federation
    )
    response = client.post(reverse("integrity:comprehensive_detail", args=[row.pk]),
                           {"action": "federation_opinion", "text": "意" * 5001})
    assert response.status_code == 400 and "5000" in response.content.decode()
    row.refresh_from_db()
    assert row.federation_opinion == ""


def test_the_administrator_chooses_the_publication_of_an_entry_and_the_public_page_follows(
    client, make_user, frozen_clock
):
    from qinqing.core.models import AuditEvent

    frozen_clock("2026-11-30 10:00")
    listing = make_listing(enterprise=directory.make_enterprise(name="公开测试有限公司"))
    assert "公开测试有限公司" not in client.get(reverse("integrity:public")).content.decode()
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    assert 'data-testid="publication-form"' not in client.get(
        reverse("integrity:listing_detail", args=[listing.pk])).content.decode()
    assert client.post(reverse("integrity:listing_publication", args=[listing.pk]),
                       {"publication": "public"}).status_code == 403
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = reverse("integrity:listing_publication", args=[listing.pk])
    assert client.post(url, {"publication": "everyone"}).status_code == 400
    assert client.post(url, {"publication": "public"}).status_code == 302
    listing.refresh_from_db()
    assert listing.publication == "public"
    event = AuditEvent.objects.get(action="integrity.listing.publication")
    assert event.details["article"] == "21"
    client.logout()
    assert "公开测试有限公司" in client.get(reverse("integrity:public")).content.decode()


def test_the_lists_are_paged_none_cut_off(client, make_user, frozen_clock):
    """The blacklist, its two work lists (objections to decide, notices to deliver), the comprehensive
    evaluations, the bribery queries and an enterprise's evaluation history: 50 a page, each reachable."""
    from qinqing.core import clock
    from qinqing.integrity import selectors
    from qinqing.integrity.models import BriberyQuery, ComprehensiveEvaluation, Evaluation

    frozen_clock("2026-11-30 10:00")
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    listings = [make_listing(enterprise=directory.make_enterprise(name=f"分页{index:02d}有限公司"))
                for index in range(53)]
    today = clock.today()
    Application.objects.bulk_create(
        Application(listing=listing, kind="objection", text="不服", filed_on=today) for listing in listings
    )
    assert selectors.notices_waiting().count() == 53
    client.force_login(credit)

    def get(url, **query):
        return client.get(url, {"state": "in_force", **query}).content.decode()

    first = get("/integrity/")
    pending = first.split('data-testid="pending-applications"')[1]
    pending, notices = pending.split('data-testid="notices-waiting"')
    notices, table = notices.split('data-testid="listings"')
    assert pending.count("<li>") == 50 and notices.count("<li>") == 50
    assert table.count('data-testid="listing-') == 50
    assert first.count("第 1 页，共 2 页（53 条记录）") == 3
    for parameter in ("page", "pending_page", "notices_page"):
        assert f"?state=in_force&amp;{parameter}=2" in first  # the filter kept
    second = get("/integrity/", page=2).split('data-testid="listings"')[1]
    assert second.count('data-testid="listing-') == 3
    later = get("/integrity/", pending_page=2, notices_page=2).split('data-testid="pending-applications"')[1]
    pending, notices = later.split('data-testid="notices-waiting"')
    assert pending.count("<li>") == 3 and notices.split('data-testid="listings"')[0].count("<li>") == 3

    enterprise = listings[0].enterprise
    Evaluation.objects.bulk_create(
        Evaluation(enterprise=enterprise, computed_at=clock.now(), score=100 - index % 7, grade="B",
                   contributions=[], trigger=f"重算P{index:02d}")
        for index in range(60)
    )
    history = client.get(f"/integrity/enterprises/{enterprise.pk}/").content.decode()
    total = Evaluation.objects.filter(enterprise=enterprise).count()
    assert history.count("重算P") == 50 and f"共 2 页（{total} 条记录）" in history
    assert "?history_page=2" in history
    rest = client.get(f"/integrity/enterprises/{enterprise.pk}/", {"history_page": 2}).content.decode()
    assert rest.count("重算P") == 10 and 'data-testid="evaluation-history" open' in rest

    ComprehensiveEvaluation.objects.bulk_create(
        ComprehensiveEvaluation(enterprise=enterprise, purpose="honour", matter=f"评选P{index:02d}",
                                started_on=today, integrity_grade="B", integrity_score=90,
                                integrity_restricted=False, integrity_summary="")
        for index in range(53)
    )
    BriberyQuery.objects.bulk_create(
        BriberyQuery(enterprise=enterprise, purpose=f"投标P{index:02d}", requested_on=today, due_on=today,
                     status="answered", result="no_record")
        for index in range(53)
    )
    for url, marker in (("/integrity/comprehensive/", "评选P"), ("/integrity/bribery/", "投标P")):
        first, second = get(url), get(url, page=2)
        assert first.count(marker) == 50 and second.count(marker) == 3, url
        assert "第 1 页，共 2 页（53 条记录）" in first and "?state=in_force&amp;page=2" in first, url
