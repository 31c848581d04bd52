"""Each API key use is on record: one ``core.apikey.use`` event per key per window (issue 19)."""

import pytest

from qinqing.core import audit
from qinqing.core.audit import apikey_usage
from qinqing.core.models import AuditEvent
from qinqing.core.services import apikey_authenticate, apikey_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_counts():
    apikey_usage._counts.clear()
    yield
    apikey_usage._counts.clear()


def test_accepted_uses_are_counted_and_written_as_one_event_per_window():
    key, raw = apikey_create(name="procurement", scopes=["integrity:query"], actor=audit.SYSTEM)
    other, other_raw = apikey_create(name="other", scopes=["integrity:query"], actor=audit.SYSTEM)
    for _ in range(3):
        assert apikey_authenticate(raw) is not None
    assert apikey_authenticate(other_raw) is not None
    assert apikey_authenticate(raw + "x") is None  # a refused key is not a use of it
    assert apikey_usage.flush(final=True) == 2
    event = AuditEvent.objects.get(action=apikey_usage.ACTION, object_id=str(key.pk))
    assert event.actor_api_key_id == key.pk and event.object_type == "core.ApiKey"
    assert event.details["requests"] == 3
    assert event.details["window_start"] < event.details["window_end"]
    other_event = AuditEvent.objects.get(action=apikey_usage.ACTION, object_id=str(other.pk))
    assert other_event.details["requests"] == 1
    assert apikey_usage.flush(final=True) == 0  # written once
    assert audit.verify_chain().ok  # the key's record check holds: the event carries its digest


def test_only_closed_windows_are_written_by_the_periodic_flush():
    key, _raw = apikey_create(name="windows", scopes=["integrity:query"], actor=audit.SYSTEM)
    start = 1_800_000_000 - 1_800_000_000 % apikey_usage.WINDOW_SECONDS
    apikey_usage.note(key.pk, now=start + 1)
    apikey_usage.note(key.pk, now=start + 2)
    apikey_usage.note(key.pk, now=start + apikey_usage.WINDOW_SECONDS + 1)
    assert apikey_usage.flush(now=start + apikey_usage.WINDOW_SECONDS + 5) == 1
    assert list(apikey_usage.pending()) == [(key.pk, start + apikey_usage.WINDOW_SECONDS)]
    assert apikey_usage.flush(final=True) == 1
    events = AuditEvent.objects.filter(action=apikey_usage.ACTION).order_by("seq")
    counts = [e.details["requests"] for e in events]
    assert counts == [2, 1]


def test_an_api_call_with_a_key_is_counted(client):
    _key, raw = apikey_create(name="caller", scopes=["directory:read"], actor=audit.SYSTEM)
    client.get("/api/v1/directory/units", HTTP_X_API_KEY=raw)
    assert sum(entry[0] for entry in apikey_usage.pending().values()) == 1
