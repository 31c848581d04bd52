"""Appeals API (articles 6, 8). Scopes appeals:read / appeals:write for API keys; session users by role.

- file, list, read, transition (every appeal role, narrowed by the selectors);
- ``/{number}/timeline`` — the enterprise's view: its own appeals (session enterprise users)
  or any appeal (keys with appeals:read); always the public timeline;
- ``/{number}/rating`` — the enterprise rates the reply (session enterprise users, own appeals;
  keys with appeals:write may relay a rating taken by phone);
- ``/queue`` — the handler's queue by deadline with overdue flags (session handlers: their
  unit's; the supervision office and keys: every unit's, filterable by unit code);
- ``/supervision`` — 督办 list with working days overdue (supervision office, keys);
- ``/{number}/routing-suggestion`` — unit and track suggestion (supervision office, keys);
- ``/{number}/answer-suggestions`` — knowledge-base matches for a consultation (its handlers,
  the supervision office, keys);
- ``/interpretations`` — the published policy interpretations, 50 a page (``page``; the answer says
  how many there are and how many pages). The same list is public on the portal page, but through the
  API it stays behind appeals:read (keys) or a login, so that every machine reader is a known key.
"""

import datetime

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from qinqing.core.api import ErrorOut, actor_of
from qinqing.core.errors import NotFound
from qinqing.core.models import ApiKey
from qinqing.directory.selectors import enterprises_for_user
from qinqing.policy.interpretations import library as interpretation_library

from . import selectors
from .intake import services as intake_services
from .models import Channel
from .routing import answers
from .routing import model as routing
from .workflow import services as workflow_services

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
    due_provisional: bool = (
        False  # counted on the provisional year (暂定); recounted when its schedule is loaded
    )
    # The filing's receipt code (issue 19): check its inclusion in the public audit log at
    # /transparency/receipt/<receipt>/ (docs/OPERATIONS.md, "Checking a filing receipt").
    receipt: str | None = None


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
    due_provisional: bool = (
        False  # counted on the provisional year (暂定); recounted when its schedule is loaded
    )
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


class QueueRowOut(Schema):
    tracking_number: str
    title: str
    status: str
    track: str
    level: str
    round: int
    handling_unit: str | None = None
    handling_unit_code: str | None = None
    due_at: datetime.date | None = None
    due_provisional: bool = (
        False  # counted on the provisional year (暂定); recounted when its schedule is loaded
    )
    overdue: bool
    days_overdue: int


class QueuePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[QueueRowOut]


class StepOut(Schema):
    at: datetime.datetime
    kind: str
    by: str
    text: str


class TimelineOut(Schema):
    tracking_number: str
    status: str
    handling_unit: str | None = None
    current_handler: str | None = None
    due_at: datetime.date | None = None
    due_provisional: bool = (
        False  # counted on the provisional year (暂定); recounted when its schedule is loaded
    )
    overdue: bool
    reply: str
    steps: list[StepOut]


class RatingIn(Schema):
    satisfaction: str
    comment: str = ""


class RatingOut(Schema):
    tracking_number: str
    round: int
    satisfaction: str
    status: str
    appeal_round: int
    level: str
    due_at: datetime.date | None = None
    due_provisional: bool = (
        False  # counted on the provisional year (暂定); recounted when its schedule is loaded
    )


class UnitChoiceOut(Schema):
    code: str
    name: str
    probability: float


class RoutingSuggestionOut(Schema):
    tracking_number: str
    available: bool
    reason: str = ""
    unit: UnitChoiceOut | None = None
    track: str | None = None
    track_probability: float | None = None
    alternatives: list[UnitChoiceOut] = []
    model_trained_at: datetime.datetime | None = None
    note: str


class InterpretationOut(Schema):
    id: int
    question: str
    answer: str
    article_keys: list[str]
    keywords: str
    published_at: datetime.datetime | None = None


class InterpretationPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[InterpretationOut]


class AnswerSuggestionOut(Schema):
    score: float
    reply_draft: str
    interpretation: InterpretationOut


class AnswerSuggestionsOut(Schema):
    tracking_number: str
    category: str
    results: list[AnswerSuggestionOut]


ROUTING_NOTE = _("a suggestion; a person decides")  # the detail page's msgid, already translated

def _is_key(request) -> bool:
    return isinstance(request.auth, ApiKey)


def _queue_row(appeal, on) -> dict:
    return {
        "tracking_number": appeal.tracking_number,
        "title": appeal.title,
        "status": appeal.status,
        "track": appeal.track,
        "level": appeal.level,
        "round": appeal.round,
        "handling_unit": appeal.handling_unit.name if appeal.handling_unit_id else None,
        "handling_unit_code": appeal.handling_unit.code if appeal.handling_unit_id else None,
        "due_at": appeal.due_at,
        "due_provisional": appeal.due_provisional,
        "overdue": selectors.is_overdue(appeal, on),
        "days_overdue": selectors.days_overdue(appeal, on),
    }


def _queue_page(appeals, page: int) -> dict:
    paginator = Paginator(appeals, 50)
    current = paginator.get_page(page)
    on = selectors.today()
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [_queue_row(appeal, on) for appeal in current]}


def _interpretation(interpretation) -> dict:
    return {"id": interpretation.pk, "question": interpretation.question, "answer": interpretation.answer,
            "article_keys": interpretation.article_key_list, "keywords": interpretation.keywords,
            "published_at": interpretation.published_at}


def _out(appeal) -> dict:
    return {
        "tracking_number": appeal.tracking_number,
        "title": appeal.title,
        "channel": appeal.channel,
        "category": appeal.category,
        "status": appeal.status,
        "track": appeal.track,
        "complexity": appeal.complexity,
        "level": appeal.level,
        "round": appeal.round,
        "handling_unit": appeal.handling_unit.name if appeal.handling_unit_id else None,
        "due_at": appeal.due_at,
        "due_provisional": appeal.due_provisional,
        "overdue": selectors.is_overdue(appeal),
        "days_overdue": selectors.days_overdue(appeal),
        "reply": appeal.reply,
        "received_at": appeal.received_at,
    }


@router.post(
    "", response={201: FileOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="File an appeal"
)
def file_appeal(request, payload: FileIn):
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
    return Status(201, file_as(actor, payload, enterprise))


def file_as(actor, payload: FileIn, enterprise) -> dict:
    """File ``payload`` for ``actor``; the 201 answer's fields. Shared with the intake's light path
    (``intake/fastpath.py``), which answers the same operation for API keys."""
    result = intake_services.appeal_file(
        channel=payload.channel,
        title=payload.title,
        content=payload.content,
        actor=actor,
        enterprise=enterprise,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        external_user_id=payload.external_user_id,
        category=payload.category,
    )
    original = result.appeal.merged_into if result.merged else result.appeal
    receipt = result.receipt  # the filing event's, known at filing (no read-back)
    return {
        "tracking_number": result.tracking_number,
        "merged": result.merged,
        "status": original.status,
        "due_at": original.due_at,
        "due_provisional": original.due_provisional,
        "receipt": receipt.code if receipt else None,
    }


def file_plain(api_key, payload: FileIn) -> dict | None:
    """``file_as`` for an API key's filing without an enterprise through ``appeal_file_plain`` (the intake's
    light path, PostgreSQL: the same rows and events, no model instances); None when that does not file
    it (nothing written: ``file_as`` files it)."""
    filed = intake_services.appeal_file_plain(
        channel=payload.channel,
        title=payload.title,
        content=payload.content,
        actor=api_key,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        external_user_id=payload.external_user_id,
        category=payload.category,
    )
    if filed is None:
        return None
    from qinqing.core.transparency import receipts

    return {
        "tracking_number": filed.tracking_number,
        "merged": False,
        "status": filed.status,
        "due_at": filed.due_at,
        "due_provisional": filed.due_provisional,
        "receipt": receipts.code_for(filed.content_hash),
    }


@router.get("", response={200: PageOut, 403: ErrorOut}, summary="Appeals visible to the caller")
def list_appeals(request, page: int = 1, status: str | None = None, overdue: bool = False):
    actor = actor_of(request)
    appeals = (
        selectors.appeals_visible_to(actor).order_by("due_at", "pk")
        if not isinstance(actor, ApiKey)
        else selectors.all_appeals()
    )
    if status:
        appeals = appeals.filter(status=status)
    if overdue:
        appeals = appeals.filter(status__in=selectors.OPEN_STATUSES, due_at__lt=selectors.today())
    paginator = Paginator(appeals, 50)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_out(a) for a in current],
    }


@router.get("/queue", response={200: QueuePageOut, 403: ErrorOut, 404: ErrorOut},
            summary="Handler queue: open appeals by deadline, overdue flagged")
def handler_queue(request, unit: str | None = None, page: int = 1):
    """Session handlers: their unit's (and sub-units') open appeals; ``unit`` narrows to one unit of that scope.
    The supervision office and keys with appeals:read: every unit's, ``unit`` is a unit code."""  # noqa: E501
    actor = actor_of(request)
    chosen = None
    if unit:
        from qinqing.directory.models import Unit

        chosen = Unit.objects.filter(code=unit.strip()).first()
        if chosen is None:
            raise NotFound(field="unit")
    if _is_key(request) or workflow_services.is_supervision(actor):
        appeals = selectors.handler_queue_all(unit=chosen)
    else:
        appeals = selectors.handler_queue(actor)
        if chosen is not None:
            from qinqing.directory.selectors import unit_scope_ids

            if chosen.pk not in unit_scope_ids(actor):
                raise NotFound(field="unit")  # another unit's queue answers like a missing unit
            appeals = appeals.filter(handling_unit=chosen)
    return _queue_page(appeals, page)


@router.get("/supervision", response={200: QueuePageOut, 403: ErrorOut},
            summary="Supervision list (督办): overdue appeals moved up, with working days overdue")
def supervision_list(request, level: str | None = None, page: int = 1):
    from .models import Level

    if level and level not in (Level.SUPERVISION, Level.DISTRICT_LEADER):
        level = None
    return _queue_page(selectors.supervision_list(level=level or None), page)


@router.get(
    "/interpretations",
    response={200: InterpretationPageOut, 403: ErrorOut},
    summary="Published policy interpretations, 50 a page (scope appeals:read; the portal page shows the "
    "same list publicly)",
)
def interpretations(request, q: str = "", page: int = 1):
    paginator = Paginator(interpretation_library.published_interpretations(q), 50)  # by question, then id
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [_interpretation(found) for found in current]}


@router.get(
    "/{tracking_number}", response={200: AppealOut, 403: ErrorOut, 404: ErrorOut}, summary="One appeal"
)
def get_appeal(request, tracking_number: str):
    return _out(selectors.access_appeal_by_number(actor_of(request), tracking_number))


@router.post(
    "/{tracking_number}/transitions",
    response={200: AppealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Move an appeal along its track",
)
def transition(request, tracking_number: str, payload: TransitionIn):
    actor = actor_of(request)
    appeal = selectors.access_appeal_by_number(actor, tracking_number)
    workflow_services.perform(appeal=appeal, action=payload.action, actor=actor, data=payload.data)
    appeal.refresh_from_db()
    return _out(appeal)


def _step(step) -> dict:
    # Channel submitters act as "channel:<name>"; the enterprise sees them as the submitter.
    by = "submitter" if step.actor_label.startswith("channel:") else step.actor_label
    return {"at": step.at, "kind": step.kind, "by": by, "text": step.text}


@router.get("/{tracking_number}/timeline", response={200: TimelineOut, 403: ErrorOut, 404: ErrorOut},
            summary="The enterprise's view of one appeal: public timeline, handler, deadline, reply")
def timeline(request, tracking_number: str):
    """Session enterprise users: their own appeals only. Keys with appeals:read: any appeal. Always the public timeline."""  # noqa: E501
    actor = actor_of(request)
    appeals = selectors.all_appeals() if _is_key(request) else selectors.enterprise_appeals(actor)
    appeal = appeals.filter(tracking_number=(tracking_number or "").strip().upper()).first()
    if appeal is None:
        raise NotFound(field="tracking_number")
    return {
        "tracking_number": appeal.tracking_number,
        "status": appeal.status,
        "handling_unit": appeal.handling_unit.name if appeal.handling_unit_id else None,
        "current_handler": appeal.handler.person.name if appeal.handler_id else None,
        "due_at": appeal.due_at,
        "due_provisional": appeal.due_provisional,
        "overdue": selectors.is_overdue(appeal),
        "reply": appeal.reply,
        "steps": [_step(step) for step in selectors.public_timeline(appeal)],
    }


@router.post(
    "/{tracking_number}/rating",
    response={201: RatingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Rate the reply (满意 / 基本满意 / 不满意); unsatisfied reopens the appeal",
)
def rate(request, tracking_number: str, payload: RatingIn):
    """Session enterprise users: their own appeals only. Keys with appeals:write may relay a rating given by phone."""  # noqa: E501
    actor = actor_of(request)
    appeals = selectors.all_appeals() if _is_key(request) else selectors.enterprise_appeals(actor)
    appeal = appeals.filter(tracking_number=(tracking_number or "").strip().upper()).first()
    if appeal is None:
        raise NotFound(field="tracking_number")
    rating = workflow_services.appeal_rate(
        appeal=appeal, satisfaction=payload.satisfaction, comment=payload.comment, actor=actor
    )
    appeal.refresh_from_db()
    return Status(
        201,
        {
            "tracking_number": appeal.tracking_number,
            "round": rating.round,
            "satisfaction": rating.satisfaction,
            "status": appeal.status,
            "appeal_round": appeal.round,
            "level": appeal.level,
            "due_at": appeal.due_at,
            "due_provisional": appeal.due_provisional,
        },
    )


@router.get(
    "/{tracking_number}/routing-suggestion",
    response={200: RoutingSuggestionOut, 403: ErrorOut, 404: ErrorOut},
    summary="Suggested handling unit and track (a suggestion; a person decides)",
)
def routing_suggestion(request, tracking_number: str):
    appeal = selectors.access_appeal_by_number(actor_of(request), tracking_number)
    suggestion = routing.suggest(appeal)
    body = {"tracking_number": appeal.tracking_number, "available": suggestion is not None,
            "note": str(ROUTING_NOTE)}
    if suggestion is None:
        body["reason"] = str(routing.NOT_ENOUGH_HISTORY)
        return body

    def choice(unit, probability):
        return {"code": unit.code, "name": unit.name, "probability": round(float(probability), 4)}

    body.update(
        unit=choice(suggestion.unit, suggestion.unit_probability) if suggestion.unit is not None else None,
        track=suggestion.track,
        track_probability=round(float(suggestion.track_probability), 4)
        if suggestion.track_probability is not None
        else None,
        alternatives=[choice(unit, probability) for unit, probability in suggestion.top3[1:]],
        model_trained_at=suggestion.model_trained_at,
    )
    return body


@router.get(
    "/{tracking_number}/answer-suggestions",
    response={200: AnswerSuggestionsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Published policy interpretations matching a consultation appeal (reply drafts)",
)
def answer_suggestions(request, tracking_number: str, limit: int = 3):
    """Its handlers and the supervision office (session), keys with appeals:read. Empty for other categories."""  # noqa: E501
    appeal = selectors.access_appeal_by_number(actor_of(request), tracking_number)
    found = answers.suggest_answers(appeal, limit=max(1, min(limit, 10)))
    return {"tracking_number": appeal.tracking_number, "category": appeal.category, "results": [
        {"score": round(item.score, 4), "reply_draft": answers.reply_text(item.interpretation),
         "interpretation": _interpretation(item.interpretation)} for item in found]}
