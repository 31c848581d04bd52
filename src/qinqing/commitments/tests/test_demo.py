from io import StringIO

import pytest
from django.core.management import call_command

from qinqing.commitments.models import Attachment, Commitment, DeadlineNotice, Status

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state(workday_calendar, frozen_clock, settings, tmp_path):
    from qinqing.core.demo import create_demo_accounts
    from qinqing.directory.demo import generate_demo

    settings.DEMO = True
    settings.MEDIA_ROOT = tmp_path
    frozen_clock("2026-11-30 10:00")
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("commitments_demo", verbosity=0, stdout=StringIO())
    states = set(Commitment.objects.values_list("status", flat=True))
    assert {Status.IN_PROGRESS, Status.CHANGED, Status.FULFILLED, Status.REGISTERED} <= states
    assert Commitment.objects.filter(alerts__kind="overdue").exists()
    assert Attachment.objects.filter(public=True, commitment__scope="public").exists()
    assert DeadlineNotice.objects.exists()  # the handler was told
    call_command("commitments_demo", verbosity=0, stdout=StringIO())  # a second run changes nothing
    assert Commitment.objects.count() == 5
