"""A change approved and a breach determined as printed letters to the enterprise (article 10): numbered
承诺变〔year〕NNNN号 / 承诺违〔year〕NNNN号 when decided, one per decision, sealed (final when made), in the
district's language whoever prints them; the enterprise it was made to, the responsible unit and the
discipline office read them, nobody else; linked from the commitment only once a decision exists. The
responsible unit decided: the letter bears its name and seal, not the district's office."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.commitments import letters, services
from qinqing.commitments.models import CommitmentDecision, DecisionKind
from qinqing.core import audit, district
from qinqing.core.roles import Role
from qinqing.core.testing import letter_issuer, pdf_pages
from qinqing.directory import services as directory_services

from .test_commitments import D, _register, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
SEAL = "示范区投资促进局"  # the responsible unit's seal


@pytest.fixture
def letterhead(world, make_user):  # noqa: F811
    call_command("policy", "import", "--seed", verbosity=0)
    administrator = make_user(Role.ADMINISTRATOR)
    district.district_update(actor=administrator, district_name="示范区",
                             seal_text="中共示范区纪律检查委员会", issuing_office="示范区纪委监委")
    world["bureau"] = directory_services.unit_update(unit=world["bureau"], seal_text=SEAL,
                                                     actor=administrator)
    return world


def _get(user, row, **headers):
    client = Client()
    client.force_login(user)
    return client.get(reverse("commitments:decision_letter", args=[row.pk]), **headers)


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(pdf_pages(response.content))


def _changed(w):
    row = services.commitment_start(commitment=_register(w), actor=w["handler"])
    row = services.commitment_request_change(commitment=row, reason="供电设备到货延迟",
                                             new_deadline="2026-11-30", actor=w["handler"])
    return services.commitment_decide_change(commitment=row, approve=True, text="分管副区长批示（第15号）",
                                             actor=w["leader"])


def test_an_approved_change_is_numbered_and_printed_with_the_deadline_it_moved(letterhead, frozen_clock):
    w = letterhead
    frozen_clock("2026-09-15 10:00")
    row = _changed(w)
    decision = row.decisions.get()
    assert decision.kind == DecisionKind.CHANGE and decision.number == "承诺变〔2026〕0001号"
    assert decision.deadline_before == D(2026, 10, 12) and decision.deadline_after == D(2026, 11, 30)
    assert audit.trail_for(decision)  # audited with the transition
    text = _text(_get(w["firm_user"], decision))
    assert "承诺事项变更告知书" in text and "承诺变〔2026〕0001号" in text
    assert "示范区恒通科技有限公司" in text and row.number in text  # the party, the commitment
    assert "供电设备到货延迟" in text and "分管副区长批示（第15号）" in text
    assert "由2026年10月12日变更为2026年11月30日" in text
    assert "实施办法》第十条" in text and "2026年9月15日" in text
    assert SEAL in text and "尚未生效" not in text  # final when made: sealed
    assert "纪委监委" not in text and "纪律检查委员会" not in text  # the unit's letter, not the district's


def test_the_letter_is_the_responsible_units_not_the_districts_office(letterhead):
    html = letters.decision_html(_changed(letterhead).decisions.get())
    assert letter_issuer(html) == ("区投资促进局", SEAL, "区投资促进局")  # head, seal, signature
    assert "纪委监委" not in html and "中共示范区纪律检查委员会" not in html


def test_a_refused_change_is_no_decision_to_tell_and_a_second_change_has_its_own_letter(letterhead):
    w = letterhead
    row = services.commitment_start(commitment=_register(w), actor=w["handler"])
    row = services.commitment_request_change(commitment=row, reason="资金未到位", actor=w["handler"])
    row = services.commitment_decide_change(commitment=row, approve=False, text="不同意", actor=w["leader"])
    assert not row.decisions.exists()
    for reason in ("第一次调整", "第二次调整"):
        row = services.commitment_request_change(commitment=row, reason=reason, actor=w["handler"])
        row = services.commitment_decide_change(commitment=row, approve=True, text="同意", actor=w["leader"])
    numbers = list(row.decisions.values_list("number", "reason"))
    assert numbers == [("承诺变〔2026〕0001号", "第一次调整"), ("承诺变〔2026〕0002号", "第二次调整")]
    assert "期限不变" in _text(_get(w["firm_user"], row.decisions.last()))


def test_a_determined_breach_is_a_letter_with_what_was_not_kept_and_the_flags(letterhead):
    w = letterhead
    row = services.commitment_start(commitment=_register(w), actor=w["handler"])
    services.breach_flag(commitment=row, text="用地至今未供应", actor=w["firm_user"])
    row = services.commitment_close(commitment=row, fulfilled=False, outcome="逾期未完成用地供应",
                                    actor=w["inspector"])
    decision = row.decisions.get()
    assert decision.kind == DecisionKind.BREACH and decision.number == "承诺违〔2026〕0001号"
    text = _text(_get(w["firm_user"], decision))
    assert "承诺事项违约认定告知书" in text and "承诺违〔2026〕0001号" in text
    assert "逾期未完成用地供应" in text and "用地至今未供应" in text and SEAL in text
    fulfilled = services.commitment_start(commitment=_register(w, title="配租公寓"), actor=w["handler"])
    fulfilled = services.commitment_close(commitment=fulfilled, fulfilled=True, outcome="已配租",
                                          actor=w["handler"])
    assert not fulfilled.decisions.exists()  # a fulfilment is no decision to tell by letter


def test_who_may_print_the_letter(letterhead, make_user):
    w = letterhead
    decision = _changed(w).decisions.get()
    assert _get(w["firm_user"], decision).status_code == 200  # the enterprise it was made to
    assert _get(w["handler"], decision).status_code == 200  # the responsible unit
    assert _get(w["leader"], decision).status_code == 200  # who approved it
    assert _get(w["inspector"], decision).status_code == 200  # the discipline office
    assert _get(w["other_firm_user"], decision).status_code == 404  # another enterprise
    assert _get(w["other_handler"], decision).status_code == 404  # another unit
    assert _get(make_user(Role.CREDIT_ADMINISTRATOR), decision).status_code == 403
    assert _get(make_user(Role.FEDERATION_STAFF), decision).status_code == 403
    assert Client().get(reverse("commitments:decision_letter", args=[decision.pk])).status_code in (302, 403)
    assert not CommitmentDecision.objects.filter(pk=decision.pk + 1).exists()
    assert _get(w["handler"], type(decision)(pk=decision.pk + 1)).status_code == 404


def test_the_letter_is_in_the_districts_language_whoever_prints_it(letterhead):
    w = letterhead
    decision = _changed(w).decisions.get()
    text = _text(_get(w["handler"], decision, HTTP_ACCEPT_LANGUAGE="en"))
    assert "承诺事项变更告知书" in text and "2026年9月14日" in text
    assert "Notice of a change" not in text


def test_the_commitment_links_its_letters_only_once_decided(letterhead):
    w = letterhead
    row = services.commitment_start(commitment=_register(w), actor=w["handler"])
    client = Client()
    client.force_login(w["firm_user"])
    page = client.get(reverse("commitments:detail", args=[row.pk])).content.decode()
    assert "decision-letter-link" not in page
    row = services.commitment_request_change(commitment=row, reason="延期", actor=w["handler"])
    page = client.get(reverse("commitments:detail", args=[row.pk])).content.decode()
    assert "decision-letter-link" not in page  # only requested: nothing decided
    services.commitment_decide_change(commitment=row, approve=True, text="同意", actor=w["leader"])
    page = client.get(reverse("commitments:detail", args=[row.pk])).content.decode()
    url = reverse("commitments:decision_letter", args=[row.decisions.get().pk])
    assert url in page and "承诺变〔2026〕0001号" in page


def test_a_reprint_shows_the_responsible_unit_as_it_was_when_the_change_was_approved(letterhead):
    """The issuer is kept with the decision (core.letters.keep_issuer): the unit renamed and given a new seal
    later, the letter still bears the name and seal of the day of the decision."""
    decision = _changed(letterhead).decisions.get()
    directory_services.unit_update(unit=letterhead["bureau"], name="区投资促进服务中心",
                                   seal_text="示范区投资促进服务中心", actor=audit.SystemActor("test"))
    html = letters.decision_html(CommitmentDecision.objects.get(pk=decision.pk))
    assert letter_issuer(html) == ("区投资促进局", SEAL, "区投资促进局")
    assert "服务中心" not in html  # nor in the text, where the unit is named
