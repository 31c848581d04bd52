"""Fault tolerance and correction (容错纠错, article 22).

* ``TimeLimits``: the working days each step may take (editable by the discipline office; article 22).
* ``ToleranceRequest``: an official's or unit's request about a mistake made while reforming or
  serving enterprises, through four steps: submission (提出), acceptance (受理), deliberation (审议:
  the three distinctions, 三个区分开来, each with its evidence, and the usual conditions),
  determination (界定: exempted, lighter, mitigated or not tolerated, with reasons); then filed with
  the discipline office and the organisation department, a clearing notice (澄清正名) where the official
  is cleared, and a revisit (回访).
* ``CaseFactor``: the determination recorded as a factor on a linked discipline case (a supervision
  report): tolerance depends on supervision, never the other way (docs/ARCHITECTURE.md).
* ``Alert``: a step past its time limit or a revisit due, found by the daily job, shown to the
  discipline office (recorded here; nothing is sent).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice


@audited()
class TimeLimits(models.Model):
    """One row (pk 1): the time limit of each step in working days (article 22)."""

    accept_days = models.PositiveSmallIntegerField(_("acceptance (working days)"), default=5)
    deliberate_days = models.PositiveSmallIntegerField(_("deliberation (working days)"), default=20)
    determine_days = models.PositiveSmallIntegerField(_("determination (working days)"), default=10)
    revisit_days = models.PositiveSmallIntegerField(_("revisit after (working days)"), default=60)

    class Meta:
        verbose_name = _("fault-tolerance time limits")
        verbose_name_plural = _("fault-tolerance time limits")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Submitter(models.TextChoices):
    OFFICIAL = "official", _("The official")
    UNIT = "unit", _("The official's unit")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted, under deliberation")
    REFUSED = "refused", _("Not accepted")
    DELIBERATED = "deliberated", _("Deliberated, awaiting determination")
    DETERMINED = "determined", _("Determined")
    FILED = "filed", _("Filed")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.DELIBERATED)


class Determination(models.TextChoices):
    EXEMPTED = "exempted", _("Exempted from responsibility (免责)")
    LIGHTER = "lighter", _("Lighter handling (从轻)")
    MITIGATED = "mitigated", _("Mitigated handling (减轻)")
    NOT_TOLERATED = "not_tolerated", _("Not tolerated (不予容错)")


TOLERATED = (Determination.EXEMPTED, Determination.LIGHTER, Determination.MITIGATED)

# The three distinctions (三个区分开来) and the usual conditions: (field, label). Each distinction is
# answered yes (the tolerable side) or no, with the evidence it rests on.
DISTINCTIONS = (
    ("trial", _("Inexperience in trying something first, not knowingly breaking rules")),
    ("exploration", _("Exploration not yet restricted by superiors, not persisting after a ban")),
    ("unintended", _("An unintended error while pushing development, not seeking private gain")),
)
CONDITIONS = (
    ("lawful_process", _("The decision followed a lawful decision process")),
    ("public_interest", _("It served the public interest")),
    ("no_private_gain", _("No private gain was sought or obtained")),
    ("prompt_correction", _("The mistake was corrected promptly, losses limited")),
)


@audited()
class ToleranceRequest(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    official = models.ForeignKey(
        "directory.Official", on_delete=models.PROTECT, related_name="+", verbose_name=_("official")
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    submitter = models.CharField(_("submitted by"), max_length=16, choices=Submitter.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    matter = models.CharField(_("matter"), max_length=200)
    facts = models.TextField(_("facts"))
    evidence = models.TextField(_("evidence"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    step_due = models.DateField(_("current step due"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    refuse_reason = models.TextField(_("reason for not accepting"), blank=True, default="")
    refused_on = models.DateField(_("not accepted on"), null=True, blank=True)
    # deliberation: each distinction yes/no with evidence; the conditions yes/no
    trial = models.BooleanField(_("trying something first"), null=True, blank=True)
    trial_evidence = models.TextField(_("evidence: trying something first"), blank=True, default="")
    exploration = models.BooleanField(_("exploration not yet restricted"), null=True, blank=True)
    exploration_evidence = models.TextField(_("evidence: exploration"), blank=True, default="")
    unintended = models.BooleanField(_("unintended error"), null=True, blank=True)
    unintended_evidence = models.TextField(_("evidence: unintended error"), blank=True, default="")
    lawful_process = models.BooleanField(_("lawful decision process"), null=True, blank=True)
    public_interest = models.BooleanField(_("public interest"), null=True, blank=True)
    no_private_gain = models.BooleanField(_("no private gain"), null=True, blank=True)
    prompt_correction = models.BooleanField(_("prompt correction"), null=True, blank=True)
    deliberation_notes = models.TextField(_("deliberation notes"), blank=True, default="")
    deliberated_on = models.DateField(_("deliberated on"), null=True, blank=True)
    determination = models.CharField(
        _("determination"), max_length=16, choices=Determination.choices, blank=True, default=""
    )
    reasons = models.TextField(_("reasons"), blank=True, default="")
    determined_on = models.DateField(_("determined on"), null=True, blank=True)
    organisation_department = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation department"),
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    case = models.ForeignKey(
        "supervision.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked discipline case"),
    )
    clearing_text = models.TextField(_("clearing notice"), blank=True, default="")
    clearing_published_on = models.DateField(_("clearing notice published on"), null=True, blank=True)
    revisit_due = models.DateField(_("revisit due"), null=True, blank=True)
    revisit_done_on = models.DateField(_("revisited on"), null=True, blank=True)
    revisit_note = models.TextField(_("revisit notes"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("fault-tolerance request")
        verbose_name_plural = _("fault-tolerance requests")
        indexes = [models.Index(fields=["status", "step_due"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_tolerated(self) -> bool:
        return self.determination in TOLERATED

    def checklist(self) -> list[dict]:
        rows = [
            {
                "name": name,
                "label": label,
                "value": getattr(self, name),
                "evidence": getattr(self, f"{name}_evidence"),
            }
            for name, label in DISTINCTIONS
        ]
        rows += [
            {"name": name, "label": label, "value": getattr(self, name), "evidence": None}
            for name, label in CONDITIONS
        ]
        return rows


@audited()
class CaseFactor(models.Model):
    """A determination recorded as a factor on a linked discipline case (article 22)."""

    request = models.OneToOneField(
        ToleranceRequest, on_delete=models.PROTECT, related_name="case_factor", verbose_name=_("request")
    )
    case = models.ForeignKey(
        "supervision.Report", on_delete=models.PROTECT, related_name="+", verbose_name=_("discipline case")
    )
    determination = models.CharField(_("determination"), max_length=16, choices=Determination.choices)
    reasons = models.TextField(_("reasons"))
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("fault-tolerance factor on a case")
        verbose_name_plural = _("fault-tolerance factors on cases")

    def __str__(self) -> str:
        return f"{self.request_id} → {self.case_id}"


class AlertKind(models.TextChoices):
    OVERDUE = "overdue", _("Step past its time limit")
    REVISIT = "revisit", _("Revisit due")


@audited()
class Alert(models.Model):
    """What the daily job found (one row per request, kind, status and due date). Audited: each one is
    an event of the job (its notices have their own); rows from before were adopted once
    (``tolerance.alert.adopt``)."""

    request = models.ForeignKey(ToleranceRequest, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    due = models.DateField(_("due"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-due", "-pk"]
        verbose_name = _("fault-tolerance alert")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "status", "due"], name="tolerance_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.due}"


class NoticeKind(models.TextChoices):
    OVERDUE = "overdue", _("Step past its time limit")
    REVISIT = "revisit", _("Revisit due")
    FILED = "filed", _("Conclusion filed with your department")


@audited()
class Notice(PersonNotice):
    """An alert delivered to a named person (article 22): a step past its time limit or a revisit due to
    the discipline inspectors handling the request (every inspector while nobody has acted on it yet), a
    filed conclusion to the organisation department's accounts. Shown in the application; when the
    person's directory record has a mobile number, also queued as an SMS on the appeals outbox
    (``notification``: its status is the SMS's honest delivery state)."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    request = models.ForeignKey(ToleranceRequest, on_delete=models.PROTECT, related_name="notices")
    due = models.DateField(_("due"), null=True, blank=True)
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        verbose_name = _("fault-tolerance notice")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="tolerance_notice_once")]


@audited()
class FilingReceipt(models.Model):
    """The organisation department's receipt of a filed conclusion (article 22) and the use it records
    (e.g. a note for the official's cadre evaluation)."""

    request = models.OneToOneField(
        ToleranceRequest, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("request")
    )
    unit = models.ForeignKey(
        "directory.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation department"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    received_on = models.DateField(_("received on"))
    use_note = models.TextField(_("use by the organisation department"), blank=True, default="")
    use_noted_on = models.DateField(_("use recorded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing receipt")

    def __str__(self) -> str:
        return f"{self.request_id} {self.received_on}"
