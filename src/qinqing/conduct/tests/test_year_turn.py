"""The related persons' annual confirmation at the year's turn (article 15): the year confirmed is
the year the official was shown, and the year is Beijing's."""

import pytest
from django.urls import reverse

from qinqing.conduct import selectors, services
from qinqing.conduct.models import AnnualConfirmation
from qinqing.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_the_confirmation_shown_before_midnight_and_sent_after_it_is_for_the_year_shown(
        people, client, frozen_clock):
    """The page opened at 23:58 on 31 December asks for 2026; sent at 00:01 it was recorded for 2027
    (the year the service read when the form arrived): 2026 stayed missing and 2027 was confirmed
    without the official having been asked about it."""
    frozen_clock("2026-12-31 23:58")
    client.force_login(people.official_user)
    response = client.get(reverse("conduct:my_related_persons"))
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert 'name="year" value="2026"' in page and "2026" in page
    frozen_clock("2027-01-01 00:01")
    response = client.post(reverse("conduct:my_related_persons"), {"confirm": "1", "year": "2026"})
    assert response.status_code == 302
    assert list(AnnualConfirmation.objects.values_list("official_id", "year")) == [(people.official.pk, 2026)]
    assert people.official in selectors.missing_annual_confirmations()  # 2027 is still to confirm
    page = client.get(reverse("conduct:my_related_persons")).content.decode()
    assert 'name="year" value="2027"' in page


def test_only_this_year_or_last_year_can_be_confirmed(people, frozen_clock):
    frozen_clock("2027-01-01 00:01")
    for year in (2025, 2028):
        with pytest.raises(ServiceError) as refused:
            services.annual_confirm(official=people.official, actor=people.official_user, year=year)
        assert refused.value.field == "year"
    assert services.annual_confirm(official=people.official, actor=people.official_user).year == 2027


def test_a_year_the_page_does_not_ask_for_is_refused_on_the_page(people, client, frozen_clock):
    frozen_clock("2027-01-01 00:01")
    client.force_login(people.official_user)
    for year in ("2025", "abc"):
        response = client.post(reverse("conduct:my_related_persons"), {"confirm": "1", "year": year})
        assert response.status_code == 400 and 'data-testid="refusal"' in response.content.decode()
    assert not AnnualConfirmation.objects.exists()



def _missing_on_red_flags(client) -> dict[str, str]:
    """The red flags' missing confirmations as shown: official's name → the line."""
    import re

    page = client.get(reverse("conduct:red_flags")).content.decode()
    lines = re.findall(r'<li data-testid="missing-confirmation">(.*?)</li>', page)
    return {line.split("（")[0]: line for line in lines}


def test_last_years_missing_confirmation_stays_on_the_red_flags_after_new_year(people, client, frozen_clock):
    """张三 never confirmed 2026; at 00:05 on 1 January 2027 he confirmed 2027 (the year his page now asks
    for) and dropped off the inspectors' red flags (the list read this year only), though 2026 can still be
    confirmed, late. It stays flagged until it is."""
    frozen_clock("2026-12-30 10:00")
    for official, user in ((people.leader, people.leader_user), (people.other, people.other_user)):
        services.annual_confirm(official=official, actor=user)  # 2026, in time
    frozen_clock("2027-01-01 00:05")
    services.annual_confirm(official=people.official, actor=people.official_user)  # 2027, not 2026
    client.force_login(people.inspector)
    shown = _missing_on_red_flags(client)
    assert "张三" in shown and 'data-testid="missing-last-year"' in shown["张三"]
    assert "2026" in shown["张三"] and "2027" not in shown["张三"]  # 2027 confirmed, 2026 not
    assert "赵六" in shown and 'data-testid="missing-last-year"' not in shown["赵六"]  # 2027 only
    services.annual_confirm(official=people.official, actor=people.official_user, year=2026)  # late
    assert "张三" not in _missing_on_red_flags(client)
