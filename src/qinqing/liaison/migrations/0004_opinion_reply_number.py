"""An answered opinion has a reply letter to the party that gave it, numbered 意见复〔year〕NNNN号 (article 9).
Opinions answered before the number existed take one of the year of their answer, in the order they were
answered; every opinion is then audited again, one event per row (the record check compares each row with its
last event)."""

from django.db import migrations, models

SERIES = "liaison.opinion_reply"
PATTERN = "意见复〔{period}〕{number:04d}号"


def number_past_answers(apps, schema_editor):
    from django.utils import timezone

    from qinqing.core import audit

    opinion_model = apps.get_model("liaison", "Opinion")
    counter_model = apps.get_model("core", "Counter")
    for row in opinion_model.objects.filter(answered_at__isnull=False, reply_number="").order_by("answered_at", "pk"):
        day = timezone.localdate(row.answered_at)
        counter, _created = counter_model.objects.get_or_create(series=SERIES, period=f"{day:%Y}")
        counter.last += 1
        counter.save(update_fields=["last"])
        row.reply_number = PATTERN.format(period=f"{day:%Y}", number=counter.last)
        row.save(update_fields=["reply_number"])
    audit.record_rows_again(
        opinion_model, migration="liaison.0004",
        details={"article": "9", "reason": "an answered opinion has a numbered reply letter"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0003_reminder_notification"),
        ("core", "0013_import_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="reply_number",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="reply number"),
        ),
        migrations.RunPython(number_past_answers, migrations.RunPython.noop),
    ]
