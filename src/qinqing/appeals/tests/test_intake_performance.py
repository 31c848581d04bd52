"""Intake stays cheap under load: few queries, the audit appended last, the chain intact (issue 4, performance)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinqing.core import audit
from qinqing.core.models import AuditEvent

from .. import services
from ..models import Channel
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def test_filing_takes_a_bounded_number_of_queries_and_appends_its_audit_event_last():
    services.appeal_file(channel=Channel.API, title="", content="第一件：电力增容", actor=None, contact_phone="13800138000")
    with CaptureQueriesContext(connection) as captured:
        result = services.appeal_file(channel=Channel.API, title="", content="第二件：稳岗补贴", actor=None, contact_phone="13900139000")

    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) <= 12, statements
    head_lock = next(i for i, sql in enumerate(statements) if "core_audithead" in sql)
    assert not any("appeals_" in sql for sql in statements[head_lock:]), "nothing else runs while the chain's head is locked"
    assert result.appeal.tracking_number.endswith("000002")
    assert audit.verify_chain().ok


def test_an_appeal_with_attachments_is_audited_in_one_batch_and_verifies():
    upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    received_at = datetime.datetime(2025, 9, 30, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    result = services.appeal_file(channel=Channel.WEB_PORTAL, title="", content="附件说明", actor=None, contact_phone="13700137000",
                                  attachments=[upload], received_at=received_at)

    events = list(AuditEvent.objects.order_by("-seq")[:2])
    assert {event.action for event in events} == {"appeals.appeal.file", "appeals.attachment.add"}
    assert events[0].seq == events[1].seq + 1
    assert result.appeal.tracking_number.startswith("SQ20250930")
    assert audit.verify_chain().ok
