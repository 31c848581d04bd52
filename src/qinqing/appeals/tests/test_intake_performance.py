"""Intake stays cheap under load: few queries, the audit appended last, the chain intact (issue 4, performance)."""  # noqa: E501

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.transparency import receipts

from ..intake import services
from ..models import Channel
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def test_filing_takes_a_bounded_number_of_queries_and_appends_its_audit_event_last():
    services.appeal_file(
        channel=Channel.API, title="", content="第一件：电力增容", actor=None, contact_phone="13800138000"
    )
    with CaptureQueriesContext(connection) as captured:
        result = services.appeal_file(
            channel=Channel.API, title="", content="第二件：稳岗补贴", actor=None, contact_phone="13900139000"
        )

    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) <= 12, statements
    # Issue 19: the audit append touches no shared row (no chain head to lock) and comes last.
    assert not any("core_audithead" in sql for sql in statements), statements
    append = next(i for i, sql in enumerate(statements) if 'INTO "core_auditevent"' in sql)
    assert not any("appeals_" in sql for sql in statements[append + 1:]), "the audit append is the last write"
    last = statements[append]
    assert last.rindex("INSERT INTO") == last.index('INSERT INTO "core_auditevent"'), "the events go in last"
    if connection.vendor == "postgresql":
        # The counter row (issue 18: gapless numbers, taken inside the transaction) is held for
        # ONE statement and the commit: the number and the rows' keys come in one statement, the
        # appeal, its step, its acknowledgement and their audit events in the next.
        counter = next(i for i, sql in enumerate(statements) if '"core_counter"' in sql)
        control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")  # the transaction's own
        after = [sql for sql in statements[counter + 1:] if not sql.strip().upper().startswith(control)]
        assert after == [last], after
        tables = ('"appeals_appeal"', '"appeals_appealstep"', '"appeals_notification"')
        assert all(f"INSERT INTO {table}" in last for table in tables), last
    assert result.appeal.tracking_number.endswith("000002")
    # The receipt is known at filing (issue 19), from the event written, with no read-back.
    assert not any(sql.startswith("SELECT") and '"content_hash"' in sql for sql in statements), statements
    assert result.receipt == receipts.for_appeal(result.appeal)
    assert audit.verify_chain().ok


def test_an_appeal_with_attachments_is_audited_in_one_batch_and_verifies(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = factories.pdf_upload("证明.pdf")
    received_at = datetime.datetime(
        2025, 9, 30, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    result = services.appeal_file(
        channel=Channel.WEB_PORTAL,
        title="",
        content="附件说明",
        actor=None,
        contact_phone="13700137000",
        attachments=[upload],
        received_at=received_at,
    )

    events = list(AuditEvent.objects.order_by("-seq")[:3])
    assert {event.action for event in events} == {
        "appeals.appeal.file", "appeals.step.add", "appeals.attachment.add"
    }
    assert [event.seq for event in events] == [events[0].seq - i for i in range(3)]  # one batch
    assert len({event.content_hash for event in events}) == 3
    assert result.appeal.tracking_number.startswith("SQ20250930")
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_filings_from_many_connections_at_once_get_unique_numbers_and_keep_the_chain_intact():
    """Four workers file at the same time, each on its own connection (prepared statements,
    the counter row, the chain head's lock). SQLite has one writer at a time, so there the
    workers take turns; PostgreSQL runs them truly concurrently."""
    import threading

    from django.db import connections

    from ..models import Appeal

    serial = threading.Lock() if connection.vendor != "postgresql" else None
    numbers, errors = [], []

    def worker(index: int) -> None:
        try:
            for number in range(10):
                if serial:
                    serial.acquire()
                try:
                    result = services.appeal_file(
                        channel=Channel.API,
                        title="",
                        actor=None,
                        content=f"并发诉求 {index}-{number}：用电报装进度",
                        contact_phone=f"1390013{index:02d}{number:02d}",
                    )
                finally:
                    if serial:
                        serial.release()
                numbers.append(result.tracking_number)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(numbers) == len(set(numbers)) == 40
    assert Appeal.objects.count() == 40
    assert AuditEvent.objects.filter(action="appeals.appeal.file").count() == 40
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_no_like_index_is_maintained_on_the_tables_every_filing_writes():
    """Issue 19: the LIKE (``varchar_pattern_ops``) copies Django adds on PostgreSQL to indexed text
    columns cost every filing an index insert each and served no query; migrations drop them."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: other databases have no varchar_pattern_ops copies")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename IN (%s, %s) AND indexdef LIKE %s",
            ["appeals_appeal", "core_auditevent", "%pattern_ops%"],
        )
        assert cursor.fetchall() == []
