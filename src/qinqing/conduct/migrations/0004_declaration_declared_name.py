"""A related-person declaration keeps the name the official gave and whether it differs from the name of
record of the person holding the resident ID (``name_differs``, for the discipline office's list; a partial
index serves its filter), and the office's note of how it resolved one, when and by whom. A declaration with another name is accepted now instead of refused: the refusal
told the official that the number was on record under another name. The declarations already there keep a
blank name (they were refused unless the names agreed) and are audited again, one event per row (the record
check compares each row with its last event)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("conduct", "RelatedPersonDeclaration"), migration="conduct.0004",
        details={"article": "15", "reason": "a declaration keeps the name the official declared"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conduct", "0003_numbering"),
        ("directory", "0005_relatedperson_declared_name"),
        ("core", "0012_wal_flush_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="relatedpersondeclaration",
            name="declared_name",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=100, verbose_name="name as declared"
            ),
        ),
        migrations.AddField(
            model_name="relatedpersondeclaration",
            name="name_differs",
            field=models.BooleanField(db_default=False, default=False, verbose_name="name differs from the record"),
        ),
        migrations.AddField(
            model_name="relatedpersondeclaration",
            name="name_resolved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="name difference resolved at"),
        ),
        migrations.AddField(
            model_name="relatedpersondeclaration",
            name="name_resolved_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="relatedpersondeclaration",
            name="name_resolution",
            field=models.TextField(blank=True, db_default="", default="", verbose_name="how it was resolved"),
        ),
        migrations.AddIndex(
            model_name="relatedpersondeclaration",
            index=models.Index(
                condition=models.Q(("name_differs", True)), fields=["-declared_on"], name="conduct_decl_name_differs"
            ),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
