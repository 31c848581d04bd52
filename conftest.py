"""Test-wide fixtures. Settings run in test mode (``./qinqing test`` sets it too)."""

import os

os.environ.setdefault("QINQING_MODE", "test")

import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """The tests marked ``runs_long`` (the demo-district browser walks: minutes each) first. pytest-xdist
    hands out tests in this order, one to each worker in turn, so each long one starts at once on its own
    worker while the others share the rest; collected last, as their paths sort, the run ended with one
    worker on the accessibility walk for four minutes and the other idle."""
    items.sort(key=lambda item: item.get_closest_marker("runs_long") is None)


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_use_migrations, django_db_keepdb,
    django_db_createdb, django_db_modify_db_settings,
):
    """pytest-django's own set-up of the test databases, with the SQLite test database migrated once and
    restored from a copy on later runs (tests/migrated_db.py: 24 s a process on a slow machine)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup
    from tests.migrated_db import migrated_once

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock(), migrated_once():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized_aliases, keepdb=keepdb)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request):
    """Transactional tests (live server, browser) empty the database afterwards; let that
    flush pass the append-only triggers, on this connection only, and close the door
    again before the next test."""
    from qinqing.core.audit import _set_maintenance

    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = ("transactional_db" in names or "live_server" in names
                     or bool(marker is not None and marker.kwargs.get("transaction")))
    uses_db = transactional or "db" in names
    if uses_db:
        request.getfixturevalue("transactional_db" if transactional else "db")
        _set_maintenance(False)
    yield
    if transactional:
        _set_maintenance(True)


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts and ends in the district's language: a request in English leaves its thread
    in English (LocaleMiddleware activates, nothing deactivates), and the next test's data — the
    texts services write in the active language, a module's demo district — would be English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def make_user(db):
    from qinqing.core.testing import make_user as factory

    return factory


@pytest.fixture
def api_key(db):
    from qinqing.core.testing import make_api_key

    return make_api_key


@pytest.fixture
def workday_calendar(db):
    """The real State Council schedules for 2024–2026, loaded as an administrator would; 2027
    is then the provisional year and later years are refused (core.testing.load_test_calendar)."""
    from qinqing.core import calendar
    from qinqing.core.testing import load_test_calendar

    load_test_calendar()
    yield
    calendar.invalidate()


@pytest.fixture
def sms(settings):
    """``sms("RecordingSms")`` / ``sms("RefusingSms")``: the SMS provider the appeals outbox sends with
    (qinqing.appeals.tests.sms_backends; what was accepted is in its ``SENT``)."""
    from qinqing.appeals.tests import sms_backends

    return sms_backends.chooser(settings)


@pytest.fixture
def frozen_clock():
    """Freeze ``core.clock`` (and everything else that reads the time) at a moment:
    ``frozen_clock("2026-12-20 10:00")`` (district time) or a date/datetime. Later calls
    move it; time stands still until then. Uses time-machine, which patches the C-level
    clocks, so Django, the database defaults and the services all agree."""
    import datetime
    import zoneinfo

    import time_machine

    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    travellers = []

    def freeze(moment):
        if isinstance(moment, str):
            moment = (
                datetime.datetime.fromisoformat(moment)
                if (" " in moment or "T" in moment)
                else datetime.date.fromisoformat(moment)
            )
        if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
            moment = datetime.datetime.combine(moment, datetime.time(10, 0))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        while travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return moment

    yield freeze
    while travellers:
        travellers.pop().stop()
