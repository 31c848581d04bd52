"""The provisional next year (暂定) and the warning from 1 November.

The generator is checked against the real 2025 and 2026 schedules (chinesecalendar):
the 13 statutory days match exactly in both years; the whole 2025 schedule matches exactly;
2026 differs in two days only — the State Council's "special case" that year, a 9-day Spring
Festival from 腊月二十八 (2月15日) with the make-up Saturday 2月14日, where the principles give
8 days from 除夕 (2月16日) with the make-up Sunday 2月15日.
"""

import datetime

import pytest
from chinese_calendar import constants

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.provisional import (
    provisional_schedule,
    qingming,
    spring_festival_eve,
    statutory_holidays,
)
from qinqing.core.calendar.services import calendar_seed_years, calendar_year_set
from qinqing.core.roles import Role

D = datetime.date


def _real(year):
    return (
        {day for day in constants.holidays if day.year == year},
        {day for day in constants.workdays if day.year == year},
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2025,
            [
                D(2025, 1, 1),
                D(2025, 1, 28),
                D(2025, 1, 29),
                D(2025, 1, 30),
                D(2025, 1, 31),
                D(2025, 4, 4),
                D(2025, 5, 1),
                D(2025, 5, 2),
                D(2025, 5, 31),
                D(2025, 10, 1),
                D(2025, 10, 2),
                D(2025, 10, 3),
                D(2025, 10, 6),
            ],
        ),
        (
            2026,
            [
                D(2026, 1, 1),
                D(2026, 2, 16),
                D(2026, 2, 17),
                D(2026, 2, 18),
                D(2026, 2, 19),
                D(2026, 4, 5),
                D(2026, 5, 1),
                D(2026, 5, 2),
                D(2026, 6, 19),
                D(2026, 9, 25),
                D(2026, 10, 1),
                D(2026, 10, 2),
                D(2026, 10, 3),
            ],
        ),
    ],
)
def test_the_13_statutory_days_match_the_real_years_exactly(year, expected):
    statutory = [day for day, _name in statutory_holidays(year)]
    assert statutory == expected
    assert set(statutory) <= _real(year)[0], "every statutory day is a holiday in the published schedule"


def test_lunar_dates_and_qingming_come_from_the_library():
    assert spring_festival_eve(2025) == D(2025, 1, 28) and spring_festival_eve(2027) == D(2027, 2, 5)
    assert [qingming(year) for year in (2024, 2025, 2026, 2027, 2028)] == [
        D(2024, 4, 4),
        D(2025, 4, 4),
        D(2026, 4, 5),
        D(2027, 4, 5),
        D(2028, 4, 4),
    ]
    for year in range(2015, 2027):  # Qingming always lands on a day chinesecalendar has off
        assert qingming(year) in _real(year)[0], year


def test_2025_from_the_principles_is_the_published_2025():
    schedule = provisional_schedule(2025)
    holidays, workdays = _real(2025)
    assert {day for day, _name in schedule.holidays} == holidays
    assert {day for day, _name in schedule.workdays} == workdays


def test_2026_from_the_principles_differs_only_by_the_special_spring_festival():
    schedule = provisional_schedule(2026)
    holidays, workdays = _real(2026)
    ours_holidays, ours_workdays = (
        {day for day, _name in schedule.holidays},
        {day for day, _name in schedule.workdays},
    )
    assert holidays - ours_holidays == {D(2026, 2, 15)} and ours_holidays - holidays == set()
    assert workdays - ours_workdays == {D(2026, 2, 14)} and ours_workdays - workdays == {D(2026, 2, 15)}


def test_principles_for_wednesday_mid_autumn_in_national_day_and_tuesday():
    s2027 = provisional_schedule(2027)
    assert s2027.blocks["端午节"] == (D(2027, 6, 9), D(2027, 6, 9)), "a Wednesday festival: only that day"
    s2028 = provisional_schedule(2028)
    assert s2028.blocks["国庆节、中秋节"] == (D(2028, 10, 1), D(2028, 10, 8)), "中秋 on 10-03: merged, 8 days"
    assert s2028.blocks["清明节"] == (D(2028, 4, 2), D(2028, 4, 4)) and D(2028, 4, 1) in dict(
        s2028.workdays
    ), "a Tuesday festival: Sunday to Tuesday, the Saturday before worked"


# --- the warning from 1 November ---------------------------------------------------------------
@pytest.fixture
def loaded(db):
    calendar.invalidate()
    calendar_seed_years(years=[2025, 2026], actor=SystemActor("test"))
    yield
    calendar.invalidate()


@pytest.mark.django_db
def test_no_warning_before_november(loaded, frozen_clock):
    frozen_clock("2026-10-31 23:00")
    assert calendar.next_year_warning() is None


@pytest.mark.django_db
def test_warning_every_day_from_1_november_until_the_year_is_loaded(loaded, frozen_clock, client, make_user):
    admin, leader, official = (
        make_user(Role.ADMINISTRATOR),
        make_user(Role.SUPERVISING_LEADER),
        make_user(Role.OFFICIAL),
    )
    for moment, days_left in (("2026-11-01 08:00", 61), ("2026-11-30 08:00", 32), ("2026-12-31 08:00", 1)):
        frozen_clock(moment)
        assert calendar.next_year_warning() == {"year": 2027, "provisional": True, "days_left": days_left}
        client.force_login(admin)
        for page in ("/", "/calendar/"):
            html = client.get(page).content.decode()
            assert 'data-testid="calendar-warning"' in html and "2027" in html, page
        client.force_login(leader)
        assert 'data-testid="calendar-warning"' in client.get("/appeals/dashboard/").content.decode()
        assert 'data-testid="calendar-warning"' in client.get("/appeals/supervision/").content.decode()
        client.force_login(official)
        assert 'data-testid="calendar-warning"' not in client.get("/").content.decode(), (
            "only administrators on the home page"
        )
    calendar_year_set(year=2027, holidays=[(D(2027, 1, 1), "元旦")], workdays=[], actor=SystemActor("test"))
    assert calendar.next_year_warning() is None
    client.force_login(admin)
    assert 'data-testid="calendar-warning"' not in client.get("/").content.decode()
    assert 'data-testid="calendar-warning"' not in client.get("/calendar/").content.decode()


@pytest.mark.django_db
def test_the_warning_goes_on_into_the_new_year_while_it_is_not_loaded(
    loaded, frozen_clock, client, make_user
):
    frozen_clock("2027-01-04 08:00")
    assert calendar.next_year_warning() == {"year": 2027, "provisional": True, "days_left": 0}
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert 'data-testid="calendar-warning"' in client.get("/").content.decode()
    frozen_clock("2027-06-01 08:00")
    calendar_year_set(year=2027, holidays=[(D(2027, 1, 1), "元旦")], workdays=[], actor=SystemActor("test"))
    assert calendar.next_year_warning() is None, "June, 2027 loaded: nothing to warn about"


@pytest.mark.django_db
def test_the_current_year_unloaded_comes_first(db, frozen_clock):
    calendar.invalidate()
    calendar_seed_years(years=[2025], actor=SystemActor("test"))
    frozen_clock("2026-11-15 08:00")
    assert calendar.next_year_warning() == {"year": 2026, "provisional": True, "days_left": 0}
    calendar.invalidate()


@pytest.mark.django_db
def test_the_provisional_year_page_and_api(loaded, client, make_user, api_key):
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/calendar/2027/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'data-testid="calendar-provisional"' in html and 'data-date="2027-02-05" data-kind="holiday"' in html
    )
    assert client.get("/calendar/2028/").status_code == 404
    _key, raw = api_key("calendar:read")
    body = client.get("/api/v1/calendar/years/2027", headers={"X-API-Key": raw}).json()
    assert (
        body["provisional"] is True and "2027-10-07" in body["holidays"] and "2027-10-09" in body["workdays"]
    )
    assert (
        client.get("/api/v1/calendar/years/2026", headers={"X-API-Key": raw}).json()["provisional"] is False
    )
    assert (
        client.get("/api/v1/calendar/years/2028", headers={"X-API-Key": raw}).json()["code"]
        == "calendar_year_not_loaded"
    )
