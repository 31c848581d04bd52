"""PostgreSQL: the sequence ``core_wal_flush_mark``, which ``core.db.release_locks_before_flush``
advances to wait for the disk after an asynchronous commit (a ``setval`` always writes WAL and
takes no lock held to the commit, so concurrent waits share a flush instead of queueing)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS core_wal_flush_mark")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS core_wal_flush_mark")


class Migration(migrations.Migration):
    dependencies = [("core", "0011_drop_unused_like_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
