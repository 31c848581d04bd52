"""``/api/v1/appeals/hotline/``: a 12345 platform that pushes its work orders (scope
``appeals:hotline``) and reads the results back. Declared in appeals/access.py."""

import datetime

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from qinqing.core import clock
from qinqing.core.api import ErrorOut, actor_of
from qinqing.core.errors import ServiceError

from . import services

router = Router(tags=["appeals"])


class OrderIn(Schema):
    order_number: str = Field(..., description="工单编号, unique on the platform")
    called_at: datetime.datetime = Field(
        ..., description="来电时间 (ISO 8601; without an offset, China time)"
    )
    caller: str = Field("", description="来电人")
    phone: str = Field("", description="联系电话 (mobile, or a landline kept with the order)")
    content: str = Field("", description="诉求内容")
    title: str = Field("", description="工单标题 (optional)")
    demand_type: str = Field(
        "", description="诉求类型 as the platform writes it (咨询, 求助, 投诉, 建议, 举报…)"
    )
    platform_unit: str = Field("", description="承办单位 on the platform")
    time_limit: datetime.date | None = Field(None, description="办理时限")


class OrderOut(Schema):
    order_number: str
    tracking_number: str
    outcome: str = Field(
        ..., description="imported, updated (time limit or unit changed) or unchanged (already received)"
    )


class ResultOut(Schema):
    工单编号: str
    办理结果: str
    办结时间: str
    满意度: str


@router.post("/orders", response={200: OrderOut, 201: OrderOut, 400: ErrorOut, 403: ErrorOut},
             summary="Receive a 12345 work order (idempotent by order_number)")
def receive_order(request, payload: OrderIn):
    called_at = clock.aware(payload.called_at)
    try:
        called_text = timezone.localtime(called_at).strftime("%Y-%m-%d %H:%M:%S")
    except OverflowError:  # beyond the calendar in Beijing time: the service's date rule refuses it
        called_text = payload.called_at.isoformat()
    values = {
        "order_number": payload.order_number,
        "called_at": called_text,
        "caller": payload.caller,
        "phone": payload.phone,
        "content": payload.content,
        "title": payload.title,
        "demand_type": payload.demand_type,
        "platform_unit": payload.platform_unit,
        "time_limit": payload.time_limit.isoformat() if payload.time_limit else "",
    }
    try:
        cleaned = services.clean(values, labels={name: name for name in values})
    except services.Invalid as error:
        raise ServiceError(error.message, code="invalid", field=error.name) from None
    cleaned["called_at"] = called_at
    order, outcome = services.order_receive(actor=actor_of(request), cleaned=cleaned)
    body = {
        "order_number": order.order_number,
        "tracking_number": order.appeal.tracking_number,
        "outcome": outcome,
    }
    return Status(201 if outcome == "imported" else 200, body)


@router.get(
    "/results",
    response={200: list[ResultOut], 403: ErrorOut},
    summary="Results of the work orders (工单编号, 办理结果, 办结时间, 满意度); finished ones unless "
    "all=true",
)
def results(request, since: datetime.datetime | None = None, all: bool = False):  # noqa: A002 (the query parameter's name)
    return list(services.result_rows(finished_only=not all, since=since))
