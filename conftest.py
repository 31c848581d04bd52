"""Test-wide fixtures. Settings run in test mode (``./qinqing test`` sets it too)."""

import os

os.environ.setdefault("QINQING_MODE", "test")

import pytest  # noqa: E402


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
    """The State Council schedule for 2024–2026, loaded as an administrator would (plus
    test-only later years while the package lacks them: core.testing.load_test_calendar)."""
    from qinqing.core import calendar
    from qinqing.core.testing import load_test_calendar

    load_test_calendar()
    yield
    calendar.invalidate()
