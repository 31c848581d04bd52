"""Fault tolerance and correction (article 22): four steps, the checklist, time limits, the case factor."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.tolerance import selectors, services
from qinqing.tolerance.models import Alert, CaseFactor, Determination, Status, ToleranceRequest

pytestmark = pytest.mark.django_db

YES = {
    "trial": True,
    "trial_evidence": "首次试点，无先例可循（会议纪要）",
    "exploration": True,
    "exploration_evidence": "上级当时未明令禁止（文件清单）",
    "unintended": True,
    "unintended_evidence": "为推动项目落地，无个人利益（审计报告）",
    "lawful_process": True,
    "public_interest": True,
    "no_private_gain": True,
    "prompt_correction": True,
}


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-29 10:00")  # a Tuesday before the 2026 National Day holiday (1–7 October)
    unit = directory.make_unit(name="区发改局")
    org = directory.make_unit(name="区委组织部")
    discipline = directory.make_unit(name="区纪委监委")
    official_user = make_user(Role.OFFICIAL)
    official = directory.make_official(unit=unit, name="李明", position="科长", user=official_user)
    colleague_user = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=unit, name="王芳", user=colleague_user)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="insp")
    directory.make_official(unit=discipline, name="赵磊", user=inspector)
    return official_user, official, colleague_user, inspector, org


def _submit(official_user, official, **extra):
    values = {
        "official": official,
        "submitter": "official",
        "matter": "先行先试审批改革",
        "facts": "在审批改革试点中简化了一项程序",
        "evidence": "会议纪要、请示批复",
    }
    values.update(extra)
    return services.request_submit(actor=official_user, **values)


def _case(inspector):
    from qinqing.supervision import services as supervision

    report, _code = supervision.report_submit(
        text="反映某科长违规简化审批程序",
        category="inaction",
        real_name=False,
        rate_limited=False,
        subject_text="区发改局某科长",
    )
    supervision.assign(report=report, inspector=inspector, actor=inspector)
    supervision.report_accept(report=report, actor=inspector)
    supervision.report_dispose(report=report, disposal="preliminary", actor=inspector)
    supervision.report_conclude(report=report, finding="partly", conclusion="部分属实", actor=inspector)
    supervision.report_open_case(report=report, actor=inspector)
    report.refresh_from_db()
    return report


def test_time_limits_count_working_days_across_national_day(office, frozen_clock):
    official_user, official, _colleague, inspector, _org = office
    row = _submit(official_user, official)
    # 5 working days from Tuesday 29 September: 30 September, 8, 9, the make-up Saturday 10, 12 October
    assert row.step_due == datetime.date(2026, 10, 12)
    services.time_limits_update(
        accept_days=2, deliberate_days=3, determine_days=10, revisit_days=60, actor=inspector
    )
    second = _submit(official_user, official, matter="另一事项")
    assert second.step_due == datetime.date(2026, 10, 8)  # 30 September, then 8 October
    frozen_clock("2026-09-30 10:00")
    services.request_accept(request=second, actor=inspector)
    second.refresh_from_db()
    assert second.step_due == datetime.date(2026, 10, 10)  # 8, 9 and the make-up Saturday

    # the daily job records what is past its limit, once per step and due date
    assert in_english(services.overdue_alerts, datetime.date(2026, 10, 12)).startswith("1 overdue")
    assert in_english(services.overdue_alerts, datetime.date(2026, 10, 12)).startswith("0 overdue")
    alert = Alert.objects.get()
    assert alert.request_id == second.pk and alert.due == datetime.date(2026, 10, 10)
    # the first now
    assert in_english(services.overdue_alerts, datetime.date(2026, 10, 13)).startswith("1 overdue")
    assert Alert.objects.count() == 2
    frozen_clock("2026-10-13 10:00")
    assert selectors.statistics()["overdue"] == 2
    with pytest.raises(ServiceError) as refused:
        services.time_limits_update(
            accept_days=0, deliberate_days=3, determine_days=10, revisit_days=60, actor=inspector
        )
    assert refused.value.field == "accept_days"
    with pytest.raises(PermissionDeniedError):
        services.time_limits_update(
            accept_days=3, deliberate_days=3, determine_days=10, revisit_days=60, actor=official_user
        )


def test_submission_to_determination_with_the_checklist_and_the_case_factor(office, frozen_clock):
    official_user, official, colleague, inspector, org = office
    case = _case(inspector)
    row = services.request_submit(
        actor=colleague,
        official=official,
        submitter="unit",
        matter="先行先试审批改革",
        facts="在审批改革试点中简化了一项程序",
        evidence="会议纪要",
    )
    assert row.number.startswith("容错〔2026〕") and row.status == Status.SUBMITTED
    with pytest.raises(PermissionDeniedError):
        services.request_accept(request=row, actor=official_user)
    services.request_link_case(request=row, case_number=case.number, actor=inspector)
    services.request_accept(request=row, actor=inspector)

    # the checklist: every item answered, every distinction with its evidence
    incomplete = {k: v for k, v in YES.items() if k != "exploration"}
    with pytest.raises(ServiceError) as refused:
        services.request_deliberate(request=row, answers=incomplete, actor=inspector)
    assert refused.value.field == "exploration"
    with pytest.raises(ServiceError) as refused:
        services.request_deliberate(request=row, answers={**YES, "unintended_evidence": " "}, actor=inspector)
    assert refused.value.field == "unintended_evidence"
    # one distinction on the wrong side: only "not tolerated" is possible
    services.request_deliberate(
        request=row, answers={**YES, "exploration": False}, notes="上级已有禁令", actor=inspector
    )
    row.refresh_from_db()
    assert row.status == Status.DELIBERATED and not services.may_tolerate(row)
    assert [item["value"] for item in row.checklist()] == [True, False, True, True, True, True, True]
    with pytest.raises(ConflictError) as refused:
        services.request_determine(request=row, determination="exempted", reasons="免责", actor=inspector)
    assert refused.value.code == "not_tolerable"
    row.refresh_from_db()
    assert row.status == Status.DELIBERATED and not CaseFactor.objects.exists()  # nothing written
    services.request_determine(
        request=row, determination="not_tolerated", reasons="明知禁令仍继续推进", actor=inspector
    )
    factor = CaseFactor.objects.get(request=row)
    assert factor.case_id == case.pk and factor.determination == Determination.NOT_TOLERATED
    assert selectors.case_factors(case) == [factor]
    assert AuditEvent.objects.filter(action="tolerance.casefactor.record").count() == 1
    # the case's own page in supervision shows the determination to its assigned inspector
    web = Client()
    web.force_login(inspector)
    page = web.get(reverse("supervision:report_detail", args=[case.pk])).content.decode()
    assert "tolerance-factors" in page and "明知禁令仍继续推进" in page
    with pytest.raises(ConflictError):  # no clearing before filing, none for not tolerated
        services.request_publish_clearing(request=row, text="澄清", actor=inspector)
    services.request_file(request=row, organisation_department=org, actor=inspector)
    row.refresh_from_db()
    with pytest.raises(ConflictError) as refused:
        services.request_publish_clearing(request=row, text="澄清", actor=inspector)
    assert refused.value.code == "not_cleared"
    assert audit.verify_chain().ok


def test_an_exempted_official_is_cleared_filed_and_revisited(
    office, frozen_clock, django_capture_on_commit_callbacks
):
    official_user, official, _colleague, inspector, org = office
    row = _submit(official_user, official)
    services.request_accept(request=row, actor=inspector)
    services.request_deliberate(request=row, answers=YES, actor=inspector)
    services.request_determine(
        request=row, determination="exempted", reasons="符合三个区分开来", actor=inspector
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_file(request=row, organisation_department=org, actor=inspector)
    row.refresh_from_db()
    assert row.status == Status.FILED and row.filed_on == datetime.date(2026, 9, 29)
    assert row.revisit_due is not None and row.revisit_due > row.filed_on
    from django_q.models import Schedule

    assert Schedule.objects.filter(name="qinqing-at:tolerance.revisit").exists()
    services.request_publish_clearing(
        request=row, text="经审查，李明同志依规免责，特此澄清。", actor=inspector
    )
    public = Client().get(reverse("tolerance:clearing_public", args=[row.pk]))
    assert public.status_code == 200 and "特此澄清" in public.content.decode()
    assert in_english(services.revisit_due).startswith("0")
    assert in_english(services.overdue_alerts, row.revisit_due).endswith("1 revisit(s) due recorded")
    services.request_revisit(request=row, note="回访：工作状态良好", actor=inspector)
    with pytest.raises(ConflictError):
        services.request_revisit(request=row, note="again", actor=inspector)
    stats = selectors.statistics()
    assert stats["clearings"] == 1 and stats["revisits_done"] == 1


def test_an_official_submits_only_for_themselves_and_sees_only_their_own(office, make_user):
    official_user, official, colleague, inspector, _org = office
    other_unit = directory.make_unit(name="区商务局")
    stranger_user = make_user(Role.OFFICIAL)
    stranger = directory.make_official(unit=other_unit, name="孙强", user=stranger_user)
    with pytest.raises(ServiceError) as refused:
        _submit(official_user, stranger)
    assert refused.value.code == "not_own"
    with pytest.raises(ServiceError):
        services.request_submit(
            actor=colleague, official=stranger, submitter="unit", matter="x", facts="x", evidence="x"
        )
    with pytest.raises(ServiceError) as refused:
        _submit(official_user, official, facts="长" * 20000)
    assert refused.value.code == "too_long" and refused.value.field == "facts"
    row = _submit(official_user, official)
    web = Client()
    web.force_login(stranger_user)
    assert web.get(reverse("tolerance:request_detail", args=[row.pk])).status_code == 404
    web.force_login(official_user)
    assert web.get(reverse("tolerance:request_detail", args=[row.pk])).status_code == 200
    assert ToleranceRequest.objects.count() == 1


def test_the_pages_walk_a_request_through_the_four_steps(office, frozen_clock):
    official_user, official, _colleague, inspector, org = office
    web = Client()
    web.force_login(official_user)
    response = web.post(
        reverse("tolerance:request_new"),
        {
            "submitter": "official",
            "official": official.pk,
            "matter": "先行先试",
            "facts": "事实",
            "evidence": "证据",
        },
    )
    assert response.status_code == 302
    row = ToleranceRequest.objects.get()
    refused = web.post(reverse("tolerance:request_act", args=[row.pk]), {"action": "accept"})
    assert refused.status_code == 403
    web.force_login(inspector)
    act = reverse("tolerance:request_act", args=[row.pk])
    assert web.post(act, {"action": "accept"}).status_code == 302
    answers = {k: ("yes" if v is True else v) for k, v in YES.items()}
    bad = web.post(act, {"action": "deliberate", **{**answers, "trial_evidence": ""}})
    assert bad.status_code == 400
    assert web.post(act, {"action": "deliberate", **answers}).status_code == 302
    assert (
        web.post(act, {"action": "determine", "determination": "lighter", "reasons": "从轻"}).status_code
        == 302
    )
    assert web.post(act, {"action": "file", "organisation_department": org.pk}).status_code == 302
    row.refresh_from_db()
    assert row.status == Status.FILED and row.determination == "lighter"
    page = web.get(reverse("tolerance:request_detail", args=[row.pk])).content.decode()
    assert "区委组织部" in page
    assert web.get(reverse("tolerance:statistics")).status_code == 200
    assert web.get("/api/v1/tolerance/statistics").json()["total"] == 1


@pytest.mark.parametrize("typed", ["abc", "26", "99999999999999999999", "1999", "2101"])
def test_a_year_that_is_not_one_is_refused_naming_the_field_not_read_as_every_year(office, typed):
    _official_user, _official, _colleague, inspector, _org = office
    web = Client()
    web.force_login(inspector)
    web.cookies["django_language"] = "en"
    response = web.get(reverse("tolerance:statistics"), {"year": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="year"' in page and "four digits between 2000 and 2100" in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert web.get(reverse("tolerance:statistics"), {"year": "2026"}).status_code == 200
    assert web.get(reverse("tolerance:statistics")).status_code == 200
