"""What both halves of an appeal's life share (articles 6 and 8): the track time limits and
their page's service (``track_limit_set``), actor labels, timeline steps, deadlines counted on
the working-day calendar (``Due``) and the submitter's notifications.

Intake (``appeals.intake.services``) files appeals; the workflow (``appeals.workflow.services``)
moves them. Keyword-only, one transaction, one audit event.
"""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, db, limits
from qinqing.core.errors import ServiceError
from qinqing.core.models import ApiKey
from qinqing.core.roles import Role

from .models import (
    DEFAULT_LIMITS,
    Appeal,
    AppealStep,
    Channel,
    LimitKey,
    TrackLimit,
)
from .workflow import notify

# Who runs the supervision office (督办): dispatches, approves extensions, sees every appeal.
SUPERVISION_ROLES = (Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER, Role.ADMINISTRATOR)
# Who handles appeals for their own unit.
HANDLER_ROLES = (Role.DEPARTMENT_HANDLER, Role.OFFICIAL)

DUPLICATE_RATIO = 0.9
DUPLICATE_CANDIDATES = 20


# --- limits as data -------------------------------------------------------------------
def limit_value(key: str) -> int:
    """The configured value of a time limit or cap (the default when none is stored)."""
    stored = TrackLimit.objects.filter(key=key).values_list("value", flat=True).first()
    return stored if stored is not None else DEFAULT_LIMITS[key][0]


def limit_values(*keys: str) -> dict[str, int]:
    """Several configured limits in one query (intake needs two on every appeal; plain SQL,
    as the ORM spent longer compiling this query than the database spent answering it)."""
    table = connection.ops.quote_name(TrackLimit._meta.db_table)
    placeholders = ", ".join(["%s"] * len(keys))
    stored = dict(
        db.execute(f'SELECT "key", "value" FROM {table} WHERE "key" IN ({placeholders})', list(keys))  # noqa: S608 (model metadata)
    )
    return {key: stored.get(key, DEFAULT_LIMITS[key][0]) for key in keys}


def limits_table() -> list[dict[str, Any]]:
    stored = {row.key: row for row in TrackLimit.objects.all()}
    rows = []
    for key, (default, article) in DEFAULT_LIMITS.items():
        row = stored.get(key)
        rows.append({"key": str(key), "label": LimitKey(key).label, "value": row.value if row else default,
                     "default": default, "article": row.article if row else article, "stored": row})
    return rows


# The largest value an administrator may set: the tracks count working days (a year's ~250), the duplicate
# window hours (a year), the extension cap times. Past these a value is a typing slip, and past 2³¹ one the
# column cannot hold.
LIMIT_MOST_DAYS = 250
LIMIT_MOST = {LimitKey.DUPLICATE_WINDOW_HOURS: 24 * 366, LimitKey.EXTENSION_MAX_COUNT: 10}


def track_limit_set(*, key: str, value: int, actor) -> TrackLimit:
    """An administrator changes a time limit or cap (article 8)."""
    if key not in DEFAULT_LIMITS:
        raise ServiceError(
            _("Unknown time limit %(key)s."), code="unknown_limit", field="key", params={"key": key}
        )
    if not isinstance(value, int) or value < 0 or (value == 0 and key not in (LimitKey.URGE_BEFORE,)):
        raise ServiceError(
            _("A time limit must be a whole number of at least 1 (article 8)."),
            code="invalid_limit",
            field="value",
        )
    # a year of working days (of hours for the duplicate window) is past any track's need
    limits.check_number(value, field="value", label=LimitKey(key).label,
                        most=LIMIT_MOST.get(key, LIMIT_MOST_DAYS))
    with transaction.atomic():
        row = TrackLimit.objects.select_for_update().filter(key=key).first()
        if row is None:
            row = TrackLimit.objects.create(key=key, value=value, article=DEFAULT_LIMITS[key][1])
            audit.record_event(actor=actor, action="appeals.tracklimit.create", instance=row, before=None)
        elif row.value != value:
            before = audit.snapshot(row)
            row.value = value
            row.save(update_fields=["value"])
            audit.record_event(actor=actor, action="appeals.tracklimit.update", instance=row, before=before)
    return row


# --- helpers ---------------------------------------------------------------------------

def actor_label(actor) -> str:
    if isinstance(actor, ApiKey):
        return f"apikey:{actor.name}"
    if actor is None or isinstance(actor, audit.SystemActor):
        return actor.label if actor else "system"
    if getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return "system"


def _audit_actor(actor, channel: str):
    """Anonymous submitters (portal, SMS, WeChat) act through their channel."""
    if isinstance(actor, ApiKey | audit.SystemActor) or getattr(actor, "is_authenticated", False):
        return actor
    return audit.SystemActor(f"channel:{channel}")


def normalise_text(text: str) -> str:
    """Lower case without spaces, punctuation or symbols: near-identical texts become equal."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKC", text or "").lower()
        if unicodedata.category(ch)[0] not in "PZSC"
    )


def _fingerprint(title: str, content: str) -> str:
    return hashlib.sha256(normalise_text(f"{title}{content}").encode()).hexdigest()


STEP_ADD = "appeals.step.add"


def _new_step(appeal: Appeal, kind: str, actor, text: str = "") -> tuple[AppealStep, dict]:
    """Insert one timeline line; returns it with its audit event, for the caller to record."""
    step = AppealStep(
        appeal=appeal, kind=kind, actor_label=actor_label(actor), text=str(text), at=clock.now()
    )
    db.insert_instance(step)
    return step, {"actor": actor, "action": STEP_ADD, "instance": step, "fresh": True}


def _add_step(appeal: Appeal, kind: str, actor, text: str = "") -> AppealStep:
    """Write one timeline line and its audit event (in the caller's transaction)."""
    with transaction.atomic(savepoint=False):
        step, event = _new_step(appeal, kind, actor, text)
        audit.record_events([event])
    return step


def _deadline(start: datetime.date, key: str) -> datetime.date:
    return calendar.add_workdays(start, limit_value(key))


@dataclass(frozen=True)
class Due:
    """A deadline with its basis (``days`` working days after ``start``) and whether it was
    counted on the provisional calendar year (暂定, core.calendar)."""

    start: datetime.date
    days: int
    due: datetime.date
    provisional: bool


def _count_due(start: datetime.date, days: int) -> Due:
    info = calendar.deadline_info(start, days)
    return Due(start, days, info.due, info.provisional)


def due_text(due: datetime.date, provisional: bool) -> str:
    """A due date as the submitter and the handlers read it: "2027-01-05（暂定）"."""
    if not provisional:
        return due.isoformat()
    return gettext("%(date)s (provisional: the %(year)s holiday schedule is not published yet)") % {
        "date": due.isoformat(), "year": due.year}


def _recipient(appeal: Appeal) -> str:
    return recipient_of(appeal.channel, appeal.external_user_id, appeal.submitted_by_id, appeal.contact_phone)


def recipient_of(channel: str, external_user_id: str, submitted_by_id: int | None, contact_phone: str) -> str:
    """Who an appeal's notices go to on its channel (``_recipient`` of an appeal with these columns)."""
    if channel == Channel.WECHAT and external_user_id:
        return external_user_id
    if channel == Channel.ENTERPRISE_WEB and submitted_by_id:
        return f"user:{submitted_by_id}"
    return contact_phone or external_user_id


def _notify_submitter(appeal: Appeal, text: str) -> None:
    notify.queue(appeal=appeal, channel=appeal.channel, recipient=_recipient(appeal), text=text)


# ``SQ`` + yyyymmdd + a 6-digit daily sequence (core.numbering). ``appeal_file`` takes the
# number BEFORE its transaction, so the counter row's lock lasts one statement instead of the
# whole filing (it was the point where concurrent filings queued up); numbers stay unique and
# increasing per day, and a filing that fails afterwards leaves a gap.
