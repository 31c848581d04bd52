"""Drop the LIKE copies of four appeal indexes on PostgreSQL (issue 19: every filing maintained
them; nothing queries these columns with LIKE or startswith)."""

from django.db import migrations

from qinqing.core.db import drop_like_indexes

COLUMNS = ["tracking_number", "contact_phone_index", "content_fingerprint", "external_user_id"]


def forwards(apps, schema_editor):
    drop_like_indexes(schema_editor, "appeals_appeal", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0012_reply_letters")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
