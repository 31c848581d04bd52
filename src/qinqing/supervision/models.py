"""Discipline supervision (articles 16, 17, 18): reports, their handling, outcomes, reminders.

Everything a reporter wrote or said about themselves is a ``SealedTextField`` (SM4-GCM under the
supervision key ring, ``keys.py``); audit events omit those fields (``SEALED`` mask) and keep only
a keyed digest of the row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice

from .keys import SealedTextField


def sealed_mask(value) -> str:
    return "[sealed]"


class Channel(models.TextChoices):
    WEB = "web", _("Public report page")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("Visit in person")
    APPEALS = "appeals", _("Transferred from the appeals pool")
    CONDUCT = "conduct", _("Lead raised by the conduct module")


class Category(models.TextChoices):
    """What the report is about. Collusion and inaction are article 17's priority categories;
    the others are article 18's five categories of behaviour (18.3 is inaction)."""

    COLLUSION = "collusion", _("Collusion between officials and business (官商勾结)")
    INACTION = "inaction", _("Inaction, slow or arbitrary action (为官不为, 18.3)")
    OBSTRUCTION = "obstruction", _("Setting obstacles, making things difficult (18.1)")
    INDIFFERENCE = "indifference", _("Ignoring legitimate demands of enterprises (18.2)")
    EXTORTION = "extortion", _("Taking, demanding, holding up (吃拿卡要, 18.4)")
    UNIT_STYLE = "unit_style", _("A unit with serious style problems (18.5)")
    OTHER = "other", _("Other")


PRIORITY_CATEGORIES = (Category.COLLUSION, Category.INACTION)


class Behaviour(models.TextChoices):
    """Article 18's five categories of behaviour, for tagging outcomes."""

    OBSTRUCTION = "18.1", _("18.1 Setting obstacles, deliberately making things difficult")
    INDIFFERENCE = "18.2", _("18.2 Bad attitude, ignoring legitimate demands")
    INACTION = "18.3", _("18.3 Inaction, slow or arbitrary action")
    EXTORTION = "18.4", _("18.4 Taking, demanding, holding up")
    UNIT_STYLE = "18.5", _("18.5 A unit with serious style problems")


class Form(models.TextChoices):
    """The four forms of supervision and discipline (监督执纪"四种形态", article 18)."""

    FIRST = "1", _("Form 1: reminder talk, criticism, written self-examination, admonishment")
    SECOND = "2", _("Form 2: light sanction, organisational adjustment")
    THIRD = "3", _("Form 3: heavy sanction, major job adjustment")
    FOURTH = "4", _("Form 4: transfer for criminal responsibility")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Not accepted")
    VERIFYING = "verifying", _("Being verified")
    PENDING = "pending", _("Set aside pending (暂存待查)")
    CONCLUDED = "concluded", _("Verification concluded")
    CASE = "case", _("Case opened")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.VERIFYING, Status.PENDING)
VERIFIED_STATUSES = (Status.CONCLUDED, Status.CASE, Status.CLOSED)


class Disposal(models.TextChoices):
    """The four ways of disposing of a lead (问题线索处置方式)."""

    TALK_INQUIRY = "talk_inquiry", _("Talk or letter inquiry (谈话函询)")
    PRELIMINARY = "preliminary", _("Preliminary verification (初步核实)")
    SET_ASIDE = "set_aside", _("Set aside pending (暂存待查)")
    CLOSED = "closed", _("Closed (予以了结)")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


@audited(
    masked={
        "reporter_name": sealed_mask,
        "reporter_contact": sealed_mask,
        "subject_text": sealed_mask,
        "text": sealed_mask,
        "conclusion": sealed_mask,
        "decline_reason": sealed_mask,
        "receipt_hash": sealed_mask,
        "receipt_index": sealed_mask,
        # who is reported stays out of the audit trail too: the reported official may read audit events
        "subject_official_id": sealed_mask,
        "subject_enterprise_id": sealed_mask,
    }
)
class Report(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    real_name = models.BooleanField(_("real-name report"), default=False)
    reporter_name = SealedTextField(_("reporter's name"), blank=True, default="")
    reporter_contact = SealedTextField(_("reporter's contact"), blank=True, default="")
    subject_text = SealedTextField(_("who or what is reported"), blank=True, default="")
    text = SealedTextField(_("report"))
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit concerned"),
    )
    subject_official = models.ForeignKey(
        "directory.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported official"),
    )
    subject_enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise concerned"),
    )
    priority = models.BooleanField(_("priority (article 17)"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    disposal = models.CharField(
        _("disposal"), max_length=16, choices=Disposal.choices, blank=True, default=""
    )
    received_on = models.DateField(_("received on"))
    accept_due = models.DateField(_("acceptance due"))
    accept_provisional = models.BooleanField(_("acceptance deadline provisional"), default=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decline_reason = SealedTextField(_("reason for not accepting"), blank=True, default="")
    verify_due = models.DateField(_("verification due"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True, default="")
    conclusion = SealedTextField(_("verification conclusion"), blank=True, default="")
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    result_due = models.DateField(_("result due"), null=True, blank=True)
    result_sent_on = models.DateField(_("result sent on"), null=True, blank=True)
    receipt_index = models.CharField(_("receipt index"), max_length=64, blank=True, default="", db_index=True)
    receipt_hash = models.CharField(_("receipt hash"), max_length=255, blank=True, default="")
    lead = models.OneToOneField(
        "conduct.Lead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conduct lead"),
    )
    retain_until = models.DateField(_("retain until"), null=True, blank=True)
    erased_on = models.DateField(_("content erased on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-priority", "-received_on", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "priority"])]

    def __str__(self) -> str:
        return self.number


class Assignment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="assignments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    active = models.BooleanField(_("active"), default=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "inspector"],
                condition=models.Q(active=True),
                name="supervision_one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.inspector_id}"


audited()(Assignment)


class MessageKind(models.TextChoices):
    INFORMATION = "information", _("Further information from the reporter")
    ANSWER = "answer", _("Answer from the reporter")
    REPLY = "reply", _("Reply to the reporter")
    QUESTION = "question", _("Question to the reporter")
    NOTICE = "notice", _("Notice to the reporter")


FROM_REPORTER = (MessageKind.INFORMATION, MessageKind.ANSWER)


@audited(masked={"body": sealed_mask})
class Message(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    body = SealedTextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The outbound notice (SMS or WeChat, through the appeals outbox) telling a reporter who can be
    # reached that this message is waiting: a neutral text with the report number only. None when
    # the reporter cannot be reached that way (anonymous without a number, a postal address).
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report message")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.report_id})"

    @property
    def from_reporter(self) -> bool:
        return self.kind in FROM_REPORTER


@audited(masked={"name": sealed_mask, "content": sealed_mask})
class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    name = SealedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    content = SealedTextField(_("content"))  # base64 of the (metadata-stripped) bytes
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return f"{self.content_type} ({self.size})"


@audited()
class Outcome(models.Model):
    """How a case ended for one person or unit: one of the four forms, tagged with article 18's categories."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="outcomes")
    official = models.ForeignKey(
        "directory.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("official"),
    )
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    form = models.CharField(_("form"), max_length=1, choices=Form.choices)
    measure = models.CharField(_("measure"), max_length=200)
    behaviours = models.JSONField(_("categories (article 18)"), default=list)
    decided_on = models.DateField(_("decided on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outcome")

    def __str__(self) -> str:
        return f"{self.get_form_display()}"


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("Follow-up due")
    FOLLOWED_UP = "followed_up", _("Followed up")


@audited()
class EarlyReminder(models.Model):
    """Article 16: a reminder talk about early signs (苗头性、倾向性问题), with a follow-up."""

    official = models.ForeignKey(
        "directory.Official", on_delete=models.PROTECT, related_name="+", verbose_name=_("official")
    )
    concern = models.TextField(_("early sign"))
    talk_on = models.DateField(_("talk held on"))
    follow_up_due = models.DateField(_("follow-up due"))
    follow_up = models.TextField(_("follow-up"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.OPEN
    )
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["follow_up_due", "pk"]
        verbose_name = _("early reminder")

    def __str__(self) -> str:
        return f"{self.official_id}: {self.talk_on}"


@audited()
class Deadlines(models.Model):
    """The editable defaults (one row): working days to accept, to tell the result, to verify a priority report."""  # noqa: E501

    accept_days = models.PositiveSmallIntegerField(
        _("working days to tell the reporter about acceptance"), default=15
    )
    result_days = models.PositiveSmallIntegerField(
        _("working days to tell the result after the conclusion"), default=15
    )
    verify_days = models.PositiveSmallIntegerField(
        _("working days to verify a priority report after acceptance"), default=60
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supervision deadlines")

    def __str__(self) -> str:
        return f"{self.accept_days}/{self.result_days}/{self.verify_days}"


class InspectionKind(models.TextChoices):
    OPEN = "open", _("Open inspection (明察)")
    COVERT = "covert", _("Unannounced visit (暗访)")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Findings recorded")


@audited()
class Inspection(models.Model):
    """Article 18.5: a themed open or covert inspection of a unit, with findings."""

    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=InspectionKind.choices)
    theme = models.CharField(_("theme"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    findings = models.TextField(_("findings"), blank=True, default="")
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("inspection")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.theme}"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting approval")
    PUBLISHED = "published", _("Published")


@audited()
class TypicalCase(models.Model):
    """Article 18.5: a typical case exposed (曝光) on the public portal after approval, personal data removed.

    The text is written for publication by the inspector (no names, no identifiers); publication checks
    it against the names in the directory once more before it goes out.
    """

    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text for publication"))
    behaviours = models.JSONField(_("categories (article 18)"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("typical case")

    def __str__(self) -> str:
        return self.title


class NoticeKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up of a reminder talk due (article 16)")
    ACCEPT = "accept", _("Acceptance to be told to the reporter (article 17)")
    VERIFY = "verify", _("Verification of a priority report due (article 17)")
    RESULT = "result", _("Result to be told to the reporter (article 17)")
    RETENTION = "retention", _("Sealed content to be erased")


@audited()
class InspectorNotice(PersonNotice):
    """A notice for an inspector (``recipient``): something they handle is due soon (written by the daily
    ``supervision.due`` job, once per inspector, item and due date, ``core.notices.deliver_once``). Shown on
    the reports page; when the inspector's directory record has a mobile number, also queued as an SMS on
    the appeals outbox (``notification``: its status is the SMS's honest delivery state). It names the
    report number or the reminder, never sealed content."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminder = models.ForeignKey(
        EarlyReminder, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"))
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        ordering = ["due", "pk"]
        verbose_name = _("inspector notice")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="supervision_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"


# Article 16's main responsibility (主体责任): its own sub-package; imported last (it names directory's
# models).
from .duties.models import DutyList, DutyNotice, DutyTask  # noqa: E402,F401
