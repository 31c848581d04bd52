"""The conduct demo (issue 20: demo data like a real district's): the demo leader has requests
to decide, with findings of each severity; an approval letter and a gift receipt exist."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from qinqing.core.audit import verify_chain
from qinqing.core.demo import create_demo_accounts
from qinqing.directory.demo import generate_demo

from ..models import ActivityRequest, ActivityStatus, ApprovalLetter, GiftRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(workday_calendar, settings):
    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=8, seed=7)


def test_the_leader_finds_requests_violations_first_and_a_letter_and_a_receipt_exist(demo, client):
    call_command("conduct_demo", stdout=StringIO())
    assert ActivityRequest.objects.filter(status=ActivityStatus.SUBMITTED).count() == 3
    assert ApprovalLetter.objects.count() == 1
    assert GiftRecord.objects.exclude(receipt_number="").count() == 1
    assert GiftRecord.objects.filter(receipt_number="").count() == 1
    assert verify_chain().ok

    client.force_login(get_user_model().objects.get(username="leader"))
    html = client.get(reverse("conduct:approvals")).content.decode()
    rows = re.findall(r'data-testid="approval-findings">(.*?)</ul>', html, re.S)
    assert len(rows) == 2 and html.count("各项规则均已通过") == 1, (
        "two with findings, the work meal within the standard passes every rule")
    first = re.findall(r'class="finding-(\w+)"', rows[0])
    assert first[0] == "violation" and "超过" in rows[0], "the dinner over the standard comes first"
    assert 'data-testid="approval-finding-cost_near_limit"' in html  # the warning of the business event

    call_command("conduct_demo", stdout=StringIO())  # a second run adds nothing
    assert ActivityRequest.objects.count() == 4 and GiftRecord.objects.count() == 2
