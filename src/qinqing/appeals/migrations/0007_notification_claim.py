from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_appeal_due_provisional"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="claim_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="notification",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("sending", "Being sent"), ("sent", "Sent"), ("failed", "Failed"),
                         ("manual", "Not sent: no channel, to be passed on by hand")],
                default="queued", max_length=10, verbose_name="status",
            ),
        ),
    ]
