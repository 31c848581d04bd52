"""The commitments API (article 10) at /api/v1/commitments/: declared in access.py (session roles; the
public reads without authentication). Object scope is the selectors' (another unit's or enterprise's item
answers 404); every write goes through the services, so errors are JSON ``{code, message, field}`` naming
the field and the rule. Writes accept an ``Idempotency-Key`` header (core.idempotency): a retried call
with the same key files nothing twice.

* enterprise: ``GET /commitments/mine``, ``POST /commitments/{pk}/breach`` (opens an appeal, linked),
  ``GET`` / ``POST /commitments/funds/applications`` (apply),
  ``POST /commitments/funds/applications/{application_id}/attachments`` (multipart ``files``; cleaned by
  core.attachments, while the application is undecided);
* staff: ``GET /commitments`` (their unit's; every unit's for the discipline office, district leaders,
  administrators), ``POST /commitments`` (register), ``POST /commitments/{pk}/progress``;
* public: ``GET /commitments/funds/programmes``, ``GET /commitments/funds/results`` (published only).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Router, Schema, Status, UploadedFile

from qinqing.core.api import ErrorOut, bounded_query, page_query
from qinqing.core.errors import NotFound, ServiceError

from . import documents, funds, selectors, services
from .models import Scope

router = Router(tags=["commitments"])
PAGE_SIZE = 50
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class CommitmentOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    content: str
    legal_basis: str
    enterprise: str
    enterprise_uscc: str
    unit: str
    made_on: datetime.date
    deadline: datetime.date
    status: str
    status_label: str
    progress: int
    scope: str
    overdue: bool


def _commitment(row, today) -> dict:
    return {
        "id": row.pk,
        "number": row.number,
        "kind": row.kind,
        "title": row.title,
        "content": row.content,
        "legal_basis": row.legal_basis,
        "enterprise": row.enterprise.name,
        "enterprise_uscc": row.enterprise.uscc,
        "unit": row.unit.name,
        "made_on": row.made_on,
        "deadline": row.deadline,
        "status": row.status,
        "status_label": str(row.get_status_display()),
        "progress": row.progress,
        "scope": row.scope,
        "overdue": row.status in ("registered", "in_progress", "change_requested", "changed")
        and row.deadline < today,
    }


def _page(rows, page: int) -> list:
    start = (page - 1) * PAGE_SIZE
    return list(rows[start : start + PAGE_SIZE])


@router.get(
    "", response={200: list[CommitmentOut], 403: ErrorOut}, summary="Commitments of the caller's unit"
)
def commitment_list(request, page: int = page_query(), status: str = ""):
    from qinqing.core import clock

    rows = selectors.commitments(request.user).order_by("deadline", "pk")
    if status:
        rows = rows.filter(status=status)
    today = clock.today()
    return [_commitment(row, today) for row in _page(rows, page)]


class CommitmentIn(Schema):
    enterprise_uscc: str = Field(..., max_length=18)
    kind: str = Field(..., max_length=16)
    title: str = Field(..., max_length=200)
    content: str = Field(..., max_length=5000)
    legal_basis: str = Field("", max_length=300)
    made_on: datetime.date
    deadline: datetime.date
    documents: str = Field("", max_length=2000)
    scope: str = Field(Scope.INTERNAL, max_length=16)
    unit_id: int | None = Field(None, ge=1, le=2**31 - 1)


@router.post(
    "", response={201: CommitmentOut, **ERRORS}, summary="Register a commitment (the unit's handler)"
)
def commitment_register(request, payload: CommitmentIn):
    from qinqing.core import clock
    from qinqing.directory.models import Enterprise, Unit
    from qinqing.directory.selectors import unit_for_user

    uscc = payload.enterprise_uscc.strip().upper()
    enterprise = Enterprise.objects.filter(uscc=uscc, is_active=True).first()
    if enterprise is None:
        raise NotFound(field="enterprise_uscc")
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None or not (
            selectors.sees_all(request.user) or unit.pk in selectors.unit_ids(request.user)
        ):
            raise NotFound(field="unit_id")
    else:
        unit = unit_for_user(request.user)
        if unit is None:
            raise ServiceError(
                _("%(field)s is required."), code="required", field="unit_id", params={"field": "unit_id"}
            )
    row = services.commitment_register(
        enterprise=enterprise,
        unit=unit,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        legal_basis=payload.legal_basis,
        made_on=payload.made_on,
        deadline=payload.deadline,
        documents=payload.documents,
        scope=payload.scope,
        actor=request.user,
    )
    return Status(201, _commitment(row, clock.today()))


@router.get("/mine", response={200: list[CommitmentOut], 403: ErrorOut}, summary="Commitments made to us")
def commitment_mine(request, page: int = page_query()):
    from qinqing.core import clock

    today = clock.today()
    return [_commitment(row, today) for row in _page(selectors.commitments(request.user), page)]


class ProgressIn(Schema):
    text: str = Field(..., max_length=2000)
    progress: int = Field(..., ge=0, le=100)


@router.post(
    "/{int:pk}/progress", response={200: CommitmentOut, **ERRORS}, summary="Record progress (the unit)"
)
def commitment_progress(request, pk: int, payload: ProgressIn):
    from qinqing.core import clock

    row = selectors.commitment_for(request.user, pk)
    row = services.commitment_progress(
        commitment=row, text=payload.text, progress=payload.progress, actor=request.user
    )
    return _commitment(selectors.commitment_for(request.user, row.pk), clock.today())


class BreachIn(Schema):
    text: str = Field(..., max_length=2000)


class BreachOut(Schema):
    commitment: str
    appeal_tracking_number: str
    appeal_status: str


@router.post(
    "/{int:pk}/breach",
    response={201: BreachOut, **ERRORS},
    summary="Flag a breach of a commitment made to us (opens an appeal, linked)",
)
def commitment_breach(request, pk: int, payload: BreachIn):
    row = selectors.commitment_for(request.user, pk)
    flag = services.breach_flag(commitment=row, text=payload.text, actor=request.user)
    return Status(
        201,
        {
            "commitment": row.number,
            "appeal_tracking_number": flag.appeal.tracking_number,
            "appeal_status": flag.appeal.status,
        },
    )


# --- support funds ------------------------------------------------------------------------------------------
class ProgrammeOut(Schema):
    id: int
    title: str
    support: str = Field(description="what the programme supports: funds (资金支持) or project (项目支持)")
    rules: str
    budget: Decimal
    unit: str
    opens_on: datetime.date
    closes_on: datetime.date
    status: str
    results_published_on: datetime.date | None
    objections_until: datetime.date | None


@router.get(
    "/funds/programmes",
    response=list[ProgrammeOut],
    auth=None,
    summary="Support-fund programmes: rules, budget, dates (public)",
)
def programme_list(request, page: int = page_query()):
    return [
        {
            "id": p.pk,
            "title": p.title,
            "support": p.support,
            "rules": p.rules,
            "budget": p.budget,
            "unit": p.unit.name,
            "opens_on": p.opens_on,
            "closes_on": p.closes_on,
            "status": p.status,
            "results_published_on": p.published_on,
            "objections_until": p.objections_until,
        }
        for p in _page(selectors.public_programmes(), page)
    ]


class ResultOut(Schema):
    programme_id: int
    programme: str
    enterprise: str
    approved_amount: Decimal
    published_on: datetime.date
    objections_until: datetime.date


@router.get(
    "/funds/results",
    response=list[ResultOut],
    auth=None,
    summary="Published results: approved applications (public; nothing before publication)",
)
def result_list(
    request, programme_id: int | None = bounded_query(None, high=2**31 - 1), page: int = page_query()
):
    rows = selectors.public_results()
    if programme_id is not None:
        rows = rows.filter(programme_id=programme_id)
    return [
        {
            "programme_id": r.programme_id,
            "programme": r.programme.title,
            "enterprise": r.enterprise.name,
            "approved_amount": r.approved_amount,
            "published_on": r.programme.published_on,
            "objections_until": r.programme.objections_until,
        }
        for r in _page(rows, page)
    ]


class ApplicationIn(Schema):
    programme_id: int = Field(..., ge=1, le=2**31 - 1)
    enterprise_uscc: str = Field("", max_length=18)
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    description: str = Field(..., max_length=5000)


class ApplicationOut(Schema):
    id: int
    programme_id: int
    programme: str
    enterprise: str
    amount: Decimal
    status: str
    status_label: str
    eligibility_check: str
    priority: bool
    approved_amount: Decimal | None
    attachments: int


def _application(row) -> dict:
    return {
        "id": row.pk,
        "programme_id": row.programme_id,
        "programme": row.programme.title,
        "enterprise": row.enterprise.name,
        "amount": row.amount,
        "status": row.status,
        "status_label": str(row.get_status_display()),
        "eligibility_check": row.eligibility_check,
        "priority": row.priority,
        "approved_amount": row.approved_amount,
        "attachments": row.attachments.count(),
    }


@router.get(
    "/funds/applications", response={200: list[ApplicationOut], 403: ErrorOut}, summary="Our applications"
)
def application_list(request, page: int = page_query()):
    return [_application(row) for row in _page(selectors.applications_of(request.user), page)]


@router.post(
    "/funds/applications",
    response={201: ApplicationOut, **ERRORS},
    summary="Apply to an open programme (a party restricted under article 21 is refused)",
)
def application_submit(request, payload: ApplicationIn):
    from qinqing.directory.selectors import enterprises_for_user

    enterprises = enterprises_for_user(request.user)
    if payload.enterprise_uscc:
        enterprise = enterprises.filter(uscc=payload.enterprise_uscc.strip().upper()).first()
    else:
        enterprise = enterprises.first()
    if enterprise is None:
        raise NotFound(field="enterprise_uscc")
    try:
        programme = selectors.programme_open(payload.programme_id)
    except NotFound as error:
        raise NotFound(field="programme_id") from error
    row = funds.apply(
        programme=programme,
        enterprise=enterprise,
        amount=payload.amount,
        description=payload.description,
        actor=request.user,
    )
    return Status(201, _application(row))


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


@router.post(
    "/funds/applications/{int:application_id}/attachments",
    response={201: list[AttachmentOut], **ERRORS},
    summary="Add attachments to our undecided application (multipart field `files`; JPEG, PNG, PDF, text)",
)
def application_attachments(request, application_id: int, files: File[list[UploadedFile]] = None):
    application = selectors.application_of(request.user, application_id)
    rows = documents.application_attach(application=application, uploads=files or [], actor=request.user)
    return Status(
        201, [{"id": r.pk, "name": r.name, "content_type": r.content_type, "size": r.size} for r in rows]
    )
