"""Two directory imports of one file at once: each enterprise is written once and neither import fails. Both
found the file's enterprises new, and the second's insert met the unique 统一社会信用代码: an IntegrityError
(a 500), its whole file lost."""

import pytest
from django.db import connection

from qinqing.core.audit import SystemActor
from qinqing.core.testing import at_once
from qinqing.directory.importing import import_file
from qinqing.directory.models import Enterprise
from qinqing.directory.tests.factories import make_uscc

ENTERPRISES = 300


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_enterprise_list_at_once_write_each_enterprise_once():
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite at_once runs the imports in turns; the race needs two writers (PostgreSQL)")
    lines = ["企业名称,统一社会信用代码,所有制类型"] + [
        f"示范区第{index}号有限公司,{make_uscc(index + 1)},民营" for index in range(ENTERPRISES)
    ]
    data = "\n".join(lines).encode()

    outcomes = at_once(
        2, lambda index: import_file("enterprises", data, filename="企业.csv", actor=SystemActor("test"))
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert not [rejection for report in outcomes for rejection in report.rejected], outcomes[0].rejected[:3]
    assert sorted((report.imported, report.unchanged) for report in outcomes) == [
        (0, ENTERPRISES), (ENTERPRISES, 0)
    ]
    assert Enterprise.objects.count() == ENTERPRISES
