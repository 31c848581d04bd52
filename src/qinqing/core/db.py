"""Database plumbing: the SQLite function the append-only triggers consult."""


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On each new SQLite connection, register ``qinqing_audit_maintenance()``.

    The audit triggers call it; it answers 1 only while ``audit.maintenance_mode`` is
    active on this very connection. Any other client (the sqlite3 shell) lacks the
    function, so its UPDATE/DELETE on audit events fails as well.
    """
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "qinqing_audit_maintenance", 0, lambda: int(bool(getattr(connection, "qinqing_audit_maintenance", False)))
    )


# --- plain inserts for hot paths -----------------------------------------------------------
# The ORM's save()/create()/bulk_create() compile their SQL on every call; on the paths that
# run for every request (intake, the audit chain) or every row (the sweep) that compilation
# cost more than the database's work. These helpers build the statement once per model and
# still pass every value through its field's ``pre_save`` and ``get_db_prep_save`` (dates,
# JSON, encrypted text), so what is stored is exactly what the ORM would store.
_INSERT_SQL: dict[tuple[str, str, bool], tuple[str, list]] = {}


def insert_statement(model, *, returning: bool) -> tuple[str, list]:
    """(``INSERT … VALUES (%s, …)`` [``RETURNING pk``], the fields in column order), cached."""
    from django.db import connection

    cache_key = (connection.vendor, model._meta.label, returning)
    if cache_key not in _INSERT_SQL:
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608 (model metadata)
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if returning:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        _INSERT_SQL[cache_key] = (sql, fields)
    return _INSERT_SQL[cache_key]


def insert_values(instance, fields, connection=None) -> list:
    """The database values of ``instance`` for ``fields`` (as ``insert_statement`` lists them)."""
    if connection is None:
        from django.db import connection
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def insert_instance(instance):
    """INSERT one unsaved model instance (no signals, no ``save()`` override) and set its primary
    key from ``RETURNING`` (PostgreSQL, SQLite ≥ 3.35). Returns the instance, now saved."""
    from django.db import connection

    sql, fields = insert_statement(type(instance), returning=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, insert_values(instance, fields, connection))
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def insert_rows(model, objects: list, *, batch_size: int = 2000) -> None:
    """INSERT unsaved instances with one ``executemany`` per batch (primary keys are not read back)."""
    from django.db import connection

    if not objects:
        return
    sql, fields = insert_statement(model, returning=False)
    rows = [insert_values(instance, fields, connection) for instance in objects]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start:start + batch_size])
