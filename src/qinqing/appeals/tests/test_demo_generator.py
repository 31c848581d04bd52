"""The demo appeals generator writes valid, audited appeals in a state the workflow can reach."""

import datetime

import pytest
from django.core.management import call_command

from qinqing.appeals.demo import generate_appeals
from qinqing.appeals.intake.services import TRACKING_NUMBERS
from qinqing.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    Escalation,
    Level,
    Rating,
    Status,
    Track,
)
from qinqing.appeals.workflow.sweep import run_sweep
from qinqing.core import numbering
from qinqing.core.audit import verify_chain
from qinqing.core.errors import ServiceError
from qinqing.directory.demo import generate_demo

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 10)


@pytest.fixture
def district(workday_calendar):
    generate_demo(scale=40, seed=7)


def test_generates_exactly_the_count_with_a_realistic_mix_and_a_verifiable_chain(district):
    summary = generate_appeals(count=400, seed=3, as_of=AS_OF)

    assert Appeal.objects.count() == summary.count == 400
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.RATED, Status.REPLIED, Status.MERGED} <= statuses
    assert len(set(Appeal.objects.values_list("channel", flat=True))) >= 5
    assert set(Appeal.objects.exclude(track="").values_list("track", flat=True)) == set(Track.values)
    assert Rating.objects.exists() and Escalation.objects.exists()
    assert verify_chain().ok


def test_the_pool_is_as_the_daily_sweep_left_it(district):
    generate_appeals(count=600, seed=5, as_of=AS_OF)

    open_appeals = Appeal.objects.filter(status__in=OPEN_STATUSES)
    overdue = open_appeals.filter(due_at__lt=AS_OF)
    assert overdue.exists()
    assert not overdue.filter(level=Level.UNIT).exists()
    assert not overdue.filter(supervised_on__isnull=True).exists()
    assert not Appeal.objects.filter(status=Status.MERGED, merged_into__isnull=True).exists()
    assert not Appeal.objects.filter(received_at__date__gt=AS_OF).exists()
    # Sweeping the same day again changes nothing that was overdue already.
    result = run_sweep(today=AS_OF)
    assert not result.supervised and not result.raised
    assert verify_chain().ok


def test_tracking_numbers_continue_after_the_generated_ones(district):
    generate_appeals(count=100, seed=1, as_of=AS_OF)

    last_number = (
        Appeal.objects.filter(received_at__date=AS_OF)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    if last_number:
        assert numbering.last_values(TRACKING_NUMBERS)[f"{AS_OF:%Y%m%d}"] == int(last_number[-6:])
    assert Appeal.objects.values("tracking_number").distinct().count() == 100


def test_refuses_without_the_demo_district(workday_calendar):
    with pytest.raises(ServiceError):
        generate_appeals(count=10, as_of=AS_OF)


def test_command_prints_a_summary(district, capsys):
    call_command("appeals_demo", "--count", "50", "--seed", "2", "--as-of", AS_OF.isoformat())

    assert "demo appeals: 50 appeals as of 2026-06-10" in capsys.readouterr().out
