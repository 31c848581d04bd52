"""Record again the rows of PolicyDocument whose columns 0003_library_measures_education added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0007_reminder_as_person_notice"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "policy",
            {
                "PolicyDocument": ("document_number", "issued_on", "issuing_body", "level", "series", "valid_from", "valid_until"),
            },
            migration="policy.0008",
            reason="columns added by 0003_library_measures_education were never recorded",
        ),
    ]
