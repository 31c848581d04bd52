"""Article 19's plan of activities: an activity planned ahead, its organiser reminded three working days
before (across National Day) and again once the date has passed, until it is recorded as held — which
links the record and counts it in the yearly figures — or cancelled with the reason; an enterprise
account plans and acts on its own enterprise's integrity-culture work only."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.policy import jobs, selectors, services
from qinqing.policy.models import ActivityKind, PlannedActivity, PlanStatus, PolicyReminder, ReminderKind

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-25 10:00")  # a Friday; National Day's week follows
    federation = make_user(Role.FEDERATION_STAFF)
    unit = directory.make_unit(name="区工商业联合会")
    return federation, unit, frozen_clock


def _plan(actor, **values):
    defaults = {
        "kind": ActivityKind.PUBLICITY,
        "planned_on": D(2026, 10, 10),
        "title": "惠企政策宣讲会",
        "audience": "园区民营企业负责人",
        "unit": None,
    }
    return services.activity_plan(actor=actor, **{**defaults, **values})


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_plan_is_reminded_three_working_days_ahead_and_again_once_its_date_has_passed(people):
    federation, unit, clock = people
    plan = _plan(federation, unit=unit)  # Saturday 10 October is a make-up working day in 2026
    assert plan.status == PlanStatus.PLANNED
    assert AuditEvent.objects.filter(action="policy.plannedactivity.plan", object_id=str(plan.pk)).exists()

    jobs.reminders()  # Friday 25 September: three working days on is 30 September
    assert not PolicyReminder.objects.filter(plan=plan).exists()

    clock("2026-10-08 10:00")  # after the holiday: 9 and 10 October are the next working days
    jobs.reminders()
    soon = PolicyReminder.objects.get(plan=plan)
    assert (soon.kind, soon.recipient_id) == (ReminderKind.PLAN_SOON, federation.pk)
    assert soon.due == D(2026, 10, 10)
    jobs.reminders()
    assert PolicyReminder.objects.filter(plan=plan).count() == 1  # once

    clock("2026-10-12 10:00")
    jobs.reminders()
    unrecorded = PolicyReminder.objects.filter(plan=plan, kind=ReminderKind.PLAN_UNRECORDED)
    assert list(unrecorded.values_list("recipient_id", flat=True)) == [federation.pk]
    event = AuditEvent.objects.filter(action="policy.policyreminder.create").order_by("seq").last()
    assert event.details["article"] == "19"

    page = _client(federation).get(reverse("policy:education")).content.decode()
    assert 'data-testid="policy-reminder-plan_unrecorded"' in page
    assert f'href="#plan-{plan.pk}"' in page  # the reminder leads to its plan's row
    assert "惠企政策宣讲会" in page


def test_the_plan_is_reminded_as_many_working_days_ahead_as_the_administrator_set(people, make_user):
    """The reminder's working days are data (core.time_limits, default 3): set to 6, a plan for Saturday 10
    October (a make-up working day) is reminded on Thursday 24 September, across Mid-Autumn and National
    Day."""
    from qinqing.core import calendar, time_limits

    federation, unit, clock = people
    clock("2026-09-24 10:00")
    plan = _plan(federation, unit=unit)
    assert calendar.workdays_between(D(2026, 9, 24), plan.planned_on) == 6
    jobs.reminders()
    assert not PolicyReminder.objects.filter(plan=plan).exists()  # the default: three working days
    time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="policy.plan_warning", value=6)
    jobs.reminders()
    assert PolicyReminder.objects.get(plan=plan).kind == ReminderKind.PLAN_SOON


def test_recording_a_plan_as_held_links_the_record_and_ends_the_reminders(people):
    federation, unit, clock = people
    plan = _plan(federation, unit=unit)
    clock("2026-10-12 10:00")
    client = _client(federation)
    form = client.get(reverse("policy:education"), {"plan": plan.pk}).content.decode()
    assert f'name="plan" value="{plan.pk}"' in form and 'value="惠企政策宣讲会"' in form
    response = client.post(
        reverse("policy:education"),
        {
            "plan": plan.pk,
            "kind": ActivityKind.PUBLICITY,
            "held_on": "2026-10-10",
            "title": "惠企政策宣讲会",
            "audience": "园区民营企业负责人",
            "content": "解读减税降费和融资支持政策",
            "attendance": "86",
            "unit": unit.pk,
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.HELD and plan.activity.attendance == 86
    assert AuditEvent.objects.filter(action="policy.education_plan.hold", object_id=str(plan.pk)).exists()
    assert [row["count"] for row in selectors.activity_figures(federation)] == [1]
    jobs.reminders()
    assert not PolicyReminder.objects.filter(plan=plan).exists()
    with pytest.raises(ConflictError):
        services.plan_cancel(plan=plan, reason="改期", actor=federation)


def test_a_cancelled_plan_keeps_its_reason_and_a_refusal_names_the_field(people):
    federation, _unit, _clock = people
    plan = _plan(federation)
    client = _client(federation)
    url = reverse("policy:education_plan_cancel", args=[plan.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert 'data-field="reason"' in refused.content.decode()
    assert client.post(url, {"reason": "与区人大会议冲突，改期另行安排"}).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.cancel_reason) == (PlanStatus.CANCELLED, "与区人大会议冲突，改期另行安排")
    again = client.post(url, {"reason": "再次取消"})
    assert again.status_code == 409
    assert selectors.activity_figures(federation) == []  # a plan is not an activity held


def test_a_plan_is_for_today_or_later_and_its_texts_are_required(people):
    federation, _unit, _clock = people
    with pytest.raises(ServiceError) as past:
        _plan(federation, planned_on=D(2026, 9, 24))
    assert past.value.field == "planned_on"
    with pytest.raises(ServiceError) as far:
        _plan(federation, planned_on=D(2029, 1, 1))
    assert far.value.field == "planned_on"
    with pytest.raises(ServiceError) as untitled:
        _plan(federation, title=" ")
    assert untitled.value.field == "title"
    response = _client(federation).post(
        reverse("policy:education"),
        {"form": "plan", "plan-kind": ActivityKind.PUBLICITY, "plan-planned_on": "2026-09-01",
         "plan-title": "x", "plan-audience": "y"},
    )
    assert response.status_code == 400
    assert not PlannedActivity.objects.exists()


def test_an_enterprise_account_plans_its_own_integrity_culture_work_only(people, make_user):
    federation, _unit, _clock = people
    own, other = directory.make_enterprise(name="示范区恒通科技有限公司"), directory.make_enterprise()
    account = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=account, enterprise=own)
    mine = _plan(account, kind=ActivityKind.ENTERPRISE_CULTURE, enterprise=own, title="廉洁文化月")
    with pytest.raises(PermissionDeniedError):
        _plan(account, kind=ActivityKind.ENTERPRISE_CULTURE, enterprise=other)
    with pytest.raises(PermissionDeniedError):
        _plan(account, kind=ActivityKind.PUBLICITY, enterprise=own)
    theirs = _plan(federation, kind=ActivityKind.ENTERPRISE_CULTURE, enterprise=other, title="别家廉洁月")
    assert list(selectors.plans(account)) == [mine]
    client = _client(account)
    refused = client.post(reverse("policy:education_plan_cancel", args=[theirs.pk]), {"reason": "x"})
    assert refused.status_code == 404
    page = client.get(reverse("policy:education"), {"plan": theirs.pk}).content.decode()
    assert "别家廉洁月" not in page  # another enterprise's plan neither shown nor pre-filled
    with pytest.raises(PermissionDeniedError):
        services.plan_cancel(plan=theirs, reason="x", actor=account)
    cancelled = client.post(reverse("policy:education_plan_cancel", args=[mine.pk]), {"reason": "改期"})
    assert cancelled.status_code == 302


def test_on_the_provisional_years_last_days_a_plan_it_can_count_is_reminded_one_it_cannot_skipped(people):
    """2024–2026 loaded, 2027 provisional: on Wednesday 2027-12-29 the three working days ahead run into
    2028, which nothing covers, and the job failed whole. A plan for Friday 2027-12-31 (two working days
    on) is reminded; one for 2028-01-05 may or may not be within three working days: skipped, no reminder,
    and the run fails saying one record could not be counted and that 2028's notice must be loaded."""
    federation, unit, clock = people
    clock("2027-12-28 10:00")
    countable = _plan(federation, unit=unit, planned_on=D(2027, 12, 31))
    beyond = _plan(federation, unit=unit, planned_on=D(2028, 1, 5), title="新春政策宣讲会")
    clock("2027-12-29 10:00")
    with pytest.raises(ServiceError) as skipped:
        jobs.reminders()
    assert skipped.value.code == "calendar_year_not_loaded"
    assert (skipped.value.params["count"], skipped.value.params["year"]) == (1, 2028)
    soon = PolicyReminder.objects.get(plan=countable)
    assert (soon.kind, soon.recipient_id) == (ReminderKind.PLAN_SOON, federation.pk)
    assert soon.due == D(2027, 12, 31)
    assert not PolicyReminder.objects.filter(plan=beyond).exists()
