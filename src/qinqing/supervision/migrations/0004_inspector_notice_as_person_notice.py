"""InspectorNotice becomes a ``core.notices.PersonNotice`` (delivered by ``deliver_once`` like the notices
of the other apps): ``inspector`` is its ``recipient``, ``created_at`` is set by the delivery, and it
gains ``notification``, the SMS queued on the appeals outbox when the inspector has a mobile number
(article 16: the early-warning follow-ups, and article 17's deadlines, reach the inspector outside the
application too). The rows already there are audited again, one event per row (the record check compares
each row with its last event)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("supervision", "InspectorNotice"), migration="supervision.0004",
        details={"article": "16", "reason": "an inspector's notice is a person's notice (core.notices)"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0012_reply_letters"),
        ("supervision", "0003_message_notification_inspectornotice"),
        ("core", "0012_wal_flush_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="inspectornotice", name="supervision_notice_once"),
        migrations.RenameField(model_name="inspectornotice", old_name="inspector", new_name="recipient"),
        migrations.AlterField(
            model_name="inspectornotice",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AlterField(
            model_name="inspectornotice", name="created_at", field=models.DateTimeField(verbose_name="delivered at")
        ),
        migrations.AddField(
            model_name="inspectornotice",
            name="notification",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="appeals.notification",
            ),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="inspectornotice",
            constraint=models.UniqueConstraint(fields=("recipient", "key"), name="supervision_notice_once"),
        ),
    ]
