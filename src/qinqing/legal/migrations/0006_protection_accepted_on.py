"""A protection request says on which day a body took it on (the acceptance notice is dated by it, article 11).
Requests accepted before this field existed keep it empty (their letter takes the day of the acceptance's audit
event); every request is then audited again, one event per row (the record check compares each row with its last
event, and the row now has one more column)."""

from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("legal", "ProtectionRequest"), migration="legal.0006",
        details={"article": "11", "reason": "a protection request says on which day it was accepted"},
    )


class Migration(migrations.Migration):

    dependencies = [
        ("legal", "0005_procuratorial_recommendation"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="protectionrequest",
            name="accepted_on",
            field=models.DateField(blank=True, null=True, verbose_name="accepted on"),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
