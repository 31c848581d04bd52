"""Audit again, one event per row, the records whose columns earlier migrations added without recording
them: LawsuitCase (0003_lawsuitcase_court_record_lawsuitcase_court_unit); Notice (0005_procuratorial_recommendation).

Those migrations added audited columns but appended no event, so on a district that held such rows then, the
record check (``./qinqing audit verify``) compares each row with a last event of the row's old shape and
reports it changed outside the services. Found by ``./qinqing upgrade-check --from ae66b8b`` (core.upgrade).
Only rows whose last event lacks those columns are recorded again (core.audit.record_rows_again_where_added):
a row that already matches gets no event, and one changed outside the services is left for the check to report."""

from django.db import migrations


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again_where_added(
        apps.get_model("legal", "LawsuitCase"),
        added=("court_record", "court_unit"),
        migration="legal.0007",
        details={"reason": "columns added by legal.0003 were never recorded"},
    )
    audit.record_rows_again_where_added(
        apps.get_model("legal", "Notice"),
        added=("recommendation",),
        migration="legal.0007",
        details={"reason": "columns added by legal.0005 were never recorded"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0006_protection_accepted_on"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
