"""PolicyReminder becomes a ``core.notices.PersonNotice`` (delivered by ``deliver_once`` like the notices of
the other apps): it gains ``notification``, the SMS queued on the appeals outbox when the person reminded
has a mobile number (articles 4 and 19: a library document running out, a supporting measure overdue, a
planned activity coming up or not recorded reach the person outside the application too). The rows already
there are audited again, one event per row (the record check compares each row with its last event)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("policy", "PolicyReminder"), migration="policy.0007",
        details={"article": "4", "reason": "a policy reminder is a person's notice (core.notices)"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0013_drop_unused_like_indexes"),
        ("policy", "0006_education_plan"),
        ("core", "0012_wal_flush_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policyreminder",
            name="notification",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="appeals.notification",
            ),
        ),
        migrations.AlterField(
            model_name="policyreminder", name="created_at", field=models.DateTimeField(verbose_name="delivered at")
        ),
        migrations.AlterField(
            model_name="policyreminder",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
