"""The legal environment (articles 11, 12, 13, 15.6): flags, objections, protection, the litigation ledger."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.appeals.models import Appeal
from qinqing.core import audit
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.legal import selectors, services
from qinqing.legal.models import Action, ObjectionStatus, ObligationAlert, ProtectionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    bureau = directory.make_unit(name="区市场监管局")
    other = directory.make_unit(name="区税务局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="副局长", user=leader)
    other_leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=other, name="钱领导", position="局长", user=other_leader)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    enterprise_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=enterprise_user, enterprise=enterprise)
    return {
        "bureau": bureau,
        "other": other,
        "handler": handler,
        "leader": leader,
        "other_leader": other_leader,
        "inspector": inspector,
        "enterprise": enterprise,
        "enterprise_user": enterprise_user,
    }


def _register(w, kind="charge", subtype="fine", day=datetime.date(2026, 11, 20), **extra):
    return services.action_register(
        enterprise=w["enterprise"],
        unit=w["bureau"],
        kind=kind,
        subtype=subtype,
        started_on=day,
        actor=w["handler"],
        **extra,
    )


def _codes(user, action=None):
    return [
        (f.code, f.action.pk) for f in selectors.flags(user) if action is None or f.action.pk == action.pk
    ]


def test_a_charge_or_measure_without_a_legal_basis_is_flagged_to_the_units_leader_and_the_office(world):
    w = world
    fine = _register(w, amount="5000")
    based = _register(w, legal_basis="《行政处罚法》第二十八条", amount="5000")
    measure = _register(w, kind="measure", subtype="freeze", ends_on=datetime.date(2026, 12, 20))
    inspection = _register(w, kind="inspection", subtype="inspection")  # no basis: not a charge or measure
    for viewer in (w["leader"], w["inspector"]):
        codes = _codes(viewer)
        assert ("no_basis", fine.pk) in codes and ("no_basis", measure.pk) in codes
        assert ("no_basis", based.pk) not in codes and ("no_basis", inspection.pk) not in codes
    assert _codes(w["other_leader"]) == []  # another unit's leader sees nothing of it
    with pytest.raises(ServiceError) as refused:
        _register(w, kind="charge", subtype="freeze")
    assert refused.value.field == "subtype"
    with pytest.raises(PermissionDeniedError):
        services.action_register(
            enterprise=w["enterprise"],
            unit=w["other"],
            kind="charge",
            subtype="fee",
            started_on=datetime.date(2026, 11, 1),
            actor=w["handler"],
        )


def test_a_measure_past_its_term_is_flagged_until_lifted(world, frozen_clock):
    w = world
    measure = _register(
        w,
        kind="measure",
        subtype="seal",
        legal_basis="《行政强制法》第二十二条",
        ends_on=datetime.date(2026, 12, 10),
    )
    assert ("past_term", measure.pk) not in _codes(w["inspector"])
    frozen_clock("2026-12-11 09:00")
    assert ("past_term", measure.pk) in _codes(w["inspector"])
    services.action_lift(action=measure, actor=w["handler"])
    assert ("past_term", measure.pk) not in _codes(w["inspector"])


def test_repeated_inspections_within_the_period_are_flagged(world):
    w = world
    days = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
    first, second, third = [_register(w, kind="inspection", subtype="inspection", day=d) for d in days]
    codes = _codes(w["inspector"])
    # at most 2 within 90 days by default: the third is one too many
    assert ("repeated", third.pk) in codes and ("repeated", second.pk) not in codes
    services.settings_update(repeat_window_days=30, repeat_limit=2, actor=w["inspector"])
    assert not [c for c in _codes(w["inspector"]) if c[0] == "repeated"]
    services.settings_update(repeat_window_days=90, repeat_limit=1, actor=w["inspector"])
    assert {pk for code, pk in _codes(w["inspector"]) if code == "repeated"} == {second.pk, third.pk}


def test_the_enterprise_sees_objects_gets_an_answer_and_takes_it_further_as_an_appeal(world):
    w = world
    fine = _register(w, amount="20000", details="未按规定公示年报")
    mine = Client()
    mine.force_login(w["enterprise_user"])
    assert "未按规定公示年报" in mine.get(reverse("legal:action_detail", args=[fine.pk])).content.decode()
    objection = services.objection_raise(action=fine, text="罚款没有法律依据", actor=w["enterprise_user"])
    with pytest.raises(PermissionDeniedError):
        services.objection_answer(objection=objection, answer="x", actor=w["other_leader"])
    services.objection_answer(objection=objection, answer="依据《企业信息公示暂行条例》", actor=w["handler"])
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ANSWERED
    response = mine.post(
        reverse("legal:action_act", args=[fine.pk]), {"step": "appeal", "objection": objection.pk}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    appeal = Appeal.objects.get()
    assert objection.appeal_id == appeal.pk and appeal.enterprise_id == w["enterprise"].pk
    with pytest.raises(ConflictError):
        services.objection_to_appeal(objection=objection, actor=w["enterprise_user"])
    stranger = directory.make_enterprise(name="别家公司")
    other_fine = services.action_register(
        enterprise=stranger,
        unit=w["bureau"],
        kind="charge",
        subtype="fee",
        started_on=datetime.date(2026, 11, 2),
        actor=w["handler"],
    )
    assert mine.get(reverse("legal:action_detail", args=[other_fine.pk])).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.objection_raise(action=other_fine, text="x", actor=w["enterprise_user"])
    assert audit.verify_chain().ok


def test_a_protection_request_is_followed_to_the_end(world):
    w = world
    row = services.protection_request(
        enterprise=w["enterprise"],
        kind="obstruction",
        description="工地连续三天被人阻拦施工",
        actor=w["enterprise_user"],
    )
    assert row in selectors.protections(w["handler"])  # not yet taken: every body sees it
    services.protection_update(request=row, step="accept", text="已受理，派员到场", actor=w["handler"])
    services.protection_update(request=row, step="progress", text="已对阻工人员训诫", actor=w["handler"])
    with pytest.raises(ConflictError):
        services.protection_update(request=row, step="accept", text="again", actor=w["handler"])
    row = services.protection_update(request=row, step="close", text="施工恢复正常", actor=w["handler"])
    assert row.status == ProtectionStatus.CLOSED and row.unit_id == w["bureau"].pk
    assert row not in selectors.protections(w["other_leader"])


def test_a_judgment_obligation_goes_overdue_and_is_recorded_once(world, frozen_clock):
    w = world
    case = services.case_register(
        enterprise=w["enterprise"],
        unit=w["bureau"],
        kind="administrative",
        court="示范区人民法院",
        case_number="（2026）示0101行初12号",
        filed_on=datetime.date(2026, 6, 1),
        actor=w["handler"],
    )
    with pytest.raises(ConflictError):
        services.obligation_add(
            case=case, text="退还罚款", due_on=datetime.date(2026, 12, 1), actor=w["handler"]
        )
    services.case_update(
        case=case,
        cooperation="按期提交证据",
        outcome="judgment",
        outcome_on=datetime.date(2026, 11, 2),
        actor=w["handler"],
    )
    case.refresh_from_db()
    owed = services.obligation_add(
        case=case, text="退还罚款五千元", due_on=datetime.date(2026, 12, 1), actor=w["handler"]
    )
    done = services.obligation_add(
        case=case, text="撤销处罚决定", due_on=datetime.date(2026, 12, 1), actor=w["handler"]
    )
    services.obligation_perform(obligation=done, performance="已撤销", actor=w["handler"])
    # due today: not yet late
    assert in_english(services.obligation_alerts, datetime.date(2026, 12, 1)).startswith("0 ")
    assert in_english(services.obligation_alerts, datetime.date(2026, 12, 2)).startswith("1 ")
    assert in_english(services.obligation_alerts, datetime.date(2026, 12, 3)).startswith("0 ")  # once
    alert = ObligationAlert.objects.get()
    assert alert.obligation_id == owed.pk
    # The overdue obligation is on the trail itself (article 13), not only through its notices.
    from qinqing.core.models import AuditEvent

    event = AuditEvent.objects.get(action="legal.obligationalert.create")
    assert (event.object_type, event.object_id, event.details) == (
        "legal.ObligationAlert", str(alert.pk), {"article": "13"})
    assert audit.verify_chain().problems == []
    assert list(selectors.overdue_obligations(w["leader"])) == [owed]
    assert list(selectors.overdue_obligations(w["inspector"])) == [owed]
    assert list(selectors.overdue_obligations(w["other_leader"])) == []


def test_actions_after_the_enterprise_sued_are_flagged_as_possible_retaliation(world):
    w = world
    before = _register(w, kind="inspection", subtype="inspection", day=datetime.date(2026, 8, 1))
    services.case_register(
        enterprise=w["enterprise"],
        unit=w["bureau"],
        kind="administrative",
        court="示范区人民法院",
        case_number="（2026）示0101行初20号",
        filed_on=datetime.date(2026, 9, 10),
        actor=w["handler"],
    )
    after = _register(
        w, kind="charge", subtype="fine", legal_basis="《行政处罚法》", day=datetime.date(2026, 10, 8)
    )
    codes = _codes(w["inspector"])
    assert ("retaliation", after.pk) in codes and ("retaliation", before.pk) not in codes
    assert Action.objects.count() == 2


def test_the_pages_refuse_bad_input_naming_the_field(world):
    w = world
    web = Client()
    web.force_login(w["handler"])
    response = web.post(
        reverse("legal:register"),
        {
            "enterprise": w["enterprise"].uscc,
            "kind": "charge",
            "subtype": "fine",
            "started_on": "2100-01-01",
            "details": "长" * 20000,
        },
    )
    assert response.status_code == 400 and Action.objects.count() == 0
    response = web.post(
        reverse("legal:register"),
        {"enterprise": w["enterprise"].uscc, "kind": "charge", "subtype": "fine", "started_on": "2026-11-20"},
    )
    assert response.status_code == 302, response.content.decode()[-4000:]
    web.force_login(w["inspector"])
    assert web.get(reverse("legal:flags")).status_code == 200
    assert web.get("/api/v1/legal/flags").json()[0]["code"] == "no_basis"


def test_date_bounds_count_from_the_day_the_form_is_built(world, frozen_clock):
    from qinqing.legal import forms

    forms.OutcomeForm()  # built once on 30 November
    frozen_clock("2026-12-15 10:00")
    assert forms.OutcomeForm({"outcome": "judgment", "outcome_on": "2026-12-15"}).is_valid()
    assert not forms.OutcomeForm({"outcome": "judgment", "outcome_on": "2026-12-16"}).is_valid()


def test_the_register_the_ledger_and_the_protection_requests_are_paged_none_cut_off(world):
    from qinqing.core import clock
    from qinqing.legal.models import LawsuitCase, ProtectionRequest

    w = world
    now, day = clock.now(), datetime.date(2026, 11, 2)
    common = {"enterprise": w["enterprise"], "unit": w["bureau"], "created_at": now}
    Action.objects.bulk_create(
        Action(kind="charge", subtype="fine", legal_basis=f"依据P{index:03d}", started_on=day,
               registered_by=w["handler"], **common)
        for index in range(53)
    )
    LawsuitCase.objects.bulk_create(
        LawsuitCase(kind="administrative", court="区人民法院", case_number=f"案号P{index:03d}", filed_on=day,
                    **common)
        for index in range(53)
    )
    ProtectionRequest.objects.bulk_create(
        ProtectionRequest(kind="obstruction", description="阻工", status=ProtectionStatus.ACCEPTED,
                          result=f"结果P{index:03d}", requested_by=w["enterprise_user"], **common)
        for index in range(53)
    )
    web = Client()
    web.force_login(w["handler"])
    pages = (("legal:register", "依据P"), ("legal:cases", "案号P"), ("legal:protections", "结果P"))
    for name, marker in pages:
        first = web.get(reverse(name), {"x": "1"}).content.decode()
        second = web.get(reverse(name), {"x": "1", "page": 2}).content.decode()
        assert first.count(marker) == 50 and second.count(marker) == 3, name
        assert "第 1 页，共 2 页（53 条记录）" in first and "?x=1&amp;page=2" in first, name
        assert "第 2 页，共 2 页（53 条记录）" in second, name

    # the enterprise's page: its actions by "page", its protection requests by their own parameter
    web.force_login(w["enterprise_user"])
    first = web.get(reverse("legal:mine")).content.decode()
    assert first.count("依据P") == 50 and first.count("结果P") == 50
    assert first.count("第 1 页，共 2 页（53 条记录）") == 2
    assert "?page=2" in first and "?protections_page=2" in first
    later = web.get(reverse("legal:mine"), {"page": 2, "protections_page": 2}).content.decode()
    assert later.count("依据P") == 3 and later.count("结果P") == 3
    middle = web.get(reverse("legal:mine"), {"page": 2}).content.decode()
    assert middle.count("依据P") == 3 and middle.count("结果P") == 50
    assert "?page=2&amp;protections_page=2" in middle  # the actions' page is kept

    # the flags page: the inspector's own notices and every notice delivered, each by its own parameter
    from qinqing.legal.models import Notice

    action = Action.objects.first()
    Notice.objects.bulk_create(
        Notice(recipient=w["inspector"], key=f"paged-{index}", created_at=now, kind="no_basis", action=action,
               unit=w["bureau"])
        for index in range(53)
    )
    web.force_login(w["inspector"])
    flags = web.get(reverse("legal:flags")).content.decode()
    assert flags.count('data-testid="notice-row"') == 100  # 50 of the inspector's, 50 of every notice
    assert "?notices_page=2" in flags and "?delivered_page=2" in flags
    later = web.get(reverse("legal:flags"), {"notices_page": 2, "delivered_page": 2}).content.decode()
    assert later.count('data-testid="notice-row"') == 6


def _sued_and_fined(w, day=datetime.date(2026, 10, 8)):
    services.case_register(
        enterprise=w["enterprise"],
        unit=w["bureau"],
        kind="administrative",
        court="示范区人民法院",
        case_number="（2026）示0101行初21号",
        filed_on=datetime.date(2026, 9, 10),
        actor=w["handler"],
    )
    return _register(w, kind="charge", subtype="fine", legal_basis="《行政处罚法》", day=day)


def test_the_discipline_office_assesses_a_retaliation_flag_and_a_dismissed_one_is_no_longer_raised(world):
    from qinqing.core.models import AuditEvent
    from qinqing.legal.models import RetaliationAssessment

    w = world
    fine = _sued_and_fined(w)
    second = _register(w, kind="inspection", subtype="inspection", day=datetime.date(2026, 10, 20))
    with pytest.raises(PermissionDeniedError):
        services.retaliation_assess(action=fine, outcome="dismissed", reasoning="例行处罚", actor=w["leader"])
    with pytest.raises(ServiceError) as refused:
        services.retaliation_assess(
            action=fine, outcome="confirmed", reasoning="起诉后突击罚款", actor=w["inspector"]
        )
    assert refused.value.field == "answerable"  # retaliation found: who is answerable must be named
    with pytest.raises(ServiceError) as refused:
        services.retaliation_assess(action=fine, outcome="maybe", reasoning="x", actor=w["inspector"])
    assert refused.value.field == "outcome"
    confirmed = services.retaliation_assess(
        action=fine,
        outcome="confirmed",
        reasoning="起诉后一个月内对同一企业作出罚款，无新的违法事实",
        answerable="区市场监管局某科科长",
        accountability="移送区纪委监委审查调查",
        actor=w["inspector"],
    )
    assert confirmed.case.case_number == "（2026）示0101行初21号"
    services.retaliation_assess(
        action=second, outcome="dismissed", reasoning="年度双随机抽查，名单早于起诉确定", actor=w["inspector"]
    )
    codes = _codes(w["inspector"])
    assert ("retaliation", fine.pk) in codes and ("retaliation", second.pk) not in codes
    flag = next(f for f in selectors.flags(w["leader"]) if f.action.pk == fine.pk and f.code == "retaliation")
    assert flag.assessment == confirmed  # the unit's leader sees the finding with the flag
    with pytest.raises(ConflictError):
        services.retaliation_assess(action=fine, outcome="dismissed", reasoning="改判", actor=w["inspector"])
    before = _register(w, kind="inspection", subtype="inspection", day=datetime.date(2026, 8, 1))
    with pytest.raises(ConflictError):  # no retaliation flag on an action before the suit
        services.retaliation_assess(action=before, outcome="dismissed", reasoning="x", actor=w["inspector"])
    assert RetaliationAssessment.objects.count() == 2
    assert (
        AuditEvent.objects.filter(action="legal.retaliationassessment.create", details__article="13").count()
        == 2
    )


def test_the_assessment_is_recorded_on_the_actions_page_and_refused_on_its_field(world):
    w = world
    fine = _sued_and_fined(w)
    web = Client()
    web.force_login(w["inspector"])
    page = web.get(reverse("legal:action_detail", args=[fine.pk])).content.decode()
    assert 'data-testid="assess-form"' in page
    url = reverse("legal:action_act", args=[fine.pk])
    refused = web.post(url, {"step": "assess", "outcome": "confirmed", "reasoning": "起诉后罚款"})
    assert refused.status_code == 400 and 'data-field="answerable"' in refused.content.decode()
    assert "起诉后罚款" in refused.content.decode()  # what was typed is kept
    done = web.post(
        url, {"step": "assess", "outcome": "confirmed", "reasoning": "起诉后罚款", "answerable": "某科科长"}
    )
    assert done.status_code == 302
    page = web.get(reverse("legal:action_detail", args=[fine.pk])).content.decode()
    assert 'data-testid="retaliation-assessment"' in page and 'data-testid="assess-form"' not in page
    flags_page = web.get(reverse("legal:flags")).content.decode()
    assert 'data-testid="flag-assessed"' in flags_page and "某科科长" in flags_page
    mine = Client()
    mine.force_login(w["enterprise_user"])
    page = mine.get(reverse("legal:action_detail", args=[fine.pk])).content.decode()
    assert "某科科长" not in page  # the enterprise does not read who was found answerable
    api = web.get("/api/v1/legal/flags").json()
    assert {
        row["assessment"] for row in api if row["action_id"] == fine.pk and row["code"] == "retaliation"
    } == {"confirmed"}


def test_a_refused_objection_or_answer_comes_back_as_typed(world):
    """An enterprise's objection past its limit (or a body's answer to one) was refused with an empty
    text area: everything typed was gone."""
    from qinqing.core import limits

    w = world
    fine = _register(w, amount="20000", details="未按规定公示年报")
    mine = Client()
    mine.force_login(w["enterprise_user"])
    too_long = "罚款没有法律依据，" * (limits.REASON // 9 + 1)
    response = mine.post(reverse("legal:action_act", args=[fine.pk]), {"step": "object", "text": too_long})
    assert response.status_code == 400 and too_long in response.content.decode()
    objection = services.objection_raise(action=fine, text="罚款没有法律依据", actor=w["enterprise_user"])
    body = Client()
    body.force_login(w["handler"])
    answer = "依据《企业信息公示暂行条例》。" * (limits.REPORT // 15 + 1)
    response = body.post(reverse("legal:action_act", args=[fine.pk]),
                         {"step": "answer", "objection": objection.pk, "answer": answer})
    assert response.status_code == 400 and answer in response.content.decode()
