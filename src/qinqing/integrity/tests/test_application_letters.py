"""The decision on an objection or a credit-repair application as a printed letter to the listed party
(article 21): numbered when decided, printed by the credit administrator and the listed enterprise's
accounts, 404 for another enterprise and while undecided, linked from the listing and the enterprise's
page once decided."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.core import district
from qinqing.core.roles import Role
from qinqing.core.testing import pdf_pages
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services

from .factories import make_listing

pytestmark = pytest.mark.django_db
SEAL = "示范区社会信用体系建设领导小组办公室"


@pytest.fixture
def objection(make_user, frozen_clock):
    call_command("policy", "import", "--seed", verbosity=0)
    frozen_clock("2026-11-30 10:00")
    credit = make_user(Role.CREDIT_ADMINISTRATOR)
    district.district_update(actor=make_user(Role.ADMINISTRATOR), district_name="示范区", seal_text=SEAL,
                             issuing_office="示范区发展和改革局")
    enterprise = directory.make_enterprise(name="示范区宏达建材有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=enterprise)
    listing = make_listing(enterprise=enterprise, activities=("procurement",), actor=credit)
    application = services.application_file(
        listing=listing, kind="objection", text="证据不实", actor=firm_user
    )
    return {"credit": credit, "firm_user": firm_user, "listing": listing, "application": application,
            "make_user": make_user}


def _get(user, application):
    client = Client()
    client.force_login(user)
    return client.get(reverse("integrity:application_letter", args=[application.pk]))


def test_a_granted_objection_letter_names_the_decision_party_article_and_date(objection, frozen_clock):
    application, firm_user = objection["application"], objection["firm_user"]
    assert _get(firm_user, application).status_code == 404  # undecided: no letter
    frozen_clock("2026-12-03 10:00")
    services.application_grant(application=application, reason="复核后证据不足", actor=objection["credit"])
    application.refresh_from_db()
    assert application.decision_number == "亲清信复〔2026〕0001号"
    response = _get(firm_user, application)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(response.content))
    assert "信用异议处理决定书" in text and "亲清信复〔2026〕0001号" in text
    assert "示范区宏达建材有限公司" in text and objection["listing"].number in text  # the party, the listing
    assert "已准予" in text and "撤销该列入决定" in text and "复核后证据不足" in text  # the decision
    assert "实施办法》第二十一条" in text  # the article
    assert "2026年12月3日" in text and SEAL in text  # the day, sealed: final when made
    page = Client()
    page.force_login(firm_user)
    url = reverse("integrity:application_letter", args=[application.pk])
    assert url in page.get(reverse("integrity:mine")).content.decode()
    page.force_login(objection["credit"])
    listing_page = page.get(reverse("integrity:listing_detail", args=[objection["listing"].pk]))
    assert url in listing_page.content.decode()


def test_a_refused_objection_letter_says_the_listing_stands(objection, frozen_clock):
    services.application_refuse(application=objection["application"], reason="异议理由不成立",
                                actor=objection["credit"])
    text = "".join(pdf_pages(_get(objection["firm_user"], objection["application"]).content))
    assert "已拒绝" in text and "维持原列入决定" in text and "异议理由不成立" in text


def test_who_may_print_the_letter(objection):
    application, make_user = objection["application"], objection["make_user"]
    services.application_refuse(application=application, reason="异议理由不成立", actor=objection["credit"])
    assert _get(objection["firm_user"], application).status_code == 200  # the listed enterprise
    assert _get(objection["credit"], application).status_code == 200  # the deciding office
    other = make_user(Role.ENTERPRISE_USER)  # another enterprise's account
    directory.make_membership(user=other, enterprise=directory.make_enterprise(name="示范区别家有限公司"))
    assert _get(other, application).status_code == 404
    assert _get(make_user(Role.DISCIPLINE_INSPECTOR), application).status_code == 403
    url = reverse("integrity:application_letter", args=[application.pk])
    assert Client().get(url).status_code in (302, 403)
    inspector = Client()
    inspector.force_login(make_user(Role.DISCIPLINE_INSPECTOR))  # reads the listing, cannot print: no link
    page = inspector.get(reverse("integrity:listing_detail", args=[objection["listing"].pk])).content.decode()
    assert url not in page
