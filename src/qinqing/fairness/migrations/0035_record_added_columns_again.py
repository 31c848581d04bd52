"""Record again the rows of Finding whose columns 0034_finding_added_by_reviewer added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("fairness", "0034_finding_added_by_reviewer"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "fairness",
            {
                "Finding": ("kind",),
            },
            migration="fairness.0035",
            reason="columns added by 0034_finding_added_by_reviewer were never recorded",
        ),
    ]
