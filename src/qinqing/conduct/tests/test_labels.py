"""Words with two meanings carry a context: a gift's giver is not a start date (赠送方, not 起始日期)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import services

pytestmark = pytest.mark.django_db


def test_gift_pages_name_the_giver_and_the_related_person_form_asks_for_a_persons_name(people, client):
    gift = services.gift_record(
        official=people.official,
        direction="received",
        kind="gift",
        value=Decimal("80"),
        occurred_on=timezone.localdate() - datetime.timedelta(days=1),
        disposition="pending",
        giver_enterprise=people.enterprise,
        actor=people.official_user,
    )
    gift = services.gift_hand_in(gift=gift, actor=people.inspector)
    client.force_login(people.official_user)
    for page in (reverse("conduct:gift_receipt", args=[gift.pk]), reverse("conduct:my_gifts")):
        text = client.get(page).content.decode()
        assert "赠送方" in text and "起始日期" not in text, page
    assert "姓名" in client.get(reverse("conduct:my_related_persons")).content.decode()
