"""Two imports of one outside list at once (``./qinqing import records`` from cron while someone posts it):
each record is added once. Records have no unique key (one party may well have two records of one kind), so
the import's "already stored" check was all there was, and both imports passed it."""

import pytest
from django.db import connection

from qinqing.core.audit import SystemActor
from qinqing.core.testing import at_once
from qinqing.directory.tests import factories as directory
from qinqing.integrity import importing
from qinqing.integrity.models import IntegrityRecord

RECORDS = 150


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_list_at_once_add_each_record_once(frozen_clock):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite at_once runs the imports in turns; the race needs two writers (PostgreSQL)")
    frozen_clock("2026-11-30 10:00")
    uscc = directory.make_uscc()
    lines = ["统一社会信用代码,名称,记录类型,标题,来源,日期"] + [
        f"{uscc},欠税有限公司,重大税收违法,第{index}号决定,信用中国,2026-03-01" for index in range(RECORDS)
    ]
    data = "\n".join(lines).encode()

    outcomes = at_once(
        2, lambda index: importing.import_records_file(data, filename="名单.csv", actor=SystemActor("test"))
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted((report.imported, report.unchanged) for report in outcomes) == [(0, RECORDS), (RECORDS, 0)]
    assert IntegrityRecord.objects.count() == RECORDS
