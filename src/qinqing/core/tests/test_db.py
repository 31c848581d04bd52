"""The plain-SQL insert helpers store exactly what the ORM would (core.db), on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinqing.appeals.models import Appeal, AppealStep, Channel, Notification, Status
from qinqing.core import audit, db
from qinqing.core.models import ApiKey

pytestmark = pytest.mark.django_db


def _appeal(number: str) -> Appeal:
    return Appeal(
        tracking_number=number,
        channel=Channel.SMS,
        contact_phone="13800138000",
        contact_phone_index="idx",
        title="标题",
        content="内容",
        status=Status.RECEIVED,
        received_at=timezone.now(),
        stage_started_on=datetime.date(2026, 11, 25),
        due_at=datetime.date(2026, 11, 26),
    )


def test_insert_instance_stores_what_the_orm_stores():
    ours = db.insert_instance(_appeal("SQ20261125000001"))
    theirs = _appeal("SQ20261125000002")
    theirs.save()

    ours_row = Appeal.objects.values().get(pk=ours.pk)
    theirs_row = Appeal.objects.values().get(pk=theirs.pk)
    different = {key for key in ours_row if ours_row[key] != theirs_row[key]}
    assert different == {"id", "tracking_number", "received_at"}
    assert (
        Appeal.objects.get(pk=ours.pk).contact_phone == "13800138000"
    )  # encrypted and decrypted like the ORM's
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM appeals_appeal WHERE id = %s", [ours.pk])
        assert "13800138000" not in cursor.fetchone()[0]
    assert not ours._state.adding


def test_insert_family_sets_every_key_and_the_childrens_foreign_keys():
    appeal = _appeal("SQ20261125000003")
    step = AppealStep(kind="received", actor_label="测试", text="收到", at=timezone.now())
    outbox = Notification(
        appeal=appeal, channel=Channel.SMS, recipient="13800138000", text="已收到", created_at=timezone.now()
    )

    db.insert_family(appeal, [(step, "appeal"), (outbox, "appeal")])

    assert appeal.pk and step.pk and outbox.pk
    assert AppealStep.objects.get(pk=step.pk).appeal_id == appeal.pk
    stored = Notification.objects.get(pk=outbox.pk)
    assert stored.appeal_id == appeal.pk and stored.recipient == "13800138000"
    assert step.appeal_id == outbox.appeal_id == appeal.pk


def test_hot_path_statements_are_visible_to_query_capture_and_raise_django_errors():
    from django.db import IntegrityError

    db.insert_instance(_appeal("SQ20261125000004"))
    with CaptureQueriesContext(connection) as captured:
        assert db.execute(
            "SELECT COUNT(*) FROM appeals_appeal WHERE tracking_number = %s", ["SQ20261125000004"]
        ) == [(1,)]
        assert (
            db.execute("UPDATE appeals_appeal SET title = %s WHERE tracking_number = %s", ["新", "x"]) is None
        )
    assert len(captured.captured_queries) == 2
    with pytest.raises(IntegrityError):  # Django's class, not the driver's
        from django.db import transaction

        with transaction.atomic():
            db.insert_instance(_appeal("SQ20261125000004"))


def test_api_key_lookup_sees_a_revocation_at_once():
    from qinqing.core import services

    key, raw = services.apikey_create(name="lookup", scopes=["appeals:write"], actor=audit.SYSTEM)
    found = services.apikey_authenticate(raw)
    assert isinstance(found, ApiKey) and found.pk == key.pk and found.scopes == ["appeals:write"]
    services.apikey_revoke(name="lookup", actor=audit.SYSTEM)
    assert services.apikey_authenticate(raw) is None
    assert services.apikey_authenticate(raw[:-1] + ("0" if raw[-1] != "0" else "1")) is None


def test_instances_reads_rows_like_a_queryset():
    stored = db.insert_instance(_appeal("SQ20261125000009"))
    names = ("id", "tracking_number", "contact_phone", "due_at", "received_at", "enterprise_id")
    rows = db.execute(
        "SELECT id, tracking_number, contact_phone, due_at, received_at, enterprise_id FROM "
        "appeals_appeal WHERE id = %s",
        [stored.pk],
    )
    [ours] = db.instances(Appeal, names, rows)
    theirs = Appeal.objects.only(*names).get(pk=stored.pk)

    assert not ours._state.adding and ours._state.db == "default"
    for name in names:  # converted as the ORM converts: dates, aware datetimes, decrypted text
        assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.contact_phone == "13800138000" and ours.due_at == datetime.date(2026, 11, 26)
    assert ours.get_deferred_fields() == theirs.get_deferred_fields()  # the rest load on access
    assert ours.title == "标题"
    assert db.instances(Appeal, names, []) == []


def test_instances_decode_json():
    key = ApiKey.objects.create(
        name="k", prefix="p1", key_hash="h", scopes=["appeals:read"], created_at=timezone.now()
    )
    rows = db.execute("SELECT id, scopes FROM core_apikey WHERE id = %s", [key.pk])
    assert db.instances(ApiKey, ("id", "scopes"), rows)[0].scopes == ["appeals:read"]


def test_numbered_placeholders_are_postgres_positional_and_cached():
    """``execute`` hands long statements to psycopg's RawCursor with ``$n`` placeholders (psycopg would
    re-split a statement of over 4,096 characters or 50 parameters on every call)."""
    from qinqing.core.db import _NUMBERED, _numbered

    long_sql = "SELECT " + ", ".join(["%s"] * 88) + " WHERE 'a' LIKE 'a%%'"
    numbered = _numbered(long_sql)
    assert numbered.startswith("SELECT $1, $2, $3")
    assert numbered.endswith("$88 WHERE 'a' LIKE 'a%'")
    assert _NUMBERED[long_sql] == numbered
    # Anything but %s and %% is left to psycopg's own cursor.
    assert _numbered("SELECT %(name)s") is None
    assert _numbered("SELECT %b") is None
    assert _numbered("SELECT 1") == "SELECT 1"


@pytest.mark.django_db
def test_execute_runs_a_statement_of_many_parameters_and_a_literal_percent():
    from qinqing.core.db import execute

    values = list(range(88))
    rows = execute("SELECT " + ", ".join(["%s"] * 88) + ", 'x%%y'", values)
    assert list(rows[0][:88]) == values
    assert rows[0][88] == "x%y"


# --- SQLite's WAL journal, taken with patience (core.db.use_wal_journal) --------------------
def _rollback_journal_file(path) -> None:
    import sqlite3

    database = sqlite3.connect(path)
    database.execute("CREATE TABLE t (x INTEGER)")
    database.commit()
    database.close()


def _own_connection(path, settings):
    """A Django connection of its own (as another process has) to the SQLite file ``path``,
    with the settings' options."""
    from django.db.utils import ConnectionHandler

    handler = ConnectionHandler({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": dict(settings.SQLITE_OPTIONS)}})
    return handler["default"]


def test_a_connection_to_a_rollback_journal_file_waits_for_the_writer_then_takes_wal(tmp_path, settings):
    """A fresh or restored SQLite file is in rollback-journal mode. While another process holds
    a write transaction on it, SQLite refuses the switch to WAL at once ("database is locked",
    its busy timeout not consulted): two worker processes started together on such a file
    failed on their first query. The connection now waits for the writer and switches."""
    import sqlite3
    import threading
    import time

    path = tmp_path / "restored.sqlite3"
    _rollback_journal_file(path)
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    # What SQLite itself does with the switch while the writer holds the file: no waiting.
    bare = sqlite3.connect(path, timeout=20, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        bare.execute("PRAGMA journal_mode=WAL")
    bare.close()

    threading.Timer(0.3, lambda: writer.execute("COMMIT")).start()
    probe = _own_connection(path, settings)
    started = time.monotonic()
    try:
        with probe.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 1  # it waited for the writer's commit
    finally:
        probe.close()
        writer.close()
    assert time.monotonic() - started >= 0.2


def test_two_connections_opening_a_rollback_journal_file_together_both_succeed(tmp_path, settings):
    """Two processes' first connections racing to switch the same file: each one's first
    statement succeeds (without the retry about one race in ten failed on this machine)."""
    import threading

    failures = []
    for round_number in range(20):
        path = tmp_path / f"race{round_number}.sqlite3"
        _rollback_journal_file(path)
        barrier = threading.Barrier(2)

        def open_and_write(alias: str, path=path, barrier=barrier) -> None:
            wrapper = _own_connection(path, settings)
            barrier.wait()
            try:
                with wrapper.cursor() as cursor:
                    cursor.execute("INSERT INTO t VALUES (1)")
            except Exception as error:  # noqa: BLE001 (collected and asserted below)
                failures.append(f"{alias}: {error}")
            finally:
                wrapper.close()

        threads = [threading.Thread(target=open_and_write, args=(alias,)) for alias in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_the_sqlite_connection_options_still_ask_for_synchronous_normal_and_immediate(settings):
    assert settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "synchronous=NORMAL" in settings.SQLITE_OPTIONS["init_command"]
