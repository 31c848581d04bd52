"""The working-day calendar: holidays and make-up workdays (调休) from the State Council schedule.

Expected dates were worked out by hand from the published schedule (and checked
against ``chinese_calendar.constants``):
2025 Spring Festival 01-28..02-04, make-up Sun 01-26 and Sat 02-08;
2025 National Day 10-01..10-08, make-up Sun 09-28 and Sat 10-11;
2026 Spring Festival 02-15..02-23, make-up Sat 02-14 and Sat 02-28;
2026 National Day 10-01..10-07 (Mid-autumn 09-25..09-27), make-up Sun 09-20 and Sat 10-10.
"""

import datetime
from io import StringIO

import pytest
from chinese_calendar import constants
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.core import audit, calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.services import calendar_seed_years, calendar_year_set, parse_schedule_lines
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent, CalendarDay, CalendarYear
from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def loaded_calendar(db):
    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025, 2026], actor=SystemActor("test"))
    yield
    calendar.invalidate()


def test_seed_matches_the_published_schedule_in_chinese_calendar():
    for day in (D(2025, 1, 28), D(2025, 2, 4), D(2025, 10, 1), D(2025, 10, 8), D(2026, 2, 15), D(2026, 2, 23),
                D(2026, 10, 1), D(2026, 10, 7)):
        assert day in constants.holidays
    for day in (
        D(2025, 1, 26),
        D(2025, 2, 8),
        D(2025, 9, 28),
        D(2025, 10, 11),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ):
        assert day in constants.workdays


def test_seeding_records_an_audit_event_for_every_row_and_keeps_the_chain_valid(loaded_calendar):
    assert CalendarYear.objects.count() == 3
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).kind == CalendarDay.Kind.WORKDAY
    assert AuditEvent.objects.filter(action="core.calendarday.create").count() == CalendarDay.objects.count()
    result = audit.verify_chain()
    assert result.ok, result.problems


def test_seeding_twice_changes_nothing(loaded_calendar):
    events = AuditEvent.objects.count()
    assert calendar_seed_years(years=[2024, 2025, 2026], actor=SystemActor("test")) == []
    assert AuditEvent.objects.count() == events


def test_spring_festival_2025_with_make_up_sunday_and_saturday(loaded_calendar):
    assert calendar.is_workday(D(2025, 1, 26)), "Sunday 01-26 is a make-up workday"
    assert not calendar.is_workday(D(2025, 1, 28))
    assert calendar.add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert calendar.add_workdays(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert calendar.add_workdays(D(2025, 1, 24), 3) == D(2025, 2, 5), "the whole holiday week is skipped"
    assert calendar.add_workdays(D(2025, 2, 5), 3) == D(2025, 2, 8), "Saturday 02-08 is a make-up workday"
    assert calendar.workdays_between(D(2025, 1, 24), D(2025, 2, 10)) == 7


def test_national_day_2025(loaded_calendar):
    assert calendar.add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert calendar.add_workdays(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert calendar.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert calendar.add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert not calendar.is_workday(D(2025, 10, 12))


def test_spring_festival_2026(loaded_calendar):
    assert calendar.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert calendar.add_workdays(D(2026, 2, 24), 4) == D(2026, 2, 28)
    assert calendar.add_workdays(D(2026, 2, 24), 5) == D(2026, 3, 2)


def test_national_day_2026_after_mid_autumn(loaded_calendar):
    assert calendar.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.deadline(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.workdays_between(D(2026, 9, 24), D(2026, 10, 12)) == 7


def test_counting_starts_the_day_after_and_between_is_the_inverse_of_add(loaded_calendar):
    assert calendar.add_workdays(D(2025, 3, 3), 0) == D(2025, 3, 3)
    assert calendar.add_workdays(D(2024, 12, 31), 1) == D(2025, 1, 2), "New Year's Day 2025 is a holiday"
    start = D(2025, 9, 15)
    for days in (1, 5, 10, 20):
        end = calendar.add_workdays(start, days)
        assert calendar.workdays_between(start, end) == days
    assert calendar.workdays_between(start, start) == 0
    assert calendar.workdays_between(D(2025, 10, 11), D(2025, 9, 26)) == -calendar.workdays_between(
        D(2025, 9, 26), D(2025, 10, 11)
    )


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda: calendar.add_workdays(D(2027, 12, 28), 5), 2028),
        (lambda: calendar.is_workday(D(2028, 1, 4)), 2028),
        (lambda: calendar.add_workdays(D(2023, 12, 29), 1), 2023),
        (lambda: calendar.workdays_between(D(2023, 12, 1), D(2024, 1, 5)), 2023),
    ],
)
def test_a_year_beyond_the_provisional_one_is_an_error_never_a_guess(loaded_calendar, call, year):
    with pytest.raises(ServiceError) as raised:
        call()
    assert raised.value.code == "calendar_year_not_loaded"
    assert str(year) in raised.value.text()


def test_the_year_after_the_last_loaded_one_is_answered_provisionally(loaded_calendar):
    """2026 is the last loaded year, so 2027 is provisional: New Year's Day 2027 is a Friday
    (1-1..1-3 off), 除夕 is 2027-02-05, so the Spring Festival runs 02-05..02-12 with the make-up
    Sunday 01-31 and Saturday 02-13."""
    assert calendar.add_workdays(D(2026, 12, 30), 5) == D(2027, 1, 7)
    info = calendar.deadline_info(D(2026, 12, 30), 5)
    assert info.provisional and info.due == D(2027, 1, 7)
    assert not calendar.deadline_info(D(2026, 12, 1), 5).provisional
    assert calendar.is_workday(D(2027, 1, 31)) and not calendar.is_workday(D(2027, 2, 8))
    assert calendar.is_provisional(D(2027, 6, 1)) and not calendar.is_provisional(D(2026, 6, 1))
    schedule = calendar.year_schedule(2027)
    assert schedule["provisional"] is True
    assert D(2027, 10, 7) in schedule["holidays"] and D(2027, 10, 9) in schedule["workdays"]
    assert calendar.year_schedule(2026)["provisional"] is False


def test_a_look_ahead_counts_what_it_can_and_skips_only_what_it_cannot(loaded_calendar):
    """LookAhead, the jobs' count of working days ahead (2027 provisional, 2028 covered by nothing)."""
    inside = calendar.LookAhead(D(2027, 6, 1), 3)  # Tuesday: 2, 3, 4 June
    assert (inside.horizon, inside.certain_until, inside.until, inside.year) == (D(2027, 6, 4),) * 3 + (None,)
    assert inside.within(D(2027, 6, 4)) and inside.within(D(2027, 5, 1))
    assert inside.within(D(2027, 6, 5)) is False
    assert inside.report("done") == "done" and inside.skipped == 0

    # Wednesday 29 December: 30 and 31 December are two working days, the third is in 2028
    ahead = calendar.LookAhead(D(2027, 12, 29), 3)
    assert ahead.horizon is None and ahead.year == 2028
    assert ahead.within(D(2027, 12, 31)) is True  # counted: two working days on
    assert ahead.within(D(2028, 1, 1)) is True  # three days on: three working days cannot end sooner
    assert ahead.within(D(2028, 1, 4)) is None  # may or may not be: skipped
    assert ahead.within(D(2028, 6, 1)) is False  # one working day past 31 December never takes months
    assert ahead.workdays_to(D(2027, 12, 31)) == 2 and ahead.workdays_to(D(2028, 1, 3)) is None
    assert ahead.skipped == 2
    with pytest.raises(ServiceError) as raised:
        ahead.report("3 reminder(s)")
    assert raised.value.code == "calendar_year_not_loaded"
    assert raised.value.params == {"summary": "3 reminder(s)", "count": 2, "year": 2028}
    assert "2028" in raised.value.text() and "%(" not in raised.value.text()

    beyond = calendar.LookAhead(D(2028, 1, 4), 3)  # today is not countable: only 3 days on are sure
    assert (beyond.certain_until, beyond.year) == (D(2028, 1, 7), 2028)
    assert beyond.within(D(2028, 1, 3)) and beyond.within(D(2028, 1, 10)) is None


def test_loading_a_year_moves_the_provisional_year_on(loaded_calendar):
    holidays, workdays = [(D(2027, 1, 1), "元旦")], []
    calendar_year_set(year=2027, holidays=holidays, workdays=workdays, actor=SystemActor("t"))
    assert not calendar.is_provisional(D(2027, 1, 4))
    assert calendar.is_workday(D(2027, 2, 8)), "only the loaded schedule counts for 2027 now"
    assert calendar.is_provisional(D(2028, 1, 4))
    with pytest.raises(ServiceError):
        calendar.is_workday(D(2029, 1, 4))


def test_negative_period_is_refused(loaded_calendar):
    with pytest.raises(ServiceError) as raised:
        calendar.add_workdays(D(2025, 3, 3), -1)
    assert raised.value.field == "days"


def test_year_set_rejects_weekday_make_up_days_and_dates_outside_the_year(loaded_calendar):
    with pytest.raises(ServiceError) as raised:
        calendar_year_set(
            year=2027,
            holidays=[(D(2027, 1, 1), "元旦")],
            workdays=[(D(2027, 1, 5), "x")],
            actor=SystemActor("t"),
        )
    assert raised.value.code == "calendar_workday_not_weekend"
    with pytest.raises(ServiceError) as raised:
        calendar_year_set(year=2027, holidays=[(D(2026, 1, 1), "元旦")], workdays=[], actor=SystemActor("t"))
    assert raised.value.code == "calendar_date_outside_year"
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_replacing_a_year_audits_only_the_changes_and_clears_the_cache(loaded_calendar):
    holidays = [(day.date, day.name) for day in CalendarDay.objects.filter(date__year=2026, kind="holiday")]
    workdays = [(day.date, day.name) for day in CalendarDay.objects.filter(date__year=2026, kind="workday")]
    assert calendar.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    workdays.remove((D(2026, 10, 10), "国庆节"))
    holidays.append((D(2026, 12, 31), "测试"))
    # The last seq so far, not the count: on PostgreSQL seq comes from a sequence and has gaps.
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    calendar_year_set(year=2026, holidays=holidays, workdays=workdays, actor=SystemActor("t"))
    actions = list(AuditEvent.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert sorted(actions) == [
        "core.calendarday.create",
        "core.calendarday.delete",
        "core.calendaryear.update",
    ]
    assert calendar.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 12), (
        "the removed make-up Saturday is off now"
    )
    assert audit.verify_chain().ok


def test_parse_pasted_state_council_lines():
    holidays, workdays = parse_schedule_lines(
        "# 2027\n2027-10-01,holiday,国庆节\n\n2027-09-26，workday，国庆节\n"
    )
    assert holidays == [(D(2027, 10, 1), "国庆节")]
    assert workdays == [(D(2027, 9, 26), "国庆节")]
    with pytest.raises(ServiceError) as raised:
        parse_schedule_lines("2027-10-01,holiday,国庆节\n2027-13-01,holiday,x")
    assert raised.value.params["line"] == 2


# --- pages ----------------------------------------------------------------------------------
NEXT_YEAR_LINES = "2027-01-01,holiday,元旦\n2027-10-01,holiday,国庆节\n2027-10-09,workday,国庆节\n"


def test_administrator_views_a_year_as_a_month_grid(client, make_user, loaded_calendar):
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/calendar/2025/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-date="2025-10-01" data-kind="holiday"' in html
    assert 'data-date="2025-10-11" data-kind="workday"' in html
    assert client.get("/calendar/").status_code == 200
    assert client.get("/calendar/2030/").status_code == 404


def test_administrator_enters_the_next_year_by_pasting_lines(client, make_user, loaded_calendar):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get("/calendar/2027/edit/").status_code == 200
    response = client.post("/calendar/2027/edit/", {"lines": NEXT_YEAR_LINES})
    assert response.status_code == 302
    assert calendar.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 4), "10-01 holiday, then the weekend"
    assert calendar.is_workday(D(2027, 10, 9))
    event = AuditEvent.objects.get(
        action="core.calendaryear.create", object_id=str(CalendarYear.objects.get(year=2027).pk)
    )
    assert event.actor_label == admin.username
    # remove a day by deleting its line
    client.post("/calendar/2027/edit/", {"lines": NEXT_YEAR_LINES.replace("2027-10-09,workday,国庆节\n", "")})
    assert not calendar.is_workday(D(2027, 10, 9))


def test_a_wrong_line_is_reported_and_nothing_is_saved(client, make_user, loaded_calendar):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        "/calendar/2027/edit/", {"lines": "2027-01-01,holiday,元旦\n2027-01-05,workday,x\n"}
    )
    assert response.status_code == 400
    assert "2027-01-05" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.AUDITOR, Role.ENTERPRISE_USER])
def test_other_roles_may_not_edit_or_view_the_calendar(client, make_user, loaded_calendar, role):
    client.force_login(make_user(role))
    before = AuditEvent.objects.count()
    assert client.post("/calendar/2027/edit/", {"lines": NEXT_YEAR_LINES}).status_code == 403
    assert client.get("/calendar/2025/").status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.count() == before


# --- command line ---------------------------------------------------------------------------
def _run(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_cli_add_between_and_show(loaded_calendar):
    assert _run("add", "2025-09-30", "3") == "2025-10-11"
    assert _run("between", "2026-09-24", "2026-10-12") == "7"
    shown = _run("show", "2026")
    assert "2026-10-10" in shown and "workday" in shown and "国庆节" in shown


def test_cli_reports_a_year_that_is_not_loaded(loaded_calendar):
    with pytest.raises(CommandError, match="2028"):
        _run("add", "2027-12-28", "5")
    with pytest.raises(CommandError, match="2023"):
        _run("show", "2023")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("add", "30.12.2026", "5")


def test_cli_seed_loads_the_years():
    calendar.invalidate()
    assert "2025" in _run("seed", "--years", "2025")
    assert _run("add", "2025-01-24", "3") == "2025-02-05"
    assert "nothing new" in _run("seed", "--years", "2025")


# --- API --------------------------------------------------------------------------------------
def test_api_computes_due_dates_with_the_scope(client, api_key, loaded_calendar):
    _key, raw = api_key("calendar:read")
    response = client.get(
        "/api/v1/calendar/add", {"start": "2026-02-13", "days": 2}, headers={"X-API-Key": raw}
    )
    assert response.status_code == 200
    assert response.json() == {"start": "2026-02-13", "days": 2, "due": "2026-02-24", "provisional": False}
    response = client.get(
        "/api/v1/calendar/between", {"start": "2025-01-24", "end": "2025-02-10"}, headers={"X-API-Key": raw}
    )
    assert response.json()["workdays"] == 7
    response = client.get(
        "/api/v1/calendar/add", {"start": "2026-12-30", "days": 5}, headers={"X-API-Key": raw}
    )
    assert response.json() == {"start": "2026-12-30", "days": 5, "due": "2027-01-07", "provisional": True}
    response = client.get(
        "/api/v1/calendar/add", {"start": "2028-03-01", "days": 1}, headers={"X-API-Key": raw}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "calendar_year_not_loaded"


def test_api_refuses_a_key_without_the_scope_and_anonymous_callers(client, api_key, loaded_calendar):
    _key, raw = api_key("directory:read")
    response = client.get(
        "/api/v1/calendar/add", {"start": "2026-02-13", "days": 2}, headers={"X-API-Key": raw}
    )
    assert response.status_code == 403
    assert client.get("/api/v1/calendar/add", {"start": "2026-02-13", "days": 2}).status_code == 401
