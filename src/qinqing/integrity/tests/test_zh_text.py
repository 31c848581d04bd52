"""The integrity pages read as Chinese (core.zh_text: full-width punctuation after Chinese, no space between Chinese words)."""  # noqa: E501

import datetime

import pytest

from qinqing.core import zh_text
from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services

from .factories import make_listing

pytestmark = pytest.mark.django_db


def test_every_integrity_page_reads_as_chinese(client, make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    credit, federation = make_user(Role.CREDIT_ADMINISTRATOR), make_user(Role.FEDERATION_STAFF)
    user = make_user(Role.ENTERPRISE_USER)
    head = directory.make_person(name="钱总")
    enterprise = directory.make_enterprise(name="示范建设有限公司", legal_representative=head)
    directory.make_membership(user=user, enterprise=enterprise)
    listing = make_listing(enterprise=enterprise, activities=("procurement", "honour"), publication="public")
    make_listing(
        person=head, activities=("loan",), start=datetime.date(2023, 1, 1), end=datetime.date(2024, 1, 1)
    )
    services.record_add(
        enterprise=enterprise,
        kind="honour",
        title="诚信示范企业",
        source="区工商联",
        occurred_on=datetime.date(2026, 1, 1),
        actor=SystemActor("test"),
    )
    services.application_file(listing=listing, kind="objection", text="申请复核", actor=user)
    query = services.bribery_request(enterprise=enterprise, purpose="投标", actor=user)
    services.bribery_answer(query=query, result="no_record", actor=credit)
    evaluation = services.comprehensive_start(
        enterprise=enterprise, purpose="honour", matter="年度评选", actor=federation
    )
    pages = {
        credit: [
            "/integrity/",
            f"/integrity/listings/{listing.pk}/",
            "/integrity/listings/new/",
            "/integrity/records/",
            f"/integrity/enterprises/{enterprise.pk}/",
            "/integrity/rules/",
            "/integrity/priority/",
            "/integrity/bribery/",
            f"/integrity/check/?uscc={enterprise.uscc}&activity=procurement",
            "/integrity/check/?name=%E7%A4%BA%E8%8C%83%E5%BB%BA%E8%AE%BE&activity=procurement",
            "/integrity/comprehensive/",
            f"/integrity/comprehensive/{evaluation.pk}/",
        ],
        user: ["/integrity/mine/", "/integrity/bribery/"],
        None: ["/integrity/public/", f"/integrity/bribery/verify/?code={query.verification_code}"],
    }
    found = {}
    for who, urls in pages.items():
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            problems = zh_text.page_problems(response.content.decode())
            if problems:
                found[url] = problems
    for url, problems in found.items():
        print(url, problems)
    assert not found
