from io import StringIO

import pytest
from django.core.management import call_command

from qinqing.core.demo import create_demo_accounts
from qinqing.directory.demo import generate_demo
from qinqing.liaison import selectors
from qinqing.liaison.models import Decision, DecisionStatus, MeetingProblem, Opinion

pytestmark = pytest.mark.django_db


def test_the_demo_shows_coverage_gaps_a_roundtable_appeal_and_the_federations_opinion(
    workday_calendar, settings
):
    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("liaison_demo", stdout=StringIO())
    data = selectors.coverage()
    assert data["leaders"] and data["leaders_without"] and data["enterprises_without"]
    assert MeetingProblem.objects.get().appeal.channel == "roundtable"
    assert Opinion.objects.filter(author__username="federation").count() == 2
    assert (
        Decision.objects.filter(status=DecisionStatus.ADOPTED, feedback_published_at__isnull=False).count()
        == 1
    )
    call_command("liaison_demo", stdout=StringIO())  # a second run adds nothing
    assert MeetingProblem.objects.count() == 1
