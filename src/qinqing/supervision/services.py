"""Every write of the supervision app: one transaction, audit events without plaintext.

Public side (no account): ``report_submit`` (rate-limited per client and overall, answers the
receipt code once), ``reporter_view`` / ``reporter_add`` with the receipt code. Staff side: the
``supervision.report`` workflow (accept, decline, dispose, set aside, resume, conclude, close,
open a case, close the case, send the result), assignment through the conflict gate, handover,
messages, outcomes in the four forms, early reminders, editable deadlines, conduct's leads.
"""

from __future__ import annotations

import base64
import logging
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import attachments as core_attachments
from qinqing.core import audit, calendar, clock, district, limits, numbering, workflow
from qinqing.core.audit import SystemActor
from qinqing.core.calendar import deadlines as counted_deadlines
from qinqing.core.crypto import hmac_sm3_hex
from qinqing.core.errors import NotFound, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from .models import (
    OPEN_STATUSES,
    PRIORITY_CATEGORIES,
    VERIFIED_STATUSES,
    Assignment,
    Attachment,
    Behaviour,
    Category,
    Channel,
    Deadlines,
    Disposal,
    EarlyReminder,
    Finding,
    Form,
    Message,
    MessageKind,
    Outcome,
    ReminderStatus,
    Report,
    Status,
)
from .time_limits import (
    DUE_WARNING,
    RETENTION_CLOSED,
    RETENTION_CONCLUDED,
    RETENTION_DECLINED,
    RETENTION_WARNING,
)

log = logging.getLogger(__name__)

PUBLIC = SystemActor("public report page")
SYSTEM = SystemActor("supervision")
NUMBER = numbering.Series("supervision.report", "JB{period}-{number:05d}", numbering.yearly)
HOUR = 3600
MAX_TEXT = 20_000
MAX_ATTACHMENTS = core_attachments.MAX_COUNT
MAX_ATTACHMENT_BYTES = core_attachments.MAX_BYTES
ALLOWED_TYPES = core_attachments.ALLOWED_TYPES
# A report's receipt code is kept as an argon2 hash (argon2-cffi's parameters); the test suite hashes
# at the lowest cost (settings.RECEIPT_CODE_ARGON2, test mode only), as it does passwords.
_HASHER = PasswordHasher(**settings.RECEIPT_CODE_ARGON2)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class RateLimited(ServiceError):
    status = 429

    def __init__(self, message, **kwargs):
        kwargs.setdefault("code", "rate_limited")
        super().__init__(message, **kwargs)


# --- rate limits (shared cache) -----------------------------------------------------------------------------


def _limits() -> dict:
    defaults = {"per_client": 5, "overall": 300, "lookups_per_client": 30}
    return {**defaults, **getattr(settings, "SUPERVISION_RATE_LIMITS", {})}


def _bucket(kind: str, value: str) -> str:
    # keyed digest: the cache never holds a client address
    return (
        "supervision:rate:"
        + kind
        + ":"
        + hmac_sm3_hex(f"{kind}|{value}".encode(), purpose="supervision-rate")[:32]
    )


def _count(kind: str, value: str, limit: int) -> bool:
    """Count one attempt in this hour; True when the limit was already reached."""
    key = _bucket(kind, value)
    if cache.add(key, 1, timeout=HOUR):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=HOUR)
        return False
    return count > limit


def _rate_check(client: str, *, lookup: bool = False) -> None:
    limits = _limits()
    if lookup:
        if _count("lookup", client, limits["lookups_per_client"]):
            raise RateLimited(_("Too many look-ups from your connection. Please wait an hour and try again."))
        return
    if _count("client", client, limits["per_client"]):
        raise RateLimited(
            _(
                "You have sent several reports within the hour. Please wait an hour before sending another; "
                "what you sent has been received."
            )
        )
    if _count("overall", "all", limits["overall"]):
        raise RateLimited(
            _(
                "The report page is receiving very many reports just now. Please try again in an hour, "
                "or write or telephone the discipline office (article 17)."
            )
        )


# --- receipt codes ------------------------------------------------------------------------------------------


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(20))  # 100 bits
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


def _code_index(normalised: str) -> str:
    return hmac_sm3_hex(normalised[:8].encode(), purpose="supervision-receipt")


def report_by_code(code: str, *, client: str) -> Report:
    """The report a receipt code opens (argon2-verified); 404 for a wrong code, nothing recoverable."""
    _rate_check(client, lookup=True)
    normalised = _normalise_code(code)
    if len(normalised) != 20:
        raise NotFound(
            _("No report matches this receipt code. A lost code cannot be recovered."), field="code"
        )
    for report in Report.objects.filter(receipt_index=_code_index(normalised)).only("pk", "receipt_hash"):
        try:
            if _HASHER.verify(report.receipt_hash, normalised):
                return Report.objects.get(pk=report.pk)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            continue
    raise NotFound(_("No report matches this receipt code. A lost code cannot be recovered."), field="code")


# --- deadlines ----------------------------------------------------------------------------------------------


def deadlines() -> Deadlines:
    row = Deadlines.objects.order_by("pk").first()
    return row or Deadlines(accept_days=15, result_days=15, verify_days=60)


def deadlines_update(*, accept_days: int, result_days: int, verify_days: int, actor) -> Deadlines:
    for name, value in (
        ("accept_days", accept_days),
        ("result_days", result_days),
        ("verify_days", verify_days),
    ):
        if not isinstance(value, int) or not 1 <= value <= 365:
            raise ServiceError(
                _("Enter a number of working days between 1 and 365."), code="invalid_days", field=name
            )
    with transaction.atomic():
        row = Deadlines.objects.select_for_update().order_by("pk").first()
        before = audit.snapshot(row) if row else None
        row = row or Deadlines()
        row.accept_days, row.result_days, row.verify_days = accept_days, result_days, verify_days
        row.save()
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.deadlines.update",
                    "instance": row,
                    "before": before,
                    "details": {"article": "17"},
                }
            ]
        )
    return row


# --- attachments --------------------------------------------------------------------------------------------


def _clean_attachment(name: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """Type, size and metadata stripping: the one cleaner in ``core.attachments``."""
    return core_attachments.clean(name, content_type, data, field="attachments")


def _attachments(report: Report, message: Message | None, files) -> list[Attachment]:
    files = core_attachments.check_count(files)
    rows = []
    for name, content_type, data in files:
        safe_name, data = _clean_attachment(name, content_type, data)
        rows.append(
            Attachment.objects.create(
                report=report,
                message=message,
                name=safe_name,
                content_type=content_type,
                size=len(data),
                content=base64.b64encode(data).decode(),
            )
        )
    return rows


def attachment_bytes(attachment: Attachment) -> bytes:
    return base64.b64decode(attachment.content)


# --- the public side ----------------------------------------------------------------------------------------


def _priority(real_name: bool, category: str) -> bool:
    return real_name and category in PRIORITY_CATEGORIES


def report_submit(
    *,
    text: str,
    category: str,
    real_name: bool,
    reporter_name: str = "",
    reporter_contact: str = "",
    subject_text: str = "",
    unit=None,
    channel: str = Channel.WEB,
    client: str = "",
    attachments=None,
    subject_official=None,
    subject_enterprise=None,
    lead=None,
    actor=PUBLIC,
    rate_limited: bool = True,
) -> tuple[Report, str]:
    """File a report; returns (report, receipt code). The code is shown once and only its hashes are kept."""
    text = (text or "").strip()
    reporter_name = limits.check_text(
        reporter_name, field="reporter_name", label=_("Your name"), limit=limits.NAME
    )
    reporter_contact = limits.check_text(
        reporter_contact, field="reporter_contact", label=_("How to reach you"), limit=limits.PLACE
    )
    subject_text = limits.check_text(
        subject_text, field="subject_text", label=_("Who or what is reported"), limit=limits.DESCRIPTION
    )
    if not text:
        raise ServiceError(_("Please describe what you are reporting."), code="required", field="text")
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("A report may be at most 20,000 characters; add more afterwards with your receipt code."),
            code="too_long",
            field="text",
        )
    if category not in Category.values:
        raise ServiceError(_("Choose what the report is about."), code="invalid_category", field="category")
    if channel not in Channel.values:
        raise ServiceError(_("Unknown channel."), code="invalid_channel", field="channel")
    if real_name and not reporter_name:
        raise ServiceError(
            _("A real-name report needs your name (article 17)."), code="required", field="reporter_name"
        )
    if real_name and not reporter_contact:
        raise ServiceError(
            _(
                "A real-name report needs a way to reach you, so that the result can be fed back "
                "(article 17)."
            ),
            code="required",
            field="reporter_contact",
        )
    if not real_name:
        reporter_name = ""
    if rate_limited:
        _rate_check(client or "unknown")
    today = clock.today()
    rules = deadlines()
    accept = calendar.deadline_info(today, rules.accept_days)
    code = _new_code()
    normalised = _normalise_code(code)
    number = numbering.take(NUMBER, today)
    with transaction.atomic():
        report = Report.objects.create(
            number=number.text,
            channel=channel,
            category=category,
            real_name=real_name,
            reporter_name=reporter_name,
            reporter_contact=reporter_contact,
            subject_text=(subject_text or "").strip(),
            text=text,
            unit=unit,
            subject_official=subject_official,
            subject_enterprise=subject_enterprise,
            priority=_priority(real_name, category),
            received_on=today,
            accept_due=accept.due,
            accept_provisional=accept.provisional,
            receipt_index=_code_index(normalised),
            receipt_hash=_HASHER.hash(normalised),
            lead=lead,
        )
        counted_deadlines.keep(report, "accept_due", start=today, days=rules.accept_days, actor=actor)
        files = _attachments(report, None, attachments)
        audit.record_events(
            [
                *(
                    {
                        "actor": actor,
                        "action": "supervision.attachment.create",
                        "instance": row,
                        "before": None,
                    }
                    for row in files
                ),
                {
                    "actor": actor,
                    "action": "supervision.report.submit",
                    "instance": report,
                    "before": None,
                    "details": {"article": "17", "channel": channel},
                },
            ]
        )
    log.info("supervision report %s received (channel %s)", report.number, channel)
    return report, code


def reporter_add(*, code: str, body: str, client: str, answer: bool = False, attachments=None) -> Message:
    """The reporter adds information (or answers a question) with the receipt code."""
    report = report_by_code(code, client=client)
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Write what you want to add."), code="required", field="body")
    if len(body) > MAX_TEXT:
        raise ServiceError(_("A message may be at most 20,000 characters."), code="too_long", field="body")
    with transaction.atomic():
        message = Message.objects.create(
            report=report, kind=MessageKind.ANSWER if answer else MessageKind.INFORMATION, body=body
        )
        files = _attachments(report, message, attachments)
        audit.record_events(
            [
                {
                    "actor": PUBLIC,
                    "action": "supervision.message.from_reporter",
                    "instance": message,
                    "before": None,
                    "details": {"article": "17", "report": report.number},
                },
                *(
                    {
                        "actor": PUBLIC,
                        "action": "supervision.attachment.create",
                        "instance": row,
                        "before": None,
                    }
                    for row in files
                ),
            ]
        )
    return message


def reporter_messages(report: Report) -> list[Message]:
    return list(report.messages.all())


# --- who may act on a report --------------------------------------------------------------------------------


def is_assigned(actor, report: Report) -> bool:
    user_id = getattr(actor, "pk", None)
    if user_id is None or not has_role(actor, Role.DISCIPLINE_INSPECTOR):
        return False
    if is_reported(actor, report):
        return False
    return Assignment.objects.filter(report=report, inspector_id=user_id, active=True).exists()


def is_reported(user, report: Report) -> bool:
    """The user is the official the report is about: never sees it."""
    if report.subject_official_id is None or getattr(user, "pk", None) is None:
        return False
    from qinqing.directory.models import Official

    return Official.objects.filter(pk=report.subject_official_id, user_id=user.pk).exists()


ASSIGNED = "assigned_inspector"


# --- telling the reporter ----------------------------------------------------------------------------------

# What an SMS or WeChat message to the reporter says: the report number and where to read, nothing
# of the report, the reporter or the reply (a phone may be seen by others; the outbox text is plain).
# No link in an SMS: mainland SMS templates refuse links in variables (appeals' channels.sms.templates).
OUTBOUND_TEXT = {
    "accepted": _(
        "Your report %(number)s was accepted. Read the details with your receipt code on the report page."
    ),
    "declined": _(
        "Your report %(number)s was not accepted. Read the reason with your receipt code on the report page."
    ),
    "result": _("Your report %(number)s has a result. Read it with your receipt code on the report page."),
    "reply": _("Your report %(number)s has a reply. Read it with your receipt code on the report page."),
}
WECHAT_LINK = _("Report page: %(url)s")


def reporter_reach(report: Report) -> tuple[str, str] | None:
    """(channel, recipient) on which a real-name reporter can be told that something is waiting:
    WeChat for a report sent by WeChat, SMS for a mobile number; None for an anonymous reporter
    (they come back with the receipt code) or a contact that is no mobile number (a landline, an
    address: the inspector tells them by telephone or letter, the report page says so)."""
    from qinqing.core.identifiers import is_valid_mobile_phone

    if not report.real_name:
        return None
    contact = (report.reporter_contact or "").strip()
    if contact.startswith("wechat:") and len(contact) > len("wechat:"):
        return "wechat", contact[len("wechat:"):]
    number = "".join(ch for ch in contact if ch.isdigit() or ch == "+").removeprefix("+86")
    if is_valid_mobile_phone(number):
        return "sms", number
    return None


def _status_url() -> str:
    from django.urls import reverse

    base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + reverse("supervision:report_status")


def _outbound(report: Report, what: str):
    """Queue the neutral outbound notice in the caller's transaction (sent once it commits, through
    the appeals outbox and its SMS/WeChat senders); None when the reporter cannot be reached so."""
    from qinqing.appeals.workflow import notify

    reach = reporter_reach(report)
    if reach is None:
        return None
    channel, recipient = reach
    with district.language():  # the reporter reads it, whatever the inspector's pages are in
        text = str(OUTBOUND_TEXT[what]) % {"number": report.number}
        if channel == "wechat":
            text += " " + str(WECHAT_LINK) % {"url": _status_url()}
    return notify.queue(appeal=None, channel=channel, recipient=recipient, text=text)


def _told(locked: Report, fields: list[str], text, actor, *, what: str, **extra) -> Change:
    """A Change that also leaves a notice for the reporter (read back with the receipt code) and, for a
    real-name reporter who can be reached by SMS or WeChat, queues the neutral outbound notice; audited."""
    message = Message.objects.create(
        report=locked,
        kind=MessageKind.NOTICE,
        body=str(text),
        author=actor if getattr(actor, "pk", None) else None,
        notification=_outbound(locked, what),
    )
    event = {
        "actor": actor,
        "action": "supervision.message.to_reporter",
        "instance": message,
        "before": None,
        "fresh": True,
        "details": {"article": "17", "report": locked.number},
    }
    return Change(fields, events=[event], **extra)


REPORT_WORKFLOW = Workflow(
    name="supervision.report",
    model=Report,
    actors={
        ASSIGNED: ActorRule(
            is_assigned, roles=(Role.DISCIPLINE_INSPECTOR,), label=_("An inspector assigned to the report")
        )
    },
    transitions={
        "accept": Transition((Status.RECEIVED,), Status.ACCEPTED, (ASSIGNED,), "17"),
        "decline": Transition(
            (Status.RECEIVED,), Status.DECLINED, (ASSIGNED,), "17", requires={"reason": _("The reason")}
        ),
        "dispose": Transition(
            (Status.ACCEPTED,), Status.VERIFYING, (ASSIGNED,), "17", requires={"disposal": _("The disposal")}
        ),
        "set_aside": Transition(
            (Status.ACCEPTED, Status.VERIFYING),
            Status.PENDING,
            (ASSIGNED,),
            "17",
            requires={"reason": _("The reason")},
        ),
        "resume": Transition((Status.PENDING,), Status.VERIFYING, (ASSIGNED,), "17"),
        "conclude": Transition(
            (Status.VERIFYING,),
            Status.CONCLUDED,
            (ASSIGNED,),
            "17",
            requires={"finding": _("The finding"), "conclusion": _("The verification conclusion")},
        ),
        "close": Transition(
            (Status.ACCEPTED, Status.VERIFYING, Status.PENDING),
            Status.CONCLUDED,
            (ASSIGNED,),
            "17",
            requires={"conclusion": _("The verification conclusion")},
        ),
        "open_case": Transition((Status.CONCLUDED,), Status.CASE, (ASSIGNED,), "18"),
        "close_case": Transition((Status.CASE,), Status.CLOSED, (ASSIGNED,), "18"),
        "send_result": Transition(
            (Status.CONCLUDED, Status.CLOSED, Status.DECLINED),
            None,
            (ASSIGNED,),
            "17",
            requires={"text": _("The result told to the reporter")},
        ),
    },
)


def _audit_read(report: Report, actor, what: str) -> None:
    with transaction.atomic():
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.report.read",
                    "instance": report,
                    "before": audit.snapshot(report),
                    "details": {"article": "17", "read": what},
                }
            ]
        )


def report_read(*, report: Report, actor, what: str = "report") -> Report:
    """An assigned inspector reads the sealed content: refused otherwise (404), audited each time."""
    if not is_assigned(actor, report):
        raise NotFound()
    _audit_read(report, actor, what)
    return report


def report_accept(*, report, actor):
    def apply(locked):
        locked.accepted_on = clock.today()
        fields = ["accepted_on"]
        if locked.priority:
            counted_deadlines.count(locked, "verify_due", start=locked.accepted_on,
                                    days=deadlines().verify_days, actor=actor)
            fields.append("verify_due")
        return _told(
            locked, fields, _("Your report was accepted and is being handled."), actor, what="accepted"
        )

    return workflow.transition(REPORT_WORKFLOW, report, "accept", actor=actor, apply=apply)


def report_decline(*, report, reason: str, actor):
    reason = limits.check_text(reason, field="reason", label=_("The reason"), limit=limits.REASON)
    report = _fresh(report)
    if report.priority:
        raise ServiceError(
            _(
                "A real-name report of collusion or inaction must be verified, not declined "
                "(article 17: 100% verified)."
            ),
            code="priority_must_verify",
            field="status",
        )

    def apply(locked):
        locked.decline_reason = reason.strip()
        return _told(
            locked,
            ["decline_reason"],
            _("Your report was not accepted: %(reason)s") % {"reason": reason.strip()},
            actor,
            what="declined",
        )

    return workflow.transition(
        REPORT_WORKFLOW, report, "decline", actor=actor, apply=apply, data={"reason": (reason or "").strip()}
    )


def report_dispose(*, report, disposal: str, actor):
    if disposal and disposal not in (Disposal.TALK_INQUIRY, Disposal.PRELIMINARY):
        raise ServiceError(
            _(
                "Choose talk or letter inquiry or preliminary verification; set aside and close "
                "have their own buttons."
            ),
            code="invalid_disposal",
            field="disposal",
        )

    def apply(locked):
        locked.disposal = disposal
        return Change(["disposal"])

    return workflow.transition(
        REPORT_WORKFLOW, report, "dispose", actor=actor, apply=apply, data={"disposal": disposal}
    )


def report_set_aside(*, report, reason: str, actor):
    reason = limits.check_text(reason, field="reason", label=_("The reason"), limit=limits.REASON)
    def apply(locked):
        locked.disposal = Disposal.SET_ASIDE
        return Change(["disposal"], details={"reason_given": True})

    return workflow.transition(
        REPORT_WORKFLOW,
        report,
        "set_aside",
        actor=actor,
        apply=apply,
        data={"reason": (reason or "").strip()},
    )


def report_resume(*, report, disposal: str, actor):
    if disposal not in (Disposal.TALK_INQUIRY, Disposal.PRELIMINARY):
        raise ServiceError(
            _("Choose talk or letter inquiry or preliminary verification."),
            code="invalid_disposal",
            field="disposal",
        )

    def apply(locked):
        locked.disposal = disposal
        return Change(["disposal"])

    return workflow.transition(REPORT_WORKFLOW, report, "resume", actor=actor, apply=apply)


def _conclude(locked, finding: str, conclusion: str, actor) -> list[str]:
    today = clock.today()
    locked.finding, locked.conclusion, locked.concluded_on = finding, conclusion, today
    counted_deadlines.count(locked, "result_due", start=today, days=deadlines().result_days, actor=actor)
    return ["finding", "conclusion", "concluded_on", "result_due"]


def report_conclude(*, report, finding: str, conclusion: str, actor):
    conclusion = limits.check_text(
        conclusion, field="conclusion", label=_("The verification conclusion"), limit=limits.REPORT
    )
    if finding and finding not in Finding.values:
        raise ServiceError(_("Choose a finding."), code="invalid_finding", field="finding")

    def apply(locked):
        return Change(_conclude(locked, finding, conclusion, actor))

    return workflow.transition(REPORT_WORKFLOW, report, "conclude", actor=actor, apply=apply,
                               data={"finding": finding, "conclusion": conclusion})


def report_close(*, report, conclusion: str, actor):
    """予以了结: the lead is closed with a conclusion (still a verification conclusion, article 17)."""
    conclusion = limits.check_text(
        conclusion, field="conclusion", label=_("The verification conclusion"), limit=limits.REPORT
    )

    def apply(locked):
        locked.disposal = Disposal.CLOSED
        return Change(["disposal", *_conclude(locked, Finding.UNSUBSTANTIATED, conclusion, actor)])

    return workflow.transition(
        REPORT_WORKFLOW, report, "close", actor=actor, apply=apply, data={"conclusion": conclusion}
    )


def report_open_case(*, report, actor):
    report = _fresh(report)
    if report.finding == Finding.UNSUBSTANTIATED:
        raise ServiceError(
            _("A case is opened only on a substantiated finding (article 18)."),
            code="not_substantiated",
            field="finding",
        )
    return workflow.transition(REPORT_WORKFLOW, report, "open_case", actor=actor)


def report_close_case(*, report, actor):
    if not report.outcomes.exists():
        raise ServiceError(
            _("Record at least one outcome in the four forms before closing the case (article 18)."),
            code="outcome_required",
            field="form",
        )
    return workflow.transition(REPORT_WORKFLOW, report, "close_case", actor=actor)


def report_send_result(*, report, text: str, actor):
    text = limits.check_text(
        text, field="text", label=_("The result told to the reporter"), limit=limits.REPORT
    )

    def apply(locked):
        locked.result_sent_on = clock.today()
        return _told(locked, ["result_sent_on"], text, actor, what="result")

    return workflow.transition(
        REPORT_WORKFLOW, report, "send_result", actor=actor, apply=apply, data={"text": text}
    )


def message_send(*, report, kind: str, body: str, actor) -> Message:
    """An assigned inspector replies to or asks the reporter (read back with the receipt code)."""
    if kind not in (MessageKind.REPLY, MessageKind.QUESTION):
        raise ServiceError(_("Choose reply or question."), code="invalid_kind", field="kind")
    body = limits.check_text(body, field="body", label=_("The message"), limit=limits.REPORT)
    if not body:
        raise ServiceError(_("Write the message."), code="required", field="body")
    if not is_assigned(actor, report):
        raise NotFound()
    with transaction.atomic():
        message = Message.objects.create(
            report=report, kind=kind, body=body, author=actor, notification=_outbound(report, "reply")
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.message.to_reporter",
                    "instance": message,
                    "before": None,
                    "details": {"article": "17", "report": report.number},
                }
            ]
        )
    return message


# --- assignment, subject, handover --------------------------------------------------------------------------


def _fresh(report: Report) -> Report:
    """The report as the database holds it now (a caller's copy may be stale)."""
    return Report.objects.select_related("subject_official", "subject_enterprise").get(pk=report.pk)


def _inspector_official(inspector):
    from qinqing.directory.models import Official

    return Official.objects.filter(user=inspector).select_related("person").first()


def _gate(report: Report, inspector, actor) -> None:
    """The conflict gate (article 15.7 via conduct.services.check_assignment) for putting ``inspector`` on ``report``."""  # noqa: E501
    from qinqing.conduct.services import check_assignment

    if not has_role(inspector, Role.DISCIPLINE_INSPECTOR):
        raise ServiceError(
            _("Only a discipline inspector can be assigned a report."),
            code="not_inspector",
            field="inspector",
        )
    if is_reported(inspector, report):
        raise ServiceError(
            _("This inspector is the official the report is about and cannot handle it (article 15)."),
            code="conflict_of_interest",
            field="inspector",
        )
    official = _inspector_official(inspector)
    if (report.subject_official_id or report.subject_enterprise_id) and official is None:
            raise ServiceError(
                _(
                    "The inspector has no record in the directory, so the conflict check cannot be made; "
                    "they cannot be assigned a report about a named official or enterprise."
                ),
                code="conflict_check_impossible",
                field="inspector",
            )
    if report.subject_official_id and official is not None:
        subject = report.subject_official
        if official.pk in (subject.supervising_leader_id,) or subject.pk == official.supervising_leader_id:
            raise ServiceError(
                _(
                    "This inspector is the reported official's supervising leader or supervised "
                    "by them (article 15)."
                ),
                code="conflict_of_interest",
                field="inspector",
            )
        if subject.person_id in set(official.related_persons.values_list("person_id", flat=True)):
            raise ServiceError(_("The reported official is a related person of this inspector (article 15)."),
                               code="conflict_of_interest", field="inspector")
    if report.subject_enterprise_id and official is not None:
        check_assignment(
            official=official,
            enterprise=report.subject_enterprise,
            matter_type="supervision.report",
            matter_id=str(report.pk),
            actor=actor,
        )


def assign(*, report: Report, inspector, actor) -> Assignment:
    """The supervision office puts an inspector on a report, through the conflict gate (before the transaction)."""  # noqa: E501
    report = _fresh(report)
    if is_reported(actor, report):
        raise NotFound()
    _gate(report, inspector, actor)
    with transaction.atomic():
        if Assignment.objects.filter(report=report, inspector=inspector, active=True).exists():
            raise ServiceError(
                _("This inspector is already assigned."), code="already_assigned", field="inspector"
            )
        row = Assignment.objects.create(report=report, inspector=inspector)
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.assignment.create",
                    "instance": row,
                    "before": None,
                    "details": {"article": "17", "report": report.number},
                }
            ]
        )
    return row


def handover(*, report: Report, from_inspector, to_inspector, actor) -> Assignment:
    """Hand a report from one inspector to another (staff rotation): the gate checks the new one."""
    report = _fresh(report)
    current = Assignment.objects.filter(report=report, inspector=from_inspector, active=True).first()
    if current is None:
        raise ServiceError(
            _("That inspector is not assigned to this report."), code="not_assigned", field="from_inspector"
        )
    _gate(report, to_inspector, actor)
    with transaction.atomic():
        before = audit.snapshot(current)
        current.active, current.ended_at = False, clock.now()
        current.save(update_fields=["active", "ended_at"])
        new = Assignment.objects.filter(report=report, inspector=to_inspector, active=True).first()
        events = [
            {
                "actor": actor,
                "action": "supervision.assignment.handover",
                "instance": current,
                "before": before,
                "details": {"article": "17", "report": report.number},
            }
        ]
        if new is None:
            new = Assignment.objects.create(report=report, inspector=to_inspector)
            events.append(
                {
                    "actor": actor,
                    "action": "supervision.assignment.create",
                    "instance": new,
                    "before": None,
                    "details": {"article": "17", "report": report.number, "handover": True},
                }
            )
        audit.record_events(events)
    return new


def handover_all(*, from_inspector, to_inspector, actor) -> int:
    """Every open report of a rotating inspector to their successor; each one through the gate and audited."""
    reports = Report.objects.filter(
        assignments__inspector=from_inspector, assignments__active=True
    ).distinct()
    count = 0
    for report in reports:
        handover(report=report, from_inspector=from_inspector, to_inspector=to_inspector, actor=actor)
        count += 1
    return count


def link_subject(*, report: Report, official=None, enterprise=None, unit=None, actor) -> Report:
    """An assigned inspector names the reported official/enterprise; every assignee goes through the gate again."""  # noqa: E501
    if not is_assigned(actor, report):
        raise NotFound()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        before = audit.snapshot(locked)
        locked.subject_official, locked.subject_enterprise = official, enterprise
        if unit is not None:
            locked.unit = unit
        elif official is not None:
            locked.unit_id = official.unit_id
        for row in Assignment.objects.filter(report=locked, active=True).select_related("inspector"):
            try:
                _gate(locked, row.inspector, actor)
            except ServiceError as error:
                raise ServiceError(
                    _(
                        "An assigned inspector is linked to this official or enterprise; hand "
                        "the report over first. "
                        "(%(reason)s)"
                    ),
                    code="conflict_of_interest",
                    field="official",
                    params={"reason": error.text()},
                ) from error
        locked.save(update_fields=["subject_official", "subject_enterprise", "unit"])
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.report.link_subject",
                    "instance": locked,
                    "before": before,
                    "details": {"article": "17"},
                }
            ]
        )
    return locked


# --- outcomes, reminders ------------------------------------------------------------------------------------


def outcome_record(
    *,
    report: Report,
    form: str,
    measure: str,
    behaviours: list[str],
    official=None,
    unit=None,
    decided_on=None,
    actor,
) -> Outcome:
    report = _fresh(report)
    if not is_assigned(actor, report):
        raise NotFound()
    if report.status != Status.CASE:
        raise ServiceError(
            _("Outcomes are recorded on an open case (article 18)."),
            code="invalid_transition",
            field="status",
        )
    if form not in Form.values:
        raise ServiceError(_("Choose one of the four forms (article 18)."), code="invalid_form", field="form")
    behaviours = sorted(set(behaviours or []))
    if not behaviours or any(b not in Behaviour.values for b in behaviours):
        raise ServiceError(
            _("Tag the outcome with at least one of the five categories of article 18."),
            code="invalid_categories",
            field="behaviours",
        )
    measure = limits.check_text(measure, field="measure", label=_("The measure"), limit=limits.PLACE)
    decided_on = limits.past_date(decided_on, field="decided_on", label=_("Decided on"))
    if not measure:
        raise ServiceError(_("Name the measure taken."), code="required", field="measure")
    if official is None and unit is None:
        official = report.subject_official
        unit = report.unit if official is None else None
    with transaction.atomic():
        row = Outcome.objects.create(
            report=report,
            form=form,
            measure=measure,
            behaviours=behaviours,
            official=official,
            unit=unit,
            decided_on=decided_on or clock.today(),
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.outcome.create",
                    "instance": row,
                    "before": None,
                    "details": {"article": "18"},
                }
            ]
        )
    return row


def reminder_create(
    *, official, concern: str, talk_on=None, follow_up_days: int = 20, report=None, actor
) -> EarlyReminder:
    concern = limits.check_text(concern, field="concern", label=_("The early sign"), limit=limits.REASON)
    talk_on = limits.past_date(talk_on, field="talk_on", label=_("Talk held on"))
    if not isinstance(follow_up_days, int) or not 1 <= follow_up_days <= 365:
        raise ServiceError(
            _("Enter a number of working days between 1 and 365."),
            code="invalid_days",
            field="follow_up_days",
        )
    if not concern:
        raise ServiceError(
            _("Describe the early sign the talk was about (article 16)."), code="required", field="concern"
        )
    if not has_role(actor, Role.DISCIPLINE_INSPECTOR):
        raise PermissionDeniedError()
    talk_on = talk_on or clock.today()
    with transaction.atomic():
        row = EarlyReminder.objects.create(
            official=official,
            concern=concern,
            talk_on=talk_on,
            follow_up_due=calendar.deadline(talk_on, follow_up_days),
            report=report,
            created_by=actor,
        )
        counted_deadlines.keep(row, "follow_up_due", start=talk_on, days=follow_up_days, actor=actor)
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.reminder.create",
                    "instance": row,
                    "before": None,
                    "details": {"article": "16"},
                }
            ]
        )
    return row


def reminder_follow_up(*, reminder: EarlyReminder, note: str, actor) -> EarlyReminder:
    note = limits.check_text(note, field="follow_up", label=_("The follow-up"), limit=limits.REASON)
    if not note:
        raise ServiceError(
            _("Write what the follow-up found (article 16)."), code="required", field="follow_up"
        )
    with transaction.atomic():
        locked = EarlyReminder.objects.select_for_update().get(pk=reminder.pk)
        if locked.status != ReminderStatus.OPEN:
            raise ServiceError(
                _("This reminder was already followed up."), code="invalid_transition", field="status"
            )
        before = audit.snapshot(locked)
        locked.follow_up, locked.status = note, ReminderStatus.FOLLOWED_UP
        locked.save(update_fields=["follow_up", "status"])
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.reminder.follow_up",
                    "instance": locked,
                    "before": before,
                    "details": {"article": "16"},
                }
            ]
        )
    return locked


# --- conduct's leads ----------------------------------------------------------------------------------------


def leads_take_over() -> str:
    """Conduct's leads (refused recusals, events that differed from their approval) become reports here, once each."""  # noqa: E501
    from qinqing.conduct.models import Lead

    taken = set(Report.objects.exclude(lead=None).values_list("lead_id", flat=True))
    count = 0
    for lead in Lead.objects.exclude(pk__in=taken).select_related("official").order_by("pk"):
        category = Category.COLLUSION if lead.source == "recusal_refused" else Category.OTHER
        report_submit(
            text=f"{lead.get_source_display()}（第{lead.article}条）：{lead.summary}",
            category=category,
            real_name=False,
            channel=Channel.CONDUCT,
            subject_official=lead.official,
            unit=lead.official.unit,
            lead=lead,
            actor=SYSTEM,
            rate_limited=False,
        )
        count += 1
    return _("%(count)s lead(s) taken over") % {"count": count}


def client_of(request) -> str:
    """The client a rate limit counts: the remote address (hashed before it reaches the cache)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- retention ----------------------------------------------------------------------------------------------

# Days a report's sealed content is kept after it ended, per final status, and how many days ahead the
# erasure is reminded: data an administrator edits (supervision/time_limits.py, core.time_limits).


def _retention_days() -> dict:
    return {Status.DECLINED: RETENTION_DECLINED.value(), Status.CONCLUDED: RETENTION_CONCLUDED.value(),
            Status.CLOSED: RETENTION_CLOSED.value()}


def retention_due(today=None):
    """Reports whose sealed content will be erased within the warning period (the reminder list)."""
    import datetime

    today = today or clock.today()
    return Report.objects.filter(
        retain_until__isnull=False,
        retain_until__lte=today + datetime.timedelta(days=RETENTION_WARNING.value()),
        erased_on=None,
    ).order_by("retain_until", "pk")


def retention_sweep() -> str:
    """The daily job: set the retention date of reports that ended, and erase the sealed content of those past it.

    A concluded report is kept until its result was sent (it still owes the reporter an answer)."""  # noqa: E501
    import datetime

    today = clock.today()
    days = _retention_days()
    dated = erased = 0
    ended = Report.objects.filter(retain_until=None, status__in=list(days)).exclude(
        status=Status.CONCLUDED, result_sent_on=None
    )
    for report in ended.only("pk", "status"):
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.retain_until is not None:
                continue
            before = audit.snapshot(locked)
            locked.retain_until = today + datetime.timedelta(days=days[locked.status])
            locked.save(update_fields=["retain_until"])
            audit.record_events(
                [
                    {
                        "actor": SYSTEM,
                        "action": "supervision.report.retention_set",
                        "instance": locked,
                        "before": before,
                        "details": {"article": "17", "days": days[locked.status]},
                    }
                ]
            )
        dated += 1
    for report in Report.objects.filter(retain_until__lt=today, erased_on=None).only("pk"):
        report_erase(report=report, actor=SYSTEM)
        erased += 1
    warned = retention_due(today).count()
    warning_days = RETENTION_WARNING.value()
    return _(
        "%(dated)s retention date(s) set, %(erased)s report(s) erased, %(warned)s due within %(days)s days"
    ) % {
        "dated": dated, "erased": erased, "warned": warned, "days": warning_days}


def report_erase(*, report: Report, actor) -> Report:
    """Erase a report's sealed content (identity, contact, text, conclusion, messages, attachments); audited."""  # noqa: E501
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        events = []
        for attachment in Attachment.objects.filter(report=locked):
            events.append(
                {
                    "actor": actor,
                    "action": "supervision.attachment.erase",
                    "instance": attachment,
                    "object_id": attachment.pk,
                    "before": audit.snapshot(attachment),
                    "deleted": True,
                }
            )
            attachment.delete()
        for message in Message.objects.filter(report=locked):
            before = audit.snapshot(message)
            message.body = "—"
            message.save(update_fields=["body"])
            events.append(
                {"actor": actor, "action": "supervision.message.erase", "instance": message, "before": before}
            )
        # The outbound notices keep no way back to the reporter either (their text is neutral).
        from qinqing.appeals.models import Notification

        Notification.objects.filter(
            pk__in=Message.objects.filter(report=locked).exclude(notification=None).values("notification_id")
        ).update(recipient="")
        before = audit.snapshot(locked)
        locked.reporter_name = locked.reporter_contact = locked.subject_text = locked.conclusion = (
            locked.decline_reason
        ) = ""
        locked.text = "—"
        locked.receipt_hash = locked.receipt_index = ""
        locked.erased_on = clock.today()
        locked.save(
            update_fields=[
                "reporter_name",
                "reporter_contact",
                "subject_text",
                "conclusion",
                "decline_reason",
                "text",
                "receipt_hash",
                "receipt_index",
                "erased_on",
            ]
        )
        events.append(
            {
                "actor": actor,
                "action": "supervision.report.erase",
                "instance": locked,
                "before": before,
                "details": {"article": "17", "retain_until": str(locked.retain_until)},
            }
        )
        audit.record_events(events)
    return locked


# --- what falls due: notices to the inspectors --------------------------------------------------------------

# One notice DUE_WARNING (supervision/time_limits.py, data) working days before a deadline, at once if past.


def _assignee_ids(report_ids) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = Assignment.objects.filter(report_id__in=list(report_ids), active=True).order_by("pk")
    for report_id, inspector_id in rows.values_list("report_id", "inspector_id"):
        out.setdefault(report_id, []).append(inspector_id)
    return out


def due_items(today=None, ahead=None) -> list[tuple[int, str, int | None, int | None, object]]:
    """(inspector id, kind, report id, reminder id, due date) of everything due within
    ``DUE_WARNING`` working days (core calendar) or already past: reminder follow-ups
    (article 16), acceptance, verification of priority reports and results to tell (article 17),
    and sealed content to be erased (retention, calendar days as the retention rule counts).
    A date that cannot be counted against the warning horizon (``ahead``, ``core.calendar.LookAhead``)
    is skipped and counted there."""
    import datetime

    from .models import NoticeKind

    today = today or clock.today()
    ahead = ahead or calendar.LookAhead(today, DUE_WARNING.value())
    horizon = ahead.until
    items = []
    reminders = EarlyReminder.objects.filter(status=ReminderStatus.OPEN, follow_up_due__lte=horizon)
    reminder_rows = [
        row
        for row in reminders.values_list("pk", "created_by_id", "report_id", "follow_up_due")
        if ahead.within(row[3])
    ]
    assigned = _assignee_ids({row[2] for row in reminder_rows if row[2]})
    for pk, author_id, report_id, due in reminder_rows:
        for inspector_id in dict.fromkeys([author_id, *assigned.get(report_id, [])]):
            items.append((inspector_id, NoticeKind.FOLLOW_UP, report_id, pk, due))
    reports = []
    reports += [
        (NoticeKind.ACCEPT, pk, due)
        for pk, due in Report.objects.filter(status=Status.RECEIVED, accept_due__lte=horizon).values_list(
            "pk", "accept_due"
        )
        if ahead.within(due)
    ]
    reports += [
        (NoticeKind.VERIFY, pk, due)
        for pk, due in Report.objects.filter(
            priority=True, status__in=OPEN_STATUSES, verify_due__lte=horizon
        ).values_list("pk", "verify_due")
        if ahead.within(due)
    ]
    reports += [
        (NoticeKind.RESULT, pk, due)
        for pk, due in Report.objects.filter(
            result_sent_on=None, result_due__lte=horizon, status__in=VERIFIED_STATUSES
        ).values_list("pk", "result_due")
        if ahead.within(due)
    ]
    retention_horizon = today + datetime.timedelta(days=RETENTION_WARNING.value())
    reports += [
        (NoticeKind.RETENTION, pk, due)
        for pk, due in Report.objects.filter(
            retain_until__isnull=False, retain_until__lte=retention_horizon, erased_on=None
        ).values_list("pk", "retain_until")
    ]
    assigned = _assignee_ids({pk for _kind, pk, _due in reports})
    for kind, pk, due in reports:
        for inspector_id in assigned.get(pk, []):
            items.append((inspector_id, kind, pk, None, due))
    return items


def _notice_sms(kind: str, report_number: str, due, particulars) -> str:
    """The SMS of an inspector's notice: what falls due, the report's number (never its content) and the
    date; for a reminder talk's follow-up not even whom it concerns. ``particulars``: ``district.current()``,
    read once for the job's run."""
    from django.utils.translation import gettext_lazy

    from qinqing.core import notices

    from .models import NoticeKind

    return notices.sms_text(
        gettext_lazy(
            "[%(office)s] Supervision: %(what)s%(number)s, due %(due)s. Please see the reports page."
        ),
        office=gettext_lazy("Discipline office"),
        particulars=particulars,
        what=NoticeKind(kind).label,
        number=f" {report_number}" if report_number else "",
        due=due.isoformat(),
    )


def due_notices(today=None) -> str:
    """The daily job: a notice for each assigned inspector of what falls due, once per inspector, item and
    due date (a moved deadline gives a new notice), shown on the reports page and, to an inspector whose
    directory record has a mobile number, queued as an SMS on the appeals outbox
    (``core.notices.deliver_once``); audited."""
    from django.contrib.auth import get_user_model

    from qinqing.appeals.workflow import notify
    from qinqing.core.notices import Delivery, deliver_once
    from qinqing.directory.selectors import mobile_for_user

    from .models import InspectorNotice, NoticeKind

    today = today or clock.today()
    ahead = calendar.LookAhead(today, DUE_WARNING.value())
    items = due_items(today, ahead)
    users = get_user_model().objects.in_bulk({inspector_id for inspector_id, *_rest in items})
    particulars = district.current()
    numbers = dict(
        Report.objects.filter(pk__in={row[2] for row in items if row[2]}).values_list("pk", "number")
    )
    deliveries = [
        Delivery(
            users[inspector_id],
            f"{kind}:{report_id or ''}:{reminder_id or ''}:{due.isoformat()}",
            {"kind": kind, "report_id": report_id, "reminder_id": reminder_id, "due": due},
            # a reminder talk's follow-up names no report, even when the talk came from one
            lambda kind=kind, report_id=report_id, due=due: _notice_sms(
                kind, "" if kind == NoticeKind.FOLLOW_UP else numbers.get(report_id, ""), due, particulars
            ),
            {"article": "16" if kind == NoticeKind.FOLLOW_UP else "17"},
        )
        for inspector_id, kind, report_id, reminder_id, due in items
    ]
    with transaction.atomic():
        made = deliver_once(
            InspectorNotice,
            deliveries,
            phone_of=mobile_for_user,
            queue_sms=notify.queue_sms,
            action="supervision.notice.create",
            actor=SYSTEM,
        )
    # dates it could not count: the run says so, naming the year to load
    return ahead.report(_("%(made)s notice(s) to inspectors, %(given)s already given") % {
        "made": made, "given": len(items) - made})


# --- inspections and exposure (article 18.5) ----------------------------------------------------------------


def inspection_plan(*, unit, kind: str, theme: str, planned_on, actor):
    from .models import Inspection, InspectionKind

    theme = limits.check_text(theme, field="theme", label=_("The theme"), limit=limits.PLACE)
    today = clock.today()
    planned_on = limits.check_date(
        planned_on, field="planned_on", label=_("Planned for"), not_before=today - limits.YEAR,
        not_after=today + limits.YEAR,
    )
    if kind not in InspectionKind.values:
        raise ServiceError(
            _("Choose an open inspection or an unannounced visit."), code="invalid_kind", field="kind"
        )
    if not theme:
        raise ServiceError(
            _("Name the theme of the inspection (article 18)."), code="required", field="theme"
        )
    if planned_on is None:
        raise ServiceError(_("Give the planned date."), code="required", field="planned_on")
    with transaction.atomic():
        row = Inspection.objects.create(
            unit=unit, kind=kind, theme=theme, planned_on=planned_on, created_by=actor
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.inspection.plan",
                    "instance": row,
                    "before": None,
                    "details": {"article": "18"},
                }
            ]
        )
    return row


def inspection_findings(*, inspection, findings: str, actor):
    from .models import Inspection, InspectionStatus

    findings = limits.check_text(findings, field="findings", label=_("The findings"), limit=limits.REPORT)
    if not findings:
        raise ServiceError(_("Write the findings (article 18)."), code="required", field="findings")
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status != InspectionStatus.PLANNED:
            raise ServiceError(
                _("The findings of this inspection were already recorded."),
                code="invalid_transition",
                field="status",
            )
        before = audit.snapshot(locked)
        locked.findings, locked.status, locked.done_on = findings, InspectionStatus.DONE, clock.today()
        locked.save(update_fields=["findings", "status", "done_on"])
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.inspection.findings",
                    "instance": locked,
                    "before": before,
                    "details": {"article": "18"},
                }
            ]
        )
    return locked


_PHONE = r"1[3-9]\d{9}"
_RESIDENT_ID = r"\d{17}[\dXx]"


def personal_data_in(text: str, report: Report | None = None) -> list[str]:
    """What in ``text`` looks like personal data: a person's name from the directory, the reporter's
    name or contact, a mobile number or a resident ID (the words found, for the refusal message)."""
    import re

    from qinqing.directory.models import Person

    found = []
    if re.search(_PHONE, text):
        found.append(_("a mobile number"))
    if re.search(_RESIDENT_ID, text):
        found.append(_("a resident ID number"))
    chunks = {text[i:i + n] for n in (2, 3, 4) for i in range(len(text) - n + 1)}
    names = sorted(set(Person.objects.filter(name__in=chunks).values_list("name", flat=True)))
    found.extend(names)
    if report is not None:
        for secret in (report.reporter_name, report.reporter_contact):
            if secret and secret in text:
                found.append(_("the reporter's identity"))
    return [str(item) for item in found]


def case_draft(*, title: str, body: str, behaviours: list[str], report: Report | None = None, actor):
    from .models import TypicalCase

    title = limits.check_text(title, field="title", label=_("The title"), limit=limits.PLACE)
    body = limits.check_text(body, field="body", label=_("The text for publication"), limit=limits.REPORT)
    if not title or not body:
        raise ServiceError(
            _("A typical case needs a title and a text."), code="required", field="body" if title else "title"
        )
    behaviours = sorted(set(behaviours or []))
    if any(b not in Behaviour.values for b in behaviours):
        raise ServiceError(_("Unknown category."), code="invalid_categories", field="behaviours")
    if report is not None and not is_assigned(actor, report):
        raise NotFound()
    found = personal_data_in(f"{title}\n{body}", report)
    if found:
        raise ServiceError(
            _("Remove personal data before publication (article 18): %(found)s."),
            code="personal_data",
            field="body",
            params={"found": "、".join(found)},
        )
    with transaction.atomic():
        row = TypicalCase.objects.create(
            title=title, body=body, behaviours=behaviours, report=report, drafted_by=actor
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.case.draft",
                    "instance": row,
                    "before": None,
                    "details": {"article": "18"},
                }
            ]
        )
    return row


def case_publish(*, case, actor):
    """Another inspector approves and publishes (four eyes); the text is checked for personal data again."""
    from .models import CaseStatus, TypicalCase

    if not has_role(actor, Role.DISCIPLINE_INSPECTOR):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.DRAFT:
            raise ServiceError(
                _("This case is already published."), code="invalid_transition", field="status"
            )
        if locked.drafted_by_id == actor.pk:
            raise ServiceError(
                _("Another inspector must approve the publication (article 18)."),
                code="four_eyes",
                field="status",
            )
        found = personal_data_in(f"{locked.title}\n{locked.body}", locked.report)
        if found:
            raise ServiceError(
                _("Remove personal data before publication (article 18): %(found)s."),
                code="personal_data",
                field="body",
                params={"found": "、".join(found)},
            )
        before = audit.snapshot(locked)
        locked.status, locked.approved_by, locked.published_on = CaseStatus.PUBLISHED, actor, clock.today()
        locked.save(update_fields=["status", "approved_by", "published_on"])
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.case.publish",
                    "instance": locked,
                    "before": before,
                    "details": {"article": "18"},
                }
            ]
        )
    return locked


def report_recategorise(*, report: Report, category: str, actor) -> Report:
    """An assigned inspector corrects what a report is about (SMS, WeChat and mailbox reports arrive as "other");
    the priority of article 17 follows: a real-name report of collusion or inaction is moved to the priority queue
    (and, if already accepted, gets its verification deadline). A priority report cannot be moved out of it."""  # noqa: E501
    if category not in Category.values:
        raise ServiceError(_("Choose what the report is about."), code="invalid_category", field="category")
    if not is_assigned(actor, report):
        raise NotFound()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.priority and not _priority(locked.real_name, category):
            raise ServiceError(
                _(
                    "A real-name report of collusion or inaction stays in the priority queue "
                    "until it is verified "
                    "(article 17)."
                ),
                code="priority_must_verify",
                field="category",
            )
        before = audit.snapshot(locked)
        locked.category = category
        fields = ["category"]
        if _priority(locked.real_name, category) and not locked.priority:
            locked.priority = True
            fields.append("priority")
            if locked.accepted_on and locked.verify_due is None:
                counted_deadlines.count(locked, "verify_due", start=locked.accepted_on,
                                        days=deadlines().verify_days, actor=actor)
                fields.append("verify_due")
        locked.save(update_fields=fields)
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.report.recategorise",
                    "instance": locked,
                    "before": before,
                    "details": {"article": "17"},
                }
            ]
        )
    return locked


def rekey(*, actor=SYSTEM, batch: int = 500) -> dict:
    """Re-seal every sealed value not yet under the current key (after a rotation). The plain values do
    not change, so the rows' audit digests stay valid; one audit event records the counts."""
    from django.db import connection

    from .keys import current_key_id
    from .models import Attachment as AttachmentModel

    current = current_key_id()
    prefix = f"sv1:{current}:"
    counts = {}
    for model, fields in (
        (
            Report,
            ["reporter_name", "reporter_contact", "subject_text", "text", "decline_reason", "conclusion"],
        ),
        (Message, ["body"]),
        (AttachmentModel, ["name", "content"]),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        columns = [connection.ops.quote_name(model._meta.get_field(name).column) for name in fields]
        stale = " OR ".join(f"({column} <> '' AND {column} NOT LIKE %s)" for column in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE {stale}", [prefix + "%"] * len(columns))  # noqa: S608 (model metadata)
            pks = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                for row in model.objects.select_for_update().filter(pk__in=pks[start:start + batch]):
                    row.save(update_fields=fields)
        counts[model._meta.model_name] = len(pks)
    with transaction.atomic():
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "supervision.keys.rekey",
                    "object_type": "supervision.KeyRing",
                    "object_id": current,
                    "details": {"article": "17", "resealed": counts},
                }
            ]
        )
    return counts


# --- deadlines counted on the provisional year ---------------------------------------------------------


def _accept_due_told(report: Report, change) -> list[dict]:
    """The reporter was told the acceptance date (the filing page, the status page): a notice they read
    with the receipt code says it moved, and one who can be reached is told that a reply is waiting."""
    message = Message.objects.create(
        report=report,
        kind=MessageKind.NOTICE,
        body=gettext(
            "The official %(year)s holiday schedule has been published, so the date by which you will be "
            "told whether your report is accepted moved from %(old)s to %(new)s."
        ) % change.params,
        notification=_outbound(report, "reply"),
    )
    return [{"actor": change.actor, "action": "supervision.message.to_reporter", "instance": message,
             "before": None, "fresh": True, "details": {"article": "17", "report": report.number}}]


def register_deadlines() -> None:
    """The report and reminder deadlines counted in working days, recounted when a year's schedule is
    loaded (core.calendar.deadlines): only while the step they time is still to be done."""
    action = "supervision.report.deadline_recount"
    counted_deadlines.register(Report, "accept_due", open=Q(status=Status.RECEIVED), action=action,
                               provisional_field="accept_provisional", moved=_accept_due_told)
    counted_deadlines.register(Report, "verify_due", open=Q(status__in=OPEN_STATUSES), action=action)
    counted_deadlines.register(Report, "result_due", open=Q(result_sent_on__isnull=True), action=action)
    counted_deadlines.register(EarlyReminder, "follow_up_due", open=Q(status=ReminderStatus.OPEN),
                               action="supervision.reminder.deadline_recount")
