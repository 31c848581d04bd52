from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    """The shared database cache (settings.CACHES); a no-op when the cache is Redis.
    core.apps also runs createcachetable after every migrate, for a cache switched later."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_counter"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobState",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name="job")),
                ("running_since", models.DateTimeField(blank=True, null=True, verbose_name="running since")),
                ("run_token", models.CharField(blank=True, default="", max_length=32)),
                ("last_started_at", models.DateTimeField(blank=True, null=True, verbose_name="last started")),
                ("last_finished_at", models.DateTimeField(blank=True, null=True, verbose_name="last finished")),
                ("last_duration_ms", models.PositiveIntegerField(blank=True, null=True, verbose_name="last duration (ms)")),
                ("last_outcome", models.CharField(blank=True, choices=[("ok", "Succeeded"), ("failed", "Failed")], default="",
                                                  max_length=10, verbose_name="last outcome")),
                ("last_summary", models.CharField(blank=True, default="", max_length=500, verbose_name="last result")),
                ("last_error", models.CharField(blank=True, default="", max_length=500, verbose_name="last error")),
                ("last_success_at", models.DateTimeField(blank=True, null=True, verbose_name="last success")),
                ("consecutive_failures", models.PositiveIntegerField(default=0, verbose_name="failures in a row")),
                ("runs", models.PositiveIntegerField(default=0, verbose_name="runs")),
                ("failures", models.PositiveIntegerField(default=0, verbose_name="failures")),
            ],
            options={"verbose_name": "job state", "verbose_name_plural": "job states", "ordering": ["name"]},
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
