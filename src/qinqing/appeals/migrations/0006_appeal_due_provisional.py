from django.db import migrations, models


class Migration(migrations.Migration):
    """The deadline's basis (start, working days) and whether it was counted on a provisional
    calendar year; recounted when the official schedule is loaded (issue #10)."""

    dependencies = [
        ("appeals", "0005_appeal_fillfactor"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="due_provisional",
            field=models.BooleanField(default=False, verbose_name="due date is provisional"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="due_start",
            field=models.DateField(blank=True, null=True, verbose_name="deadline counted from"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="due_days",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="working days counted"),
        ),
    ]
