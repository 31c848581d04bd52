"""Directory API at /api/v1/directory/: enterprises, units, officials (resident IDs masked).

API keys need ``directory:read`` / ``directory:write``; session users need the matching
``directory.*`` permission and see only what the selectors let them see.
"""

from __future__ import annotations

from ninja import Router, Schema, Status

from qinqing.core.api import ErrorOut, actor_of, bounded_query, page_query

from . import selectors, services
from .models import OwnershipType

router = Router(tags=["directory"])
MAX_PAGE_SIZE = 200


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    ownership_type: str
    is_non_public: bool
    is_key_enterprise: bool
    industry: str
    address: str
    is_active: bool


class EnterprisePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[EnterpriseOut]


class EnterpriseIn(Schema):
    uscc: str
    name: str
    ownership_type: OwnershipType
    is_key_enterprise: bool = False
    industry: str = ""
    address: str = ""


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    organ_type: str
    parent_id: int | None
    is_active: bool
    seal_text: str


class OfficialOut(Schema):
    id: int
    name: str
    resident_id_masked: str
    unit_code: str
    unit_name: str
    position: str
    rank: str
    is_leading_cadre: bool
    supervising_leader_id: int | None
    is_active: bool


class OfficialPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[OfficialOut]


def _enterprise_out(enterprise) -> dict:
    return {
        "id": enterprise.pk,
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "ownership_type": enterprise.ownership_type,
        "is_non_public": enterprise.is_non_public,
        "is_key_enterprise": enterprise.is_key_enterprise,
        "industry": enterprise.industry,
        "address": enterprise.address,
        "is_active": enterprise.is_active,
    }


def _page(queryset, page: int, page_size: int) -> tuple[int, int, int, list]:
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    count = queryset.count()
    start = (page - 1) * page_size
    return count, page, page_size, list(queryset[start : start + page_size])


@router.get(
    "/enterprises",
    response={200: EnterprisePageOut, 401: ErrorOut, 403: ErrorOut},
    summary="List enterprises",
)
def list_enterprises(request, uscc: str = "", name: str = "", page: int = page_query(),
                     page_size: int = bounded_query(50, high=MAX_PAGE_SIZE)):
    enterprises = selectors.enterprises_visible_to(actor_of(request)).order_by("name", "pk")
    if uscc:
        enterprises = enterprises.filter(uscc=uscc.strip().upper())
    if name:
        enterprises = enterprises.filter(name__icontains=name.strip())
    count, page, page_size, rows = _page(enterprises, page, page_size)
    return {"count": count, "page": page, "page_size": page_size, "items": [_enterprise_out(e) for e in rows]}


@router.get(
    "/enterprises/{uscc}",
    response={200: EnterpriseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One enterprise by USCC",
)
def get_enterprise(request, uscc: str):
    return _enterprise_out(selectors.access_enterprise_by_uscc(actor_of(request), uscc))


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record an enterprise",
)
def create_enterprise(request, payload: EnterpriseIn):
    enterprise = services.enterprise_create(
        uscc=payload.uscc,
        name=payload.name,
        ownership_type=payload.ownership_type.value,
        is_key_enterprise=payload.is_key_enterprise,
        industry=payload.industry,
        address=payload.address,
        actor=actor_of(request),
    )
    return Status(201, _enterprise_out(enterprise))


@router.get("/units", response={200: list[UnitOut], 401: ErrorOut, 403: ErrorOut}, summary="All units")
def list_units(request):
    return [
        {
            "id": u.pk,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "organ_type": u.organ_type,
            "parent_id": u.parent_id,
            "is_active": u.is_active,
            "seal_text": u.seal_text,
        }
        for u in selectors.units_visible_to(actor_of(request)).order_by("code")
    ]


@router.get(
    "/officials",
    response={200: OfficialPageOut, 401: ErrorOut, 403: ErrorOut},
    summary="Officials (resident IDs masked)",
)
def list_officials(request, unit_code: str = "", name: str = "", page: int = page_query(),
                     page_size: int = bounded_query(50, high=MAX_PAGE_SIZE)):
    officials = selectors.officials_visible_to(actor_of(request)).order_by("unit__code", "pk")
    if unit_code:
        officials = officials.filter(unit__code=unit_code.strip())
    if name:
        officials = officials.filter(person__name__icontains=name.strip())
    count, page, page_size, rows = _page(officials, page, page_size)
    items = [
        {
            "id": o.pk,
            "name": o.person.name,
            "resident_id_masked": o.person.masked_resident_id,
            "unit_code": o.unit.code,
            "unit_name": o.unit.name,
            "position": o.position,
            "rank": o.rank,
            "is_leading_cadre": o.is_leading_cadre,
            "supervising_leader_id": o.supervising_leader_id,
            "is_active": o.is_active,
        }
        for o in rows
    ]
    return {"count": count, "page": page, "page_size": page_size, "items": items}
