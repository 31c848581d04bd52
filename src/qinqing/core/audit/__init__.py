"""The audit chain: every service write appends one event; ``verify_chain`` checks it all.

Services call ``record_event`` inside their transaction::

    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=pk)
        before = audit.snapshot(unit)
        unit.name = name
        unit.save(update_fields=["name"])
        audit.record_event(actor=actor, action="directory.unit.rename", instance=unit, before=before)

Models whose rows must only change through services are registered with
``@audit.audited(masked={...})``; ``verify_chain`` then also proves that each such row
is exactly as its last event left it, and that no row exists without an event.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from .. import clock, db
from ..crypto import DecryptionError, hmac_sm3_hex, sm3_hex
from ..models import ApiKey, AuditEvent, AuditHead
from ..transparency.canonical import event_content_hash, row_content_hash
from .registry import _AUDITED, audited, audited_models, current_label, default_mask, labels_of  # noqa: F401 (re-exported)

GENESIS_HASH = "0" * 64

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("qinqing_request_id", default="")

# --- request context ----------------------------------------------------------------
def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    token = _request_id.set(request_id or uuid.uuid4().hex)
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


# --- snapshots -------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """``value`` as JSON gives it back (what a JSON column holds). A flat dict of strings, integers,
    booleans and nulls with string keys is that already (a filing's details), and is copied as it is."""
    if type(value) is dict and all(type(key) is str and type(item) in _JSON_NATIVE
                                   for key, item in value.items()):
        return dict(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


_JSON_NATIVE = (str, int, bool, type(None))
# Types DjangoJSONEncoder turns into one string (so the round trip gives that string).
_AS_STRING = (datetime.datetime, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal, uuid.UUID)
_ENCODER = DjangoJSONEncoder()


def _plain_value(value: Any) -> Any:
    kind = type(value)
    if kind in _JSON_NATIVE:
        return value
    if kind in _AS_STRING:
        return _ENCODER.default(value)
    return _plain(value)


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """``_plain`` of a flat row, converting only values JSON cannot hold as they are.

    Same result as the JSON round trip (each value of a dict is encoded on its own), without
    paying it for the strings and integers that make up most columns.
    """
    return {key: _plain_value(value) for key, value in row.items()}


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Every concrete field of ``instance`` as JSON-ready values (unmasked)."""
    return _plain_row({f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields})


_STATE_SLICE = 900  # keys per statement: under SQLite's oldest limit of 999 parameters


def _state_rows(model: type[models.Model], pks: list[Any]) -> Iterator[dict[str, Any]]:
    """Rows as ``snapshot`` would give them, read with ``values()`` (no model instances)."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    # In slices: one IN list of every key can pass SQLite's and PostgreSQL's limits on a statement's
    # parameters (a review of a long document read back 300,000 findings at once and answered 500).
    pks = sorted(pks)
    for start in range(0, len(pks), _STATE_SLICE):
        rows = model._base_manager.filter(pk__in=pks[start:start + _STATE_SLICE]).order_by("pk")
        rows = rows.values(*attnames)
        for row in rows.iterator(chunk_size=_STATE_SLICE):
            yield _plain_row(row)


def _fresh_snapshot(instance: models.Model) -> dict[str, Any]:
    # Re-read so the digest is of what the database holds (normalised decimals, times).
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    return snapshot(fresh)


def state_digest(state: dict[str, Any]) -> str:
    canonical = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac_sm3_hex(canonical.encode())


def _masked(label: str, state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None:
        return None
    masks = _AUDITED.get(label, {})
    return {
        key: (masks[key](value) if key in masks and value not in (None, "") else value)
        for key, value in state.items()
    }


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def _plain_changes(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``_plain`` of ``diff``'s result (field names to [before, after]), converting only the
    values JSON cannot hold as they are (each list item is encoded on its own)."""
    return {key: [_plain_value(old), _plain_value(new)] for key, (old, new) in changes.items()}


# --- actors ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SystemActor:
    """A write made by the system itself (a sweep, a migration, the demo loader)."""

    label: str = "system"


SYSTEM = SystemActor()


def _actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, ApiKey):
        return {
            "actor_type": AuditEvent.ActorType.API_KEY,
            "actor_api_key": actor,
            "actor_label": f"apikey:{actor.name}",
        }
    if actor is None or isinstance(actor, SystemActor):
        label = actor.label if isinstance(actor, SystemActor) else "system"
        return {"actor_type": AuditEvent.ActorType.SYSTEM, "actor_label": label}
    if getattr(actor, "is_authenticated", False):
        return {
            "actor_type": AuditEvent.ActorType.USER,
            "actor_user": actor,
            "actor_label": actor.get_username(),
        }
    raise TypeError(f"not an audit actor: {actor!r}")


# --- hashing ---------------------------------------------------------------------------
def event_hash(event: AuditEvent) -> str:
    content = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_type": event.actor_type,
        "actor_user_id": event.actor_user_id,
        "actor_api_key_id": event.actor_api_key_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
        "details": event.details,
        "state_digest": event.state_digest,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return sm3_hex(canonical.encode())


def _prepare_event(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    deleted: bool = False,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
    fresh: bool = False,
    state: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event without its place in the chain (seq, prev_hash, hash are set on append).

    ``fresh=True`` says ``instance`` holds exactly what the database holds (the caller has
    just inserted it from plain values), so its snapshot is taken without a re-read.
    ``state``: the instance's row as the database holds it, already read (``_states``).
    """
    if instance is not None:
        object_type = object_type or instance._meta.label
        object_id = instance.pk if object_id is None else object_id
    if not object_type or object_id is None:
        raise ValueError("record_event needs an instance or object_type and object_id")
    after = None
    if instance is not None and not deleted:
        after = state if state is not None else snapshot(instance) if fresh else _fresh_snapshot(instance)
    return AuditEvent(**_object_columns(action, object_type, object_id, before, after, details),
                      **_actor_fields(actor))


def _object_columns(action: str, object_type: str, object_id, before, after, details) -> dict[str, Any]:
    """An event's columns that say what was done to which record: its changes (masked), its details and
    the digest of the record's state ``after`` (None: deleted, or no record). One implementation for the
    events built as model instances (``_prepare_event``) and as plain rows (``prepare_rows``)."""
    return {
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "changes": _plain_changes(diff(_masked(object_type, before), _masked(object_type, after))),
        "details": _plain(details) if details else {},
        "state_digest": state_digest(after) if after is not None else "",
        "request_id": current_request_id(),
    }


def _actor_columns(actor: Any) -> dict[str, Any]:
    """``_actor_fields`` as the columns hold them (the user's and the key's ids, not the instances)."""
    fields = _actor_fields(actor)
    user, key = fields.pop("actor_user", None), fields.pop("actor_api_key", None)
    fields["actor_user_id"] = user.pk if user is not None else None
    fields["actor_api_key_id"] = key.pk if key is not None else None
    return fields


def _seq_source() -> str:
    """PostgreSQL: the sequence migration 0010 made for ``seq`` (not gapless, never waited on)."""
    return "nextval('core_auditevent_seq_seq')"


def _next_seqs(count: int) -> list[int]:
    """``count`` new sequence numbers. PostgreSQL: the sequence (no row lock; numbers taken by a
    transaction that rolls back are skipped). SQLite: every transaction already holds the
    database's one write lock (``BEGIN IMMEDIATE``), so the next numbers after the largest."""
    if connection.vendor == "postgresql":
        rows = db.execute(f"SELECT {_seq_source()} FROM generate_series(1, %s)", [count])  # noqa: S608
        return sorted(row[0] for row in rows)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    top = db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {table}")[0][0]  # noqa: S608 (model metadata)
    return list(range(top + 1, top + count + 1))


_PG_INSERT: dict[int, tuple[str, list]] = {}


def pg_insert_statement(events: list[AuditEvent]) -> tuple[str, list]:
    """PostgreSQL: one INSERT of every (hashed) event that takes each ``seq`` from the sequence and
    returns it with the primary key — PostgreSQL returns the rows of a multi-row VALUES in order,
    which Django's ``bulk_create`` relies on too — and its parameters. A caller may send it as
    the last part of its own statement (``db.KeyedInserts``); ``inserted`` then takes the rows.
    The statement is built once per number of rows."""
    sql, fields = _pg_insert_sql(len(events))
    params = []
    for event in events:
        params += db.insert_values(event, fields)
    return sql, params


def pg_insert_rows_statement(rows: list[dict[str, Any]]) -> tuple[str, list]:
    """``pg_insert_statement`` of events given as plain rows (``prepare_rows``): the same statement, the same
    parameters (``db.row_values``), no model instance built."""
    sql, fields = _pg_insert_sql(len(rows))
    params = []
    for row in rows:
        params += db.row_values(AuditEvent, fields, row)
    return sql, params


def _pg_insert_sql(count: int) -> tuple[str, list]:
    if count not in _PG_INSERT:
        _sql, fields = db.insert_statement(AuditEvent, returning=True)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        row = "(" + ", ".join(_seq_source() if f.attname == "seq" else "%s" for f in fields) + ")"
        table = quote(AuditEvent._meta.db_table)
        _PG_INSERT[count] = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)} "  # noqa: S608 (model metadata)
            f"RETURNING {quote('id')}, {quote('seq')}",
            [f for f in fields if f.attname != "seq"],
        )
    return _PG_INSERT[count]


def inserted(events: list[AuditEvent], rows) -> list[AuditEvent]:
    """The events, saved: their ``id`` and ``seq`` from ``pg_insert_statement``'s rows."""
    for event, (pk, seq) in zip(events, rows, strict=True):
        event.pk, event.seq = pk, seq
        db.mark_saved(event)
    return events


def _pg_insert(events: list[AuditEvent]) -> None:
    inserted(events, db.execute(*pg_insert_statement(events)))


def prepare_events(events: list[dict[str, Any]], *, at: datetime.datetime | None = None) -> list[AuditEvent]:
    """``record_events`` without the insert: the events built and hashed (``content_hash`` known),
    for a caller that writes them in its own statement (``pg_insert_statement``) inside the
    same transaction as the records they describe. ``at``: their time (default now), for a
    caller that prepares the events of one write in two steps."""
    if not connection.in_atomic_block:
        raise RuntimeError("prepare_events must be called inside transaction.atomic()")
    return _hashed([_prepare_event(**event) for event in events], at)


def prepare_rows(events: list[dict[str, Any]], *,
                 at: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """``prepare_events`` for records the caller writes from plain values in its own statement, with no model
    instance built (a request hot path: appeal intake's light path). Each event a dict of ``actor``,
    ``action``, ``model`` and ``row`` — the record's every column by attname exactly as it is written
    (``db.model_row``) — and optionally ``details``; the record was just created (its snapshot is
    ``row``, as ``fresh=True`` takes an instance's). Returns the events' rows (``db.model_row`` of
    ``AuditEvent``, ``seq`` left to the sequence), hashed: the same columns ``prepare_events`` gives the
    instances, through the same functions (``_object_columns``, ``_actor_columns``, the content hash);
    ``pg_insert_rows_statement`` writes them."""
    if not connection.in_atomic_block:
        raise RuntimeError("prepare_rows must be called inside transaction.atomic()")
    now = at or clock.now()
    rows = []
    for event in events:
        model, row = event["model"], event["row"]
        after = _plain_row(row)
        columns = _object_columns(event["action"], model._meta.label, row[model._meta.pk.attname], None,
                                  after, event.get("details"))
        prepared = db.model_row(AuditEvent, occurred_at=now, **columns, **_actor_columns(event["actor"]))
        prepared["content_hash"] = row_content_hash(prepared)
        rows.append(prepared)
    return rows


def _hashed(events: list[AuditEvent], at: datetime.datetime | None = None) -> list[AuditEvent]:
    now = at or clock.now()
    for event in events:
        event.occurred_at = now
        event.content_hash = event_content_hash(event)
    return events


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Hash and insert prepared events in the caller's transaction, touching no shared row.

    Each event's ``content_hash`` covers only its own content (``transparency.canonical``);
    its place in the log (``leaf_index``) is given later by the sequencer, which signs the
    tree heads. So concurrent writers never wait for each other here.
    """
    _hashed(events)
    if connection.vendor == "postgresql" and len(events) <= 20:
        _pg_insert(events)
        return events
    for event, seq in zip(events, _next_seqs(len(events)), strict=True):
        event.seq = seq
    if len(events) == 1:
        db.insert_instance(events[0])
    else:
        AuditEvent.objects.bulk_create(events)
    return events


def record_event(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    deleted: bool = False,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside transaction.atomic()")
    event = _prepare_event(actor=actor, action=action, instance=instance, before=before, deleted=deleted,
                           object_type=object_type, object_id=object_id, details=details)
    return _append([event])[0]


def record_events(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events (each a dict of ``record_event``'s keyword arguments, plus an
    optional ``fresh=True`` for rows the caller has just inserted) with one insert. Must run
    inside the transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must be called inside transaction.atomic()")
    if not events:
        return []
    states = _states(events)
    return _append([
        _prepare_event(**event, state=_state_for(states, event)) for event in events
    ])


def _needs_state(event: dict[str, Any]) -> bool:
    """The event's snapshot is of its instance as the database holds it, still to be read."""
    return event.get("instance") is not None and not event.get("fresh") and not event.get("deleted")


def _state_for(states: dict, event: dict[str, Any]) -> dict[str, Any] | None:
    return states.get(_state_key(event["instance"])) if _needs_state(event) else None


def _state_key(instance: models.Model) -> tuple[type[models.Model], str]:
    return type(instance), str(instance.pk)


def _states(events: list[dict[str, Any]]) -> dict[tuple[type[models.Model], str], dict[str, Any]]:
    """The rows of the events' instances that need a re-read, one query per model (not one per event: a
    job writing a hundred notices read them back one by one). A row not found is left to
    ``_fresh_snapshot``, which raises as a lone re-read would."""
    wanted: dict[type[models.Model], set] = {}
    for event in events:
        if _needs_state(event):
            wanted.setdefault(type(event["instance"]), set()).add(event["instance"].pk)
    if sum(len(pks) for pks in wanted.values()) < 2:
        return {}  # one row: the lone re-read is the same single query
    states = {}
    for model, pks in wanted.items():
        pk_name = model._meta.pk.attname
        for row in _state_rows(model, list(pks)):
            states[model, str(row[pk_name])] = row
    return states


def record_rows_again(model: type[models.Model], *, migration: str, details: dict) -> int:
    """For a migration that changes an audited model's columns (a field added, renamed): one event per row,
    ``<app>.<model>.migrate`` by ``migration:<name>``, so that the record check, which compares each row
    with its last event's state digest, reads the rows in their new shape. ``model`` is the migration's
    historical model. Returns the count."""
    pks = list(model.objects.values_list("pk", flat=True))
    return record_bulk_events(
        actor=SystemActor(f"migration:{migration}"), action=f"{model._meta.label_lower}.migrate", model=model,
        pks=pks, before={pk: {} for pk in pks}, details=details,
    )


def record_rows_again_where_added(
    model: type[models.Model], *, added: tuple[str, ...], migration: str, details: dict
) -> int:
    """``record_rows_again`` for a migration that mends earlier ones which added the audited columns
    ``added`` (field names, oldest first) without recording the rows again: only the rows whose last event
    is of the row without some of those columns (without ``added[j:]``, the columns added after that event)
    are recorded again. A row that already matches its last event gets no event (a district installed
    after those columns existed pays nothing), and a row that matches no such shape — changed outside the
    services before the upgrade — is left as it is, so that ``audit verify`` still reports it rather than
    the migration making it look valid. Returns the count recorded."""
    label = model._meta.label
    last: dict[str, str] = {}
    events = AuditEvent.objects.filter(object_type=label).order_by("seq")
    for object_id, digest in events.values_list("object_id", "state_digest").iterator(chunk_size=5000):
        last[object_id] = digest
    dropped = [model._meta.get_field(name).attname for name in added]
    pk_name = model._meta.pk.attname
    mended = []
    for state in _state_rows(model, list(model._base_manager.values_list("pk", flat=True))):
        digest = last.get(str(state[pk_name]))
        if digest is None or state_digest(state) == digest:
            continue  # never recorded (verify says so) or already in its present shape
        for start in range(len(dropped) - 1, -1, -1):
            if state_digest({k: v for k, v in state.items() if k not in dropped[start:]}) == digest:
                mended.append(state[pk_name])
                break
    return record_bulk_events(
        actor=SystemActor(f"migration:{migration}"), action=f"{model._meta.label_lower}.migrate", model=model,
        pks=mended, before={pk: {} for pk in mended}, details=details,
    )


def mend_added_columns(app_label: str, added: dict[str, tuple[str, ...]], *, migration: str, reason: str):
    """The operation of a migration mending earlier migrations of ``app_label`` that added the audited columns
    ``added`` (model name -> field names, oldest first) without recording the rows again: each model's rows
    of the old shape are recorded again (``record_rows_again_where_added``); nothing to undo backwards."""
    from django.db.migrations import RunPython

    def mend(apps, schema_editor):
        for model_name, fields in added.items():
            record_rows_again_where_added(
                apps.get_model(app_label, model_name), added=fields, migration=migration,
                details={"reason": reason},
            )

    return RunPython(mend, RunPython.noop)


def record_bulk_events(
    *, actor: Any, action: str, model: type[models.Model], pks: list[Any], details: dict | None = None,
    before: dict[Any, dict[str, Any]] | None = None,
) -> int:
    """Append one event per created record, for bulk imports and the demo generator.

    For a bulk UPDATE pass ``before`` (pk → the fields the update changed, with their old
    values): each event's ``changes`` are then those fields, old → new, instead of the whole
    row as for a creation — smaller events, and the trail says what the update did. The
    state digest always covers the whole row.

    Reads the rows back (so digests match what the database holds), hashes the events in
    memory and inserts them with one ``COPY`` (PostgreSQL) or ``executemany`` per batch — the ORM's
    ``bulk_create`` spends more time compiling SQL than the database spends writing.
    Returns the count.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_bulk_events must be called inside transaction.atomic()")
    if not pks:
        return 0
    label = model._meta.label
    now = clock.now()
    actor_fields = _actor_fields(actor)
    actor_user = actor_fields.get("actor_user")
    actor_key = actor_fields.get("actor_api_key")
    request_id = current_request_id()
    plain_details = _plain(details or {})
    field = AuditEvent._meta.get_field
    occurred_at_db = field("occurred_at").get_db_prep_save(now, connection)
    details_db = field("details").get_db_prep_save(plain_details, connection)
    changes_field = field("changes")
    columns = [
        "seq", "occurred_at", "actor_type", "actor_user_id", "actor_api_key_id", "actor_label", "action",
        "object_type", "object_id", "changes", "details", "state_digest", "request_id", "prev_hash", "hash",
        "content_hash",
    ]
    probe = AuditEvent(
        occurred_at=now,
        action=action,
        object_type=label,
        details=plain_details,
        request_id=request_id,
        **actor_fields,
    )
    pk_name = model._meta.pk.attname
    batch: list[tuple] = []
    count = 0

    def flush() -> None:
        seqs = _next_seqs(len(batch))
        db.bulk_insert(AuditEvent._meta.db_table, columns,
                       [(seq, *row) for seq, row in zip(seqs, batch, strict=True)])
        batch.clear()

    for after in _state_rows(model, pks):
        if before is None:
            changes = diff(None, _masked(label, after))
        else:
            old = _plain_row(before[after[pk_name]])
            changes = diff(_masked(label, old), _masked(label, {key: after[key] for key in old}))
        probe.object_id, probe.changes = str(after[pk_name]), changes
        probe.state_digest = state_digest(after)
        batch.append(
            (
                occurred_at_db,
                probe.actor_type,
                getattr(actor_user, "pk", None),
                getattr(actor_key, "pk", None),
                probe.actor_label,
                action,
                label,
                probe.object_id,
                changes_field.get_db_prep_save(changes, connection),
                details_db,
                probe.state_digest,
                request_id,
                "",
                None,
                event_content_hash(probe),
            )
        )
        count += 1
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return count


def adopt_rows_once(model_classes: list, *, action: str, actor_label: str) -> int:
    """The one-time start of the record check for ``model_classes`` on a database that predates it:
    one ``action`` event for every row that has no event yet, and a marker event (``action``
    with ``{"start": true}``). Does nothing once the marker exists — a row inserted with SQL
    later is never adopted. Returns the count of rows adopted."""
    if AuditEvent.objects.filter(action=action).exists():
        return 0
    actor = SystemActor(actor_label)
    count = 0
    with transaction.atomic():
        record_event(actor=actor, action=action, object_type=model_classes[0]._meta.label, object_id=0,
                     details={"start": True})
        for model in model_classes:
            events = AuditEvent.objects.filter(object_type=model._meta.label)
            known = set(events.values_list("object_id", flat=True))
            pks = [pk for pk in model._base_manager.order_by("pk").values_list("pk", flat=True).iterator()
                   if str(pk) not in known]
            for start in range(0, len(pks), 10_000):
                count += record_bulk_events(actor=actor, action=action, model=model,
                                            pks=pks[start:start + 10_000])
    return count


def adopt_after_migrate(config, model_name: str, *, action: str, actor_label: str = "") -> None:
    """From ``AppConfig.ready()``: after every ``migrate``, adopt once the rows of ``config``'s
    model ``model_name`` (``adopt_rows_once``) — for a table registered as audited after
    databases with rows in it already existed."""
    from django.db.models.signals import post_migrate

    def adopt(**_kwargs) -> None:
        adopt_rows_once([config.get_model(model_name)], action=action,
                        actor_label=actor_label or f"{config.label}-audit")

    post_migrate.connect(adopt, sender=config, weak=False, dispatch_uid=f"qinqing_adopt:{action}")


# --- verification -----------------------------------------------------------------------
@dataclass
class VerifyResult:
    ok: bool = True
    events_checked: int = 0
    records_checked: int = 0
    problems: list[str] = field(default_factory=list)
    first_broken_seq: int | None = None
    # What the Merkle log proves (core.transparency.verify): sizes are counts of leaves.
    legacy_events: int = 0  # events before the Merkle log, also linked by the old hash chain
    tree_size: int = 0  # events integrated into the tree
    unsequenced: int = 0  # events written but not yet integrated (checked by their content hash only)
    signed_size: int = 0  # size of the newest signed head whose signature and root were checked
    published_size: int = 0  # size of the newest head published outside the database that matched
    published_at: str = ""  # its timestamp
    published_where: str = ""  # where it was read (the anchor file)
    statements: list[str] = field(default_factory=list)  # how far back the trail is proven, in words

    def fail(self, message: str, seq: int | None = None) -> None:
        self.ok = False
        self.problems.append(message)
        if seq is not None and (self.first_broken_seq is None or seq < self.first_broken_seq):
            self.first_broken_seq = seq


_VERIFY_FIELDS = (
    "seq", "occurred_at", "actor_type", "actor_user_id", "actor_api_key_id", "actor_label", "action",
    "object_type", "object_id", "changes", "details", "state_digest", "request_id", "prev_hash", "hash",
    "content_hash",
)


class _Row:
    """An event read with ``values_list`` (no model instances: a million of them cost minutes)."""

    __slots__ = _VERIFY_FIELDS

    def __init__(self, values: tuple) -> None:
        for name, value in zip(_VERIFY_FIELDS, values, strict=True):
            setattr(self, name, value)


def verify_chain(
    *, check_records: bool = True, max_problems: int = 20, check_tree: bool = True,
    anchor_heads: list | None = None,
) -> VerifyResult:
    """Check every event against its content hash (and the events from before the Merkle log
    against the old hash chain and its head), then the Merkle tree against the signed heads
    and ``anchor_heads`` (heads published outside the database: ``./qinqing audit verify``
    reads the anchor file), then compare audited records with their last event."""
    result = VerifyResult()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last: dict[tuple[str, str], tuple[int, str]] = {}
    rows = AuditEvent.objects.order_by("seq").values_list(*_VERIFY_FIELDS)
    for values in rows.iterator(chunk_size=5000):
        event = _Row(values)
        result.events_checked += 1
        if event.hash is not None:  # written before the Merkle log: the old chain still holds
            result.legacy_events += 1
            if event.seq != expected_seq:
                result.fail(f"event #{expected_seq} is missing (next found is #{event.seq})", expected_seq)
            if event.prev_hash != expected_prev:
                result.fail(
                    f"event #{event.seq} does not link to the event before it (deleted or reordered)",
                    event.seq,
                )
            if event_hash(event) != event.hash:
                result.fail(
                    f"event #{event.seq} was altered: its content does not match its SM3 hash", event.seq
                )
            expected_prev = event.hash
            expected_seq = event.seq + 1
        if event_content_hash(event) != event.content_hash:
            result.fail(
                f"event #{event.seq} was altered: its content does not match its content hash", event.seq
            )
        object_type = current_label(event.object_type)
        if object_type in _AUDITED:
            last[(object_type, event.object_id)] = (event.seq, event.state_digest)
        if len(result.problems) >= max_problems:
            return result
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        result.fail(
            f"the old hash chain ends at #{expected_seq - 1} but its head says #{head.last_seq}: events "
            f"were removed from its end",
            head.last_seq,
        )
    if check_tree:
        from ..transparency.verify import verify_tree

        verify_tree(result, anchor_heads=anchor_heads, max_problems=max_problems)
        if len(result.problems) >= max_problems:
            return result
    if check_records:
        _verify_records(result, last, max_problems)
    return result


def _verify_model_rows(result, label, pk_name, attnames, rows, last, seen, max_problems) -> bool:
    """Compare each row with its last event's digest; True when enough problems were found."""
    pk_index = attnames.index(pk_name)
    for values in rows.iterator(chunk_size=5000):
        state = _plain_row(dict(zip(attnames, values, strict=True)))
        key = (label, str(values[pk_index]))
        seen.add(key)
        result.records_checked += 1
        if key not in last:
            result.fail(f"{label} {key[1]} exists without any audit event (written outside the services)")
        else:
            seq, digest = last[key]
            if state_digest(state) != digest:
                result.fail(f"{label} {key[1]} was changed outside the services after event #{seq}", seq)
        if len(result.problems) >= max_problems:
            return True
    return False


def _verify_records(
    result: VerifyResult, last: dict[tuple[str, str], tuple[int, str]], max_problems: int
) -> None:
    seen: set[tuple[str, str]] = set()
    for model in audited_models():
        label = model._meta.label
        pk_name = model._meta.pk.attname
        attnames = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*attnames)
        try:
            stopped = _verify_model_rows(result, label, pk_name, attnames, rows, last, seen, max_problems)
        except DecryptionError as error:
            result.fail(
                f"{label}: an encrypted column cannot be read ({error}): tampered, or "
                f"QINQING_FIELD_KEY changed"
            )
            stopped = False
        if stopped:
            return
    for (label, object_id), (seq, digest) in last.items():
        if digest and (label, object_id) not in seen:
            result.fail(f"{label} {object_id} was deleted outside the services (last event #{seq})", seq)


# --- reads -------------------------------------------------------------------------------
def trail_for(instance: models.Model, *, limit: int = 50):
    """Events for one object, newest first."""
    return (
        AuditEvent.objects.filter(object_type__in=labels_of(instance._meta.model), object_id=str(instance.pk))
        .order_by("-seq")
        .select_related("actor_user")[:limit]
    )


@contextmanager
def maintenance_mode():
    """Lift the append-only triggers on this connection only (test teardown, simulated attacks).

    PostgreSQL: a session setting the trigger function reads. SQLite: a flag on the
    connection that the ``qinqing_audit_maintenance()`` SQL function (registered per
    connection in ``core.db``) returns.
    """
    _set_maintenance(True)
    try:
        yield
    finally:
        _set_maintenance(False)


def _set_maintenance(on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('qinqing.audit_maintenance', %s, false)", ["on" if on else "off"]
            )
    else:
        connection.ensure_connection()
        connection.qinqing_audit_maintenance = on
