"""Drop the LIKE copies of three audit-event indexes on PostgreSQL (issue 19: every event written
maintained them; nothing queries these columns with LIKE or startswith)."""

from django.db import migrations

from qinqing.core.db import drop_like_indexes


def forwards(apps, schema_editor):
    drop_like_indexes(schema_editor, "core_auditevent", ["action", "content_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("core", "0010_audit_merkle_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
