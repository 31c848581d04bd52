"""Audit again, one event per row, the records whose columns earlier migrations added without recording
them: PolicyDocument (0003_library_measures_education).

Those migrations added audited columns but appended no event, so on a district that held such rows then, the
record check (``./qinqing audit verify``) compares each row with a last event of the row's old shape and
reports it changed outside the services. Found by ``./qinqing upgrade-check --from ae66b8b`` (core.upgrade).
Only rows whose last event lacks those columns are recorded again (core.audit.record_rows_again_where_added):
a row that already matches gets no event, and one changed outside the services is left for the check to report."""

from django.db import migrations


def record_the_new_shape(apps, schema_editor):
    from qinqing.core import audit

    audit.record_rows_again_where_added(
        apps.get_model("policy", "PolicyDocument"),
        added=(
            "document_number",
            "issued_on",
            "issuing_body",
            "level",
            "series",
            "valid_from",
            "valid_until",
        ),
        migration="policy.0008",
        details={"reason": "columns added by policy.0003 were never recorded"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0007_reminder_as_person_notice"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        migrations.RunPython(record_the_new_shape, migrations.RunPython.noop),
    ]
