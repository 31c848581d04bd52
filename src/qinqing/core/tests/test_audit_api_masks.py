"""The audit API hands out an event's changes as the trail page shows them. An event recorded before its
field was masked (issue 18's dates of birth: the 8 middle digits of the resident ID) keeps the value in the
append-only log; the page masked it, the API gave it as recorded."""

import pytest

from qinqing.core.audit.registry import _AUDITED
from qinqing.core.roles import Role
from qinqing.directory.tests.factories import make_official, make_resident_id

pytestmark = pytest.mark.django_db


def test_the_audit_api_masks_a_birth_date_recorded_before_it_was_masked(client, make_user, monkeypatch):
    masks = {name: mask for name, mask in _AUDITED["directory.Person"].items() if name != "birth_date"}
    monkeypatch.setitem(_AUDITED, "directory.Person", masks)  # as before issue 18
    person = make_official(resident_id=make_resident_id(birth="19760923")).person
    monkeypatch.undo()

    client.force_login(make_user(Role.AUDITOR))
    response = client.get("/api/v1/audit/events", {"object_type": "directory.Person", "object_id": person.pk})
    assert response.status_code == 200
    (created,) = [event for event in response.json() if event["action"] == "directory.person.create"]
    assert created["changes"]["birth_date"] == [None, "****-**-**"]
    assert created["changes"]["resident_id"][1] == person.masked_resident_id
    assert "1976-09-23" not in response.content.decode()


def test_the_audit_command_shows_such_a_birth_date_masked_too(monkeypatch):
    import io

    from django.core.management import call_command

    masks = {name: mask for name, mask in _AUDITED["directory.Person"].items() if name != "birth_date"}
    monkeypatch.setitem(_AUDITED, "directory.Person", masks)
    person = make_official(resident_id=make_resident_id(birth="19760923")).person
    monkeypatch.undo()

    out = io.StringIO()
    call_command("audit", "show", "directory.Person", str(person.pk), stdout=out)
    assert "directory.person.create" in out.getvalue() and "1976-09-23" not in out.getvalue()
