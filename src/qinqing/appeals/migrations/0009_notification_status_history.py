"""Notifications on channels that never had a sender (the portal, hotline, letters, visits,
roundtables, internal notices to units, the API) were written to the log and marked "sent".
They were not sent: mark them "not sent — to be passed on by hand", as the outbox now does.
(SMS and WeChat rows marked sent by the same fallback — an invalid number, WeChat without an
account — cannot be told apart from delivered ones afterwards and are left as they are.)"""

from django.db import migrations

DELIVERED_CHANNELS = ("sms", "wechat")


def relabel(apps, schema_editor):
    Notification = apps.get_model("appeals", "Notification")
    Notification.objects.filter(status="sent").exclude(channel__in=DELIVERED_CHANNELS).update(
        status="manual", sent_at=None, last_error="only written to the log (before the outbox said so)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0008_tracking_numbers_in_core_counter"),
    ]

    operations = [
        migrations.RunPython(relabel, migrations.RunPython.noop),
    ]
