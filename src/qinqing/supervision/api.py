"""The public report API (article 17): no key, no account; rate-limited per client and overall.

``POST /supervision/reports`` answers ``{"receipt_code": …}`` once (only its hashes are kept);
``GET /supervision/reports/status`` with the code (header ``X-Receipt-Code``, preferred, or the
``code`` parameter) answers the status and the messages left for the reporter.

``GET /supervision/duties?year=`` (article 16): every body's main-responsibility list for the year as the
discipline office, district leaders and administrators see it (a unit's staff: their own units'), for the
district's dashboards: its state, first responsible person, tasks done and past their date, the opinion.
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


class DutyOut(Schema):
    unit_code: str
    unit: str
    year: int
    status: str  # "" when the body has drawn up no list
    first_responsible: str
    tasks: int
    done: int
    past_their_date: int
    opinion: str  # the discipline office's rating once reviewed: fulfilled, largely or not_fulfilled


@router.get("/duties", response=list[DutyOut], summary="Every body's main-responsibility list for a year")
def duties(request, year: int | None = None):
    from django.utils.translation import gettext as _

    from qinqing.core import clock
    from qinqing.core.errors import ServiceError

    from .duties import selectors as duty_selectors

    shown = duty_selectors.years_shown()
    year = clock.today().year if year is None else year
    if year not in shown:  # the years the page offers
        raise ServiceError(
            _("The year must be between %(low)d and %(high)d."),
            code="out_of_range",
            field="year",
            params={"low": min(shown), "high": max(shown)},
        )
    return [
        {
            "unit_code": row.unit.code,
            "unit": row.unit.name,
            "year": year,
            "status": row.duty.status if row.duty else "",
            "first_responsible": row.duty.first_responsible.person.name
            if row.duty and row.duty.first_responsible
            else "",
            "tasks": row.tasks,
            "done": row.done,
            "past_their_date": row.overdue,
            "opinion": row.duty.rating if row.duty else "",
        }
        for row in duty_selectors.coverage(request.user, year)
    ]
