"""Tracking numbers are taken from core.numbering (series "appeals.tracking", one period per
day): the per-day counters move to core.Counter and the old table goes."""

from django.db import migrations

SERIES = "appeals.tracking"


def move_counters(apps, schema_editor):
    TrackingCounter = apps.get_model("appeals", "TrackingCounter")
    Counter = apps.get_model("core", "Counter")
    for day, last in TrackingCounter.objects.values_list("day", "last").iterator():
        period = f"{day:%Y%m%d}"
        counter, created = Counter.objects.get_or_create(series=SERIES, period=period, defaults={"last": last})
        if not created and counter.last < last:
            Counter.objects.filter(pk=counter.pk).update(last=last)


def move_back(apps, schema_editor):
    import datetime

    TrackingCounter = apps.get_model("appeals", "TrackingCounter")
    Counter = apps.get_model("core", "Counter")
    for period, last in Counter.objects.filter(series=SERIES).values_list("period", "last"):
        TrackingCounter.objects.update_or_create(day=datetime.datetime.strptime(period, "%Y%m%d").date(), defaults={"last": last})


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0007_notification_claim"),
        ("core", "0004_counter"),
    ]

    operations = [
        migrations.RunPython(move_counters, move_back),
        migrations.DeleteModel(name="TrackingCounter"),
    ]
