"""DeadlineNotice becomes a ``core.notices.PersonNotice`` (delivered by ``deliver_once`` like the notices of
the other apps): it gains ``key`` (``alert:<id>``, unique per recipient: the same "once per person and alert"
as the constraint on (alert, recipient) it replaces) and ``kind`` (the alert's), both filled for the rows
already there — audited, one event per row (the record check compares each row with its last event)."""

from django.db import migrations, models


def fill_key_and_kind(apps, schema_editor):
    from qinqing.core import audit

    DeadlineNotice = apps.get_model("commitments", "DeadlineNotice")
    rows = list(DeadlineNotice.objects.select_related("alert").only("pk", "alert__kind"))
    for row in rows:
        row.key, row.kind = f"alert:{row.alert_id}", row.alert.kind
    DeadlineNotice.objects.bulk_update(rows, ["key", "kind"], batch_size=1000)
    audit.record_bulk_events(
        actor=audit.SystemActor("migration:commitments.0004"), action="commitments.deadlinenotice.migrate",
        model=DeadlineNotice, pks=[row.pk for row in rows], before={row.pk: {"key": "", "kind": ""} for row in rows},
        details={"article": "10", "reason": "key and kind of a person's notice (core.notices)"},
    )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_attachments_notices"), ("core", "0012_wal_flush_mark")]

    operations = [
        migrations.AlterModelOptions(
            name="deadlinenotice",
            options={"ordering": ["-created_at", "-pk"], "verbose_name": "deadline notice",
                     "verbose_name_plural": "deadline notices"},
        ),
        migrations.RemoveConstraint(model_name="deadlinenotice", name="commitments_notice_once"),
        migrations.AddField(
            model_name="deadlinenotice", name="key", field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deadlinenotice",
            name="kind",
            field=models.CharField(
                choices=[("before", "Deadline approaching"), ("due", "Due today"), ("overdue", "Overdue")],
                default="", max_length=16, verbose_name="alert",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="deadlinenotice", name="created_at", field=models.DateTimeField(verbose_name="delivered at")
        ),
        migrations.RunPython(fill_key_and_kind, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="deadlinenotice",
            constraint=models.UniqueConstraint(fields=("recipient", "key"), name="commitments_notice_once"),
        ),
    ]
