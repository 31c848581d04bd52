from io import StringIO

import pytest
from django.core.management import call_command

from qinqing.core import audit
from qinqing.core.demo import create_demo_accounts
from qinqing.directory.demo import generate_demo
from qinqing.tolerance import selectors
from qinqing.tolerance.models import Status, ToleranceRequest

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_request_in_each_state_and_a_published_clearing_notice(workday_calendar, settings):
    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("tolerance_demo", stdout=StringIO())
    statuses = sorted(ToleranceRequest.objects.values_list("status", flat=True))
    assert statuses == sorted([Status.SUBMITTED, Status.ACCEPTED, Status.FILED])
    assert selectors.clearings().count() == 1
    call_command("tolerance_demo", stdout=StringIO())  # a second run adds nothing
    assert ToleranceRequest.objects.count() == 3
    # the organisation department's demo account (区委组织部) finds the filed conclusion, and its notice
    from django.contrib.auth import get_user_model

    org = get_user_model().objects.get(username="orgdept")
    filed = ToleranceRequest.objects.get(status=Status.FILED)
    assert filed.organisation_department.name == "区委组织部"
    assert list(selectors.filings(org)) == [filed]
    assert filed.notices.filter(recipient=org, kind="filed").exists()
    assert audit.verify_chain().ok
