"""Audit again, one event per row, the records whose columns earlier migrations added without recording
them: Reminder (0003_reminder_notification); ResponsibilityList (0002_opinion_association_responsibilitylist_visit_period_and_more).

Those migrations added audited columns but appended no event, so on a district that held such rows then, the
record check (``./qinqing audit verify``) compares each row with a last event of the row's old shape and
reports it changed outside the services. Found by ``./qinqing upgrade-check --from ae66b8b`` (core.upgrade).
Only rows whose last event lacks those columns are recorded again (core.audit.record_rows_again_where_added):
a row that already matches gets no event, and one changed outside the services is left for the check to report."""

from django.db import migrations


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again_where_added(
        apps.get_model("liaison", "Reminder"),
        added=("notification",),
        migration="liaison.0005",
        details={"reason": "columns added by liaison.0003 were never recorded"},
    )
    audit.record_rows_again_where_added(
        apps.get_model("liaison", "ResponsibilityList"),
        added=("visit_period", "visits_per_period"),
        migration="liaison.0005",
        details={"reason": "columns added by liaison.0002 were never recorded"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0004_opinion_reply_number"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
