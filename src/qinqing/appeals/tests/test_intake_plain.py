"""A filing written from plain values (``intake.services.appeal_file_plain``: the intake's light path on
PostgreSQL, issue #19) writes exactly what ``appeal_file`` writes — every column of every row, the audit
events' state digests and content hashes included — and the log it leaves verifies.

Each comparison files the same payload twice at a frozen time, under the same request id, with the
encryption's random nonce fixed: first through ``appeal_file`` (model instances, ``db.KeyedInserts``,
``audit.prepare_events``), its rows read back as PostgreSQL's text of each row and then rolled back with the
sequences put back where they were, then through ``appeal_file_plain``; the two readings must be equal, byte
for byte.
"""

from __future__ import annotations

import types

import pytest
from django.db import connection, transaction

from qinqing.appeals.api import FileIn, file_plain
from qinqing.appeals.intake import services as intake
from qinqing.appeals.models import Appeal, AppealStep, Notification
from qinqing.core import audit, crypto
from qinqing.core.audit import SystemActor
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db
FILING = {"title": "用电增容", "content": "企业用电增容申请已提交两个月仍未答复，请帮助协调。",
          "contact_phone": "13700137000", "contact_name": " 王经理 ", "channel": "hotline",
          "external_user_id": "12345-2026-000123", "category": ""}
TABLES = (Appeal, AppealStep, Notification, AuditEvent)
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


@pytest.fixture
def world(workday_calendar, frozen_clock, monkeypatch):
    frozen_clock("2026-11-30 10:02")
    # SM4-GCM's nonce is random: fixed here, so the encrypted columns can be compared byte for byte too
    monkeypatch.setattr(crypto, "os", types.SimpleNamespace(urandom=lambda size: bytes(range(size))))


@pytest.fixture
def key(api_key):
    return api_key("appeals:write", name="relay")[0]


def _sequences() -> list[str]:
    names = [f"pg_get_serial_sequence('{model._meta.db_table}', 'id')" for model in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(names)}")  # noqa: S608 (model metadata)
        return [*cursor.fetchone(), "core_auditevent_seq_seq"]


def _positions(sequences: list[str]) -> list[tuple]:
    with connection.cursor() as cursor:
        positions = []
        for name in sequences:
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 (the tables' own sequences)
            positions.append(cursor.fetchone())
        return positions


def _rows_since(marks: dict) -> dict:
    """Every row of the four tables past ``marks`` (their largest ids before), as PostgreSQL's JSON text of
    the whole row: every column, the stored bytes (encrypted text as stored, JSON as stored)."""
    found = {}
    with connection.cursor() as cursor:
        for model in TABLES:
            table = model._meta.db_table
            whole = "row_to_json(t)::text" if connection.vendor == "postgresql" else "*"
            cursor.execute(f'SELECT {whole} FROM "{table}" t WHERE id > %s ORDER BY id',  # noqa: S608
                           [marks[table]])
            found[table] = [row if whole == "*" else row[0] for row in cursor.fetchall()]
    return found


def _marks() -> dict:
    return {model._meta.db_table: model.objects.order_by("-id").values_list("id", flat=True).first() or 0
            for model in TABLES}


def _both(key, filing: dict, *, request_id: str = "relay-000001"):
    """(what ``appeal_file`` wrote, what ``appeal_file_plain`` wrote, the plain filing's answer)."""
    marks, sequences = _marks(), _sequences()
    positions = _positions(sequences)
    payload = FileIn(**filing)
    with transaction.atomic():
        with audit.request_context(request_id):
            by_orm = intake.appeal_file(
                channel=payload.channel, title=payload.title, content=payload.content, actor=key,
                contact_name=payload.contact_name, contact_phone=payload.contact_phone,
                external_user_id=payload.external_user_id, category=payload.category)
        orm_rows = _rows_since(marks)
        transaction.set_rollback(True)
    with connection.cursor() as cursor:  # the keys the rolled-back filing took, given back
        for name, (last_value, is_called) in zip(sequences, positions, strict=True):
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])
    assert _rows_since(marks) == {table: [] for table in orm_rows}
    with audit.request_context(request_id):
        answer = file_plain(key, payload)
    return orm_rows, _rows_since(marks), answer, by_orm


@on_postgresql
def test_the_plain_filing_writes_every_column_of_every_row_as_appeal_file(key, world):
    orm_rows, plain_rows, answer, by_orm = _both(key, FILING)
    assert [len(orm_rows[model._meta.db_table]) for model in TABLES] == [1, 1, 1, 2]
    assert plain_rows == orm_rows
    assert answer["tracking_number"] == by_orm.tracking_number and answer["status"] == "received"
    assert answer["receipt"] == by_orm.receipt.code
    assert "sm4gcm:" in plain_rows["appeals_appeal"][0]  # the phone stored encrypted, as by the ORM


@on_postgresql
@pytest.mark.parametrize("change", [
    {"channel": "wechat"},  # the acknowledgement goes to the openid
    {"channel": "api", "contact_phone": "", "contact_name": "", "external_user_id": "", "title": ""},
    {"category": "complaint", "title": "政策兑现", "content": "补贴未到账 Policy subsidy not paid"},
])
def test_other_payloads_write_alike(key, world, change):
    orm_rows, plain_rows, _answer, _by_orm = _both(key, FILING | change)
    assert plain_rows == orm_rows


@on_postgresql
def test_a_year_without_its_calendar_writes_alike(key, frozen_clock, monkeypatch, workday_calendar):
    # the calendar's last year past: the appeal is filed without a date, its basis kept
    frozen_clock("2028-03-01 09:00")
    monkeypatch.setattr(crypto, "os", types.SimpleNamespace(urandom=lambda size: bytes(size)))
    orm_rows, plain_rows, answer, _by_orm = _both(key, FILING)
    assert plain_rows == orm_rows and answer["due_at"] is None


@on_postgresql
def test_a_repeat_is_left_to_appeal_file_and_nothing_is_written(key, world):
    first = file_plain(key, FileIn(**FILING))
    marks = _marks()
    assert first is not None
    assert file_plain(key, FileIn(**FILING)) is None  # near-identical: appeal_file merges it
    assert _rows_since(marks) == {model._meta.db_table: [] for model in TABLES}


@on_postgresql
def test_the_log_of_plain_filings_verifies_and_an_edit_is_found(key, world):
    for number in range(3):
        filing = FILING | {"content": f"第{number}件：厂房消防验收迟迟未办理。"}
        assert file_plain(key, FileIn(**filing)) is not None
    result = audit.verify_chain()
    assert result.ok, result.problems
    appeal = Appeal.objects.order_by("-id").first()
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute('UPDATE "appeals_appeal" SET title = %s WHERE id = %s', ["改过的标题", appeal.pk])
    result = audit.verify_chain()
    assert not result.ok
    assert any(f"appeals.Appeal {appeal.pk} was changed outside the services" in problem
               for problem in result.problems)


def test_elsewhere_the_plain_filing_is_left_to_appeal_file(key, world):
    """SQLite (the default database): nothing is written, ``appeal_file`` files it; a refusal is the same
    ``ServiceError`` on PostgreSQL, before anything is written."""
    marks = _marks()
    if connection.vendor != "postgresql":
        assert file_plain(key, FileIn(**FILING)) is None
    else:
        from qinqing.core.errors import ServiceError

        with pytest.raises(ServiceError) as refused:
            file_plain(key, FileIn(**FILING | {"channel": "carrier-pigeon"}))
        assert refused.value.code == "invalid_channel"
    assert _rows_since(marks) == {model._meta.db_table: [] for model in TABLES}


def test_an_actor_that_is_not_a_key_is_left_to_appeal_file(world):
    assert intake.appeal_file_plain(channel="api", title="", content="内容", actor=SystemActor("x")) is None
