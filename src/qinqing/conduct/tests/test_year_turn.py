"""The related persons' annual confirmation at the year's turn (article 15): the year confirmed is
the year the official was shown, and the year is Beijing's."""

import datetime
import re

import pytest
from django.urls import reverse

from qinqing.conduct import selectors, services
from qinqing.conduct.models import AnnualConfirmation
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

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


def test_a_year_before_the_register_or_after_this_year_cannot_be_confirmed(people, frozen_clock):
    frozen_clock("2027-01-01 00:01")
    for year in (2025, 2028):
        with pytest.raises(ServiceError) as refused:
            services.annual_confirm(official=people.official, actor=people.official_user, year=year)
        assert refused.value.field == "year"
    assert services.annual_confirm(official=people.official, actor=people.official_user).year == 2027


def test_the_registers_first_year_is_the_administrators(people, frozen_clock, make_user):
    """The register's first year is data (core.time_limits, default 2026): set to 2025, an official in post
    since 2024 confirms 2025 too, and the red flags count 2025 as missing until then."""
    from qinqing.core import time_limits
    from qinqing.directory.models import OfficialPosition

    OfficialPosition.objects.filter(official=people.official).update(start_date=datetime.date(2024, 3, 1))
    frozen_clock("2027-01-01 00:01")
    assert list(selectors.confirmation_years(people.official)) == [2026, 2027]
    time_limits.time_limit_set(
        actor=make_user(Role.ADMINISTRATOR), key="conduct.confirmations_since", value=2025
    )
    assert list(selectors.confirmation_years(people.official)) == [2025, 2026, 2027]
    flagged = selectors.with_missing_years(selectors.confirmations_missing().filter(pk=people.official.pk))
    assert [year for year, _late in flagged[0].missing_years] == [2025, 2026, 2027]
    confirmed = services.annual_confirm(official=people.official, actor=people.official_user, year=2025)
    assert confirmed.year == 2025


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
    assert "张三" in shown and 'data-testid="missing-past-year"' in shown["张三"]
    assert "2026" in shown["张三"] and "2027" not in shown["张三"]  # 2027 confirmed, 2026 not
    assert "赵六" in shown and 'data-testid="missing-past-year"' not in shown["赵六"]  # 2027 only
    services.annual_confirm(official=people.official, actor=people.official_user, year=2026)  # late
    assert "张三" not in _missing_on_red_flags(client)


def test_a_year_missed_two_years_ago_is_flagged_and_confirmed_late_in_2028(people, client, frozen_clock):
    """张三 never confirmed 2026. In 2028 only this year and last year could be confirmed, and the red flags
    read those two years only: 2026 could neither be confirmed nor seen by the discipline office."""
    frozen_clock("2026-12-30 10:00")
    for official, user in ((people.leader, people.leader_user), (people.other, people.other_user)):
        services.annual_confirm(official=official, actor=user)  # 2026, in time
    frozen_clock("2027-06-01 10:00")
    for official, user in ((people.leader, people.leader_user), (people.other, people.other_user),
                           (people.official, people.official_user)):
        services.annual_confirm(official=official, actor=user)  # 2027, in time
    frozen_clock("2028-03-01 10:00")
    services.annual_confirm(official=people.official, actor=people.official_user)  # 2028, not 2026
    client.force_login(people.inspector)
    shown = _missing_on_red_flags(client)
    assert 'data-testid="missing-past-year" data-year="2026"' in shown["张三"]
    assert 'data-year="2027"' not in shown["张三"] and 'data-year="2028"' not in shown["张三"]
    assert people.official in selectors.confirmations_missing()

    # the official's page asks for 2026 by name, marked late, beside nothing else
    client.force_login(people.official_user)
    page = client.get(reverse("conduct:my_related_persons")).content.decode()
    forms = re.findall(r'<form method="post" data-testid="confirm-form" data-year="(\d+)">', page)
    assert forms == ["2026"]
    assert 'name="year" value="2026"' in page and 'data-testid="confirm-late"' in page
    before = AuditEvent.objects.count()
    response = client.post(reverse("conduct:my_related_persons"), {"confirm": "1", "year": "2026"})
    assert response.status_code == 302
    late = AnnualConfirmation.objects.get(official=people.official, year=2026)
    assert late.is_late
    event = AuditEvent.objects.filter(
        action="conduct.annual_confirmation.create", object_id=str(late.pk)
    ).get()
    assert event.details["late"] is True and AuditEvent.objects.count() > before
    assert not AnnualConfirmation.objects.get(official=people.official, year=2028).is_late
    page = client.get(reverse("conduct:my_related_persons")).content.decode()
    assert 'data-testid="confirm-form"' not in page
    client.force_login(people.inspector)
    assert "张三" not in _missing_on_red_flags(client)
    assert people.official not in selectors.confirmations_missing()


def test_every_missing_year_since_2026_is_listed_in_2028(people, client, frozen_clock):
    """An official who confirmed nothing: 2026 and 2027 late, 2028 this year, each on the red flags and each
    a form of its own on the official's page; a second confirmation of a year is refused."""
    frozen_clock("2028-01-02 09:00")
    client.force_login(people.inspector)
    line = _missing_on_red_flags(client)["张三"]
    assert re.findall(r'data-year="(\d+)"', line) == ["2026", "2027", "2028"]
    assert line.count('data-testid="missing-past-year"') == 2
    client.force_login(people.official_user)
    page = client.get(reverse("conduct:my_related_persons")).content.decode()
    assert re.findall(r'data-testid="confirm-form" data-year="(\d+)"', page) == ["2026", "2027", "2028"]
    assert services.annual_confirm(official=people.official, actor=people.official_user, year=2027).is_late
    with pytest.raises(ServiceError) as again:
        services.annual_confirm(official=people.official, actor=people.official_user, year=2027)
    assert again.value.code == "already_confirmed"
    for year in (2025, 2029):
        with pytest.raises(ServiceError) as refused:
            services.annual_confirm(official=people.official, actor=people.official_user, year=year)
        assert refused.value.field == "year"


def test_an_official_counts_from_the_year_their_duty_began(people, client, frozen_clock):
    """An official whose first post began in 2027 (entered in the directory then) is not asked for 2026,
    nor flagged for it."""
    from qinqing.directory.tests import factories

    frozen_clock("2027-09-01 09:00")
    newcomer_user = people.official_user
    people.official.user = None
    people.official.save(update_fields=["user"])
    newcomer = factories.make_official(unit=people.unit, name="孙新", user=newcomer_user)
    assert newcomer.positions.get().start_date == datetime.date(2027, 9, 1)
    people.official = newcomer
    frozen_clock("2028-02-01 09:00")
    assert list(selectors.confirmation_years(people.official)) == [2027, 2028]
    with pytest.raises(ServiceError):
        services.annual_confirm(official=people.official, actor=people.official_user, year=2026)
    client.force_login(people.inspector)
    line = _missing_on_red_flags(client)["孙新"]
    assert re.findall(r'data-year="(\d+)"', line) == ["2027", "2028"]
    assert re.findall(r'data-year="(\d+)"', _missing_on_red_flags(client)["赵六"]) == ["2026", "2027", "2028"]
