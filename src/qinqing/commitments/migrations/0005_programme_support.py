"""A programme says what it supports (article 20: priority "in funds and project support"): funding, as
every programme so far, or a project — an applicant is then checked for article 21's restriction on public
resource trading instead of fiscal subsidies. The programmes already there are audited again, one event per
row (the record check compares each row with its last event)."""

from django.db import migrations, models


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again(
        apps.get_model("commitments", "FundProgramme"), migration="commitments.0005",
        details={"article": "20", "reason": "a programme says what it supports (funding, as before)"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0004_deadline_notice_as_person_notice"),
        ("core", "0012_wal_flush_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundprogramme",
            name="support",
            field=models.CharField(
                choices=[("funds", "Funding support"), ("project", "Project support")], default="funds",
                max_length=16, verbose_name="support",
            ),
        ),
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
