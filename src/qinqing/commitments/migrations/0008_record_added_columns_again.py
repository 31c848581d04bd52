"""Record again the rows of DeadlineNotice whose columns 0004_deadline_notice_as_person_notice added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0007_commitment_decisions"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "commitments",
            {
                "DeadlineNotice": ("key", "kind"),
            },
            migration="commitments.0008",
            reason="columns added by 0004_deadline_notice_as_person_notice were never recorded",
        ),
    ]
