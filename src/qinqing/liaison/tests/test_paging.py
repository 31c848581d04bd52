"""Nothing lost: the meetings, the decisions, an enterprise's meetings, the communication meetings and the
reminders are paged (50 a page), never cut."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.liaison.models import Decision, Meeting, MeetingInvitation, MeetingKind, Reminder, ReminderKind

pytestmark = pytest.mark.django_db
MANY = 53  # more than one page of 50


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=directory.make_unit(name="区人民政府"), name="杨帆", user=staff)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    member = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=member, enterprise=enterprise)
    return {"staff": staff, "member": member, "enterprise": enterprise,
            "federation": make_user(Role.FEDERATION_STAFF)}


def _split(user, name, labels: list[str]) -> None:
    """50 of ``labels`` on the first page with a link to the second, the rest (and only they) there."""
    client = Client()
    client.force_login(user)
    first = client.get(reverse(name)).content.decode()
    second = client.get(reverse(name), {"page": 2}).content.decode()
    on_first = {label for label in labels if label in first}
    assert len(on_first) == 50 and 'data-testid="pager"' in first and "?page=2" in first
    assert {label for label in labels if label in second} == set(labels) - on_first


def test_every_meeting_is_reachable_on_each_list(world):
    meetings = Meeting.objects.bulk_create(
        Meeting(kind=MeetingKind.COMMUNICATION, title=f"座谈{n:03d}", scheduled_on=datetime.date(2026, 11, 2),
                created_by=world["staff"], created_at=clock.now())
        for n in range(MANY)
    )
    MeetingInvitation.objects.bulk_create(
        MeetingInvitation(meeting=meeting, enterprise=world["enterprise"]) for meeting in meetings
    )
    labels = [f"座谈{n:03d}" for n in range(MANY)]
    _split(world["staff"], "liaison:meetings", labels)
    _split(world["member"], "liaison:my_meetings", labels)
    _split(world["federation"], "liaison:communication", labels)


def test_every_decision_is_reachable(world):
    Decision.objects.bulk_create(
        Decision(title=f"决策{n:03d}", summary="涉企", created_by=world["staff"], created_at=clock.now())
        for n in range(MANY)
    )
    _split(world["staff"], "liaison:decisions", [f"决策{n:03d}" for n in range(MANY)])


def test_every_reminder_is_reachable(world):
    Reminder.objects.bulk_create(
        Reminder(recipient=world["staff"], kind=ReminderKind.FREQUENCY, due=datetime.date(2026, 12, 1),
                 detail=f"提醒{n:03d}", key=f"k{n}", created_at=clock.now())
        for n in range(MANY)
    )
    _split(world["staff"], "liaison:reminders", [f"提醒{n:03d}" for n in range(MANY)])
