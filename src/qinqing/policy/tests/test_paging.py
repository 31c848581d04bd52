"""Nothing lost: the supporting measures, the reminders and the education activities are paged (50 a
page, the pager keeping the page's other parameters), never cut."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core import clock
from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role
from qinqing.policy import services
from qinqing.policy.models import (
    ActivityKind,
    EducationActivity,
    PolicyReminder,
    ReminderKind,
    SupportingMeasure,
)

pytestmark = pytest.mark.django_db
D = datetime.date
MANY = 53  # more than one page of 50

TEXT = """关于支持中小微企业融资担保的若干措施
第一条 健全政府性融资担保体系，降低担保费率。
"""


@pytest.fixture
def staff(make_user, frozen_clock):
    frozen_clock("2026-09-28 10:00")
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def document(db):
    found, _created = services.policy_import(
        raw_text=TEXT,
        source_name="guarantee.txt",
        actor=SystemActor("test"),
        series=None,
        level="municipal",
        issuing_body="某市人民政府",
    )
    return found


def _get(user, name, **query) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse(name), query).content.decode()


def test_every_supporting_measure_is_reachable_page_by_page(staff, document):
    SupportingMeasure.objects.bulk_create(
        SupportingMeasure(
            document=document, title=f"措施{n:03d}", due_on=D(2026, 12, 1), created_at=clock.now()
        )
        for n in range(MANY)
    )
    first = _get(staff, "policy:measures")
    assert sum(f"措施{n:03d}" in first for n in range(MANY)) == 50 and "?page=2" in first
    second = _get(staff, "policy:measures", page=2)
    assert {n for n in range(MANY) if f"措施{n:03d}" in second} == set(range(50, MANY))  # no overlap


def test_reminders_bounded_on_the_measures_page_with_a_link_to_every_one(staff, document):
    PolicyReminder.objects.bulk_create(
        PolicyReminder(recipient=staff, kind=ReminderKind.EXPIRY, document=document, due=D(2026, 10, 20),
                       key=f"expiry:{n}", created_at=clock.now())
        for n in range(101)
    )
    marker = 'data-testid="policy-reminder-expiry"'
    page = _get(staff, "policy:measures")
    assert page.count(marker) == 100 and 'data-testid="all-reminders"' in page
    every = _get(staff, "policy:measures", reminders="all")
    assert every.count(marker) == 50 and "?reminders=all&amp;page=2" in every
    assert _get(staff, "policy:measures", reminders="all", page=3).count(marker) == 1


def test_every_education_activity_is_reachable_page_by_page(staff):
    EducationActivity.objects.bulk_create(
        EducationActivity(kind=ActivityKind.PUBLICITY, held_on=D(2026, 9, 1), title=f"宣讲{n:03d}",
                          audience="民营企业负责人", content="政策宣讲", attendance=10, recorded_by=staff,
                          created_at=clock.now())
        for n in range(MANY)
    )
    first = _get(staff, "policy:education")
    assert sum(f"宣讲{n:03d}" in first for n in range(MANY)) == 50 and "?page=2" in first
    second = _get(staff, "policy:education", page=2)
    assert sum(f"宣讲{n:03d}" in second for n in range(MANY)) == MANY - 50
