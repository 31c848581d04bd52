"""The administrator's rules page, the supervisor's recusal order, the receipt PDF and the
full verification address on the approval letter — each for the right role, refused for others."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qinqing.core.errors import PermissionDeniedError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory import services as directory_services
from qinqing.directory.tests import factories

from .. import services
from ..letters import render_letter_html, verification_url
from ..models import ApprovalLetter, ConductRules, GiftRecord, Recusal, RecusalStatus
from .test_activities import draft, evaluate, rules_of

pytestmark = pytest.mark.django_db

RULES_POST = {
    "reception_standard_per_head": "150.00",
    "working_hours_start": "09:00",
    "working_hours_end": "17:00",
    "gift_hand_in_days": "15",
    "near_limit_percent": "80",
}


def pdf_text(content: bytes) -> str | None:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:  # poppler-utils is optional; the %PDF check always runs
        return None
    return subprocess.run(
        [pdftotext, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


# --- conduct rules (administrator) ----------------------------------------------------------------
def test_administrator_edits_the_rules_and_each_change_is_audited(people, client, make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    client.force_login(administrator)
    assert client.get(reverse("conduct:rules_edit")).status_code == 200
    response = client.post(reverse("conduct:rules_edit"), RULES_POST)
    assert response.status_code == 302
    rules = ConductRules.objects.get()
    assert rules.reception_standard_per_head == Decimal("150.00") and rules.gift_hand_in_days == 15
    assert rules.working_hours_start == datetime.time(9) and rules.near_limit_percent == 80
    client.post(reverse("conduct:rules_edit"), {**RULES_POST, "reception_standard_per_head": "130"})
    assert ConductRules.objects.get().reception_standard_per_head == Decimal("130.00")
    actions = list(
        AuditEvent.objects.filter(object_type="conduct.ConductRules")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["conduct.rules.create", "conduct.rules.update"]
    # The checks use the new standard at once: 125 yuan is now near the 130 limit (80%).
    assert "cost_near_limit" in rules_of(evaluate(people, cost_per_head=Decimal("125")))


def test_rules_that_make_no_sense_are_refused_naming_the_field(people, client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("conduct:rules_edit"), {**RULES_POST, "working_hours_end": "08:00"})
    assert response.status_code == 400
    assert 'data-testid="error-working_hours_end"' in response.content.decode()
    assert not ConductRules.objects.exists()


def test_wrong_role_cannot_edit_the_rules_and_nothing_changes(people, client):
    client.force_login(people.leader_user)
    assert client.get(reverse("conduct:rules_edit")).status_code == 403
    assert client.post(reverse("conduct:rules_edit"), RULES_POST).status_code == 403
    with pytest.raises(PermissionDeniedError):
        services.rules_update(
            actor=people.inspector,
            **{**RULES_POST, "working_hours_start": datetime.time(9), "working_hours_end": datetime.time(17)},
        )
    assert not ConductRules.objects.exists()
    assert services.rules().reception_standard_per_head == Decimal("120.00")


# --- ordered recusal (supervising leader) -----------------------------------------------------------
def test_supervising_leader_orders_a_recusal_through_the_page(people, client):
    client.force_login(people.leader_user)
    assert client.get(reverse("conduct:recusal_order")).status_code == 200
    response = client.post(reverse("conduct:recusal_order"), {
        "official": people.other.pk, "matter_type": "appeals.appeal", "matter_id": "21",
        "enterprise_code": people.clean_enterprise.uscc, "reason": "曾任该企业法律顾问",
    })
    assert response.status_code == 302
    recusal = Recusal.objects.get()
    assert recusal.status == RecusalStatus.ORDERED and recusal.decided_by == people.leader_user
    assert AuditEvent.objects.filter(action="conduct.recusal.order", object_id=str(recusal.pk)).exists()
    with pytest.raises(services.RecusalRequired):
        services.check_assignment(
            official=people.other,
            enterprise=people.clean_enterprise,
            matter_type="appeals.appeal",
            matter_id="21",
            actor=people.leader_user,
        )
    assert "曾任该企业法律顾问" in client.get(reverse("conduct:recusal_order")).content.decode()


def test_only_the_supervising_leader_of_that_official_may_order_recusal(people, client, make_user):
    form = {"official": people.other.pk, "matter_type": "appeals.appeal", "matter_id": "22", "reason": "x"}
    client.force_login(people.official_user)  # an official, not a supervising leader
    assert client.post(reverse("conduct:recusal_order"), form).status_code == 403
    other_leader_user = make_user(Role.SUPERVISING_LEADER, Role.OFFICIAL)
    factories.make_official(unit=people.unit, name="钱领导", user=other_leader_user)
    client.force_login(other_leader_user)  # a leader, but not 赵六's
    response = client.post(reverse("conduct:recusal_order"), form)
    assert response.status_code == 400 and 'data-testid="error-official"' in response.content.decode()
    assert not Recusal.objects.exists()


def test_an_ordered_recusal_needs_a_reason(people, client):
    client.force_login(people.leader_user)
    response = client.post(
        reverse("conduct:recusal_order"),
        {"official": people.other.pk, "matter_type": "appeals.appeal", "matter_id": "23", "reason": "  "},
    )
    assert response.status_code == 400 and not Recusal.objects.exists()


# --- hand-in receipt as PDF --------------------------------------------------------------------------
def handed_in_gift(people):
    gift = services.gift_record(
        official=people.official,
        direction="received",
        kind="prepaid_card",
        value=Decimal("1000"),
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        disposition="pending",
        giver_enterprise=people.enterprise,
        description="购物卡",
        actor=people.official_user,
    )
    return services.gift_hand_in(gift=gift, actor=people.inspector)


def test_receipt_pdf_for_the_official_and_the_discipline_office(people, client):
    gift = handed_in_gift(people)
    for user in (people.official_user, people.inspector):
        client.force_login(user)
        page = client.get(reverse("conduct:gift_receipt", args=[gift.pk])).content.decode()
        assert reverse("conduct:gift_receipt_pdf", args=[gift.pk]) in page
        response = client.get(reverse("conduct:gift_receipt_pdf", args=[gift.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        text = pdf_text(response.content)
        if text is not None:
            assert gift.receipt_number in text and "某某科技有限公司" in text


def test_the_letters_print_the_district_and_show_the_gap_until_it_is_filled_in(people):
    """Issue 20: the district's issuing office and seal text (core.district), never a made-up 某区, on the
    discipline office's receipt; the written approval is the supervising leader's unit's (article 14)."""
    from qinqing.core import district
    from qinqing.core.audit import SystemActor
    from qinqing.core.testing import letter_issuer

    from ..letters import render_receipt_pdf

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    gift = handed_in_gift(people)
    before = pdf_text(render_receipt_pdf(gift))
    assert "〔未设置〕" in before and "某区" not in before
    _activity, letter = approved_letter(people)
    letter_before = render_letter_html(letter)
    # the leader's unit, with no seal text of its own: its name on the head, the seal and the signature
    assert letter_issuer(letter_before) == ("区发改局", "区发改局", "区发改局")
    assert "〔未设置〕" not in letter_before
    district.district_update(
        actor=SystemActor("test"),
        district_name="示范区",
        seal_text="中共示范区纪律检查委员会",
        issuing_office="示范区纪委监委",
    )
    printed = pdf_text(render_receipt_pdf(gift))
    assert printed.count("\f") == 1  # the seal overlaps the signature as a stamp does: still one page
    after = "".join(printed.split())  # the seal's words wrap inside its circle
    assert (
        "示范区纪委监委" in after
        and "中共示范区纪律" in after
        and "检查委员会" in after
        and "〔未设置〕" not in after
    )
    letter_after = render_letter_html(letter)
    assert letter_issuer(letter_after) == ("区发改局", "区发改局", "区发改局")
    assert "纪委监委" not in letter_after and "中共示范区纪律检查委员会" not in letter_after


def test_the_approval_letter_is_from_the_supervising_leaders_unit(people, make_user):
    """Article 14: the supervising leader approves, so the letter is headed, signed and sealed by the leader's
    unit — here the district government approving a bureau head's event, with its seal text — and not by
    the district's discipline office."""
    from qinqing.core import district
    from qinqing.core.audit import SystemActor
    from qinqing.core.testing import letter_issuer

    district.district_update(actor=SystemActor("test"), district_name="示范区",
                             seal_text="中共示范区纪律检查委员会", issuing_office="示范区纪委监委")
    government = factories.make_unit(name="区人民政府", seal_text="示范区人民政府")
    deputy_user = make_user(Role.SUPERVISING_LEADER, Role.OFFICIAL)
    deputy = factories.make_official(unit=government, name="陈副区长", position="副区长", user=deputy_user)
    head_user = make_user(Role.OFFICIAL)
    head = factories.make_official(unit=people.unit, name="钱局长", position="局长", user=head_user,
                                   supervising_leader=deputy)
    arguments = draft(people, official=head, participants="钱局长")
    activity = services.activity_submit(actor=head_user, **arguments)
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=deputy_user)
    activity.refresh_from_db()
    html = render_letter_html(activity.letter)
    assert letter_issuer(html) == ("区人民政府", "示范区人民政府", "区人民政府")
    assert "陈副区长" in html and "区发改局" in html  # the approver; the official's own unit, addressed
    assert "纪委监委" not in html and "中共示范区纪律检查委员会" not in html


def test_a_reprint_of_the_approval_shows_the_leaders_unit_as_it_was_when_approved(people):
    """The issuer is kept when the letter is issued (core.letters.keep_issuer): the leader's unit renamed and
    given a seal text afterwards, the letter reprints with its name and seal of the day of the approval."""
    from qinqing.core.audit import SystemActor
    from qinqing.core.models import LetterIssuer
    from qinqing.core.testing import letter_issuer

    _activity, letter = approved_letter(people)
    kept = LetterIssuer.objects.get(record_type="conduct.ApprovalLetter", record_id=str(letter.pk))
    assert (kept.kind, kept.unit_id, kept.office, kept.seal) == (
        "conduct.approval", people.unit.pk, "区发改局", "区发改局"
    )
    assert AuditEvent.objects.filter(action="core.letterissuer.create", object_id=str(kept.pk)).exists()
    directory_services.unit_update(unit=people.unit, name="区发展和改革委员会",
                                   seal_text="示范区发展和改革委员会", actor=SystemActor("test"))
    assert letter_issuer(render_letter_html(letter)) == ("区发改局", "区发改局", "区发改局")


def test_a_reprint_of_the_approval_names_the_leader_who_approved_it_not_todays(people):
    """The approver is kept with the issuer when the letter is issued: the official given another
    supervising leader afterwards (or the leader a new post), the letter still names who approved it."""
    from qinqing.core.models import LetterIssuer

    _activity, letter = approved_letter(people)
    kept = LetterIssuer.objects.get(record_type="conduct.ApprovalLetter", record_id=str(letter.pk))
    assert kept.signatory == "王领导（副局长）"
    newcomer = factories.make_official(unit=people.unit, name="钱新任", position="局长")
    people.official.supervising_leader = newcomer
    people.official.save(update_fields=["supervising_leader"])
    html = render_letter_html(ApprovalLetter.objects.get(pk=letter.pk))
    assert "王领导（副局长）" in html and "钱新任" not in html


def test_the_receipt_carries_the_shared_seal_in_its_small_size(people):
    """The receipt keeps no copy of the seal's markup: core/letters/_seal.html, its small (A5) variant, with
    the seal's words sized for their length like every letter's."""
    import lxml.html

    from qinqing.core import district, letters
    from qinqing.core.audit import SystemActor
    from qinqing.core.testing import letter_issuer

    seal = "示范省示范市示范区纪律检查委员会示范区监察委员会派驻第一纪检监察组专用章"  # 36 characters
    district.district_update(actor=SystemActor("test"), district_name="示范区",
                             issuing_office="示范区纪委监委", seal_text=seal)
    html = letters.render_html("conduct/gift_receipt_pdf.html", {"gift": handed_in_gift(people)})
    tree = lxml.html.fromstring(html)
    assert tree.xpath('//div[@class="signed signed-small"]')
    assert tree.xpath('//*[@data-testid="seal"]/@class') == ["seal seal-longer"]
    assert letter_issuer(html) == ("示范区纪委监委", seal, "示范区纪委监委")


def test_receipt_pdf_is_not_shown_to_others(people, client, make_user):
    gift = handed_in_gift(people)
    client.force_login(people.other_user)  # another official
    assert client.get(reverse("conduct:gift_receipt_pdf", args=[gift.pk])).status_code == 404
    client.force_login(make_user(Role.ENTERPRISE_USER))
    assert client.get(reverse("conduct:gift_receipt_pdf", args=[gift.pk])).status_code == 403


def test_no_receipt_pdf_before_the_item_is_handed_in(people, client):
    gift = services.gift_record(
        official=people.official,
        direction="received",
        kind="gift",
        value=Decimal("200"),
        occurred_on=timezone.localdate(),
        disposition="pending",
        giver_name="某人",
        actor=people.official_user,
    )
    client.force_login(people.official_user)
    assert client.get(reverse("conduct:gift_receipt_pdf", args=[gift.pk])).status_code == 404


# --- the letter's full verification address ------------------------------------------------------------
def approved_letter(people):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    activity.refresh_from_db()
    return activity, activity.letter


def test_letter_prints_the_full_verification_address_of_the_request(people, client, rf):
    activity, letter = approved_letter(people)
    expected = f"http://testserver/conduct/verify/?code={letter.verification_code}"
    assert verification_url(letter, rf.get("/")) == expected
    assert expected in render_letter_html(letter, verify_url=expected)
    client.force_login(people.official_user)
    response = client.get(reverse("conduct:letter_pdf", args=[activity.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    if text is not None:
        assert expected in text.replace("\n", "")


def test_the_letter_and_the_receipt_write_their_date_as_a_chinese_official_letter_does(people):
    """GB/T 9704: the date under the issuing office is 2026年12月3日, not 2026-12-03; the letter's page
    is numbered (— 1 —) as every page of an official letter is."""
    from qinqing.core.testing import pdf_pages

    from ..letters import render_letter_pdf, render_receipt_pdf

    def written(day):
        return f"{day.year}年{day.month}月{day.day}日"

    _activity, letter = approved_letter(people)
    (page,) = pdf_pages(render_letter_pdf(letter))
    issued = timezone.localdate(letter.issued_at)
    assert page.count(written(issued)) == 2 and issued.isoformat() not in page  # the date line, the sign-off
    assert page.endswith("—1—")
    gift = handed_in_gift(people)
    (receipt,) = pdf_pages(render_receipt_pdf(gift))
    assert written(gift.handed_in_on) in receipt


def test_letters_are_in_the_districts_language_whoever_prints_them(people):
    """An official letter is the organ's document (docs/ARCHITECTURE.md, "What is stored is in the district's
    language"): printed by someone whose pages are in English, it was an English letter with Chinese data and
    the district's seal. Approval letters, gift receipts, listing notices, bribery-record letters and the
    fair-competition report are worded in the district's language."""
    from django.utils import translation

    from qinqing.core.testing import pdf_pages

    from ..letters import render_receipt_pdf

    _activity, letter = approved_letter(people)
    with translation.override("en"):
        html = render_letter_html(letter)
        (receipt,) = pdf_pages(render_receipt_pdf(handed_in_gift(people)))
    assert "批准人：" in html and "核验码：" in html and "Approved by" not in html
    assert "Verification code" not in html
    assert "Receipt" not in receipt and "上交物品收据" in receipt


def test_public_base_url_setting_wins_over_the_request_address(people, rf, settings):
    settings.QINQING_PUBLIC_BASE_URL = "https://qinqing.example.gov.cn/"
    _activity, letter = approved_letter(people)
    assert (
        verification_url(letter, rf.get("/"))
        == f"https://qinqing.example.gov.cn/conduct/verify/?code={letter.verification_code}"
    )


# --- dates within sensible bounds, lengths by purpose (issue 20) ---------------------------------------
def test_a_gift_from_the_future_or_with_a_novel_for_a_description_is_refused_naming_the_field(people, client):
    from qinqing.core.errors import ServiceError

    future = timezone.localdate() + datetime.timedelta(days=1)
    base = dict(
        official=people.official,
        direction="received",
        kind="gift",
        value=Decimal("100"),
        disposition="pending",
        giver_name="某人",
        actor=people.official_user,
    )
    with pytest.raises(ServiceError) as error:
        services.gift_record(occurred_on=datetime.date(2030, 1, 1), **base)
    assert error.value.field == "occurred_on" and error.value.code == "date_out_of_range"
    assert "不能晚于今天" in error.value.text()
    with pytest.raises(ServiceError) as error:
        services.gift_record(occurred_on=timezone.localdate(), description="茶" * 20000, **base)
    assert error.value.field == "description" and "最多 300 个字符（当前 20000 个）" in error.value.text()
    # The form: the date input offers no day after today, and refuses one next to the field.
    client.force_login(people.official_user)
    page = client.get(reverse("conduct:my_gifts")).content.decode()
    assert f'max="{timezone.localdate().isoformat()}"' in page
    response = client.post(
        reverse("conduct:my_gifts"),
        {
            "direction": "received",
            "kind": "gift",
            "giver_name": "某人",
            "value": "100",
            "occurred_on": future.isoformat(),
            "disposition": "pending",
            "description": "茶叶",
        },
    )
    assert "日期不能晚于今天" in response.content.decode()
    response = client.post(
        reverse("conduct:my_gifts"),
        {
            "direction": "received",
            "kind": "gift",
            "giver_name": "某人",
            "value": "100",
            "occurred_on": timezone.localdate().isoformat(),
            "disposition": "pending",
            "description": "茶" * 301,
        },
    )
    assert "300" in response.content.decode()
    assert not GiftRecord.objects.exists()


def test_the_seal_never_goes_to_a_page_of_its_own(people):
    """GB/T 9704: no page with the seal alone. The approval letter's sign-off (approver, date, code, address)
    goes with the seal: with the shared seal before core.letters' keep rules, a letter whose table filled
    the first page printed the seal, the office and the date alone on the second."""
    from qinqing.core import district
    from qinqing.core.audit import SystemActor
    from qinqing.core.testing import pdf_pages

    from ..letters import render_letter_pdf

    district.district_update(
        actor=SystemActor("test"), district_name="示范区", seal_text="中共示范区纪律检查委员会",
        issuing_office="示范区纪委监委",
    )
    # the letter is the leader's unit's: its seal's words are on the page that carries the seal
    directory_services.unit_update(unit=people.unit, seal_text="示范区发展和改革局",
                                   actor=SystemActor("test"))
    spilled = 0
    for lines in range(0, 26, 2):
        purpose = "听取企业关于厂房消防验收进度的意见，协调现场踏勘时间。" * max(lines, 1)
        arguments = draft(people, purpose=purpose[:2000])
        activity = services.activity_submit(actor=people.official_user, **arguments)
        services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
        activity.refresh_from_db()
        pages = pdf_pages(render_letter_pdf(activity.letter))
        spilled += len(pages) > 1
        (sealed,) = [page for page in pages if "示范区发展和改革局" in page]
        assert activity.letter.verification_code in sealed, f"the seal alone on a page ({lines} lines)"
    assert spilled  # some of them did run onto a second page
