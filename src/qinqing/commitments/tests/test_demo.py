from io import StringIO

import pytest
from django.core.management import call_command

from qinqing.commitments.models import Attachment, Commitment, DeadlineNotice, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(workday_calendar, frozen_clock, settings, tmp_path):
    """The demo accounts, a small generated district and the commitments demo, on 30 November 2026."""
    from qinqing.core.demo import create_demo_accounts
    from qinqing.directory.demo import generate_demo

    settings.DEMO = True
    settings.MEDIA_ROOT = tmp_path
    frozen_clock("2026-11-30 10:00")
    create_demo_accounts()
    generate_demo(scale=12, seed=3)
    call_command("commitments_demo", verbosity=0, stdout=StringIO())


def test_demo_loads_every_state(demo):
    states = set(Commitment.objects.values_list("status", flat=True))
    assert {Status.IN_PROGRESS, Status.CHANGED, Status.FULFILLED, Status.REGISTERED} <= states
    assert Commitment.objects.filter(alerts__kind="overdue").exists()
    assert Attachment.objects.filter(public=True, commitment__scope="public").exists()
    assert DeadlineNotice.objects.exists()  # the handler was told
    call_command("commitments_demo", verbosity=0, stdout=StringIO())  # a second run changes nothing
    assert Commitment.objects.count() == 5


def test_the_demo_enterprise_can_print_its_fund_decision_letter(demo):
    """A decided and published application in the demo: the ``enterprise`` account sees the letter's link on
    its support-funds page and the PDF opens (numbered; no seal while objections are taken)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from qinqing.commitments.models import ApplicationStatus, FundApplication
    from qinqing.core.models import AuditEvent
    from qinqing.core.testing import pdf_pages

    application = FundApplication.objects.get(status=ApplicationStatus.APPROVED)
    assert application.decision_number == "扶持决〔2026〕0001号"
    assert AuditEvent.objects.filter(action="commitments.fund_application.approve",
                                     object_id=str(application.pk)).exists()  # through the services
    client = Client()
    client.force_login(get_user_model().objects.get(username="enterprise"))
    url = reverse("commitments:fund_letter", args=[application.pk])
    assert url in client.get(reverse("commitments:funds_mine")).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(response.content))
    assert "扶持决〔2026〕0001号" in text and "中小企业数字化改造补助" in text and "380000" in text
