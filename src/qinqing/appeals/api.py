"""Appeals API (articles 6, 8): file, read, list, transition. Scopes appeals:read / appeals:write."""

import datetime

from django.core.paginator import Paginator
from ninja import Router, Schema

from qinqing.core.api import ErrorOut, actor_of, authorize
from qinqing.core.errors import NotFound, PermissionDeniedError
from qinqing.core.models import ApiKey
from qinqing.core.permissions import user_has_any_role
from qinqing.core.roles import Role
from qinqing.directory.selectors import enterprises_for_user

from . import selectors, services
from .models import Channel

router = Router(tags=["appeals"])


class FileIn(Schema):
    title: str = ""
    content: str
    channel: str = Channel.API
    category: str | None = None
    contact_name: str = ""
    contact_phone: str = ""
    external_user_id: str = ""
    enterprise_uscc: str | None = None


class FileOut(Schema):
    tracking_number: str
    merged: bool
    status: str
    due_at: datetime.date | None = None


class AppealOut(Schema):
    tracking_number: str
    title: str
    channel: str
    category: str
    status: str
    track: str
    complexity: str
    level: str
    round: int
    handling_unit: str | None = None
    due_at: datetime.date | None = None
    overdue: bool
    days_overdue: int
    reply: str
    received_at: datetime.datetime


class PageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[AppealOut]


class TransitionIn(Schema):
    action: str
    data: dict = {}


APPEAL_ROLES = (Role.ENTERPRISE_USER, *services.HANDLER_ROLES, *services.SUPERVISION_ROLES)


def _authorize(request, scope: str):
    """The key's scope; a session user must also hold a role that works with appeals."""
    authorize(request, scope=scope)
    if not isinstance(request.auth, ApiKey) and not user_has_any_role(request.user, APPEAL_ROLES):
        raise PermissionDeniedError()


def _out(appeal) -> dict:
    return {
        "tracking_number": appeal.tracking_number, "title": appeal.title, "channel": appeal.channel, "category": appeal.category,
        "status": appeal.status, "track": appeal.track, "complexity": appeal.complexity, "level": appeal.level, "round": appeal.round,
        "handling_unit": appeal.handling_unit.name if appeal.handling_unit_id else None, "due_at": appeal.due_at,
        "overdue": selectors.is_overdue(appeal), "days_overdue": selectors.days_overdue(appeal), "reply": appeal.reply,
        "received_at": appeal.received_at,
    }


@router.post("", response={201: FileOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="File an appeal")
def file_appeal(request, payload: FileIn):
    _authorize(request, "appeals:write")
    actor = actor_of(request)
    enterprise = None
    if payload.enterprise_uscc:
        from qinqing.directory.selectors import access_enterprise_by_uscc

        try:
            enterprise = access_enterprise_by_uscc(actor, payload.enterprise_uscc)
        except NotFound as error:
            raise NotFound(field="enterprise_uscc") from error
    elif not isinstance(actor, ApiKey):
        enterprise = enterprises_for_user(actor).first()
    result = services.appeal_file(
        channel=payload.channel, title=payload.title, content=payload.content, actor=actor, enterprise=enterprise,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone, external_user_id=payload.external_user_id,
        category=payload.category,
    )
    original = result.appeal.merged_into if result.merged else result.appeal
    return 201, {"tracking_number": result.tracking_number, "merged": result.merged, "status": original.status, "due_at": original.due_at}


@router.get("", response={200: PageOut, 403: ErrorOut}, summary="Appeals visible to the caller")
def list_appeals(request, page: int = 1, status: str | None = None, overdue: bool = False):
    _authorize(request, "appeals:read")
    actor = actor_of(request)
    appeals = selectors.appeals_visible_to(actor).order_by("due_at", "pk") if not isinstance(actor, ApiKey) else selectors.all_appeals()
    if status:
        appeals = appeals.filter(status=status)
    if overdue:
        appeals = appeals.filter(status__in=selectors.OPEN_STATUSES, due_at__lt=selectors.today())
    paginator = Paginator(appeals, 50)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages, "results": [_out(a) for a in current]}


@router.get("/{tracking_number}", response={200: AppealOut, 403: ErrorOut, 404: ErrorOut}, summary="One appeal")
def get_appeal(request, tracking_number: str):
    _authorize(request, "appeals:read")
    return _out(selectors.access_appeal_by_number(actor_of(request), tracking_number))


@router.post("/{tracking_number}/transitions", response={200: AppealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Move an appeal along its track")
def transition(request, tracking_number: str, payload: TransitionIn):
    _authorize(request, "appeals:write")
    actor = actor_of(request)
    appeal = selectors.access_appeal_by_number(actor, tracking_number)
    services.perform(appeal=appeal, action=payload.action, actor=actor, data=payload.data)
    appeal.refresh_from_db()
    return _out(appeal)
