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
    assert Action.objects.count() == 7  # six by the handler's bureau, one by the court
    assert audit.verify_chain().ok


def test_the_demo_court_account_sees_its_own_measure_and_the_case_it_tries(workday_calendar, settings):
    from django.contrib.auth import get_user_model

    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("legal_demo", stdout=StringIO())
    judicial = get_user_model().objects.get(username="judicial")
    own = list(selectors.actions(judicial))
    assert [(row.unit.name, row.subtype) for row in own] == [("示范区人民法院", "freeze")]
    case = selectors.cases(judicial).get()
    assert case.court_unit == own[0].unit and case.court_record and case.unit != case.court_unit
    assert selectors.is_court(judicial, case) and not selectors.is_party(judicial, case)
