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
