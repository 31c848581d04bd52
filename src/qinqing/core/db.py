"""Database plumbing: the SQLite function the append-only triggers consult, SQLite's WAL
journal taken with patience, and the plain-SQL helpers of the request hot paths."""

import re
import sqlite3
import time

from django.db import DEFAULT_DB_ALIAS, connections, migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On each new SQLite connection, register ``qinqing_audit_maintenance()``.

    The audit triggers call it; it answers 1 only while ``audit.maintenance_mode`` is
    active on this very connection. Any other client (the sqlite3 shell) lacks the
    function, so its UPDATE/DELETE on audit events fails as well.
    """
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "qinqing_audit_maintenance",
        0,
        lambda: int(bool(getattr(connection, "qinqing_audit_maintenance", False))),
    )


def use_wal_journal(sender, connection, **kwargs) -> None:
    """On each new SQLite connection to a file, make sure the file is in WAL mode (readers never
    wait for the writer; settings' ``BEGIN IMMEDIATE`` queues the writers).

    Switching a file that is still in rollback-journal mode (a fresh file, a restored backup, the
    copy a test hands to its worker processes) needs the file to itself, and SQLite answers
    "database is locked" at once, without its busy timeout, when another connection holds a
    write transaction or is switching too: two processes starting together on such a file
    failed on their first query. So the mode is read first (a file already in WAL costs one
    PRAGMA) and the switch is retried until the connection's own timeout has passed."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    mode = raw.execute("PRAGMA journal_mode").fetchone()[0].lower()
    if mode in ("wal", "memory"):  # memory: an in-memory database has no file to journal
        return
    patience = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    give_up = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            raw.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            waiting_helps = "locked" in str(error) or "busy" in str(error)
            if not waiting_helps or time.monotonic() >= give_up:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


# --- plain inserts for hot paths -----------------------------------------------------------
# The ORM's save()/create()/bulk_create() compile their SQL on every call; on the paths that
# run for every request (intake, the audit chain) or every row (the sweep) that compilation
# cost more than the database's work. These helpers build the statement once per model and
# still pass every value through its field's ``pre_save`` and ``get_db_prep_save`` (dates,
# JSON, encrypted text), so what is stored is exactly what the ORM would store.
_INSERT_SQL: dict[tuple[str, str, bool], tuple[str, list]] = {}
_PLAIN_TYPES: dict[tuple[str, str], list] = {}


def _plain_type(field) -> type | None:
    """``str``/``int``/``bool`` for a field of a stock Django type whose save path only casts
    the attribute to that type (no ``auto_now``, no encryption, no JSON); None otherwise."""
    kind = type(field)
    if kind in (models.CharField, models.TextField, models.SlugField):
        return str
    if kind in (models.BooleanField,):
        return bool
    if kind in (
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
    ):
        return int
    if kind is models.ForeignKey and type(field.target_field) in (models.AutoField, models.BigAutoField):
        return int
    if kind in (models.AutoField, models.BigAutoField):  # a primary key given (``KeyedInserts``)
        return int
    return None


def insert_statement(model, *, returning: bool) -> tuple[str, list]:
    """(``INSERT … VALUES (%s, …)`` [``RETURNING pk``], the fields in column order), cached."""
    connection = connections[DEFAULT_DB_ALIAS]
    cache_key = (connection.vendor, model._meta.label, returning)
    if cache_key not in _INSERT_SQL:
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (model metadata)
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if returning:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        _INSERT_SQL[cache_key] = (sql, fields)
    return _INSERT_SQL[cache_key]


def insert_values(instance, fields, connection=None) -> list:
    """The database values of ``instance`` for ``fields`` (as ``insert_statement`` lists them):
    what ``pre_save`` + ``get_db_prep_save`` give, with the stock text/number/boolean/foreign
    key fields cast directly (the generic path cost more than the rest of an insert)."""
    if connection is None:
        connection = connections[DEFAULT_DB_ALIAS]
    key = (instance._meta.label, ",".join(field.attname for field in fields))
    plain = _PLAIN_TYPES.get(key)
    if plain is None:
        plain = _PLAIN_TYPES[key] = [_plain_type(field) for field in fields]
    return [_db_value(instance, field, cast, connection) for field, cast in zip(fields, plain, strict=True)]


def _db_value(instance, field, cast, connection):
    if cast is None:
        return field.get_db_prep_save(field.pre_save(instance, True), connection)
    value = getattr(instance, field.attname)
    return value if value is None or type(value) is cast else cast(value)


# --- rows as plain values (no model instances) ---------------------------------------------------
_ROW_DEFAULTS: dict[str, tuple[dict, list, frozenset]] = {}


def model_row(model, **values) -> dict:
    """Every concrete field of ``model`` by attname, as a new instance ``model(**values)`` would hold it: the
    given values (by attname: ``enterprise_id``, not ``enterprise``) and each other field's default — without
    building the instance (a request hot path writing rows it never reads back)."""
    label = model._meta.label
    if label not in _ROW_DEFAULTS:
        fixed, called = {}, []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                called.append(field)
            else:
                fixed[field.attname] = field.get_default()
        _ROW_DEFAULTS[label] = (fixed, called, frozenset(f.attname for f in model._meta.concrete_fields))
    fixed, called, names = _ROW_DEFAULTS[label]
    unknown = values.keys() - names
    if unknown:
        raise ValueError(f"{label} has no field {', '.join(sorted(unknown))}")
    row = dict(fixed)
    for field in called:
        if field.attname not in values:
            row[field.attname] = field.get_default()
    row.update(values)
    return row


def _keeps_value(field) -> bool:
    """Whether the field's ``pre_save`` gives the attribute as it is (so a row's value can stand for it):
    not a date with ``auto_now``, not a file to commit."""
    if isinstance(field, models.DateField):  # DateTimeField and TimeField too
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is models.Field.pre_save


_ROW_TYPES: dict[tuple[str, str], list] = {}


def row_values(model, fields, row: dict, connection=None) -> list:
    """``insert_values`` of a row given as plain values (``model_row``) instead of a model instance: the
    same casts and ``get_db_prep_save`` (dates, JSON, encrypted text), so what is stored is what the ORM
    would store for an instance holding these values."""
    if connection is None:
        connection = connections[DEFAULT_DB_ALIAS]
    key = (model._meta.label, ",".join(field.attname for field in fields))
    kinds = _ROW_TYPES.get(key)
    if kinds is None:
        for field in fields:
            if not _keeps_value(field):
                raise ValueError(f"{model._meta.label}.{field.name}: its pre_save changes the value")
        kinds = _ROW_TYPES[key] = [_plain_type(field) for field in fields]
    values = []
    for field, cast in zip(fields, kinds, strict=True):
        value = row[field.attname]
        if cast is None:
            if value is None and isinstance(field, models.DateField):  # DateTimeField too: NULL is NULL
                values.append(None)
                continue
            value = field.get_db_prep_save(value, connection)
        elif value is not None and type(value) is not cast:
            value = cast(value)
        values.append(value)
    return values


_PLACEHOLDER = re.compile(r"%.|%$", re.DOTALL)
_NUMBERED: dict[str, str | None] = {}


def _numbered(sql: str) -> str | None:
    """``sql`` with its ``%s`` placeholders as PostgreSQL's ``$1, $2, …`` (and ``%%`` as ``%``), for
    psycopg's ``RawCursor``; None when it holds any other placeholder (the plain cursor takes it).

    psycopg converts ``%s`` itself on every execute and caches the result only for statements
    under 4,096 characters and 50 parameters: the intake's one statement (three inserts and the
    audit events, 88 parameters) was split by a regular expression on every filing, about a
    seventh of the request's CPU. The hot statements are fixed texts, so the conversion is kept
    here, once per text (bounded: texts past the bound are converted each time)."""
    if sql in _NUMBERED:
        return _NUMBERED[sql]
    counter = 0
    pieces: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(sql):
        placeholder = match.group(0)
        if placeholder == "%s":
            counter += 1
            replacement = f"${counter}"
        elif placeholder == "%%":
            replacement = "%"
        else:
            pieces = []
            break
        pieces += [sql[last : match.start()], replacement]
        last = match.end()
    else:
        pieces.append(sql[last:])
    numbered = "".join(pieces) if pieces else None
    if len(_NUMBERED) < 1024:
        _NUMBERED[sql] = numbered
    return numbered


def execute(sql: str, params: list | tuple = ()) -> list[tuple] | None:
    """Run one fixed statement of a request hot path; its rows, or None if it returns none.

    On PostgreSQL it runs as a named prepared statement (psycopg server-side binding, prepared
    on its first use on each connection; see ``prepare_threshold`` in settings): the server
    then skips parsing and planning, which was most of its work for these small statements.
    Elsewhere, and when prepared statements are switched off, through Django's cursor.
    Errors are Django's database errors either way, and the statement is logged wherever
    Django logs queries (``CaptureQueriesContext``, DEBUG).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description is not None else None
    import psycopg  # PostgreSQL deployments only

    connection.ensure_connection()
    connection.validate_thread_sharing()
    started = time.monotonic()
    numbered = _numbered(sql)
    cursor = _cursor(connection, psycopg.Cursor if numbered is None else psycopg.RawCursor)
    with connection.wrap_database_errors:
        cursor.execute(sql if numbered is None else numbered, params, prepare=True)
        # The result status, not ``description`` (which builds a column object per column).
        returned_rows = (
            cursor.pgresult is not None and cursor.pgresult.status == psycopg.pq.ExecStatus.TUPLES_OK
        )
        rows = cursor.fetchall() if returned_rows else None
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {len(params)} parameters (prepared)",
                                       "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _cursor(connection, cursor_class):
    """A psycopg cursor of ``cursor_class`` on the connection's current psycopg connection, kept for the
    next statement (a cursor costs more to make than a small statement's own Python): ``execute`` reads
    every row before it returns, and a Django connection belongs to one thread, so one cursor of each kind
    per connection is enough. A new psycopg connection (after a close) gets new cursors."""
    kept = connection.__dict__.get("_qinqing_cursors")
    if kept is None or kept[0] is not connection.connection:
        kept = connection.__dict__["_qinqing_cursors"] = (connection.connection, {})
    cursor = kept[1].get(cursor_class)
    if cursor is None or cursor.closed:
        cursor = kept[1][cursor_class] = cursor_class(connection.connection)
    return cursor


# --- the read half: rows of ``execute`` → model instances ------------------------------------
_READERS: dict[tuple[str, str, tuple[str, ...]], tuple] = {}


def _reader(model, field_names: tuple[str, ...], connection) -> tuple:
    """(the attnames in the model's field order — what ``from_db`` expects —, per column of that
    order its index in the row and the converters the ORM's compiler would apply: the
    backend's, then the field's ``from_db_value``: SQLite's dates as text, JSON, encrypted text)."""
    key = (connection.vendor, model._meta.label, field_names)
    if key not in _READERS:
        wanted = {name: index for index, name in enumerate(field_names)}
        ordered, columns = [], []
        for field in model._meta.concrete_fields:
            if field.attname not in wanted:
                continue
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            ordered.append(field.attname)
            columns.append((wanted.pop(field.attname), converters, column))
        if wanted:
            raise ValueError(f"{model._meta.label} has no field {', '.join(wanted)}")
        _READERS[key] = (ordered, columns)
    return _READERS[key]


def instances(model, field_names, rows) -> list:
    """Model instances from ``rows`` (as ``execute`` returns them) whose columns are the fields
    ``field_names`` (attnames, e.g. ``enterprise_id``), in that order.

    Each value goes through the converters the ORM would apply, then the model's own
    ``from_db`` builds the instance (saved state, this database; fields not selected are
    deferred and load on access), exactly as a queryset would."""
    if not rows:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    ordered, columns = _reader(model, tuple(field_names), connection)
    found = []
    for row in rows:
        values = []
        for index, converters, column in columns:
            value = row[index]
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        found.append(model.from_db(connection.alias, ordered, values))
    return found


def mark_saved(instance, connection=None):
    """What the ORM does after a save: the instance now exists in this database."""
    instance._state.adding = False
    instance._state.db = (connection or connections[DEFAULT_DB_ALIAS]).alias
    return instance


def insert_instance(instance):
    """INSERT one unsaved model instance (no signals, no ``save()`` override) and set its primary
    key from ``RETURNING`` (PostgreSQL, SQLite ≥ 3.35). Returns the instance, now saved."""
    connection = connections[DEFAULT_DB_ALIAS]
    sql, fields = insert_statement(type(instance), returning=True)
    instance.pk = execute(sql, insert_values(instance, fields, connection))[0][0]
    return mark_saved(instance, connection)


_FAMILY_SQL: dict[tuple, str] = {}


def insert_family(parent, children: list[tuple]) -> None:
    """INSERT ``parent`` and ``children`` — (instance, name of its foreign key to the parent) —
    setting every primary key and the children's foreign keys. On PostgreSQL in ONE statement
    (data-modifying CTEs: the children take the parent's new id inside the statement);
    elsewhere one INSERT each."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        insert_instance(parent)
        for child, foreign_key in children:
            setattr(child, foreign_key, parent)
            insert_instance(child)
        return
    parent_sql, parent_fields = insert_statement(type(parent), returning=True)
    shape = (
        type(parent)._meta.label,
        *((type(child)._meta.label, foreign_key) for child, foreign_key in children),
    )
    params = insert_values(parent, parent_fields, connection)
    child_fields = []
    for child, foreign_key in children:
        fields = [
            field for field in insert_statement(type(child), returning=True)[1] if field.name != foreign_key
        ]
        child_fields.append(fields)
        params += insert_values(child, fields, connection)
    if shape not in _FAMILY_SQL:
        quote = connection.ops.quote_name
        parts = [f"parent AS ({parent_sql})"]
        for index, ((child, foreign_key), fields) in enumerate(zip(children, child_fields, strict=True)):
            meta = type(child)._meta
            columns = ", ".join(quote(field.column) for field in fields)
            parts.append(
                f"child{index} AS (INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (model metadata)
                f"({quote(meta.get_field(foreign_key).column)}, {columns}) "
                f"SELECT parent.{quote(type(parent)._meta.pk.column)}, "
                f"{', '.join(['%s'] * len(fields))} FROM parent "
                f"RETURNING {quote(meta.pk.column)})"
            )
        ids = ", ".join(
            f"(SELECT {quote(type(child)._meta.pk.column)} FROM child{index})"  # noqa: S608 (model metadata)
            for index, (child, _key) in enumerate(children)
        )
        _FAMILY_SQL[shape] = (
            f"WITH {', '.join(parts)} SELECT parent.{quote(type(parent)._meta.pk.column)}, {ids} FROM parent"  # noqa: S608 (model metadata)
        )
    row = execute(_FAMILY_SQL[shape], params)[0]
    for instance in [parent] + [child for child, _key in children]:
        mark_saved(instance, connection)
    parent.pk = row[0]
    for (child, foreign_key), child_id in zip(children, row[1:], strict=True):
        setattr(child, foreign_key, parent)
        child.pk = child_id


def next_id_sql(model) -> str:
    """PostgreSQL: the SQL expression that takes ``model``'s next primary key from its sequence
    (to set keys before the rows are written, e.g. in the statement that takes a number)."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table.replace("'", "''")
    column = model._meta.pk.column.replace("'", "''")
    return f"nextval(pg_get_serial_sequence('{connection.ops.quote_name(table)}', '{column}'))"


_NEXT_IDS_SQL: dict[tuple[str, ...], str] = {}


def next_ids(models_: tuple) -> list[int]:
    """PostgreSQL: the next primary key of each model from its sequence, in one statement (keys
    are not gapless: a rollback skips them; no lock is taken)."""
    shape = tuple(model._meta.label for model in models_)
    if shape not in _NEXT_IDS_SQL:
        _NEXT_IDS_SQL[shape] = f"SELECT {', '.join(next_id_sql(model) for model in models_)}"
    return list(execute(_NEXT_IDS_SQL[shape])[0])


# PostgreSQL: the select-list item that makes the current transaction's commit asynchronous
# (``synchronous_commit`` off for this transaction only); see ``release_locks_before_flush``.
ASYNC_COMMIT_SQL = "set_config('synchronous_commit', 'off', true)"


def release_locks_before_flush() -> None:
    """PostgreSQL: let the current transaction release its row locks at commit without waiting
    for its WAL to reach the disk, and wait for the disk after the commit, before the caller
    goes on (before anything is answered or delivered).

    The caller has put ``ASYNC_COMMIT_SQL`` in a statement of its transaction (no extra round
    trip; ``numbering.next_value``); this registers the wait as the transaction's first
    ``on_commit`` hook: one statement in a transaction of its own that takes a transaction id
    and writes WAL without taking a lock held to its commit (``setval`` of the sequence
    ``core_wal_flush_mark``, migration core.0012) — a transaction that writes WAL commits
    synchronously, its commit waits until the WAL is flushed up to its commit record, and
    PostgreSQL flushes the WAL in order, so that covers the earlier, asynchronous commit too.
    (A transaction that writes no WAL, such as ``SELECT pg_current_xact_id()`` alone, commits
    without a flush.) Nothing is acknowledged before it is on disk, as with an ordinary
    commit; what changes is that writers queued on the same row (a gapless counter) no longer
    wait for each other's disk flush, and concurrent waits share one flush.
    A crash between the commit and the flush loses a transaction that nobody was told about;
    the row lock's numbers roll back with it, so no gap. ``on_commit`` hooks run in the order
    they were registered: call this before registering any hook that answers or delivers
    (acknowledgements). Inside an outer ``atomic`` (the idempotency middleware's) the setting
    and the hook both belong to the outermost transaction, and the wait follows its commit."""
    transaction.on_commit(_wait_for_flush)


def _wait_for_flush() -> None:
    execute("SELECT pg_current_xact_id(), setval('core_wal_flush_mark', 1, false)")


_KEYED_SQL: dict[str, tuple[str, list]] = {}


def _keyed_insert(model, connection) -> tuple[str, list]:
    """(``INSERT`` of every concrete column, primary key included, the fields in column order), cached."""
    label = model._meta.label
    if label not in _KEYED_SQL:
        quote = connection.ops.quote_name
        fields = list(model._meta.concrete_fields)
        _KEYED_SQL[label] = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (model metadata)
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})",
            fields,
        )
    return _KEYED_SQL[label]


class KeyedInserts:
    """PostgreSQL: INSERTs of unsaved instances whose primary keys are already set (``next_id_sql``),
    sent together with one more statement as ONE statement (data-modifying CTEs; Django's
    foreign keys are ``DEFERRABLE INITIALLY DEFERRED``, so their order does not matter).

    The values are taken when this is built (``pre_save`` applied then), so the instances hold
    exactly what will be written — an audit snapshot taken afterwards needs no re-read.
    ``KeyedRows`` does the same for rows given as plain values."""

    def __init__(self, instances: list) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        self.instances = instances
        self.parts: list[str] = []
        self.values: list = []
        self._starts: list[int] = []
        for index, instance in enumerate(instances):
            sql, fields = _keyed_insert(type(instance), connection)
            if instance.pk is None:
                raise ValueError(f"{instance._meta.label}: set the primary key first (next_id_sql)")
            self.parts.append(f"i{index} AS ({sql})")
            self._starts.append(len(self.values))
            self.values += insert_values(instance, fields, connection)

    def update(self, instance, **values) -> None:
        """Set fields of one of the instances after its values were taken (a value known only
        later, such as a number taken under a lock as late as possible), keeping the others."""
        index = next(i for i, one in enumerate(self.instances) if one is instance)
        fields = _KEYED_SQL[instance._meta.label][1]
        connection = connections[DEFAULT_DB_ALIAS]
        for name, value in values.items():
            setattr(instance, name, value)
            position = next(i for i, field in enumerate(fields) if field.attname == name)
            field = fields[position]
            self.values[self._starts[index] + position] = _db_value(
                instance, field, _plain_type(field), connection)

    def execute(self, sql: str, params: list) -> list[tuple] | None:
        """Run the INSERTs and ``sql`` (whose rows are returned) as one statement."""
        rows = execute(f"WITH {', '.join(self.parts)} {sql}", self.values + list(params))
        for instance in self.instances:
            mark_saved(instance)
        return rows


class KeyedRows(KeyedInserts):
    """``KeyedInserts`` of rows given as plain values — (model, ``model_row``) pairs, primary keys set — with
    no model instance built; ``update`` sets a column of one of them (by its index) after its values were
    taken. The values pass through ``row_values``: the same statement and parameters as for instances
    holding these values."""

    def __init__(self, rows: list[tuple]) -> None:  # noqa: D107 (no super(): no instances)
        connection = connections[DEFAULT_DB_ALIAS]
        self.rows = rows
        self.instances = []
        self.parts, self.values, self._starts = [], [], []
        for index, (model, row) in enumerate(rows):
            sql, fields = _keyed_insert(model, connection)
            if row.get(model._meta.pk.attname) is None:
                raise ValueError(f"{model._meta.label}: set the primary key first (next_id_sql)")
            self.parts.append(f"i{index} AS ({sql})")
            self._starts.append(len(self.values))
            self.values += row_values(model, fields, row, connection)

    def update(self, index: int, **values) -> None:  # type: ignore[override]
        model, row = self.rows[index]
        fields = _KEYED_SQL[model._meta.label][1]
        row.update(values)
        positions = [i for i, field in enumerate(fields) if field.attname in values]
        new = row_values(model, [fields[i] for i in positions], row)
        for position, value in zip(positions, new, strict=True):
            self.values[self._starts[index] + position] = value


def insert_rows(model, objects: list, *, batch_size: int = 2000) -> None:
    """INSERT unsaved instances in bulk (primary keys are not read back): ``COPY`` on
    PostgreSQL, one ``executemany`` per batch elsewhere."""
    if not objects:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    fields = insert_statement(model, returning=False)[1]
    rows = [insert_values(instance, fields, connection) for instance in objects]
    bulk_insert(model._meta.db_table, [field.column for field in fields], rows, batch_size=batch_size)


def bulk_insert(table: str, columns: list[str], rows: list, *, batch_size: int = 2000) -> None:
    """Insert ready database values (``get_db_prep_save`` already applied) into ``table``.

    PostgreSQL: one ``COPY … FROM STDIN`` — a thousand rows cost it about as much as a
    handful of INSERT statements, where ``executemany`` parses and plans every row (the
    sweep's audit events, steps and notifications were most of its time). Elsewhere one
    ``executemany`` per ``batch_size`` rows.
    """
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        started = time.monotonic()
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy,
        ):  # noqa: S608 (model metadata)
            for row in rows:
                copy.write_row(row)
        if connection.queries_logged:
            connection.queries_log.append(
                {
                    "sql": f"COPY {table} ({column_list}) FROM STDIN -- {len(rows)} rows",
                    "time": f"{time.monotonic() - started:.3f}",
                }
            )
        return
    sql = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (model metadata)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start:start + batch_size])


def drop_like_indexes(schema_editor, table: str, columns: list[str]) -> None:
    """PostgreSQL: drop the ``varchar_pattern_ops`` copy Django adds beside the index of each indexed
    or unique ``CharField`` (for LIKE/startswith, which nothing runs on these columns). Every insert
    maintained them for nothing. Django itself drops them with ``DROP INDEX IF EXISTS`` when a field
    changes later, so the migration state needs no change. Other databases have no such copy."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in columns:
        name = schema_editor._create_index_name(table, [column], suffix="_like")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class AddFieldInPlace(migrations.AddField):
    """``AddField`` for a column with a constant ``db_default``, added in place on SQLite too.

    Django adds a NOT NULL column on SQLite by rebuilding the table (create a copy, drop the table, rename
    the copy). The drop takes the table's own triggers with it (conduct's screening-watch triggers ON
    ``directory_relatedperson``: the watch list would silently stop growing), and the rename fails on a
    trigger of another table that names it ("error in trigger conduct_watch_link_insert: no such table"), so
    a database built before the migration could not be upgraded. ``ALTER TABLE … ADD COLUMN`` with the
    constant default is what SQLite allows for such a column; PostgreSQL adds it the same way anyway."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        if (schema_editor.connection.vendor != "sqlite" or not field.has_db_default() or field.unique
                or field.primary_key or field.remote_field is not None):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            BaseDatabaseSchemaEditor.add_field(schema_editor, model, field)
