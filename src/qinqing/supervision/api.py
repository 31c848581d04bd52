"""The public report API (article 17): no key, no account; rate-limited per client and overall.

``POST /supervision/reports`` answers ``{"receipt_code": …}`` once (only its hashes are kept);
``GET /supervision/reports/status`` with the code (header ``X-Receipt-Code``, preferred, or the
``code`` parameter) answers the status and the messages left for the reporter.
"""

from __future__ import annotations

from ninja import Router, Schema

from . import services
from .models import FROM_REPORTER, Status

router = Router(tags=["supervision"])


class ReportIn(Schema):
    text: str
    category: str
    real_name: bool = False
    reporter_name: str = ""
    reporter_contact: str = ""
    subject_text: str = ""


class ReceiptOut(Schema):
    receipt_code: str
    number: str
    accept_due: str


class MessageOut(Schema):
    kind: str
    from_reporter: bool
    body: str
    at: str


class StatusOut(Schema):
    number: str
    status: str
    status_label: str
    accept_due: str
    accepted_on: str | None
    result_sent_on: str | None
    messages: list[MessageOut]


@router.post(
    "/reports",
    response=ReceiptOut,
    auth=None,
    summary="File a report, real-name or anonymous (public; rate-limited; the receipt code is shown once)",
)
def report_create(request, payload: ReportIn):
    report, code = services.report_submit(
        text=payload.text,
        category=payload.category,
        real_name=payload.real_name,
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
        subject_text=payload.subject_text,
        client=services.client_of(request),
    )
    return ReceiptOut(receipt_code=code, number=report.number, accept_due=report.accept_due.isoformat())


@router.get(
    "/reports/status",
    response=StatusOut,
    auth=None,
    summary="The status of a report and the replies, by receipt code (header X-Receipt-Code or code=)",
)
def report_status(request, code: str = ""):
    code = request.headers.get("X-Receipt-Code", "") or code
    report = services.report_by_code(code, client=services.client_of(request))
    return StatusOut(
        number=report.number,
        status=report.status,
        status_label=str(Status(report.status).label),
        accept_due=report.accept_due.isoformat(),
        accepted_on=report.accepted_on.isoformat() if report.accepted_on else None,
        result_sent_on=report.result_sent_on.isoformat() if report.result_sent_on else None,
        messages=[
            MessageOut(
                kind=m.kind, from_reporter=m.kind in FROM_REPORTER, body=m.body, at=m.created_at.isoformat()
            )
            for m in report.messages.all()
        ],
    )
