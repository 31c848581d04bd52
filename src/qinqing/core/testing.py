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
    """The real State Council schedules for 2024–2026 (as chinesecalendar ships them), loaded
    through the calendar service as an administrator would. Nothing is invented: 2027 is then
    the PROVISIONAL year (core.calendar.provisional) and later years are refused, exactly as in
    production. Tests that depend on the date freeze the clock (``frozen_clock``) inside the
    real years, or expect provisional answers for 2027.
    """
    from qinqing.core import calendar
    from qinqing.core.audit import SystemActor
    from qinqing.core.calendar.services import calendar_seed_years

    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025, 2026], actor=SystemActor("test"))
    calendar.invalidate()
