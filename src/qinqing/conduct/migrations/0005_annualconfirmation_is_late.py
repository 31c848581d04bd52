"""A year's annual confirmation of related persons may be made after that year ended, for any year the
official has not confirmed since their duty began (article 15): ``is_late`` marks it. The confirmations
already there were made within their year or the next, before this was recorded, and keep False; they are
audited again, one event per row (the record check compares each row with its last event)."""

from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("conduct", "AnnualConfirmation"), migration="conduct.0005",
        details={"article": "15", "reason": "an annual confirmation records whether it was made late"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conduct", "0004_declaration_declared_name"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="annualconfirmation",
            name="is_late",
            field=models.BooleanField(db_default=False, default=False, verbose_name="confirmed late"),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
