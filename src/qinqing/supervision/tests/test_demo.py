"""The supervision demo gives the inspector account reports in every state; the chain still verifies."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from qinqing.core import audit
from qinqing.core.demo import create_demo_accounts
from qinqing.directory.demo import generate_demo
from qinqing.supervision import selectors
from qinqing.supervision.models import Report, Status

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_inspector_reports_in_every_state(frozen_clock, workday_calendar):
    frozen_clock("2026-11-30 10:00")
    create_demo_accounts()
    generate_demo(scale=40, seed=7)
    call_command("supervision_demo", verbosity=0)
    inspector = get_user_model().objects.get(username="inspector")
    statuses = set(Report.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.VERIFYING,
        Status.CONCLUDED,
        Status.DECLINED,
        Status.CLOSED,
    } <= statuses
    assert selectors.queue(inspector, priority_only=True).count() == 2
    assert selectors.report_for(inspector, Report.objects.get(status=Status.CLOSED).pk).outcomes.count() == 1
    call_command("supervision_demo", verbosity=0)  # idempotent
    assert Report.objects.filter(channel__in=["web", "letter", "phone"]).count() == 6
    assert audit.verify_chain().ok
