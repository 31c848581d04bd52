"""A request not accepted says on which day (the not-accepted letter is dated by it, article 22). Requests
refused before this field existed take the day of their refusal's audit event; every request is then
audited again, one event per row (the record check compares each row with its last event)."""

from django.db import migrations, models


def refused_days(apps, schema_editor):
    from django.utils import timezone

    from qinqing.core import audit

    request_model = apps.get_model("tolerance", "ToleranceRequest")
    event_model = apps.get_model("core", "AuditEvent")
    for row in request_model.objects.filter(status="refused", refused_on__isnull=True):
        event = (
            event_model.objects.filter(
                action="tolerance.request.refuse", object_type="tolerance.ToleranceRequest", object_id=str(row.pk)
            )
            .order_by("-seq")
            .first()
        )
        row.refused_on = timezone.localdate(event.occurred_at) if event is not None else row.submitted_on
        row.save(update_fields=["refused_on"])
    audit.record_rows_again(
        request_model, migration="tolerance.0003",
        details={"article": "22", "reason": "a request not accepted says on which day"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tolerance", "0002_filingreceipt_notice"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="tolerancerequest",
            name="refused_on",
            field=models.DateField(blank=True, null=True, verbose_name="not accepted on"),
        ),
        migrations.RunPython(refused_days, migrations.RunPython.noop),
    ]
