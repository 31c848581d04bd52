"""The two decisions an enterprise receives on paper (articles 11, 12, 15.6): the body's answer to its
objection and the decision on its protection request, each a letter only once decided, for exactly the
enterprise concerned and the deciding body (another enterprise or body 404, a role without business 403);
the letter names the decision, the party, the article it rests on and its date in the Chinese form. The
body decided: the letter is headed, signed and sealed by it, not by the district's office."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.core import district
from qinqing.core.roles import Role
from qinqing.core.testing import letter_issuer, pdf_pages
from qinqing.directory import services as directory_services
from qinqing.directory.tests import factories as directory
from qinqing.legal import letters, services
from qinqing.legal.models import ProtectionRequest

from .test_legal import _register, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
BODY_SEAL = "示范区市场监督管理局"  # the body's seal; its name in the directory is 区市场监管局


@pytest.fixture
def letterhead(world, make_user):  # noqa: F811
    call_command("policy", "import", "--seed", verbosity=0)
    administrator = make_user(Role.ADMINISTRATOR)
    district.district_update(actor=administrator, district_name="示范区",
                             seal_text="示范区人民政府", issuing_office="示范区人民政府办公室")
    world["bureau"] = directory_services.unit_update(unit=world["bureau"], seal_text=BODY_SEAL,
                                                     actor=administrator)
    return world


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(pdf_pages(response.content))


def _outsiders(w, make_user):
    """Another enterprise's account, another body's handler, and roles without business with the letter."""
    stranger = make_user(Role.ENTERPRISE_USER)
    elsewhere = directory.make_enterprise(name="示范区远方贸易有限公司")
    directory.make_membership(user=stranger, enterprise=elsewhere)
    other_handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=w["other"], name="孙办事", user=other_handler)
    return stranger, other_handler


def test_the_answer_to_an_objection_is_a_letter_once_answered(letterhead, make_user, frozen_clock):
    w = letterhead
    fine = _register(w, legal_basis="《行政处罚法》第二十八条", amount="5000")
    objection = services.objection_raise(action=fine, text="罚款金额超出法定幅度", actor=w["enterprise_user"])
    url = reverse("legal:objection_letter", args=[objection.pk])
    page = reverse("legal:action_detail", args=[fine.pk])
    assert _as(w["enterprise_user"]).get(url).status_code == 404  # unanswered: no letter, no link
    assert url not in _as(w["handler"]).get(page).content.decode()
    frozen_clock("2026-12-03 09:30")
    services.objection_answer(objection=objection, answer="经复核，罚款金额在法定幅度内，维持原决定",
                              actor=w["handler"])
    assert url in _as(w["enterprise_user"]).get(page).content.decode()
    assert url in _as(w["handler"]).get(page).content.decode()
    text = _text(_as(w["enterprise_user"]).get(url))
    assert "异议答复书" in text and f"异议编号{objection.pk}" in text.replace(" ", "")
    assert "示范区恒通科技有限公司" in text and "区市场监管局" in text  # the party and the body
    assert "维持原决定" in text and "罚款金额超出法定幅度" in text  # the decision and what it answers
    assert "第十五条第（六）项" in text  # a charge: no arbitrary fines (15.6), in the policy's own title
    assert "2026年12月3日" in text  # dated by the answer
    assert BODY_SEAL in text and "★" in text  # the seal: the answer is final
    assert _text(_as(w["handler"]).get(url))  # the body that answered prints it too
    # the body's letter: its name and seal, not the district's
    html = letters.objection_html(type(objection).objects.get(pk=objection.pk))
    assert letter_issuer(html) == ("区市场监管局", BODY_SEAL, "区市场监管局")
    assert "示范区人民政府" not in html


def test_an_objection_to_a_measure_cites_article_12(letterhead):
    w = letterhead
    freeze = _register(w, kind="measure", subtype="freeze", legal_basis="《刑事诉讼法》第一百四十四条",
                       ends_on=datetime.date(2026, 12, 20))
    objection = services.objection_raise(action=freeze, text="冻结超出涉案金额", actor=w["enterprise_user"])
    services.objection_answer(objection=objection, answer="已解除超额部分冻结", actor=w["handler"])
    text = _text(_as(w["enterprise_user"]).get(reverse("legal:objection_letter", args=[objection.pk])))
    assert "第十二条" in text and "冻结账户" in text and "已解除超额部分冻结" in text


def test_who_may_print_the_answer(letterhead, make_user):
    w = letterhead
    fine = _register(w, legal_basis="《行政处罚法》第二十八条", amount="5000")
    objection = services.objection_raise(action=fine, text="罚款金额超出法定幅度", actor=w["enterprise_user"])
    services.objection_answer(objection=objection, answer="维持原决定", actor=w["handler"])
    url = reverse("legal:objection_letter", args=[objection.pk])
    stranger, other_handler = _outsiders(w, make_user)
    assert _as(w["enterprise_user"]).get(url).status_code == 200
    assert _as(w["handler"]).get(url).status_code == 200
    assert _as(make_user(Role.ADMINISTRATOR)).get(url).status_code == 200
    assert _as(stranger).get(url).status_code == 404  # another enterprise
    assert _as(other_handler).get(url).status_code == 404  # another body
    assert _as(w["leader"]).get(url).status_code == 403  # sees the register, but no party to the answer
    assert _as(w["inspector"]).get(url).status_code == 403
    assert _as(make_user(Role.OFFICIAL)).get(url).status_code == 403
    assert Client().get(url).status_code in (302, 403)


def test_the_protection_decision_is_a_letter_once_taken_on_then_its_result(letterhead, frozen_clock):
    w = letterhead
    row = services.protection_request(enterprise=w["enterprise"], kind="obstruction",
                                      description="施工现场连续三日被人阻拦", actor=w["enterprise_user"])
    url = reverse("legal:protection_letter", args=[row.pk])
    assert _as(w["enterprise_user"]).get(url).status_code == 404  # only requested: nothing decided
    assert _as(w["handler"]).get(url).status_code == 404
    assert url not in _as(w["enterprise_user"]).get(reverse("legal:mine")).content.decode()
    frozen_clock("2026-12-01 10:00")
    services.protection_update(request=row, step="accept", text="已受理，派员核查", actor=w["handler"])
    assert url in _as(w["enterprise_user"]).get(reverse("legal:mine")).content.decode()
    assert url in _as(w["handler"]).get(reverse("legal:protections")).content.decode()
    text = _text(_as(w["enterprise_user"]).get(url))
    assert "保护申请受理通知书" in text and f"保护申请编号{row.pk}" in text.replace(" ", "")
    assert "示范区恒通科技有限公司" in text and "区市场监管局" in text and "阻挠施工" in text
    assert "第十一条" in text and "2026年12月1日" in text and "★" in text
    row.refresh_from_db()
    html = letters.protection_html(row)  # the handling body's notice
    assert letter_issuer(html) == ("区市场监管局", BODY_SEAL, "区市场监管局")
    assert "示范区人民政府" not in html
    frozen_clock("2026-12-03 16:00")
    services.protection_update(request=row, step="close", text="已依法打击处理，施工恢复正常",
                               actor=w["handler"])
    text = _text(_as(w["handler"]).get(url))
    assert "保护申请办理结果通知书" in text and "施工恢复正常" in text
    assert "第十一条" in text and "2026年12月1日" in text and "2026年12月3日" in text


def test_a_request_accepted_before_the_day_was_kept_takes_it_from_the_audit_log(letterhead, frozen_clock):
    w = letterhead
    row = services.protection_request(enterprise=w["enterprise"], kind="extortion",
                                      description="有人上门索要“保护费”", actor=w["enterprise_user"])
    frozen_clock("2026-11-02 10:00")
    services.protection_update(request=row, step="accept", text="已受理", actor=w["handler"])
    ProtectionRequest.objects.filter(pk=row.pk).update(accepted_on=None)  # as a row from before the field
    frozen_clock("2026-12-03 10:00")
    text = _text(_as(w["enterprise_user"]).get(reverse("legal:protection_letter", args=[row.pk])))
    assert "2026年11月2日" in text and "2026年12月3日" not in text


def test_who_may_print_the_protection_decision(letterhead, make_user):
    w = letterhead
    row = services.protection_request(enterprise=w["enterprise"], kind="forced_trading",
                                      description="被强迫购买指定供应商材料", actor=w["enterprise_user"])
    services.protection_update(request=row, step="accept", text="已受理", actor=w["handler"])
    url = reverse("legal:protection_letter", args=[row.pk])
    stranger, other_handler = _outsiders(w, make_user)
    assert _as(w["enterprise_user"]).get(url).status_code == 200
    assert _as(w["handler"]).get(url).status_code == 200
    assert _as(stranger).get(url).status_code == 404
    assert _as(other_handler).get(url).status_code == 404
    assert _as(w["leader"]).get(url).status_code == 403
    assert _as(w["inspector"]).get(url).status_code == 403
    assert _as(make_user(Role.OFFICIAL)).get(url).status_code == 403


def test_a_letter_printed_in_english_is_in_the_districts_language(letterhead):
    """A letter is in the district's language whoever prints it (core.letters): a handler working in
    English gets the Chinese letter, with the Chinese date."""
    from django.utils import translation

    from qinqing.legal import letters

    w = letterhead
    row = services.protection_request(enterprise=w["enterprise"], kind="extortion",
                                      description="有人上门索要“保护费”", actor=w["enterprise_user"])
    row = services.protection_update(request=row, step="accept", text="已受理", actor=w["handler"])
    with translation.override("en"):
        text = "".join(pdf_pages(letters.protection_pdf(row)))
    assert "保护申请受理通知书" in text and "2026年11月30日" in text and "第十一条" in text
    assert "Notice of acceptance" not in text


def test_a_reprint_shows_the_body_as_it_was_when_it_answered_or_took_the_request_on(letterhead):
    """The issuer is kept when the body decides (core.letters.keep_issuer): renamed later, with a new seal,
    the answer and the protection notices reprint with the name and seal of the day of the decision."""
    w = letterhead
    fine = _register(w, legal_basis="《行政处罚法》第二十八条", amount="5000")
    objection = services.objection_raise(action=fine, text="罚款金额超出法定幅度", actor=w["enterprise_user"])
    services.objection_answer(objection=objection, answer="维持原决定", actor=w["handler"])
    row = services.protection_request(enterprise=w["enterprise"], kind="obstruction",
                                      description="施工现场被人阻拦", actor=w["enterprise_user"])
    services.protection_update(request=row, step="accept", text="已受理", actor=w["handler"])
    directory_services.unit_update(unit=w["bureau"], name="区市场监督管理局",
                                   seal_text="示范区市场监督管理总局", actor=w["handler"])
    objection_html = letters.objection_html(type(objection).objects.get(pk=objection.pk))
    protection_html = letters.protection_html(ProtectionRequest.objects.get(pk=row.pk))
    assert letter_issuer(objection_html) == ("区市场监管局", BODY_SEAL, "区市场监管局")
    assert letter_issuer(protection_html) == ("区市场监管局", BODY_SEAL, "区市场监管局")
    # closed after the rename: the notice of the result is from the body as it is on that day
    services.protection_update(request=row, step="close", text="已处理", actor=w["handler"])
    closed_html = letters.protection_html(ProtectionRequest.objects.get(pk=row.pk))
    assert letter_issuer(closed_html) == ("区市场监督管理局", "示范区市场监督管理总局", "区市场监督管理局")
