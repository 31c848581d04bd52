"""Two imports of one 12345 export at once (two sessions posting the same file): each work order is filed once
and neither import fails. They found the same orders new, and the second's insert met the unique 工单编号 (or
a deadlock): a 500, its whole file lost."""

import pytest
from django.db import connection

from qinqing.core import audit
from qinqing.core.testing import at_once

from ..hotline import services as hotline
from ..hotline.models import HotlineOrder
from ..models import Appeal
from . import factories

ORDERS = 60


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_export_at_once_file_each_order_once(frozen_clock):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite at_once runs the imports in turns; the race needs two writers (PostgreSQL)")
    factories.load_calendar()
    frozen_clock("2025-11-20 10:00")
    lines = ["工单编号,来电时间,来电人,诉求内容,诉求类型"] + [
        f"GD2025111800{index:04d},2025-11-18 09:{index % 60:02d}:00,王先生,第{index}件：企业开办遇到困难,求助"
        for index in range(ORDERS)
    ]
    data = "\n".join(lines).encode()

    outcomes = at_once(
        2, lambda index: hotline.import_file(data, filename="12345.csv", actor=audit.SystemActor("test"))
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted((report.imported, report.unchanged) for report in outcomes) == [(0, ORDERS), (ORDERS, 0)]
    assert HotlineOrder.objects.count() == ORDERS and Appeal.objects.count() == ORDERS


@pytest.mark.django_db(transaction=True)
def test_one_order_pushed_twice_at_once_is_filed_once(frozen_clock):
    """The API's push (``order_receive``) of one order from several connections at once: one files it, the
    others find it (was: an IntegrityError on the unique 工单编号, a 500)."""
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite at_once runs the pushes in turns; the race needs two writers (PostgreSQL)")
    factories.load_calendar()
    frozen_clock("2025-11-20 10:00")
    cleaned = hotline.clean(
        {"order_number": "GD20251118009999", "called_at": "2025-11-18 09:12:45", "content": "开办遇到困难"}
    )

    actor = audit.SystemActor("test")
    outcomes = at_once(4, lambda index: hotline.order_receive(actor=actor, cleaned=cleaned))

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(outcome for _order, outcome in outcomes) == ["imported"] + ["unchanged"] * 3
    assert HotlineOrder.objects.count() == 1 and Appeal.objects.count() == 1
