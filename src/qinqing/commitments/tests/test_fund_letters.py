"""The support-fund decision as a printed letter to the applying enterprise (article 10): numbered when
decided; the enterprise reads it once the results are published, the programme's unit and the discipline
office from the decision on; no seal until the objection period is over and every objection answered;
another enterprise and an undecided application get 404. The programme's unit decided: the letter bears its
name and seal (its name, its seal text being blank), not the district's office."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.commitments import funds, letters
from qinqing.core import district
from qinqing.core.roles import Role
from qinqing.core.testing import letter_issuer, pdf_pages
from qinqing.directory.tests import factories as directory

from .test_funds import D, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
SEAL = "★区科技局"  # the programme's unit's seal: its name, having no seal text of its own


@pytest.fixture
def decided(world, frozen_clock):  # noqa: F811
    call_command("policy", "import", "--seed", verbosity=0)
    district.district_update(actor=world["make_user"](Role.ADMINISTRATOR), district_name="示范区",
                             seal_text="中共示范区纪律检查委员会", issuing_office="示范区纪委监委")
    application = funds.apply(programme=world["programme"], enterprise=world["firm"], amount="300000",
                              description="研发投入600万元", actor=world["firm_user"])
    funds.review_score(application=application, score=86, comment="材料齐全", actor=world["reviewer"])
    frozen_clock("2026-09-29 10:00")
    application = funds.decide(application=application, approve=True, amount="250000", reason="评分86分",
                               actor=world["leader"])
    return application


def _get(user, application):
    client = Client()
    client.force_login(user)
    return client.get(reverse("commitments:fund_letter", args=[application.pk]))


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(pdf_pages(response.content))


def test_the_decision_is_numbered_and_dated(decided):
    assert decided.decision_number == "扶持决〔2026〕0001号"
    assert decided.decided_on == D(2026, 9, 29)


def test_the_letter_is_sealed_only_once_the_decision_is_final(world, decided, frozen_clock):  # noqa: F811
    firm_user = world["firm_user"]
    assert _get(firm_user, decided).status_code == 404  # decided, results not published: nothing yet
    staff = _text(_get(world["handler"], decided))  # the unit may print its draft: no seal
    assert "扶持决〔2026〕0001号" in staff and "尚未公示" in staff and SEAL not in staff
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    during = _text(_get(firm_user, decided))
    assert "异议受理至2026年10月13日" in during and SEAL not in during
    frozen_clock("2026-10-13 16:00")
    objection = funds.objection_raise(application=decided, text="评分偏低，请复核。", actor=firm_user)
    frozen_clock("2026-10-14 09:00")
    waiting = _text(_get(firm_user, decided))
    assert "异议尚待答复" in waiting and SEAL not in waiting
    funds.objection_answer(objection=objection, answer="经复核，维持原结果。", actor=world["handler"])
    final = _text(_get(firm_user, decided))
    assert "扶持资金申请审批结果通知书" in final and "扶持决〔2026〕0001号" in final
    assert "示范区恒通科技有限公司" in final and "2026年科技创新专项资金" in final  # the party, the programme
    assert "批准" in final and "250000" in final  # the decision
    assert "实施办法》第十条" in final  # the article it rests on
    assert "2026年9月29日" in final  # the decision's day, as letters write it
    assert SEAL in final and "尚未生效" not in final
    assert "纪委监委" not in final and "中共示范区纪律检查委员会" not in final  # not the district's office
    final_html = letters.render_html(type(decided).objects.get(pk=decided.pk))
    assert letter_issuer(final_html) == ("区科技局", "区科技局", "区科技局")
    assert "评分偏低，请复核。" in final and "经复核，维持原结果。" in final  # the objection and its answer


def test_a_rejection_has_its_letter_with_the_reason(world, frozen_clock):  # noqa: F811
    other = directory.make_enterprise(name="示范区远航机械有限公司")
    other_user = world["make_user"](Role.ENTERPRISE_USER)
    directory.make_membership(user=other_user, enterprise=other)
    application = funds.apply(programme=world["programme"], enterprise=other, amount="100000",
                              description="申请补助", actor=other_user)
    application = funds.decide(application=application, approve=False, reason="研发投入未达500万元",
                               actor=world["leader"])
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    text = _text(_get(other_user, application))
    assert "未获批准" in text  # the decision
    assert "研发投入未达500万元" in text and "示范区远航机械有限公司" in text


def test_who_may_print_the_letter(world, decided, frozen_clock):  # noqa: F811
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    make_user = world["make_user"]
    assert _get(world["firm_user"], decided).status_code == 200  # the applying enterprise
    assert _get(world["handler"], decided).status_code == 200  # the programme's unit
    assert _get(world["leader"], decided).status_code == 200  # who decided
    assert _get(make_user(Role.DISCIPLINE_INSPECTOR), decided).status_code == 200  # the discipline office
    stranger = make_user(Role.ENTERPRISE_USER)  # another enterprise's account
    directory.make_membership(user=stranger, enterprise=directory.make_enterprise(name="示范区别家有限公司"))
    assert _get(stranger, decided).status_code == 404
    outsider = make_user(Role.DEPARTMENT_HANDLER)  # another unit's handler
    directory.make_official(unit=directory.make_unit(name="区商务局"), name="周强", user=outsider)
    assert _get(outsider, decided).status_code == 404
    assert _get(make_user(Role.CREDIT_ADMINISTRATOR), decided).status_code == 403
    assert Client().get(reverse("commitments:fund_letter", args=[decided.pk])).status_code in (302, 403)


def test_no_letter_for_an_undecided_application_and_the_pages_link_it_once_decided(world):  # noqa: F811
    application = funds.apply(programme=world["programme"], enterprise=world["firm"], amount="300000",
                              description="研发投入600万元", actor=world["firm_user"])
    assert _get(world["handler"], application).status_code == 404
    client = Client()
    client.force_login(world["handler"])
    url = reverse("commitments:fund_letter", args=[application.pk])
    page = client.get(reverse("commitments:fund_application", args=[application.pk])).content.decode()
    assert url not in page
    funds.review_score(application=application, score=86, actor=world["reviewer"])
    funds.decide(application=application, approve=True, amount="250000", actor=world["leader"])
    page = client.get(reverse("commitments:fund_application", args=[application.pk])).content.decode()
    assert url in page
    firm = Client()
    firm.force_login(world["firm_user"])
    assert url not in firm.get(reverse("commitments:funds_mine")).content.decode()  # not published yet
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    assert url in firm.get(reverse("commitments:funds_mine")).content.decode()


def test_a_reprint_shows_the_programmes_unit_as_it_was_when_it_decided(world, decided, frozen_clock):  # noqa: F811
    """The issuer is kept with the decision (core.letters.keep_issuer): the programme's unit renamed and given
    a seal text after it decided, the final letter bears the name and seal of the day of the decision."""
    from qinqing.core.audit import SystemActor
    from qinqing.directory import services as directory_services

    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    frozen_clock("2026-10-14 09:00")
    directory_services.unit_update(unit=world["programme"].unit, name="区科学技术局",
                                   seal_text="示范区科学技术局", actor=SystemActor("test"))
    html = letters.render_html(type(decided).objects.get(pk=decided.pk))
    assert letter_issuer(html) == ("区科技局", "区科技局", "区科技局")
    assert "科学技术局" not in html
