"""Record again the rows of LawsuitCase, Notice whose columns 0003_lawsuitcase_court_record_lawsuitcase_court_unit and 0005_procuratorial_recommendation added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("legal", "0006_protection_accepted_on"),
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "legal",
            {
                "LawsuitCase": ("court_record", "court_unit"),
                "Notice": ("recommendation",),
            },
            migration="legal.0007",
            reason="columns added by 0003_lawsuitcase_court_record_lawsuitcase_court_unit and 0005_procuratorial_recommendation were never recorded",
        ),
    ]
