"""Record again the rows of DistrictSettings whose columns 0007_district_helpdesk added without recording them
(found by ``./qinqing upgrade-check --from ae66b8b``; ``core.audit.mend_added_columns``: rows of the old shape
only — a row in its present shape gets no event, one changed outside the services is left for ``audit verify``)."""

from django.db import migrations

from qinqing.core.audit import mend_added_columns


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0016_time_limit"),
    ]

    operations = [
        mend_added_columns(
            "core",
            {
                "DistrictSettings": ("helpdesk",),
            },
            migration="core.0017",
            reason="columns added by 0007_district_helpdesk were never recorded",
        ),
    ]
