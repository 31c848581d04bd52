import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from qinqing.core import audit
from qinqing.core.models import ApiKey, AppendOnlyError, AuditEvent
from qinqing.core.services import apikey_create, apikey_revoke
from qinqing.core.transparency import sequencer

pytestmark = pytest.mark.django_db


def _events(n=3):
    actor = audit.SystemActor("test")
    keys = [apikey_create(name=f"system-{i}", scopes=["directory:read"], actor=actor)[0] for i in range(n)]
    apikey_revoke(name=keys[0].name, actor=actor)
    return keys


def _sql(statement, params=()):
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_passes_on_a_fresh_database():
    result = audit.verify_chain()
    assert result.ok, result.problems
    call_command("audit", "verify")  # exits 0


def test_verify_passes_after_service_writes_and_records_actor_and_changes():
    keys = _events()
    result = audit.verify_chain()
    assert result.ok, result.problems
    # every row of every audited model: the keys, and the roles' group permissions and the
    # accounts registered by core.audit.accounts
    assert result.records_checked == sum(m._base_manager.count() for m in audit.audited_models())
    assert result.records_checked >= len(keys)
    revoke = AuditEvent.objects.get(action="core.apikey.revoke")
    assert revoke.actor_label == "test"
    assert list(revoke.changes) == ["revoked_at"]
    assert revoke.changes["revoked_at"][0] is None
    create = AuditEvent.objects.filter(action="core.apikey.create").first()
    assert create.changes["key_hash"] == [None, "***"], "secret-derived fields are masked"


def test_direct_sql_update_of_an_audited_row_breaks_verification():
    keys = _events()
    _sql("UPDATE core_apikey SET scopes = %s WHERE id = %s", ['["integrity:query"]', keys[1].pk])
    result = audit.verify_chain()
    assert not result.ok
    last_event = AuditEvent.objects.filter(object_type="core.ApiKey", object_id=str(keys[1].pk)).last()
    assert result.first_broken_seq == last_event.seq
    assert "changed outside the services" in result.problems[0]
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1
    assert f"#{last_event.seq}" in str(raised.value)


def test_row_inserted_outside_the_services_is_found():
    _events(1)
    _sql(
        "INSERT INTO core_apikey (name, prefix, key_hash, scopes, created_at) VALUES (%s, %s, %s, %s, %s)",
        ["sneaky", "abcd1234", "0" * 64, '["audit:read"]', "2026-01-01 00:00:00+00:00"],
    )
    result = audit.verify_chain()
    assert not result.ok
    assert any("without any audit event" in p for p in result.problems)


def test_deleted_audit_event_breaks_verification():
    _events()
    sequencer.integrate()  # in the tree, under a signed head
    victim = AuditEvent.objects.order_by("seq")[1]
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [victim.seq])
    result = audit.verify_chain(check_records=False)
    assert not result.ok
    assert any(f"leaf #{victim.leaf_index} of the audit tree is missing" in p for p in result.problems)


def test_deleted_last_event_breaks_verification_through_the_head():
    _events()
    sequencer.integrate()
    last = AuditEvent.objects.order_by("-leaf_index").first()
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [last.seq])
    result = audit.verify_chain(check_records=False)
    assert not result.ok
    assert any("removed from the end" in p for p in result.problems)


def test_swapped_pair_of_events_breaks_verification():
    _events()
    sequencer.integrate()
    first, second = AuditEvent.objects.order_by("leaf_index")[1:3]
    # Swap their places in the log (leaf indexes), as a reordering attack would.
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [10_000, first.pk])
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [first.leaf_index, second.pk])
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [second.leaf_index, first.pk])
    result = audit.verify_chain(check_records=False)
    assert not result.ok
    assert any("does not match its signed head" in p for p in result.problems)


def test_edited_event_content_breaks_verification():
    _events()
    event = AuditEvent.objects.order_by("seq")[0]
    _sql("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", event.pk])
    result = audit.verify_chain(check_records=False)
    assert not result.ok
    assert result.first_broken_seq == event.seq
    assert "altered" in result.problems[0]


def test_events_are_append_only_in_the_orm_and_in_the_database():
    _events(1)
    event = AuditEvent.objects.filter(action="core.apikey.create").first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).action == "core.apikey.create"


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        audit.record_event(actor=None, action="x", object_type="core.ApiKey", object_id=1)
    assert AuditEvent.objects.count() == before


def test_request_id_is_recorded(client, make_user):
    from qinqing.core.roles import Role

    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        "/admin-tools/api-keys/",
        {"name": "procurement", "scopes": ["integrity:query"]},
        headers={"X-Request-ID": "req-42"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(
        action="core.apikey.create", object_id=str(ApiKey.objects.get(name="procurement").pk)
    )
    assert event.request_id == "req-42"
    assert event.actor_label == admin.username
    assert response["X-Request-ID"] == "req-42"


def test_record_events_appends_several_events_in_order_and_verifies():
    actor = audit.SystemActor("test")
    _events(1)
    from django.utils import timezone

    first_key = ApiKey.objects.create(
        name="batch-a",
        prefix="aaaaaaaa",
        key_hash="a" * 64,
        scopes=["directory:read"],
        created_at=timezone.now(),
    )
    second_key = ApiKey.objects.create(
        name="batch-b",
        prefix="bbbbbbbb",
        key_hash="b" * 64,
        scopes=["directory:read"],
        created_at=timezone.now(),
    )
    with transaction.atomic():
        events = audit.record_events([
            {"actor": actor, "action": "core.apikey.create", "instance": first_key, "fresh": True},
            {"actor": actor, "action": "core.apikey.create", "instance": second_key},
        ])

    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1]
    assert all(len(e.content_hash) == 64 for e in events) and events[0].content_hash != events[1].content_hash
    result = audit.verify_chain()
    assert result.ok, result.problems
    # The batch is as tamper-evident as single events.
    _sql("UPDATE core_apikey SET scopes = %s WHERE name = %s", ['["appeals:write"]', "batch-a"])
    assert not audit.verify_chain().ok


def test_record_events_reads_the_rows_back_in_one_query_per_model_with_the_lone_reads_digests():
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    actor = audit.SystemActor("test")
    keys = [
        ApiKey.objects.create(name=f"many-{i}", prefix=f"m{i:07d}", key_hash=f"{i:064d}",
                              scopes=["directory:read"], created_at=timezone.now())
        for i in range(30)
    ]
    # What the database holds differs from the instances (a re-read is what makes the snapshot true).
    ApiKey.objects.filter(pk__in=[key.pk for key in keys]).update(name=F("prefix"))
    with transaction.atomic():
        lone = [audit._prepare_event(actor=actor, action="x", instance=key) for key in keys[:3]]
        with CaptureQueriesContext(connection) as queries:
            fresh, *events = audit.record_events(
                [{"actor": actor, "action": "core.apikey.create", "instance": keys[0], "fresh": True}]
                + [{"actor": actor, "action": "core.apikey.update", "instance": key} for key in keys]
            )
    reads = [q["sql"] for q in queries.captured_queries if '"core_apikey"' in q["sql"]]
    assert len(reads) == 1, [q["sql"][:80] for q in queries.captured_queries]  # not one per event
    assert [e.state_digest for e in events[:3]] == [e.state_digest for e in lone]
    assert events[0].changes["name"] == [None, keys[0].prefix]  # the row as read, not the instance
    assert fresh.changes["name"] == [None, "many-0"]  # fresh: the instance as the caller holds it
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_record_events_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record_events([{"actor": None, "action": "x", "object_type": "core.ApiKey", "object_id": 1}])


def test_bulk_update_events_record_only_the_changed_fields_and_still_verify():
    keys = _events(3)
    pks = [key.pk for key in keys[1:]]
    with transaction.atomic():
        ApiKey.objects.filter(pk__in=pks).update(scopes=["appeals:read"])
        audit.record_bulk_events(
            actor=audit.SystemActor("test"),
            action="core.apikey.bulk_rescope",
            model=ApiKey,
            pks=pks,
            before={key.pk: {"scopes": key.scopes} for key in keys[1:]},
        )

    event = AuditEvent.objects.filter(action="core.apikey.bulk_rescope").order_by("seq").first()
    assert event.changes == {"scopes": [keys[1].scopes, ["appeals:read"]]}
    assert audit.verify_chain().ok


def test_snapshots_and_changes_are_what_the_json_round_trip_gives():
    """``snapshot`` and an event's ``changes`` convert only the values JSON cannot hold as they are
    (the hot path of every write); the result must be the JSON round trip's, value for value."""
    import decimal
    import uuid

    values = [None, "文本", 1, True, 1.5, decimal.Decimal("1.10"),
              datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), datetime.date(2026, 1, 1),
              datetime.time(8, 30), uuid.UUID(int=7), {"a": [1, 2.0]}, [1, "b"], datetime.timedelta(days=1)]
    row = {f"k{index}": value for index, value in enumerate(values)}
    assert audit._plain_row(row) == audit._plain(row)
    changes = {f"k{index}": [value, values[-1 - index]] for index, value in enumerate(values)}
    assert audit._plain_changes(changes) == audit._plain(changes)


def test_mending_columns_added_without_recording_records_only_the_rows_of_the_old_shape():
    """``record_rows_again_where_added``: a row whose last event is of its shape before a column was added
    is recorded again; a row already in its present shape gets no event; a row changed outside the
    services before the upgrade is left for the record check to report, not made to look valid."""
    from qinqing.directory.models import Unit
    from qinqing.directory.tests.factories import make_unit

    current, old_shape, tampered = (make_unit(seal_text="章") for _ in range(3))
    with transaction.atomic():  # an event written by a release before seal_text existed
        state = {k: v for k, v in audit.snapshot(old_shape).items() if k != "seal_text"}
        event = audit._prepare_event(actor=audit.SystemActor("old release"), action="directory.unit.update",
                                     instance=old_shape, state=state)
        audit._append([event])
    Unit.objects.filter(pk=tampered.pk).update(name="改过的名称")  # outside the services
    assert {p.split(" was")[0] for p in audit.verify_chain().problems if "changed outside" in p} == {
        f"directory.Unit {old_shape.pk}", f"directory.Unit {tampered.pk}"}
    with transaction.atomic():
        mended = audit.record_rows_again_where_added(
            Unit, added=("code", "seal_text"), migration="directory.test", details={})
    assert mended == 1
    again = AuditEvent.objects.filter(action="directory.unit.migrate").values_list("object_id", flat=True)
    assert list(again) == [str(old_shape.pk)]
    last = AuditEvent.objects.filter(object_id=str(tampered.pk), object_type="directory.Unit").last()
    problems = [p for p in audit.verify_chain().problems if "changed outside" in p]
    expected = f"directory.Unit {tampered.pk} was changed outside the services after event #{last.seq}"
    assert problems == [expected]
