"""Every write to an appeal (articles 6 and 8). Keyword-only, one transaction, one audit event.

Intake (``appeal_file``) is shared by every channel. The workflow is the table
``TRANSITIONS`` (action -> allowed from-statuses, who may act) and ONE function,
``_transition``, that locks the row, checks, saves with ``update_fields``, records the
audit event, appends a timeline step and queues notifications after commit.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar
from qinqing.core.crypto import blind_index
from qinqing.core.errors import Conflict, PermissionDeniedError, ServiceError
from qinqing.core.models import ApiKey
from qinqing.core.roles import Role, has_role

from . import notify
from .models import (
    DEFAULT_LIMITS,
    OPEN_STATUSES,
    Appeal,
    AppealStep,
    Attachment,
    Category,
    Channel,
    Complexity,
    Escalation,
    ExtensionRequest,
    ExtensionStatus,
    LimitKey,
    Level,
    Objection,
    Rating,
    Revisit,
    Satisfaction,
    Status,
    TrackingCounter,
    TrackLimit,
    Track,
)

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


def limits_table() -> list[dict[str, Any]]:
    stored = {row.key: row for row in TrackLimit.objects.all()}
    rows = []
    for key, (default, article) in DEFAULT_LIMITS.items():
        row = stored.get(key)
        rows.append({"key": str(key), "label": LimitKey(key).label, "value": row.value if row else default,
                     "default": default, "article": row.article if row else article, "stored": row})
    return rows


def track_limit_set(*, key: str, value: int, actor) -> TrackLimit:
    """An administrator changes a time limit or cap (article 8)."""
    if key not in DEFAULT_LIMITS:
        raise ServiceError(_("Unknown time limit %(key)s."), code="unknown_limit", field="key", params={"key": key})
    if not isinstance(value, int) or value < 0 or (value == 0 and key not in (LimitKey.URGE_BEFORE,)):
        raise ServiceError(_("A time limit must be a whole number of at least 1 (article 8)."), code="invalid_limit", field="value")
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
def _today() -> datetime.date:
    return timezone.localdate()


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
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").lower() if unicodedata.category(ch)[0] not in "PZSC")


def _fingerprint(title: str, content: str) -> str:
    return hashlib.sha256(normalise_text(f"{title}{content}").encode()).hexdigest()


def _add_step(appeal: Appeal, kind: str, actor, text: str = "") -> AppealStep:
    return AppealStep.objects.create(appeal=appeal, kind=kind, actor_label=actor_label(actor), text=str(text), at=timezone.now())


def _deadline(start: datetime.date, key: str) -> datetime.date:
    return calendar.add_workdays(start, limit_value(key))


def _recipient(appeal: Appeal) -> str:
    if appeal.channel == Channel.WECHAT and appeal.external_user_id:
        return appeal.external_user_id
    if appeal.channel == Channel.ENTERPRISE_WEB and appeal.submitted_by_id:
        return f"user:{appeal.submitted_by_id}"
    return appeal.contact_phone or appeal.external_user_id


def _notify_submitter(appeal: Appeal, text: str) -> None:
    notify.queue(appeal=appeal, channel=appeal.channel, recipient=_recipient(appeal), text=text)


def _next_tracking_number(day: datetime.date) -> str:
    """``SQ`` + yyyymmdd + a 6-digit daily sequence. The counter row's lock makes it race-safe."""
    updated = TrackingCounter.objects.filter(day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(day=day, last=1)
        except IntegrityError:  # another request created today's counter first
            TrackingCounter.objects.filter(day=day).update(last=F("last") + 1)
    number = TrackingCounter.objects.filter(day=day).values_list("last", flat=True).get()
    return f"SQ{day:%Y%m%d}{number:06d}"


def _find_original(*, enterprise, phone_index: str, fingerprint: str, normalised: str, since) -> Appeal | None:
    """An earlier, unmerged appeal from the same enterprise or phone with near-identical text."""
    who = Q()
    if enterprise is not None:
        who |= Q(enterprise=enterprise)
    if phone_index:
        who |= Q(contact_phone_index=phone_index)
    if not who:
        return None
    candidates = (
        Appeal.objects.filter(who, received_at__gte=since, merged_into__isnull=True)
        .order_by("received_at", "pk")
        .only("pk", "tracking_number", "title", "content", "content_fingerprint", "due_at", "channel")[:DUPLICATE_CANDIDATES]
    )
    for candidate in candidates:
        if candidate.content_fingerprint == fingerprint:
            return candidate
        other = normalise_text(f"{candidate.title}{candidate.content}")
        if difflib.SequenceMatcher(None, normalised, other, autojunk=False).ratio() >= DUPLICATE_RATIO:
            return candidate
    return None


@dataclass(frozen=True)
class FileResult:
    appeal: Appeal
    merged: bool

    @property
    def tracking_number(self) -> str:
        """The number to tell the submitter: the original's when this one was merged."""
        return self.appeal.merged_into.tracking_number if self.merged else self.appeal.tracking_number


ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 5


def check_attachment(upload) -> str:
    """Type by extension (pdf/jpg/png/docx/xlsx) and size (at most 10 MB). Returns the extension."""
    import os

    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ServiceError(
            _("The file %(name)s is not allowed: attach PDF, JPG, PNG, DOCX or XLSX files only."),
            code="attachment_type", field="attachments", params={"name": os.path.basename(name)[:80]},
        )
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ServiceError(
            _("The file %(name)s is larger than 10 MB."), code="attachment_size", field="attachments",
            params={"name": os.path.basename(name)[:80]},
        )
    return extension


def appeal_file(
    *,
    channel: str,
    title: str,
    content: str,
    actor,
    enterprise=None,
    contact_name: str = "",
    contact_phone: str = "",
    external_user_id: str = "",
    category: str | None = None,
    attachments=(),
    received_at: datetime.datetime | None = None,
) -> FileResult:
    """File an appeal from any channel (article 8): tracking number, acknowledgement deadline,
    acknowledgement queued on the same channel, near-identical repeats merged (article 6:
    nothing lost, the submitter is given the original's number)."""
    if channel not in Channel.values:
        raise ServiceError(_("Unknown channel %(channel)s."), code="invalid_channel", field="channel", params={"channel": channel})
    title = (title or "").strip()
    content = (content or "").strip()
    if not content:
        raise ServiceError(_("Describe your question or demand (content is required)."), code="required", field="content")
    if not title:
        title = content[:40]
    if len(title) > 200:
        raise ServiceError(_("The title may have at most 200 characters."), code="too_long", field="title")
    if category and category not in Category.values:
        raise ServiceError(_("Unknown category %(category)s."), code="invalid_category", field="category", params={"category": category})
    phone = (contact_phone or "").strip()
    if phone:
        from django.core.exceptions import ValidationError

        from qinqing.core.identifiers import validate_mobile_phone

        try:
            phone = validate_mobile_phone(phone)
        except ValidationError as error:
            raise ServiceError(error.messages[0], code="invalid_phone", field="contact_phone") from error
    for upload in attachments:
        check_attachment(upload)
    if len(attachments) > ATTACHMENT_MAX_COUNT:
        raise ServiceError(_("Attach at most 5 files."), code="too_many_attachments", field="attachments")

    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    phone_index = blind_index(phone) if phone else ""
    normalised = normalise_text(f"{title}{content}")
    fingerprint = hashlib.sha256(normalised.encode()).hexdigest()
    audit_actor = _audit_actor(actor, channel)
    submitted_by = actor if getattr(actor, "is_authenticated", False) and not isinstance(actor, ApiKey) else None

    with transaction.atomic():
        window = datetime.timedelta(hours=limit_value(LimitKey.DUPLICATE_WINDOW_HOURS))
        original = _find_original(
            enterprise=enterprise, phone_index=phone_index, fingerprint=fingerprint, normalised=normalised, since=received_at - window
        )
        due_at = None
        if original is None:
            try:
                due_at = _deadline(received_on, LimitKey.ACKNOWLEDGE)
            except ServiceError:
                # A missing calendar year must not lose an appeal; the step says why there is no date.
                due_at = None
        appeal = Appeal.objects.create(
            tracking_number=_next_tracking_number(received_on),
            channel=channel,
            enterprise=enterprise,
            contact_name=(contact_name or "").strip(),
            contact_phone=phone,
            contact_phone_index=phone_index,
            external_user_id=(external_user_id or "").strip(),
            submitted_by=submitted_by,
            title=title,
            content=content,
            content_fingerprint=fingerprint,
            category=category or "",
            status=Status.MERGED if original else Status.RECEIVED,
            received_at=received_at,
            stage_started_on=received_on,
            due_at=due_at,
            merged_into=original,
        )
        audit.record_event(actor=audit_actor, action="appeals.appeal.file", instance=appeal, before=None,
                           details={"merged_into": original.tracking_number if original else None})
        for upload in attachments:
            attachment = Attachment(appeal=appeal, original_name=upload.name[:200], size=upload.size,
                                    content_type=ATTACHMENT_TYPES[check_attachment(upload)])
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
            audit.record_event(actor=audit_actor, action="appeals.attachment.add", instance=attachment, before=None)
        if original is None:
            _add_step(appeal, "received", audit_actor, gettext("Received through %(channel)s.") % {"channel": Channel(channel).label})
            if due_at:
                text = gettext("Your appeal has been received. Tracking number %(number)s; we will acknowledge it by %(date)s.") % {
                    "number": appeal.tracking_number, "date": due_at.isoformat()}
            else:
                text = gettext("Your appeal has been received. Tracking number %(number)s.") % {"number": appeal.tracking_number}
        else:
            appeal.merged_into = original
            _add_step(original, "duplicate_merged", audit_actor,
                      gettext("A repeated submission %(number)s was merged into this appeal.") % {"number": appeal.tracking_number})
            text = gettext("You already filed this appeal; it is being handled under tracking number %(number)s.") % {
                "number": original.tracking_number}
        _notify_submitter(appeal, text)
    return FileResult(appeal=appeal, merged=original is not None)


def appeal_status_for(*, tracking_number: str, contact_phone: str | None = None, external_user_id: str | None = None) -> Appeal:
    """The appeal a channel's user asks about; they must prove it is theirs (phone or WeChat id).

    Answers ``NotFound`` alike for an unknown number and a wrong phone/id. A merged
    duplicate answers with its original.
    """
    from qinqing.core.errors import NotFound

    appeal = Appeal.objects.filter(tracking_number=(tracking_number or "").strip().upper()).select_related("handling_unit").first()
    if appeal is None:
        raise NotFound(field="tracking_number")
    owned = False
    if contact_phone:
        from django.core.exceptions import ValidationError

        from qinqing.core.identifiers import validate_mobile_phone

        try:
            digits = validate_mobile_phone(contact_phone)
        except ValidationError:
            digits = ""
        owned = bool(digits) and appeal.contact_phone_index == blind_index(digits)
    if not owned and external_user_id:
        owned = bool(appeal.external_user_id) and appeal.external_user_id == external_user_id
    if not owned:
        raise NotFound(field="tracking_number")
    if appeal.merged_into_id:
        appeal = Appeal.objects.select_related("handling_unit").get(pk=appeal.merged_into_id)
    return appeal
