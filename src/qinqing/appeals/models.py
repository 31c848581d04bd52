"""Enterprise appeals (诉求, articles 6 and 8): one pool for every channel, three time-limited tracks.

Deadlines are stored data (``due_at``, a date computed with the working-day calendar);
"overdue" is the indexed query ``status in OPEN and due_at < today`` — nothing is cached
per row. See ``services`` for the workflow table and ``sweep`` for the periodic job.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.crypto import EncryptedTextField
from qinqing.core.identifiers import mask_phone

from .dashboard.models import AppealFigure, AppealFigureState  # noqa: F401 (the dashboard's derived counts)
from .hotline.models import HotlineOrder  # noqa: F401,E402 (12345 work orders; imported last: it names appeals.Appeal)


class Channel(models.TextChoices):
    WEB_PORTAL = "web_portal", _("District head's mailbox (portal)")
    ENTERPRISE_WEB = "enterprise_web", _("Enterprise account (web)")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat official account")
    HOTLINE = "hotline", _("Phone hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")
    ROUNDTABLE = "roundtable", _("Roundtable")
    API = "api", _("External system (API)")


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    DEMAND = "demand", _("Demand")
    SUGGESTION = "suggestion", _("Suggestion")
    NOT_OURS = "not_ours", _("Report (not handled here)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned to a unit")
    IN_PROGRESS = "in_progress", _("Being handled")
    ESCALATED = "escalated", _("Reported to a higher authority")
    REPLIED = "replied", _("Replied")
    RATED = "rated", _("Rated")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into an earlier appeal")


# Statuses whose deadline is still running (the sweep and the queues look only at these).
OPEN_STATUSES = (Status.RECEIVED, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ESCALATED)


class Track(models.TextChoices):
    RESOLVE = "resolve", _("Handled at this level: resolve within the limit (本级办理·限时办结)")
    ESCALATE = "escalate", _("Needs a higher level: report up within the limit (需要上报·限时报出)")
    DECLINE = "decline", _("Cannot be handled: explain within the limit (不能办理·限时告知)")


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    COMPLEX = "complex", _("Complex")


class Level(models.TextChoices):
    UNIT = "unit", _("Handling unit")
    SUPERVISION = "supervision", _("Supervision office (督办)")
    DISTRICT_LEADER = "district_leader", _("District leader")


@audited(
    masked={
        "contact_phone": mask_phone,
        "contact_name": None,
        "contact_phone_index": lambda v: "***",
        "external_user_id": None,
        "contact_address": None,
    }
)
class Appeal(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("enterprise"),
    )
    contact_name = EncryptedTextField(_("contact name"), blank=True, default="")
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, default="")
    # A letter writer's postal address, kept (encrypted) with the appeal so the reply letter can be posted.
    contact_address = EncryptedTextField(_("postal address"), blank=True, default="")
    contact_phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    external_user_id = models.CharField(
        _("external user id"), max_length=128, blank=True, default="", db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    content_fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, blank=True, default=""
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, blank=True, default="")
    complexity = models.CharField(
        _("complexity"), max_length=16, choices=Complexity.choices, default=Complexity.SIMPLE
    )
    handling_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("handling unit"),
    )
    co_handling_units = models.ManyToManyField(
        "directory.Unit", blank=True, related_name="co_handled_appeals", verbose_name=_("co-handling units")
    )
    handler = models.ForeignKey(
        "directory.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_appeals",
        verbose_name=_("handler"),
    )
    received_at = models.DateTimeField(_("received at"))
    stage_started_on = models.DateField(_("stage started on"))
    due_at = models.DateField(_("due date"), null=True, blank=True)
    # The deadline's basis (so it can be recounted) and whether it was counted on a provisional
    # calendar year (core.calendar: the year after the last published schedule). When the
    # official schedule is loaded, core.calendar.deadlines recounts every open one (workflow.deadlines).
    due_provisional = models.BooleanField(_("due date is provisional"), default=False)
    due_start = models.DateField(_("deadline counted from"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("working days counted"), null=True, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.UNIT)
    urged_on = models.DateField(_("urged on"), null=True, blank=True)
    due_flagged_on = models.DateField(_("flagged on its due date"), null=True, blank=True)
    supervised_on = models.DateField(_("moved to supervision on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True, default="")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason it cannot be handled"), blank=True, default="")
    decline_basis = models.TextField(_("basis"), blank=True, default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="appeals_status_due"),
            models.Index(fields=["handling_unit", "status", "due_at"], name="appeals_unit_status_due"),
            models.Index(fields=["level", "status", "due_at"], name="appeals_level_status_due"),
            models.Index(fields=["enterprise", "received_at"], name="appeals_enterprise_received"),
            # The dashboard recomputes one month at a time from this index alone (no table reads).
            models.Index(
                fields=["received_at", "handling_unit", "status", "due_at", "replied_at"],
                name="appeals_received_figures",
            ),
        ]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@audited()
class AppealStep(models.Model):
    """One line of the appeal's timeline as the enterprise and the handler see it.

    Audited (issue 19): every step written records ``appeals.step.add`` (a bulk sweep or the
    demo generator one event per step), so ``audit verify`` finds a step edited, inserted or
    deleted in the database — the timeline is what the enterprise is shown."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("kind"), max_length=40)
    actor_label = models.CharField(_("by"), max_length=150, blank=True, default="")
    text = models.TextField(_("text"), blank=True, default="")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("appeal step")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class LimitKey(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge receipt")
    RESOLVE_SIMPLE = "resolve_simple", _("Resolve (simple)")
    RESOLVE_COMPLEX = "resolve_complex", _("Resolve (complex)")
    REPORT_UP = "report_up", _("Report up to the higher authority")
    NOTIFY = "notify", _("Tell the enterprise why it cannot be handled")
    OBJECTION_WINDOW = "objection_window", _("Window for a unit to object to an assignment")
    URGE_BEFORE = "urge_before", _("Urge this many working days before the deadline")
    EXTENSION_MAX_DAYS = "extension_max_days", _("Most working days one extension may add")
    EXTENSION_MAX_COUNT = "extension_max_count", _("Most extensions per appeal")
    DUPLICATE_WINDOW_HOURS = (
        "duplicate_window_hours",
        _("Hours within which near-identical appeals are merged"),
    )


# key -> (value, article): the defaults an administrator may change on the settings page.
DEFAULT_LIMITS: dict[str, tuple[int, str]] = {
    LimitKey.ACKNOWLEDGE: (1, "8"),
    LimitKey.RESOLVE_SIMPLE: (5, "8"),
    LimitKey.RESOLVE_COMPLEX: (15, "8"),
    LimitKey.REPORT_UP: (3, "8"),
    LimitKey.NOTIFY: (3, "8"),
    LimitKey.OBJECTION_WINDOW: (1, "8"),
    LimitKey.URGE_BEFORE: (1, "8"),
    LimitKey.EXTENSION_MAX_DAYS: (10, "8"),
    LimitKey.EXTENSION_MAX_COUNT: (1, "8"),
    LimitKey.DUPLICATE_WINDOW_HOURS: (72, "6"),
}


@audited()
class TrackLimit(models.Model):
    """A time limit or cap as data (working days unless the key says otherwise)."""

    key = models.CharField(_("limit"), max_length=40, unique=True, choices=LimitKey.choices)
    value = models.PositiveIntegerField(_("value"))
    article = models.CharField(_("article"), max_length=10, default="8")

    class Meta:
        ordering = ["key"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


@audited()
class Objection(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="objections")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


@audited()
class ExtensionRequest(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    due_before = models.DateField(_("deadline before"))
    due_after = models.DateField(_("deadline after"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


@audited()
class Escalation(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="escalations")
    authority = models.CharField(_("higher authority"), max_length=200)
    reported_on = models.DateField(_("date reported"))
    answer = models.TextField(_("answer from the higher authority"), blank=True, default="")
    answer_relayed_at = models.DateTimeField(_("answer relayed at"), null=True, blank=True)

    class Meta:
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied (基本满意)")
    UNSATISFIED = "unsatisfied", _("Unsatisfied (不满意)")


@audited()
class Rating(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("round"))
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True, default="")
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


@audited()
class Revisit(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="revisits")
    method = models.CharField(_("method"), max_length=40, default="phone")
    notes = models.TextField(_("notes"))
    created_at = models.DateTimeField(_("revisited at"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


@audited()
class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    # The storage path under MEDIA_ROOT (a plain string, so audit snapshots can hold it).
    file = models.CharField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")  # claimed by one sender (appeals.workflow.notify)
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # No channel reaches the recipient (portal, hotline, letter, internal): only written to
    # the log, so someone has to pass it on by hand. Never counted as sent.
    MANUAL = "manual", _("Not sent: no channel, to be passed on by hand")


class Notification(models.Model):
    """Outbox: written in the same transaction as the change, delivered by the worker
    (or right after commit) through the sender registered for its channel."""

    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=20)
    recipient = EncryptedTextField(_("recipient"), blank=True, default="")
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    # The claim of the one sender delivering it (status "sending"); an old claim has expired.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failure: not before this moment (backoff).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "id"], name="appeals_notification_queue")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ReplyLetterStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the mail room")
    PRINTED = "printed", _("Printed")
    POSTED = "posted", _("Posted")


@audited(masked={"address": None, "recipient_name": None})
class ReplyLetter(models.Model):
    """A printed reply to someone who wrote a letter (article 8): numbered, queued for the mail
    room, printed in batches and marked posted. The address is copied (encrypted) from the appeal."""

    number = models.CharField(_("letter number"), max_length=40, unique=True)
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="reply_letters")
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    recipient_name = EncryptedTextField(_("addressee"), blank=True, default="")
    address = EncryptedTextField(_("postal address"), blank=True, default="")
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReplyLetterStatus.choices, default=ReplyLetterStatus.QUEUED
    )
    batch = models.CharField(_("print batch"), max_length=40, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reply letter")

    def __str__(self) -> str:
        return self.number
