"""Factories for tests (also used by other apps' tests). Writes go through the services."""

import itertools

from qinqing.core.audit import SystemActor
from qinqing.core.services import apikey_create, user_create

_counter = itertools.count(1)
TEST_PASSWORD = "Correct-Horse-9"  # noqa: S105


def make_user(*roles: str, username: str | None = None, password: str | None = None, **extra):
    """A user holding ``roles``; password only when a test logs in through the form."""
    return user_create(
        username=username or f"user{next(_counter)}",
        password=password,
        roles=list(roles),
        actor=SystemActor("test"),
        **extra,
    )


def make_api_key(*scopes: str, name: str | None = None):
    """Return (ApiKey, raw key string)."""
    return apikey_create(name=name or f"key-{next(_counter)}", scopes=list(scopes), actor=SystemActor("test"))


def load_test_calendar() -> None:
    """The State Council schedule for 2024–2026 (from chinesecalendar), plus — for tests
    that run on the real current date — any later year up to next year that the package
    does not carry yet, as TEST DATA: weekends and New Year's Day only, marked as such.
    Production never guesses a year (see core.calendar); tests must not start failing on
    1 January because the 2027 schedule has not been published.
    """
    import datetime

    from qinqing.core import calendar
    from qinqing.core.audit import SystemActor
    from qinqing.core.calendar_services import calendar_seed_years, calendar_year_set
    from qinqing.core.models import CalendarYear

    actor = SystemActor("test")
    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025, 2026], actor=actor)
    for year in range(2027, datetime.date.today().year + 2):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_set(year=year, holidays=[(datetime.date(year, 1, 1), "元旦（测试数据）")], workdays=[], actor=actor)
    calendar.invalidate()
