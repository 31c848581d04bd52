"""The fault-tolerance decision as a printed letter (article 22): only once decided, to the official
concerned, the colleague who submitted it for their unit and the discipline office; another official gets
404; the letter names the decision, the party, the article it rests on and its date in the Chinese form."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.core import district
from qinqing.core.roles import Role
from qinqing.core.testing import letter_issuer, pdf_pages
from qinqing.directory.tests import factories as directory
from qinqing.tolerance import letters, services

from .test_tolerance import YES, _submit, office  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(office, make_user, frozen_clock):  # noqa: F811
    call_command("policy", "import", "--seed", verbosity=0)
    district.district_update(actor=make_user(Role.ADMINISTRATOR), district_name="示范区",
                             seal_text="中共示范区纪律检查委员会", issuing_office="示范区纪委监委")
    official_user, official, colleague_user, inspector, org = office
    row = _submit(colleague_user, official, submitter="unit")
    services.request_accept(request=row, actor=inspector)
    services.request_deliberate(request=row, answers=YES, notes="三个区分开来均在可容错一侧", actor=inspector)
    frozen_clock("2026-12-03 10:00")
    services.request_determine(request=row, determination="exempted", reasons="属先行先试中的失误，予以免责",
                               actor=inspector)
    services.request_file(request=row, organisation_department=org, actor=inspector)
    row.refresh_from_db()
    return row, office


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_decision_letter_names_the_decision_party_article_and_date(decided):
    row, (official_user, *_rest) = decided
    page = _as(official_user).get(reverse("tolerance:request_detail", args=[row.pk]))
    assert reverse("tolerance:request_letter", args=[row.pk]) in page.content.decode()
    response = _as(official_user).get(reverse("tolerance:request_letter", args=[row.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(response.content))
    assert "容错纠错认定决定书" in text and row.number in text
    assert "区发改局" in text and "李明" in text  # the official and their unit
    assert "免予追责" in text or "免责" in text
    assert "第二十二条" in text and "实施办法》第二十二条" in text  # the article, in the policy's own title
    assert "2026年12月3日" in text  # dated by the determination
    assert "中共示范区纪律检查委员会" in text and "示范区纪委监委" in text  # the seal: the decision is final
    assert "区委组织部" in text  # filed with, copied to
    assert "首次试点，无先例可循" in text  # the deliberation's evidence
    assert "—1—" in pdf_pages(response.content)[0]
    # the discipline office decided: the district's office heads, signs and seals it, not the official's unit
    office_name, seal = "示范区纪委监委", "中共示范区纪律检查委员会"
    assert letter_issuer(letters.render_html(row)) == (office_name, seal, office_name)


def test_who_may_print_the_letter(decided, make_user):
    row, (official_user, _official, colleague_user, inspector, _org) = decided
    url = reverse("tolerance:request_letter", args=[row.pk])
    assert _as(official_user).get(url).status_code == 200  # the official concerned
    assert _as(colleague_user).get(url).status_code == 200  # who submitted it for the unit
    assert _as(inspector).get(url).status_code == 200  # the deciding office
    other_user = make_user(Role.OFFICIAL)
    directory.make_official(unit=directory.make_unit(name="区商务局"), name="周强", user=other_user)
    assert _as(other_user).get(url).status_code == 404  # another official
    assert _as(make_user(Role.ENTERPRISE_USER)).get(url).status_code == 403  # not a role that may
    assert _as(make_user(Role.ORGANISATION_DEPARTMENT)).get(url).status_code == 403
    assert Client().get(url).status_code in (302, 403)  # not signed in


def test_no_letter_while_undecided(office):  # noqa: F811
    official_user, official, _colleague, inspector, _org = office
    row = _submit(official_user, official)
    url = reverse("tolerance:request_letter", args=[row.pk])
    assert _as(official_user).get(url).status_code == 404
    services.request_accept(request=row, actor=inspector)
    services.request_deliberate(request=row, answers=YES, actor=inspector)
    assert _as(inspector).get(url).status_code == 404  # deliberated is not decided
    page = _as(inspector).get(reverse("tolerance:request_detail", args=[row.pk])).content.decode()
    assert url not in page


def test_a_request_not_accepted_gets_its_notice_dated_by_the_refusal(office, frozen_clock):  # noqa: F811
    official_user, official, _colleague, inspector, _org = office
    call_command("policy", "import", "--seed", verbosity=0)
    row = _submit(official_user, official)
    frozen_clock("2026-09-30 15:00")
    services.request_refuse(
        request=row, reason="所涉事项已由上级机关处理，不属本机关受理范围", actor=inspector
    )
    row.refresh_from_db()
    assert str(row.refused_on) == "2026-09-30"
    letter = _as(official_user).get(reverse("tolerance:request_letter", args=[row.pk]))
    text = "".join(pdf_pages(letter.content))
    assert "容错纠错申请不予受理通知书" in text and "不属本机关受理范围" in text and "李明" in text
    assert "第二十二条" in text and "2026年9月30日" in text
