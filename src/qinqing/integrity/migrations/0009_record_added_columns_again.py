"""Record again the rows of ComprehensiveEvaluation, ListingNotice whose columns 0005_notice_channels_priority added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("integrity", "0008_application_decision_number"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "integrity",
            {
                "ComprehensiveEvaluation": ("on_priority_list",),
                "ListingNotice": ("notification", "printed_at"),
            },
            migration="integrity.0009",
            reason="columns added by 0005_notice_channels_priority were never recorded",
        ),
    ]
