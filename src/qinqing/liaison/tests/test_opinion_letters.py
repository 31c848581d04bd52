"""The answer to an opinion as a printed reply letter to the party that gave it (article 9): numbered
意见复〔year〕NNNN号 at the first answer and kept when the answer is revised; sealed only once the decision is
adopted or withdrawn (until then the answer may change); in the district's language whoever prints it;
the federation or chamber that gave the opinion and the liaison office read it, nobody else, and only once
answered."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.core import audit, district
from qinqing.core.roles import Role
from qinqing.core.testing import letter_issuer, pdf_pages
from qinqing.directory.tests import factories as directory
from qinqing.liaison import letters, services
from qinqing.liaison.models import Outcome

from .test_associations import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
SEAL = "示范区人民政府办公室专用章"


@pytest.fixture
def consulted(world, make_user):  # noqa: F811
    call_command("policy", "import", "--seed", verbosity=0)
    district.district_update(actor=make_user(Role.ADMINISTRATOR), district_name="示范区",
                             seal_text=SEAL, issuing_office="示范区人民政府办公室")
    staff = world["staff"]
    decision = services.decision_register(title="示范区涉企收费清单调整", summary="取消三项收费", actor=staff)
    consultation = services.consultation_add(
        decision=decision, form="forum", held_on=datetime.date(2026, 12, 3),
        associations=[world["federation"], world["chamber"]], actor=staff,
    )
    chamber_opinion = services.opinion_submit(consultation=consultation, text="建议保留过渡期",
                                              actor=world["chamber_user"])
    federation_opinion = services.opinion_submit(consultation=consultation, text="建议同步公开收费依据",
                                                 actor=world["federation_user"])
    return {**world, "decision": decision, "consultation": consultation, "chamber_opinion": chamber_opinion,
            "federation_opinion": federation_opinion}


def _get(user, row, **headers):
    client = Client()
    client.force_login(user)
    return client.get(reverse("liaison:opinion_letter", args=[row.pk]), **headers)


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(pdf_pages(response.content))


def test_no_letter_before_the_answer_and_the_answer_links_it(consulted):
    w = consulted
    opinion = w["chamber_opinion"]
    assert _get(w["chamber_user"], opinion).status_code == 404
    assert _get(w["staff"], opinion).status_code == 404
    client = Client()
    client.force_login(w["chamber_user"])
    page_url = reverse("liaison:invitation", args=[w["consultation"].pk])
    letter_url = reverse("liaison:opinion_letter", args=[opinion.pk])
    assert letter_url not in client.get(page_url).content.decode()
    services.opinion_answer(opinion=opinion, outcome=Outcome.PARTLY, response="过渡期定为三个月",
                            actor=w["staff"])
    assert letter_url in client.get(page_url).content.decode()
    staff = Client()
    staff.force_login(w["staff"])
    decision_page = staff.get(reverse("liaison:decision_detail", args=[w["decision"].pk])).content.decode()
    assert letter_url in decision_page


def test_the_reply_is_numbered_once_and_sealed_only_when_the_decision_is_closed(consulted, frozen_clock):
    w = consulted
    opinion = services.opinion_answer(opinion=w["chamber_opinion"], outcome=Outcome.NOT_ADOPTED,
                                      response="过渡期已为六个月", actor=w["staff"])
    assert opinion.reply_number == "意见复〔2026〕0001号" and audit.trail_for(opinion)
    draft = _text(_get(w["chamber_user"], opinion))
    assert "意见复〔2026〕0001号" in draft and "暂不加盖印章" in draft and SEAL not in draft
    frozen_clock("2026-12-04 09:00")
    opinion = services.opinion_answer(opinion=opinion, outcome=Outcome.PARTLY, response="过渡期定为三个月",
                                      actor=w["staff"])
    assert opinion.reply_number == "意见复〔2026〕0001号"  # a revised answer keeps its number
    services.opinion_answer(opinion=w["federation_opinion"], outcome=Outcome.ADOPTED, response="",
                            actor=w["staff"])
    assert w["federation_opinion"].__class__.objects.get(pk=w["federation_opinion"].pk).reply_number == (
        "意见复〔2026〕0002号"
    )
    services.consultation_complete(consultation=w["consultation"], conclusion="部分采纳", actor=w["staff"])
    services.decision_adopt(decision=w["decision"], actor=w["staff"])
    final = _text(_get(w["chamber_user"], opinion))
    assert "关于意见建议采纳情况的复函" in final and "示范区温州商会" in final
    assert "建议保留过渡期" in final and "部分采纳" in final and "过渡期定为三个月" in final
    assert "过渡期已为六个月" not in final  # the answer as it stands
    assert "实施办法》第九条" in final and "2026年12月4日" in final
    assert SEAL in final and "暂不加盖印章" not in final
    federation = _text(_get(w["federation_user"], w["federation_opinion"]))
    assert "示范区工商业联合会" in federation and "意见复〔2026〕0002号" in federation
    assert "已采纳" in federation


def _closed(w, decision, consultation):
    services.consultation_complete(consultation=consultation, conclusion="已听取意见", actor=w["staff"])
    services.decision_adopt(decision=decision, actor=w["staff"])


def _adopted_on_a_bureaus_decision(w):
    """An opinion adopted on a decision drafted by 区自然资源局 (seal text 示范区自然资源局)."""
    bureau = directory.make_unit(name="区自然资源局", seal_text="示范区自然资源局")
    decision = services.decision_register(title="工业用地弹性年期出让办法", summary="出让年期调整",
                                          unit=bureau, actor=w["staff"])
    consultation = services.consultation_add(
        decision=decision, form="forum", held_on=w["consultation"].held_on, associations=[w["federation"]],
        actor=w["staff"],
    )
    opinion = services.opinion_submit(consultation=consultation, text="建议明确续期条件",
                                      actor=w["federation_user"])
    opinion = services.opinion_answer(opinion=opinion, outcome=Outcome.ADOPTED, response="", actor=w["staff"])
    return bureau, decision, consultation, opinion


def test_the_reply_is_from_the_drafting_unit_with_its_seal(consulted, frozen_clock):
    """The drafting unit decides whether an opinion on its decision is adopted: the reply is headed, signed
    and sealed by it, not by the district's office; a decision without a drafting unit stays the
    district's."""
    w = consulted
    bureau, decision, consultation, opinion = _adopted_on_a_bureaus_decision(w)
    for earlier in (w["chamber_opinion"], w["federation_opinion"]):
        services.opinion_answer(opinion=earlier, outcome=Outcome.ADOPTED, response="", actor=w["staff"])
    frozen_clock("2026-12-04 09:00")
    _closed(w, decision, consultation)
    _closed(w, w["decision"], w["consultation"])
    html = letters.render_html(type(opinion).objects.get(pk=opinion.pk))
    # the head, the seal, the signature
    assert letter_issuer(html) == ("区自然资源局", "示范区自然资源局", "区自然资源局")
    assert "示范区人民政府办公室" not in html
    district_reply = letters.render_html(type(opinion).objects.get(pk=w["chamber_opinion"].pk))
    assert letter_issuer(district_reply) == ("示范区人民政府办公室", SEAL, "示范区人民政府办公室")
    assert "自然资源局" not in district_reply


def test_who_may_print_the_reply(consulted, make_user):
    w = consulted
    opinion = services.opinion_answer(opinion=w["chamber_opinion"], outcome=Outcome.ADOPTED, response="",
                                      actor=w["staff"])
    assert _get(w["chamber_user"], opinion).status_code == 200  # the chamber that gave it
    assert _get(w["staff"], opinion).status_code == 200  # the liaison office
    assert _get(make_user(Role.DISTRICT_LEADER), opinion).status_code == 200
    assert _get(w["federation_user"], opinion).status_code == 404  # invited too, but not its opinion
    assert _get(w["other_user"], opinion).status_code == 404  # another chamber
    outsider = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=outsider, enterprise=directory.make_enterprise(name="示范区别家有限公司"))
    assert _get(outsider, opinion).status_code == 404
    assert _get(make_user(Role.CREDIT_ADMINISTRATOR), opinion).status_code == 403
    assert _get(make_user(Role.DISCIPLINE_INSPECTOR), opinion).status_code == 403
    assert Client().get(reverse("liaison:opinion_letter", args=[opinion.pk])).status_code in (302, 403)


def test_the_reply_is_in_the_districts_language_whoever_prints_it(consulted):
    w = consulted
    opinion = services.opinion_answer(opinion=w["chamber_opinion"], outcome=Outcome.ADOPTED, response="",
                                      actor=w["staff"])
    text = _text(_get(w["chamber_user"], opinion, HTTP_ACCEPT_LANGUAGE="en"))
    assert "关于意见建议采纳情况的复函" in text and "2026年11月30日" in text
    assert "Reply on the adoption" not in text


def test_a_reprint_shows_the_drafting_unit_as_it_was_when_the_opinion_was_answered(consulted, frozen_clock):
    """The issuer is kept with the answer (core.letters.keep_issuer): the unit renamed and given a new seal
    after the decision is closed, the sealed reply still bears the name and seal of the day it answered."""
    from qinqing.directory import services as directory_services

    w = consulted
    bureau, decision, consultation, opinion = _adopted_on_a_bureaus_decision(w)
    frozen_clock("2026-12-04 09:00")
    _closed(w, decision, consultation)
    directory_services.unit_update(unit=bureau, name="区自然资源和规划局", seal_text="示范区自然资源和规划局",
                                   actor=w["staff"])
    html = letters.render_html(type(opinion).objects.get(pk=opinion.pk))
    assert letter_issuer(html) == ("区自然资源局", "示范区自然资源局", "区自然资源局")
    assert "规划局" not in html
