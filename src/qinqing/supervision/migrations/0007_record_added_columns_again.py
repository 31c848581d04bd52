"""Record again the rows of Message, Report whose columns 0002_report_erased_on_inspection_typicalcase and 0003_message_notification_inspectornotice added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0006_duty_review_notice"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "supervision",
            {
                "Message": ("notification",),
                "Report": ("erased_on",),
            },
            migration="supervision.0007",
            reason="columns added by 0002_report_erased_on_inspection_typicalcase and 0003_message_notification_inspectornotice were never recorded",
        ),
    ]
