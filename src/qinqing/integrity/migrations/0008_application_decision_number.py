"""A decision on an objection or a credit-repair application has a document number (its letter to the party
prints it, article 21). Applications decided before this field existed are numbered in each year's series
in the order they were decided; every application is then audited again, one event per row (the record
check compares each row with its last event)."""

from django.db import migrations, models

SERIES = "integrity.application_decision"
PATTERN = "亲清信复〔{period}〕{number:04d}号"


def number_past_decisions(apps, schema_editor):
    from qinqing.core import audit

    application_model = apps.get_model("integrity", "Application")
    counter_model = apps.get_model("core", "Counter")
    decided = application_model.objects.filter(decided_on__isnull=False, decision_number="")
    for row in decided.order_by("decided_on", "pk"):
        counter, _created = counter_model.objects.get_or_create(series=SERIES, period=f"{row.decided_on:%Y}")
        counter.last += 1
        counter.save(update_fields=["last"])
        row.decision_number = PATTERN.format(period=f"{row.decided_on:%Y}", number=counter.last)
        row.save(update_fields=["decision_number"])
    audit.record_rows_again(
        application_model, migration="integrity.0008",
        details={"article": "21", "reason": "a decision on an application has a document number"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0007_eligibility_log_batch_partial_index"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="decision_number",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="decision number"),
        ),
        migrations.RunPython(number_past_decisions, migrations.RunPython.noop),
    ]
