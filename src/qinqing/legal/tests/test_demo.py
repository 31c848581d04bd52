from io import StringIO

import pytest
from django.core.management import call_command

from qinqing.core import audit
from qinqing.core.demo import create_demo_accounts
from qinqing.directory.demo import generate_demo
from qinqing.legal import selectors
from qinqing.legal.models import Action, ObligationAlert

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_kind_of_flag_and_an_overdue_obligation(workday_calendar, settings):
    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("legal_demo", stdout=StringIO())
    codes = {flag.code for flag in selectors.flags_of(Action.objects.all())}
    assert codes == {"no_basis", "repeated", "past_term", "retaliation"}
    assert ObligationAlert.objects.count() == 1
    call_command("legal_demo", stdout=StringIO())  # a second run adds nothing
    assert Action.objects.count() == 6
    assert audit.verify_chain().ok
