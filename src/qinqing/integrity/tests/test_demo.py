"""The integrity demo gives the credit administrator real work: listings in force and expired, applications to decide."""  # noqa: E501

import pytest
from django.core.management import call_command

from qinqing.core import audit, clock
from qinqing.core.testing import make_user
from qinqing.directory.demo import generate_demo
from qinqing.integrity import selectors, services
from qinqing.integrity.models import Listing, ListingNotice

pytestmark = pytest.mark.django_db


def test_the_demo_district_has_listings_some_expired_and_work_to_decide(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    generate_demo(scale=60, seed=7)
    make_user("credit_administrator", username="credit")
    call_command("integrity_demo", verbosity=0)
    assert Listing.objects.count() >= 25
    assert selectors.listings(state="expired").count() == 6
    assert selectors.listings(state="in_force").count() >= 15
    assert selectors.pending_applications().count() == 2
    in_force = selectors.listings(state="in_force").filter(enterprise__isnull=False).first()
    assert services.is_enterprise_restricted(in_force.enterprise)
    expired = selectors.listings(state="expired").first()
    assert services.eligibility(uscc=expired.uscc).eligible
    # Letters to print for parties without a mobile number: work on the credit administrator's list.
    waiting = list(selectors.notices_waiting())
    assert waiting and all(n.state in ("to_print", "failed", "manual") for n in waiting)
    assert {n.listing.state_on(clock.today()) for n in waiting} <= {"in_force", "pending"}  # not expired
    # A listed head with a mobile number: the notice went to the appeals outbox as an SMS.
    sms = ListingNotice.objects.filter(channel="sms").select_related("notification")
    assert sms.count() == 1 and sms.get().notification.channel == "sms"
    assert audit.verify_chain().ok
