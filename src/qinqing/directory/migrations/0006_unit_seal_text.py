"""A unit's seal text (公章): a letter the unit decides is headed with its name and sealed with its seal, not
the district's one office (core.letters.issuer). Blank for the units already recorded: their seal bears the
unit's name. The units already there are audited again, one event per row (the record check compares each
row with its last event)."""

from django.db import migrations, models

from qinqing.core.db import AddFieldInPlace


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("directory", "Unit"), migration="directory.0006",
        details={"reason": "a unit's letters bear its own name and seal"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_relatedperson_declared_name"),
    ]

    operations = [
        AddFieldInPlace(
            model_name="unit",
            name="seal_text",
            field=models.CharField(blank=True, db_default="", default="", max_length=40, verbose_name="seal text"),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
