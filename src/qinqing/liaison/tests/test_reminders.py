"""Liaison reminders on working days (articles 7 and 9) and the visit frequency against the responsibility
lists (article 7)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core import calendar
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.liaison import jobs, selectors, services
from qinqing.liaison.models import MeetingKind, Reminder, ReminderKind, Scope, VisitPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-01-05 10:00")
    organ = directory.make_unit(name="区人民政府")
    bureau = directory.make_unit(name="区商务局")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=organ, name="杨帆", user=staff)
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="何琳", user=handler)
    leader_user = make_user(Role.DISTRICT_LEADER)
    official = directory.make_official(unit=organ, name="陈静", position="常务副区长", user=leader_user)
    other = directory.make_official(unit=organ, name="周明", position="副区长")
    key = directory.make_enterprise(name="示范区恒通科技有限公司", is_key_enterprise=True)
    leader = services.leader_add(official=official, actor=staff)
    services.leader_add(official=other, actor=staff)
    return {
        "staff": staff,
        "handler": handler,
        "leader_user": leader_user,
        "leader": leader,
        "bureau": bureau,
        "key": key,
        "clock": frozen_clock,
    }


def _promise(office, *, visits, period, year=2026):
    row = services.list_create(
        leader=office["leader"],
        year=year,
        title=f"{year}年帮扶责任清单",
        content="定期走访联系企业",
        visits_per_period=visits,
        visit_period=period,
        actor=office["staff"],
    )
    return services.list_publish(responsibility_list=row, scope=Scope.PUBLIC, actor=office["staff"])


def _visit(office, day: str, *, hold=True):
    meeting = services.meeting_schedule(
        kind=MeetingKind.VISIT,
        title=f"走访 {day}",
        scheduled_on=datetime.date.fromisoformat(day),
        leader=office["leader"],
        enterprises=[office["key"]],
        actor=office["staff"],
    )
    if hold:
        services.meeting_hold(
            meeting=meeting, minutes="了解企业用工需求", held_on=meeting.scheduled_on, actor=office["staff"]
        )
    return meeting


def test_the_frequency_page_compares_visits_held_with_the_promise_and_flags_the_shortfall(office):
    clock = office["clock"]
    _promise(office, visits=2, period=VisitPeriod.QUARTER)
    clock("2026-02-11 10:00")
    _visit(office, "2026-02-10")
    clock("2026-05-21 10:00")
    _visit(office, "2026-05-20")
    _visit(office, "2026-06-18", hold=False)  # scheduled in Q2, held later in Q2
    clock("2026-06-19 10:00")
    meeting = services.meeting_schedule(
        kind=MeetingKind.ROUNDTABLE,
        title="企业恳谈会",
        scheduled_on=datetime.date(2026, 6, 19),
        leader=office["leader"],
        enterprises=[office["key"]],
        actor=office["staff"],
    )
    services.meeting_hold(meeting=meeting, minutes="听取意见", actor=office["staff"])  # a roundtable counts
    clock("2026-11-30 10:00")

    rows = {row.leader.pk: row for row in selectors.visit_frequency(2026, datetime.date(2026, 11, 30))}
    row = rows[office["leader"].pk]
    # Q2: the visit of 20 May and the roundtable count; the visit never recorded as held does not
    assert [(p.start.month, p.required, p.made) for p in row.periods] == [
        (1, 2, 1),
        (4, 2, 2),
        (7, 2, 0),
        (10, 2, 0),
    ]
    assert (row.due_so_far, row.made_so_far, row.shortfall, row.periods_short) == (6, 3, 3, 2)
    assert row.current.start == datetime.date(2026, 10, 1) and row.flagged
    other = next(r for pk, r in rows.items() if pk != office["leader"].pk)
    assert other.promise is None and other.flagged  # no published list promising visits

    client = Client()
    client.force_login(office["staff"])
    page = client.get(reverse("liaison:frequency")).content.decode()
    assert "陈静" in page and "周明" in page
    assert f'data-testid="frequency-row-{office["leader"].pk}" class="flagged"' in page
    refused = client.get(reverse("liaison:frequency"), {"year": "1999"})
    assert refused.status_code == 400 and 'data-field="year"' in refused.content.decode()


def test_a_leader_who_keeps_the_promise_is_not_flagged(office):
    clock = office["clock"]
    _promise(office, visits=1, period=VisitPeriod.MONTH)
    for day in ("2026-01-06", "2026-02-10", "2026-03-10"):
        clock(f"{day} 10:00")
        _visit(office, day)
    row = next(
        r
        for r in selectors.visit_frequency(2026, datetime.date(2026, 3, 20))
        if r.leader.pk == office["leader"].pk
    )
    assert (row.due_so_far, row.made_so_far, row.shortfall) == (2, 2, 0)
    assert row.current.made == 1 and not row.flagged


def test_reminders_are_written_on_working_days_only_and_count_working_days_across_the_national_day_holiday(
    office,
):
    clock = office["clock"]
    staff, handler, leader_user = office["staff"], office["handler"], office["leader_user"]
    _promise(office, visits=1, period=VisitPeriod.QUARTER)
    clock("2026-09-28 10:00")  # Monday; Q3 ends on Wednesday 30 September, no visit held in it
    missed = _visit(office, "2026-09-29", hold=False)
    communication = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION,
        title="政企沟通会",
        scheduled_on=datetime.date(2026, 9, 28),
        actor=staff,
    )
    services.meeting_hold(meeting=communication, minutes="议定事项", actor=staff)
    follow_up = services.follow_up_add(
        meeting=communication,
        task="梳理企业用地需求",
        unit=office["bureau"],
        due_on=datetime.date(2026, 10, 9),
        actor=staff,
    )

    jobs.reminders()
    kinds = set(Reminder.objects.values_list("recipient_id", "kind"))
    assert kinds == {(leader_user.pk, ReminderKind.FREQUENCY)}  # two working days left in the quarter
    # 9 October is four working days away (29, 30 September, 8, 9 October): not yet
    assert not Reminder.objects.filter(follow_up=follow_up).exists()

    clock("2026-09-30 10:00")
    assert calendar.add_workdays(datetime.date(2026, 9, 30), 3) > datetime.date(2026, 10, 9)
    jobs.reminders()
    due = Reminder.objects.filter(follow_up=follow_up, kind=ReminderKind.FOLLOW_UP_DUE)
    # counted in working days over the holiday; to the meeting's organiser and the unit's handler
    assert set(due.values_list("recipient_id", flat=True)) == {staff.pk, handler.pk}
    # the visit of 29 September was not recorded as held
    not_held = Reminder.objects.filter(meeting=missed, kind=ReminderKind.VISIT_NOT_HELD)
    assert set(not_held.values_list("recipient_id", flat=True)) == {staff.pk, leader_user.pk}

    before = Reminder.objects.count()
    clock("2026-10-05 10:00")  # the National Day holiday
    assert not calendar.is_workday(datetime.date(2026, 10, 5))
    assert "not a working day" in in_english(jobs.reminders)
    assert Reminder.objects.count() == before

    first_workday = next(
        datetime.date(2026, 10, day)
        for day in range(1, 12)
        if calendar.is_workday(datetime.date(2026, 10, day))
    )
    clock(f"{first_workday.isoformat()} 10:00")
    summary = in_english(jobs.reminders)
    short = Reminder.objects.filter(kind=ReminderKind.FREQUENCY, key__startswith="short:")
    # the second quarter was reminded as short on 28 September, the third once it had ended
    assert sorted(short.values_list("due", flat=True)) == [
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
    ]
    assert set(short.values_list("recipient_id", flat=True)) == {leader_user.pk}
    assert Reminder.objects.filter(kind=ReminderKind.FOLLOW_UP_DUE).count() == 2  # not given twice
    assert summary == "1 reminder(s), 4 already given"
    assert in_english(jobs.reminders).startswith("0 reminder(s)")  # once per person, item and date

    clock("2026-10-12 10:00")  # Monday: 9 October has passed and the task is not done
    jobs.reminders()
    overdue = Reminder.objects.filter(follow_up=follow_up, kind=ReminderKind.FOLLOW_UP_OVERDUE)
    assert set(overdue.values_list("recipient_id", flat=True)) == {staff.pk, handler.pk}
    services.follow_up_done(follow_up=follow_up, result="已梳理", actor=staff)
    clock("2026-10-13 10:00")
    count = Reminder.objects.count()
    jobs.reminders()
    assert Reminder.objects.filter(follow_up=follow_up).count() == 4 and Reminder.objects.count() == count

    assert AuditEvent.objects.filter(action="liaison.reminder.create").count() == Reminder.objects.count()
    as_handler = Client()
    as_handler.force_login(handler)
    page = as_handler.get(reverse("liaison:reminders")).content.decode()
    assert "梳理企业用地需求" in page and "政企沟通会" in page
    as_leader = Client()
    as_leader.force_login(leader_user)
    assert "陈静" in as_leader.get(reverse("liaison:reminders")).content.decode()


def test_the_warning_periods_are_the_administrators(office, make_user):
    """Both warnings are data (core.time_limits; defaults 10 and 3 working days): with the frequency warning
    at 1 the quarter's last two working days are not yet warned of, and with the follow-up warning at 4 a
    follow-up four working days away (29, 30 September, 8, 9 October) is."""
    from qinqing.core import time_limits

    clock, staff = office["clock"], office["staff"]
    admin = make_user(Role.ADMINISTRATOR)
    _promise(office, visits=1, period=VisitPeriod.QUARTER)
    clock("2026-09-28 10:00")
    communication = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION, title="政企沟通会", scheduled_on=datetime.date(2026, 9, 28),
        actor=staff,
    )
    services.meeting_hold(meeting=communication, minutes="议定事项", actor=staff)
    follow_up = services.follow_up_add(
        meeting=communication, task="梳理企业用地需求", unit=office["bureau"],
        due_on=datetime.date(2026, 10, 9), actor=staff,
    )
    time_limits.time_limit_set(actor=admin, key="liaison.frequency_warning", value=1)
    time_limits.time_limit_set(actor=admin, key="liaison.follow_up_warning", value=4)
    jobs.reminders()
    # the quarter ending on 30 September is not warned of yet (only the short second quarter is told)
    assert not Reminder.objects.filter(kind=ReminderKind.FREQUENCY, key__startswith="frequency:").exists()
    due = Reminder.objects.filter(follow_up=follow_up, kind=ReminderKind.FOLLOW_UP_DUE)
    assert set(due.values_list("recipient_id", flat=True)) == {staff.pk, office["handler"].pk}


def test_a_leader_without_a_login_is_counted_not_reminded(office):
    clock = office["clock"]
    other = next(leader for leader in selectors.leaders() if leader.pk != office["leader"].pk)
    row = services.list_create(
        leader=other,
        year=2026,
        title="清单",
        content="走访",
        visits_per_period=1,
        visit_period=VisitPeriod.YEAR,
        actor=office["staff"],
    )
    services.list_publish(responsibility_list=row, scope=Scope.INTERNAL, actor=office["staff"])
    clock("2026-12-28 10:00")
    summary = in_english(jobs.reminders)
    assert "no login account" in summary
    assert not Reminder.objects.filter(leader=other).exists()


def test_the_list_states_its_frequency_and_a_bad_one_is_refused(office):
    with pytest.raises(Exception) as refused:
        services.list_create(
            leader=office["leader"],
            year=2026,
            title="清单",
            content="走访",
            visits_per_period=40,
            visit_period=VisitPeriod.MONTH,
            actor=office["staff"],
        )
    assert refused.value.field == "visits_per_period"
    client = Client()
    client.force_login(office["staff"])
    url = reverse("liaison:list_create", kwargs={"pk": office["leader"].pk})
    response = client.post(
        url,
        {"year": 2026, "title": "清单", "content": "走访", "visits_per_period": 2, "visit_period": "quarter"},
    )
    assert response.status_code == 302
    page = client.get(reverse("liaison:leader_detail", kwargs={"pk": office["leader"].pk})).content.decode()
    assert 'data-testid="list-frequency"' in page


def test_a_leader_with_a_mobile_number_is_also_sent_the_reminder_by_sms(office, settings):
    from django.utils.translation import override

    from qinqing.appeals.models import Notification, NotificationStatus
    from qinqing.directory import services as directory_services

    settings.APPEALS_DELIVER_ON_COMMIT = False  # the outbox row stays queued for the worker
    clock = office["clock"]
    directory_services.person_update(
        person=office["leader"].official.person, phone="13800138000", actor=office["staff"]
    )
    _promise(office, visits=1, period=VisitPeriod.QUARTER)
    clock("2026-03-27 10:00")  # the first quarter ends within 10 working days, no visit held
    missed = _visit(office, "2026-03-30", hold=False)
    clock("2026-03-31 10:00")
    jobs.reminders()
    to_leader = Reminder.objects.filter(recipient=office["leader_user"])
    assert {r.kind for r in to_leader} == {ReminderKind.FREQUENCY, ReminderKind.VISIT_NOT_HELD}
    for reminder in to_leader:
        assert reminder.notification.channel == "sms" and reminder.notification.recipient == "13800138000"
        assert reminder.notification.status == NotificationStatus.QUEUED
    to_staff = Reminder.objects.get(recipient=office["staff"], meeting=missed)
    assert to_staff.notification is None  # no mobile number on file: in the application only
    assert Notification.objects.filter(channel="sms").count() == 2
    as_leader = Client()
    as_leader.force_login(office["leader_user"])
    page = as_leader.get(reverse("liaison:reminders")).content.decode()
    with override("zh-hans"):
        assert page.count(f'<td data-testid="reminder-sms">{NotificationStatus.QUEUED.label}</td>') == 2
