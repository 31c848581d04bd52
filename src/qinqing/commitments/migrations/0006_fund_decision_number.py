"""A fund decision has a document number and a day (its letter to the enterprise prints them, article 10).
Applications decided before these fields existed take the day of their decision's audit event and a number
of that year's series in the order they were decided; every application is then audited again, one event
per row (the record check compares each row with its last event)."""

from django.db import migrations, models

SERIES = "commitments.fund_decision"
PATTERN = "扶持决〔{period}〕{number:04d}号"


def number_past_decisions(apps, schema_editor):
    from django.utils import timezone

    from qinqing.core import audit

    application_model = apps.get_model("commitments", "FundApplication")
    event_model = apps.get_model("core", "AuditEvent")
    counter_model = apps.get_model("core", "Counter")
    decided = []
    for row in application_model.objects.filter(status__in=("approved", "rejected"), decided_on__isnull=True):
        event = (
            event_model.objects.filter(
                action__in=("commitments.fund_application.approve", "commitments.fund_application.reject"),
                object_type="commitments.FundApplication",
                object_id=str(row.pk),
            )
            .order_by("-seq")
            .first()
        )
        day = timezone.localdate(event.occurred_at if event is not None else row.created_at)
        decided.append((day, row.pk, row))
    for day, _pk, row in sorted(decided, key=lambda item: item[:2]):
        counter, _created = counter_model.objects.get_or_create(series=SERIES, period=f"{day:%Y}")
        counter.last += 1
        counter.save(update_fields=["last"])
        row.decided_on, row.decision_number = day, PATTERN.format(period=f"{day:%Y}", number=counter.last)
        row.save(update_fields=["decided_on", "decision_number"])
    audit.record_rows_again(
        application_model, migration="commitments.0006",
        details={"article": "10", "reason": "a fund decision has a document number and a day"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0005_programme_support"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundapplication",
            name="decided_on",
            field=models.DateField(blank=True, null=True, verbose_name="decided on"),
        ),
        migrations.AddField(
            model_name="fundapplication",
            name="decision_number",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="decision number"),
        ),
        migrations.RunPython(number_past_decisions, migrations.RunPython.noop),
    ]
