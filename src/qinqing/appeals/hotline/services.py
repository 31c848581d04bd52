"""12345 work orders in and results out.

In: each work order (from the platform's .xlsx/.csv export, or pushed through the API) is filed
through the appeals intake service ``appeal_file`` with the hotline as its channel (numbering,
acknowledgement, duplicate merging and the filing event happen there) and recorded as a
``HotlineOrder`` with its 工单编号, in one transaction with one more audit event. A 工单编号
already received files nothing again: the order is unchanged, or updated when the platform has
changed its time limit or handling unit. Rows are reported in the directory imports' shape
(imported / updated / unchanged / rejected with row, column and error).

Out: ``result_rows`` gives 工单编号, 办理结果, 办结时间, 满意度 per order, written back as .xlsx
or .csv (UTF-8 with a byte-order mark, so Excel opens it) with the same headers.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, jobs, limits
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import validate_mobile_phone
from qinqing.core.tabular import (
    Row,
    count_rows,
    normalise_header,
    one_import_at_a_time,
    parse_moment,
    read_rows,
)

from ..models import OPEN_STATUSES, Appeal, Category, Channel, Rating
from .models import HotlineOrder

CHANNEL_ACTOR = "channel:hotline"
RECEIVE = "appeals.hotline_order.receive"
UPDATE = "appeals.hotline_order.update"
# How far back a work order's call may lie: older ones are a wrong date, not a history to import.
OLDEST_ORDER_YEARS = 20


# --- the platform's columns ---------------------------------------------------------------------
# Milliseconds a row takes (measured 2026-12-03 on the 2-core machine, PostgreSQL: 1,000 work orders filed
# in 10 s, their SMS receipts sent after the commit in 17 s more): a page's file estimated past
# settings.IMPORT_IN_REQUEST_SECONDS is imported by the worker (core.imports).
ROW_MS = 30


@dataclass(frozen=True)
class Column:
    name: str
    header: str  # as the 12345 platform's export writes it
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS = [
    Column("order_number", "工单编号", ("工单号", "工单编码", "order number", "order_number"), True),
    Column("called_at", "来电时间", ("受理时间", "登记时间", "call time", "called_at"), True),
    Column("caller", "来电人", ("来电人姓名", "诉求人", "caller"), False),
    Column("phone", "联系电话", ("来电号码", "联系方式", "phone"), False),
    Column("content", "诉求内容", ("工单内容", "来电内容", "content"), True),
    Column("demand_type", "诉求类型", ("工单类型", "类型", "demand type", "demand_type"), False),
    Column("platform_unit", "承办单位", ("办理单位", "责任单位", "organiser", "platform_unit"), False),
    Column("time_limit", "办理时限", ("办结时限", "截止时间", "time limit", "time_limit"), False),
    Column("title", "工单标题", ("标题", "诉求标题", "title"), False),
]
RESULT_HEADERS = ["工单编号", "办理结果", "办结时间", "满意度"]
HEADERS = {column.name: column.header for column in COLUMNS}

# 诉求类型 as platforms write it -> our category (an unknown type leaves the category to triage).
DEMAND_TYPES = {
    "咨询": Category.CONSULTATION,
    "求助": Category.DEMAND,
    "诉求": Category.DEMAND,
    "求决": Category.DEMAND,
    "投诉": Category.COMPLAINT,
    "建议": Category.SUGGESTION,
    "意见建议": Category.SUGGESTION,
    "举报": Category.NOT_OURS,
}
SATISFACTION_TEXT = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}


def aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.header, column.name, *column.aliases):
            table[normalise_header(text)] = column.name
    return table


# --- the report (the directory imports' shape) --------------------------------------------------
@dataclass
class Rejection:
    row: int
    field: str
    column: str
    error: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "column": self.column, "error": self.error}


@dataclass
class ImportReport:
    kind: str = "hotline"
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    #: 工单编号 -> the appeal's tracking number, for the rows imported or found
    tracking: dict[str, str] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> int:
        return len({rejection.row for rejection in self.rejected})

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [rejection.as_dict() for rejection in self.rejected],
            "warnings": [warning.as_dict() for warning in self.warnings],
        }


# --- cleaning ---------------------------------------------------------------------------------
class Invalid(Exception):
    def __init__(self, name: str, message) -> None:
        self.name = name
        self.message = message
        super().__init__(str(message))


def _datetime(value: str, name: str, label: str) -> datetime.datetime:
    # 2026-11-30 09:15:00, 2026/11/30 9:15, 2026年11月30日 9时15分, 20261130091500
    moment = parse_moment(value)
    if moment is not None:
        return clock.aware(moment)
    raise Invalid(
        name,
        _("%(column)s must be a date and time such as 2026-11-30 09:15:00; got %(value)s.")
        % {"column": label, "value": value},
    )


def clean(values: dict[str, str], labels: dict[str, str] | None = None) -> dict[str, Any]:
    """One work order's values (by field name) cleaned; raises ``Invalid`` naming the column."""
    labels = labels or {}

    def label(name: str) -> str:
        return labels.get(name) or HEADERS[name]

    for column in COLUMNS:
        if column.required and not (values.get(column.name) or "").strip():
            raise Invalid(column.name, _("%(field)s is required.") % {"field": label(column.name)})
    order_number = values["order_number"].strip()
    if len(order_number) > 64:
        raise Invalid(
            "order_number",
            _("%(field)s may be at most %(limit)d characters long.")
            % {"field": label("order_number"), "limit": 64},
        )
    cleaned: dict[str, Any] = {
        "order_number": order_number,
        "called_at": _datetime(values["called_at"], "called_at", label("called_at")),
        "caller": (values.get("caller") or "").strip()[:100],
        "content": values["content"].strip(),
        "title": (values.get("title") or "").strip()[:200],
        "demand_type": (values.get("demand_type") or "").strip()[:50],
        "platform_unit": (values.get("platform_unit") or "").strip()[:100],
        "time_limit": None,
        "phone": "",
        "landline": "",
    }
    if cleaned["called_at"] > clock.now() + datetime.timedelta(minutes=5):
        raise Invalid(
            "called_at",
            _("%(column)s is in the future: %(value)s.")
            % {"column": label("called_at"), "value": values["called_at"]},
        )
    if cleaned["called_at"] < clock.now() - OLDEST_ORDER_YEARS * limits.YEAR:
        raise Invalid(
            "called_at",
            _("%(column)s is more than %(years)d years ago: %(value)s.")
            % {"column": label("called_at"), "years": OLDEST_ORDER_YEARS, "value": values["called_at"]},
        )
    if (values.get("time_limit") or "").strip():
        cleaned["time_limit"] = timezone.localdate(
            _datetime(values["time_limit"], "time_limit", label("time_limit"))
        )
    phone = (values.get("phone") or "").strip()
    if phone:
        try:
            cleaned["phone"] = validate_mobile_phone(phone)
        except ValidationError:
            # A landline: kept with the work order (the appeal's contact field holds mobiles).
            digits = "".join(c for c in phone if c.isdigit() or c == "-")
            if len(digits.replace("-", "")) < 7:
                raise Invalid(
                    "phone",
                    _("%(column)s is not a phone number: %(value)s.")
                    % {"column": label("phone"), "value": phone},
                ) from None
            cleaned["landline"] = digits
    return cleaned


# --- the service -----------------------------------------------------------------------------
def order_receive(*, actor, cleaned: dict[str, Any]) -> tuple[HotlineOrder, str]:
    """File one work order (``cleaned`` as ``clean`` returns it). Returns (order, outcome) with
    outcome ``imported``, ``updated`` or ``unchanged``; idempotent by 工单编号."""
    from ..intake.services import appeal_file

    with transaction.atomic():
        # The order's number locked before it is looked up: a platform pushing an order while the export
        # holding it is imported (or pushing it twice at once) found it new both times, and the second insert
        # failed on the unique 工单编号 (a 500). Now the second waits and finds it.
        jobs.exclusive(f"qinqing.hotline.order:{cleaned['order_number']}")
        existing = (
            HotlineOrder.objects.select_for_update()
            .filter(order_number=cleaned["order_number"])
            .select_related("appeal")
            .first()
        )
        if existing is not None:
            changes = {
                name: cleaned[name]
                for name in ("time_limit", "platform_unit")
                if getattr(existing, name) != cleaned[name]
            }
            if not changes:
                return existing, "unchanged"
            before = audit.snapshot(existing)
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(changes))
            audit.record_event(actor=actor, action=UPDATE, instance=existing, before=before)
            return existing, "updated"
        result = appeal_file(
            channel=Channel.HOTLINE,
            title=cleaned["title"],
            content=cleaned["content"],
            actor=audit.SystemActor(CHANNEL_ACTOR),
            contact_name=cleaned["caller"],
            contact_phone=cleaned["phone"],
            category=DEMAND_TYPES.get(cleaned["demand_type"]),
            received_at=cleaned["called_at"],
        )
        order = HotlineOrder.objects.create(
            order_number=cleaned["order_number"],
            appeal=result.appeal,
            called_at=cleaned["called_at"],
            demand_type=cleaned["demand_type"],
            platform_unit=cleaned["platform_unit"],
            time_limit=cleaned["time_limit"],
            caller_phone=cleaned["landline"],
            received_at=clock.now(),
        )
        audit.record_event(
            actor=actor,
            action=RECEIVE,
            instance=order,
            details={"tracking_number": result.appeal.tracking_number},
        )
        return order, "imported"


def import_rows(
    rows: Iterable[Row], *, actor, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    labels: dict[str, str] | None = None
    seen: dict[str, int] = {}
    table = aliases()
    # One import at a time (two at once both found a work order new, and the second's insert failed on the
    # unique 工单编号 or deadlocked: a 500); a dry run is the same run rolled back.
    with one_import_at_a_time("hotline", dry_run=dry_run):
        for row in rows:
            if labels is None:
                labels = {}
                for header in row.original:
                    name = table.get(normalise_header(header))
                    if name and name not in labels:
                        labels[name] = header
            try:
                cleaned = clean(row.values, labels)
                number = cleaned["order_number"]
                if number in seen:
                    raise Invalid(
                        "order_number", _("This row repeats row %(row)d of the file.") % {"row": seen[number]}
                    )
                seen[number] = row.number
                with transaction.atomic():
                    order, outcome = order_receive(actor=actor, cleaned=cleaned)
            except Invalid as error:
                report.rejected.append(
                    Rejection(
                        row.number,
                        error.name,
                        labels.get(error.name) or HEADERS[error.name],
                        str(error.message),
                    )
                )
            except ServiceError as error:
                name = {"contact_phone": "phone", "title": "title", "content": "content"}.get(
                    error.field or "", "content"
                )
                report.rejected.append(
                    Rejection(row.number, name, labels.get(name) or HEADERS[name], error.text())
                )
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
                report.tracking[order.order_number] = order.appeal.tracking_number
            if progress:
                progress(1)
    return report


def import_file(
    source, *, filename: str | None = None, actor, dry_run: bool = False, progress_factory=None
) -> ImportReport:
    """``./qinqing import hotline FILE`` and the supervision office's upload page."""
    if progress_factory:
        if hasattr(source, "read"):
            filename = filename or getattr(source, "name", "")
            source = source.read()
        elif not isinstance(source, bytes):
            filename = filename or os.fspath(source)
            with open(source, "rb") as handle:
                source = handle.read()
        progress = progress_factory(count_rows(source, filename or ""))
    else:
        progress = None
    _fields, rows = read_rows(
        source, filename=filename, aliases=aliases(), required=[c.name for c in COLUMNS if c.required]
    )
    return import_rows(rows, actor=actor, dry_run=dry_run, progress=progress)


# --- results back ----------------------------------------------------------------------------
def _local_text(moment: datetime.datetime | None) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def result_of(order: HotlineOrder, ratings: dict[int, str]) -> dict[str, str]:
    """工单编号, 办理结果, 办结时间, 满意度 of one order (a merged repeat answers with its original)."""
    appeal: Appeal = order.appeal.merged_into if order.appeal.merged_into_id else order.appeal
    # The reply, or why it cannot be handled here (a declined appeal closes with its reason).
    outcome = appeal.reply or appeal.decline_reason
    finished = appeal.replied_at or appeal.closed_at if appeal.status not in OPEN_STATUSES else None
    return {
        "工单编号": order.order_number,
        "办理结果": outcome if finished else "",
        "办结时间": _local_text(finished),
        "满意度": SATISFACTION_TEXT.get(ratings.get(appeal.pk, ""), ""),
    }


def result_rows(
    *, finished_only: bool = True, since: datetime.datetime | None = None
) -> Iterator[dict[str, str]]:
    """The results of the work orders received (since ``since``), finished ones only by default."""
    orders = HotlineOrder.objects.select_related("appeal", "appeal__merged_into").order_by("called_at", "pk")
    if since is not None:
        orders = orders.filter(called_at__gte=clock.query_bound(since))
    for start in range(0, orders.count(), 1000):
        chunk = list(orders[start:start + 1000])
        appeal_ids = {o.appeal.merged_into_id or o.appeal_id for o in chunk}
        ratings: dict[int, str] = {}
        for appeal_id, satisfaction in (
            Rating.objects.filter(appeal_id__in=appeal_ids)
            .order_by("created_at", "pk")
            .values_list("appeal_id", "satisfaction")
        ):
            ratings[appeal_id] = satisfaction  # the latest rating wins
        for order in chunk:
            row = result_of(order, ratings)
            if finished_only and not row["办结时间"]:
                continue
            yield row


def results_csv(rows: Iterable[dict[str, str]]) -> bytes:
    from qinqing.core.excel import csv_text  # a reply starting with "=" must not be a formula in Excel

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_HEADERS)
    for row in rows:
        writer.writerow([csv_text(row[header]) for header in RESULT_HEADERS])
    return buffer.getvalue().encode("utf-8-sig")


def results_xlsx(rows: Iterable[dict[str, str]]) -> bytes:
    from qinqing.core.excel import write_xlsx

    stream = io.BytesIO()
    write_xlsx(
        stream,
        RESULT_HEADERS,
        ([row[header] for header in RESULT_HEADERS] for row in rows),
        sheet_title="办理结果",
    )
    return stream.getvalue()
