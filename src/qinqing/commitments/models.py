"""The commitments memorandum (article 10): every promise the government makes to an enterprise.

* ``Commitment``: one commitment (an investment agreement, a policy promise, meeting minutes) or a contract
  with an enterprise (a directory ``Enterprise``): content, legal basis, responsible unit, deadline,
  documents; status registered → in progress → fulfilled, changed (reason, then approval) or breached
  (workflow ``commitments.commitment``); published in the chosen scope (public, enterprises, internal).
* ``Milestone`` and ``ProgressNote``: the steps and the progress recorded.
* ``BreachFlag``: the enterprise says a commitment was broken; it is filed as an appeal (one pool) and
  linked here; the appeal's text carries the commitment's number.
* ``CommitmentDecision``: a change approved or a breach determined, numbered, told to the enterprise by
  letter (``letters.py``).
* ``DeadlineAlert``: what the daily job found (N working days before, on the day, overdue), once each.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice


class Kind(models.TextChoices):
    INVESTMENT = "investment", _("Investment agreement")
    POLICY = "policy", _("Policy promise")
    MINUTES = "minutes", _("Meeting minutes")
    CONTRACT = "contract", _("Contract")


class Scope(models.TextChoices):
    PUBLIC = "public", _("Public (anyone, no login)")
    ENTERPRISES = "enterprises", _("Enterprises and staff (signed in)")
    INTERNAL = "internal", _("Internal (staff only)")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    CHANGE_REQUESTED = "change_requested", _("Change awaiting approval")
    CHANGED = "changed", _("Changed")
    FULFILLED = "fulfilled", _("Fulfilled")
    BREACHED = "breached", _("Breached")


OPEN = (Status.REGISTERED, Status.IN_PROGRESS, Status.CHANGE_REQUESTED, Status.CHANGED)


@audited()
class Commitment(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("commitment"), max_length=200)
    content = models.TextField(_("content"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True, default="")
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    made_on = models.DateField(_("made on"))
    deadline = models.DateField(_("deadline"))
    documents = models.TextField(_("documents"), blank=True, default="")
    scope = models.CharField(_("published to"), max_length=16, choices=Scope.choices, default=Scope.INTERNAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    change_reason = models.TextField(_("reason for the change"), blank=True, default="")
    change_deadline = models.DateField(_("proposed deadline"), null=True, blank=True)
    change_approval = models.CharField(_("approval of the change"), max_length=300, blank=True, default="")
    outcome = models.TextField(_("outcome"), blank=True, default="")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["scope", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


@audited()
class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("commitment")
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


@audited()
class ProgressNote(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="notes", verbose_name=_("commitment")
    )
    text = models.TextField(_("progress"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.progress}%"


@audited()
class BreachFlag(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="flags", verbose_name=_("commitment")
    )
    text = models.TextField(_("what was not kept"))
    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="+", verbose_name=_("appeal")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    created_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("breach flagged by the enterprise")
        verbose_name_plural = _("breaches flagged by enterprises")

    def __str__(self) -> str:
        return f"{self.commitment_id}:{self.appeal_id}"


class DecisionKind(models.TextChoices):
    CHANGE = "change", _("Change approved")
    BREACH = "breach", _("Breach determined")


@audited()
class CommitmentDecision(models.Model):
    """A decision on a commitment that the enterprise is told of by letter (article 10): a change approved
    (the reason, the approval, the deadline before and after) or a breach determined (what was not kept).
    Numbered and dated when made, one row per decision (a commitment changed twice has two); final when
    made (the workflow has no step back from either), so its letter carries the seal."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("commitment")
    )
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    reason = models.TextField(_("reason for the change"), blank=True, default="")
    approval = models.CharField(_("approval of the change"), max_length=300, blank=True, default="")
    deadline_before = models.DateField(_("deadline before"), null=True, blank=True)
    deadline_after = models.DateField(_("deadline after"), null=True, blank=True)
    outcome = models.TextField(_("what was not kept"), blank=True, default="")

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("decision on a commitment")
        verbose_name_plural = _("decisions on commitments")

    def __str__(self) -> str:
        return self.number


class AlertKind(models.TextChoices):
    BEFORE = "before", _("Deadline approaching")
    DUE = "due", _("Due today")
    OVERDUE = "overdue", _("Overdue")


@audited()
class DeadlineAlert(models.Model):
    """What the daily job found for one commitment: its deadline N working days away, due today or past,
    once per kind and deadline. Audited (each one is an event of the job, whether or not the unit has
    anyone to notify); rows from before their audit were adopted once
    (``commitments.deadlinealert.adopt``)."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("commitment")
    )
    kind = models.CharField(_("alert"), max_length=16, choices=AlertKind.choices)
    deadline = models.DateField(_("deadline"))
    found_on = models.DateField(_("found on"))

    class Meta:
        ordering = ["-found_on", "pk"]
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "kind", "deadline"], name="commitments_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}:{self.kind}:{self.deadline}"


# --- support funds (article 10) ---------------------------------------------------------------------------
class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("Open for applications")
    REVIEW = "review", _("Under review")
    PUBLISHED = "published", _("Results published")


class Support(models.TextChoices):
    """What a programme hands out (article 20: integrity gives priority "in funds and project support");
    each value is integrity's ``Purpose`` of the same name, the one ``priority_standing`` is asked for."""

    FUNDS = "funds", _("Funding support")
    PROJECT = "project", _("Project support")


@audited()
class FundProgramme(models.Model):
    """A support programme: funding or project support (``support``), its rules, budget and dates; results
    published with an objection period counted in working days."""

    title = models.CharField(_("programme"), max_length=200)
    support = models.CharField(_("support"), max_length=16, choices=Support.choices, default=Support.FUNDS)
    rules = models.TextField(_("rules"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    objection_workdays = models.PositiveSmallIntegerField(_("objection period (working days)"), default=5)
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("fund programme")
        verbose_name_plural = _("fund programmes")

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


@audited()
class FundApplication(models.Model):
    programme = models.ForeignKey(
        FundProgramme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("programme")
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    amount = models.DecimalField(_("amount requested (yuan)"), max_digits=14, decimal_places=2)
    description = models.TextField(_("application"))
    eligibility_check = models.CharField(_("eligibility check"), max_length=64)
    priority = models.BooleanField(_("on the priority list (article 20)"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    approved_amount = models.DecimalField(
        _("approved amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision = models.TextField(_("decision"), blank=True, default="")
    # the decision's document number and day, printed on its letter to the enterprise (article 10)
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True, default="")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("fund application")
        verbose_name_plural = _("fund applications")
        constraints = [
            models.UniqueConstraint(fields=["programme", "enterprise"], name="commitments_one_application")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.enterprise_id}"


@audited()
class FundReview(models.Model):
    application = models.ForeignKey(
        FundApplication, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, default="")
    created_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("fund review")
        verbose_name_plural = _("fund reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="commitments_one_review")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.score}"


@audited()
class FundObjection(models.Model):
    application = models.ForeignKey(
        FundApplication, on_delete=models.PROTECT, related_name="objections", verbose_name=_("application")
    )
    text = models.TextField(_("objection"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    created_at = models.DateTimeField(_("raised at"))
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("objection to a fund result")
        verbose_name_plural = _("objections to fund results")

    def __str__(self) -> str:
        return f"{self.application_id}:{self.pk}"


@audited()
class FundPayment(models.Model):
    application = models.ForeignKey(
        FundApplication, on_delete=models.PROTECT, related_name="payments", verbose_name=_("application")
    )
    amount = models.DecimalField(_("amount paid (yuan)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("fund payment")
        verbose_name_plural = _("fund payments")

    def __str__(self) -> str:
        return f"{self.application_id}:{self.amount}"


# --- documents and attachments (article 10: "documents"; applications "with attachments") ------------------
@audited()
class Attachment(models.Model):
    """A file on a commitment (its documents) or on a fund application (its attachments), cleaned by
    ``core.attachments`` (pictures re-encoded, PDFs rewritten, no metadata) and stored under a generated name.
    A commitment's file is on the public pages only when the commitment is published to that audience and
    the file is marked public; an application's files are never public."""

    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    application = models.ForeignKey(
        FundApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    # The storage path under MEDIA_ROOT (a plain string, so audit snapshots can hold it).
    file = models.CharField(_("file"), max_length=300)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    public = models.BooleanField(_("public with the item"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commitment__isnull=False, application__isnull=True)
                | models.Q(commitment__isnull=True, application__isnull=False),
                name="commitments_attachment_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(public=False) | models.Q(commitment__isnull=False),
                name="commitments_attachment_public_commitment_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.size})"


# --- deadline notices to the responsible unit ---------------------------------------------------------------
class SmsState(models.TextChoices):
    """Where the SMS of a notice is, from what really happened (never "sent" for what was only written)."""

    QUEUED = "queued", _("SMS queued")
    SENT = "sent", _("SMS accepted by the provider")
    FAILED = "failed", _("SMS failed")
    MANUAL = "manual", _("SMS not sent: no channel, to be passed on by hand")
    NO_NUMBER = "no_number", _("SMS not sent: no mobile number on record")


@audited()
class DeadlineNotice(PersonNotice):
    """A deadline alert as it reached one person of the responsible unit (its department handlers and its
    supervising leader), once per person and alert (``key`` ``alert:<id>``; ``core.notices.deliver_once``):
    always a notice in the application (on their memorandum page), and an SMS through the project's outbox
    (``appeals.Notification``) when their official record has a mobile number. The SMS state is the outbox
    row's."""

    kind = models.CharField(_("alert"), max_length=16, choices=AlertKind.choices)
    alert = models.ForeignKey(
        DeadlineAlert, on_delete=models.CASCADE, related_name="notices", verbose_name=_("alert")
    )
    text = models.CharField(_("text"), max_length=300)
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="commitments_notice_once")]

    @property
    def sms_state(self) -> str:
        if not self.notification_id:
            return SmsState.NO_NUMBER
        status = self.notification.status
        return {"sending": SmsState.QUEUED}.get(status, status)

    @property
    def sms_state_label(self) -> str:
        return SmsState(self.sms_state).label
