import datetime
import json
import re
import shutil
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role

from .. import services
from ..models import ActivityRequest, ActivityStatus, ApprovalLetter, GiftDisposition, Lead
from ..services import FindingLevel

pytestmark = pytest.mark.django_db


def next_saturday() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=7)
    while day.weekday() != 5:
        day += datetime.timedelta(days=1)
    return day


def next_workday() -> datetime.date:
    from ..services.activities import _is_workday

    day = timezone.localdate() + datetime.timedelta(days=3)
    while not _is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def draft(people, **overrides):
    arguments = dict(
        official=people.official,
        situation="work_meal",
        enterprises=[people.clean_enterprise],
        event_date=next_saturday(),
        start_time=datetime.time(18, 0),
        end_time=datetime.time(20, 0),
        place="区商会会议室",
        purpose="商讨营商环境问题",
        participants="张三、商会秘书长",
        cost_per_head=Decimal("80"),
        alcohol_served=False,
        no_lottery_confirmed=True,
        no_unrelated_activities_confirmed=True,
    )
    arguments.update(overrides)
    return arguments


def rules_of(findings, level=None):
    return {finding["rule"] for finding in findings if level is None or finding["level"] == level}


def evaluate(people, **overrides):
    arguments = draft(people, **overrides)
    for name in ("place", "purpose", "participants"):
        arguments.pop(name)
    return services.evaluate_activity(**arguments)


def test_clean_request_passes_every_rule(people):
    findings = evaluate(people)
    assert not rules_of(findings, FindingLevel.VIOLATION) and not rules_of(findings, FindingLevel.WARNING)
    assert {
        "situation_valid",
        "cost_within_standard",
        "no_alcohol",
        "no_lottery_or_unrelated",
        "filed_in_advance",
        "no_conflict_of_interest",
    } <= rules_of(findings)


def test_invalid_situation_is_a_violation_of_article_14(people):
    findings = evaluate(people, situation="karaoke")
    assert [f["article"] for f in findings if f["rule"] == "situation_invalid"] == ["14"]


def test_cost_over_the_reception_standard_cites_14_3(people):
    findings = evaluate(people, cost_per_head=Decimal("200"))
    assert [f["article"] for f in findings if f["rule"] == "cost_over_standard"] == ["14.3"]


def test_cost_near_the_limit_is_a_warning(people):
    assert "cost_near_limit" in rules_of(evaluate(people, cost_per_head=Decimal("115")), FindingLevel.WARNING)


def test_alcohol_during_working_hours_on_a_workday_is_a_violation(people, workday_calendar, frozen_clock):
    frozen_clock("2026-09-16 09:00")  # inside the real 2026 schedule
    assert next_workday() == datetime.date(2026, 9, 20), (
        "Sunday 09-20 is a make-up workday before National Day"
    )
    findings = evaluate(
        people,
        event_date=next_workday(),
        start_time=datetime.time(12, 0),
        end_time=datetime.time(13, 0),
        alcohol_served=True,
    )
    assert [f["article"] for f in findings if f["rule"] == "alcohol_in_working_hours"] == ["14.3"]
    weekend = evaluate(people, alcohol_served=True)  # Saturday 09-26, in the Mid-autumn holiday
    assert "alcohol_outside_working_hours" in rules_of(weekend, FindingLevel.PASSED)


def test_the_alcohol_rule_never_guesses_a_working_day(people, workday_calendar, frozen_clock):
    """The calendar decides — the provisional 2027 included — or its clear error does (no Monday–Friday fallback)."""  # noqa: E501
    frozen_clock("2026-12-20 09:00")
    provisional = evaluate(people, event_date=datetime.date(2027, 1, 31), start_time=datetime.time(12, 0),
                           end_time=datetime.time(13, 0), alcohol_served=True)
    assert "alcohol_in_working_hours" in rules_of(provisional, FindingLevel.VIOLATION), (
        "Sunday 2027-01-31: a provisional make-up day"
    )
    with pytest.raises(ServiceError) as raised:
        evaluate(
            people,
            event_date=datetime.date(2028, 1, 4),
            start_time=datetime.time(12, 0),
            end_time=datetime.time(13, 0),
            alcohol_served=True,
        )
    assert (raised.value.code, raised.value.field) == ("calendar_year_not_loaded", "event_date")
    assert "2028" in raised.value.text()


def test_loading_the_notice_checks_the_working_day_rule_of_requests_awaiting_the_leader_again(
        people, workday_calendar, frozen_clock, make_user):
    """The provisional 2027 works Sunday 31 January and rests Saturday 20 February; the notice
    (core.testing.NOTICE_2027) the other way round: a lunch with alcohol on each is judged again."""
    from qinqing.core.calendar.services import calendar_notice_load
    from qinqing.core.models import AuditEvent
    from qinqing.core.testing import NOTICE_2027

    frozen_clock("2026-12-20 09:00")
    lunch = {"start_time": datetime.time(12, 0), "end_time": datetime.time(13, 0), "alcohol_served": True}
    sunday = services.activity_submit(actor=people.official_user,
                                      **draft(people, event_date=datetime.date(2027, 1, 31), **lunch))
    saturday = services.activity_submit(actor=people.official_user,
                                        **draft(people, event_date=datetime.date(2027, 2, 20), **lunch))
    decided = services.activity_submit(actor=people.official_user,
                                       **draft(people, event_date=datetime.date(2027, 2, 20), **lunch))
    services.activity_decide(activity=decided, approve=True, reason="", actor=people.leader_user)
    assert "alcohol_in_working_hours" in rules_of(sunday.findings, FindingLevel.VIOLATION)
    assert "alcohol_outside_working_hours" in rules_of(saturday.findings, FindingLevel.PASSED)

    calendar_notice_load(text=NOTICE_2027, actor=make_user(Role.ADMINISTRATOR))

    for row in (sunday, saturday, decided):
        row.refresh_from_db()
    assert "alcohol_outside_working_hours" in rules_of(sunday.findings, FindingLevel.PASSED)
    assert not rules_of(sunday.findings, FindingLevel.VIOLATION), "the leader may now approve it"
    assert "alcohol_in_working_hours" in rules_of(saturday.findings, FindingLevel.VIOLATION)
    assert "alcohol_outside_working_hours" in rules_of(decided.findings), "a decided request: left as it was"
    event = AuditEvent.objects.get(action="conduct.activity.findings_recount", object_id=str(saturday.pk))
    assert (event.details["calendar_year"], event.details["rule_before"], event.details["rule_after"]) == (
        2027, ["alcohol_outside_working_hours"], "alcohol_in_working_hours")
    assert AuditEvent.objects.filter(action="conduct.activity.findings_recount").count() == 2
    assert audit.verify_chain().ok


def test_lottery_and_unrelated_activities_must_be_confirmed_absent(people):
    findings = evaluate(people, no_lottery_confirmed=False, no_unrelated_activities_confirmed=False)
    assert {"lottery_not_confirmed", "unrelated_not_confirmed"} <= rules_of(findings, FindingLevel.VIOLATION)
    assert {f["article"] for f in findings if f["rule"].endswith("_not_confirmed")} == {"14.2"}


def test_late_filing_is_marked_and_needs_a_reason(people):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as raised:
        services.activity_submit(actor=people.official_user, **draft(people, event_date=yesterday))
    assert raised.value.field == "late_reason"
    activity = services.activity_submit(
        actor=people.official_user, late_reason="临时通知", **draft(people, event_date=yesterday)
    )
    assert activity.is_late and "filed_late" in rules_of(activity.findings, FindingLevel.WARNING)


def test_blacklist_hook_answers_no_until_the_integrity_module_exists(people):
    assert services.is_enterprise_restricted(people.clean_enterprise) is False
    assert "enterprise_not_restricted" in rules_of(evaluate(people))


def test_conflict_of_interest_is_a_finding_and_blocks_approval(people):
    activity = services.activity_submit(
        actor=people.official_user, **draft(people, enterprises=[people.enterprise])
    )
    assert "conflict_of_interest" in rules_of(activity.findings, FindingLevel.VIOLATION)
    with pytest.raises(services.RecusalRequired):
        services.activity_decide(activity=activity, approve=True, reason="", actor=people.leader_user)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED and not ApprovalLetter.objects.exists()


def test_approving_ones_own_request_is_impossible(people, make_user):
    own = services.activity_submit(actor=people.leader_user, **draft(people, official=people.leader))
    with pytest.raises(ServiceError) as raised:
        services.activity_decide(activity=own, approve=True, reason="", actor=people.leader_user)
    assert raised.value.code == "self_approval"
    own.refresh_from_db()
    assert own.status == ActivityStatus.SUBMITTED


def test_only_the_supervising_leader_decides(people):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    with pytest.raises(PermissionDeniedError):
        services.activity_decide(activity=activity, approve=True, reason="", actor=people.other_user)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_approval_issues_a_numbered_letter_verifiable_on_the_public_page(people, client):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    letter = ApprovalLetter.objects.get(activity=activity)
    assert letter.number == f"亲清批〔{timezone.localdate().year}〕0001号"
    response = client.get(reverse("conduct:verify_letter"), {"code": letter.verification_code})  # anonymous
    assert response.status_code == 200 and letter.number in response.content.decode()
    assert "330106" not in response.content.decode()  # no resident IDs
    # The page is shown in the reader's language; the marker does not depend on it.
    assert (
        'data-testid="not-verified"'
        in client.get(reverse("conduct:verify_letter"), {"code": "WRONG"}).content.decode()
    )
    api = client.get(f"/api/v1/conduct/letters/{letter.verification_code}")
    assert api.status_code == 200 and api.json()["number"] == letter.number


def test_letter_pdf_is_generated_with_the_cjk_text(people, client):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    client.force_login(people.official_user)
    response = client.get(reverse("conduct:letter_pdf", args=[activity.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"NotoSansCJK" in _inflated(response.content)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler-utils is optional here; the font check above always runs
        text = subprocess.run(
            [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert activity.letter.verification_code in text and "区商会会议室" in text


def _inflated(pdf: bytes) -> bytes:
    import re
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_report_differences_become_a_lead(people):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    report = services.activity_report(
        activity=activity,
        actual_cost_per_head=Decimal("150"),
        actual_participants="张三等5人",
        actual_participant_count=5,
        items_received="茶叶一盒",
        actor=people.official_user,
    )
    assert {item["field"] for item in report.differences} >= {
        "cost_per_head",
        "reception_standard",
        "participant_count",
        "items_received",
    }
    assert Lead.objects.get().activity == activity
    assert audit.verify_chain().ok


def test_gift_hand_in_issues_a_receipt_and_overdue_items_are_flagged(people, client):
    from .. import selectors

    gift = services.gift_record(
        official=people.official,
        direction="received",
        kind="red_envelope",
        value=Decimal("500"),
        occurred_on=timezone.localdate() - datetime.timedelta(days=40),
        disposition="pending",
        giver_enterprise=people.enterprise,
        actor=people.official_user,
    )
    assert gift in selectors.red_flags()["gifts_overdue"]
    with pytest.raises(PermissionDeniedError):
        services.gift_hand_in(gift=gift, actor=people.official_user)
    gift = services.gift_hand_in(gift=gift, actor=people.inspector)
    assert gift.disposition == GiftDisposition.HANDED_IN and gift.receipt_number.startswith("亲清收")
    assert gift not in selectors.red_flags()["gifts_overdue"]
    client.force_login(people.official_user)
    assert gift.receipt_number in client.get(reverse("conduct:gift_receipt", args=[gift.pk])).content.decode()


def test_enterprise_signs_the_pledge_and_it_is_shown(people, make_user):
    from qinqing.directory.tests import factories

    from ..selectors import pledge_signed

    head = make_user(Role.ENTERPRISE_USER)
    factories.make_membership(user=head, enterprise=people.clean_enterprise)
    with pytest.raises(ServiceError):
        services.pledge_sign(
            enterprise=people.clean_enterprise, signatory_name="钱总", accepted=["15.b1"], actor=head
        )
    services.pledge_sign(
        enterprise=people.clean_enterprise,
        signatory_name="钱总",
        accepted=services.PLEDGE_REQUIREMENTS,
        actor=head,
    )
    assert pledge_signed(people.clean_enterprise) == timezone.localdate()
    assert pledge_signed(people.enterprise) is None


def test_the_pledge_checkboxes_read_as_the_requirements_with_their_article(people, make_user, client):
    from io import StringIO

    from django.core.management import call_command

    from qinqing.directory.tests import factories

    call_command("policy", "import", "--seed", verbosity=0, stdout=StringIO())
    head = make_user(Role.ENTERPRISE_USER)
    factories.make_membership(user=head, enterprise=people.clean_enterprise)
    client.force_login(head)
    html = client.get("/conduct/pledge/").content.decode()
    labels = re.findall(r'<label for="id_accepted_\d+">\s*<input[^>]*>\s*([^<]+)</label>', html)
    assert len(labels) == 6, html
    assert all(label.strip().endswith("项）") and "第十五条第二部分第（" in label for label in labels), labels
    assert len(labels[0]) > 20  # the requirement's own words, not "15.b1"
    assert "15.b1" not in labels[0]


def test_declared_related_person_holding_creates_a_declared_interest_conflict(people):
    from qinqing.directory.models import EnterpriseLink, LinkKind

    from ..conflicts import find_conflicts

    declaration = services.related_person_declare(
        official=people.other,
        name="孙七",
        relationship="child",
        occupation="销售经理",
        actor=people.other_user,
        changed_on=timezone.localdate() - datetime.timedelta(days=45),
        holdings=[{"enterprise": people.clean_enterprise, "role": "销售经理"}],
    )
    assert declaration.is_late
    assert EnterpriseLink.objects.filter(
        kind=LinkKind.DECLARED_INTEREST, enterprise=people.clean_enterprise
    ).exists()
    assert [
        c.link_kind for c in find_conflicts(official=people.other, enterprise=people.clean_enterprise)
    ] == ["declared_interest"]


def test_missing_annual_confirmation_is_flagged(people):
    from ..selectors import missing_annual_confirmations

    assert people.official in missing_annual_confirmations()
    services.annual_confirm(official=people.official, actor=people.official_user)
    assert people.official not in missing_annual_confirmations()


def test_screen_command_prints_json_with_the_evidence_chain(people):
    out = StringIO()
    call_command("screen", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["count"] == 1 and "李四" in data["conflicts"][0]["evidence"]
    incremental = StringIO()
    call_command("screen", "--json", "--incremental", stdout=incremental)
    assert json.loads(incremental.getvalue())["count"] == 0


# --- pages: the right role succeeds, the wrong role is denied with nothing changed -------------------
def test_official_files_a_request_through_the_page(people, client):
    client.force_login(people.official_user)
    form = {
        "situation": "work_meal",
        "enterprise_codes": people.clean_enterprise.uscc,
        "event_date": next_saturday().isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "商会",
        "purpose": "座谈",
        "participants": "张三",
        "participant_count": 1,
        "cost_per_head": "115",
        "no_lottery_confirmed": "on",
        "no_unrelated_activities_confirmed": "on",
    }
    check = client.post(reverse("conduct:request_check"), form)
    assert "finding-cost_near_limit" in check.content.decode()
    response = client.post(reverse("conduct:request_new"), form)
    assert response.status_code == 302
    assert ActivityRequest.objects.filter(official=people.official).count() == 1


def test_wrong_role_cannot_decide_and_nothing_changes(people, client, make_user):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    outsider = make_user(Role.ENTERPRISE_USER)
    client.force_login(outsider)
    response = client.post(reverse("conduct:activity_decide", args=[activity.pk]), {"decision": "approve"})
    assert response.status_code == 403
    assert client.get(reverse("conduct:red_flags")).status_code == 403
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_leader_approves_through_the_page(people, client):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    client.force_login(people.leader_user)
    assert activity.official.person.name in client.get(reverse("conduct:approvals")).content.decode()
    client.post(
        reverse("conduct:activity_decide", args=[activity.pk]), {"decision": "approve", "reason": "同意"}
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED


def test_the_approval_list_shows_each_findings_rule_and_severity_violations_first(people, client):
    """Issue 20: the leader saw only "14.3 14.3 15.7"."""
    near = services.activity_submit(actor=people.official_user, **draft(people, cost_per_head=Decimal("115")))
    over = services.activity_submit(actor=people.official_user, **draft(people, cost_per_head=Decimal("300")))
    client.force_login(people.leader_user)
    html = client.get(reverse("conduct:approvals")).content.decode()
    rows = re.findall(r'href="/conduct/requests/(\d+)/"', html)
    assert rows.index(str(over.pk)) < rows.index(str(near.pk))  # the request with a violation first
    over_row = html[html.index(f'/conduct/requests/{over.pk}/'):]
    over_row = over_row[:over_row.index("</tr>")]
    assert 'data-testid="approval-finding-cost_over_standard"' in over_row
    assert "违规" in over_row or "违反" in over_row  # the severity in words
    assert (
        "超过当地公务接待标准" in over_row and 'data-cite="14.3"' in over_row
    )  # the rule in words, with its article
    levels = re.findall(r'<li class="finding-(\w+)"', over_row)
    assert levels == sorted(
        levels, key=lambda level: level != "violation"
    )  # violations first within a request


def test_inspector_pages_and_conflicts_api(people, client, api_key):
    client.force_login(people.inspector)
    for name in ("red_flags", "leads", "conflicts"):
        assert client.get(reverse(f"conduct:{name}")).status_code == 200
    assert "李四" in client.get(reverse("conduct:conflicts")).content.decode()
    _key, raw = api_key("conduct:read")
    response = client.get(
        f"/api/v1/conduct/officials/{people.official.pk}/conflicts", headers={"X-API-Key": raw}
    )
    assert response.status_code == 200 and response.json()[0]["person_name"] == "李四"
    _key, wrong = api_key("directory:read")
    assert (
        client.get(
            f"/api/v1/conduct/officials/{people.official.pk}/conflicts", headers={"X-API-Key": wrong}
        ).status_code
        == 403
    )
    client.force_login(people.official_user)
    assert client.get(f"/api/v1/conduct/officials/{people.official.pk}/conflicts").status_code == 403


def test_rules_page_links_each_requirement(people, client):
    client.force_login(people.official_user)
    body = client.get(reverse("conduct:rules")).content.decode()
    assert "item-15.7" in body and "item-15.b6" in body
