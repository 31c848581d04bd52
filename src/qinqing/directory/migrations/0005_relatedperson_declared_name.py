"""A related person keeps the name the official gave when they declared it themselves (conduct's declaration,
article 15): a declaration links the person holding the resident ID and never renames them, and the official
is shown the name they gave, never the name of record. Blank for the relations already recorded (they show
the name of record, as before). The related persons already there are audited again, one event per row (the
record check compares each row with its last event)."""

from django.db import migrations, models

from qinqing.core.db import AddFieldInPlace


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("directory", "RelatedPerson"), migration="directory.0005",
        details={"article": "15", "reason": "a related person keeps the name the official declared"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_alter_unit_organ_type"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        AddFieldInPlace(
            model_name="relatedperson",
            name="declared_name",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=100, verbose_name="name as declared"
            ),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
