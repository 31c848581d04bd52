"""The legal environment for enterprises (articles 11, 12, 13, 15.6).

* ``Action``: what an enforcement or judicial body did to an enterprise — a compulsory measure (article 12:
  freezing accounts, sealing books, seizing property, coercive measures on its people, publishing harmful
  information), an inspection (涉企检查) or a charge (fees, fines, apportionments, donations: article 15.6
  forbids 乱检查、乱摊派、乱收费、乱罚款) — with its legal basis, approval, dates and what limited the harm.
  The flags (no legal basis, repeated inspections within the configured period, a measure past its term,
  retaliation after a lawsuit) are computed by ``selectors.flags`` from these rows, never stored.
* ``Objection``: the enterprise's objection to a registered action, answered by the body; it can become an
  appeal through the appeals intake.
* ``ProtectionRequest``: an enterprise's request for protection against crimes that harm it (article 11).
* ``LawsuitCase`` and ``Obligation``: the litigation ledger (article 13) and what a judgment, ruling or
  mediation obliges the body to do by when; ``ObligationAlert`` what the daily job found overdue.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice


@audited()
class LegalSettings(models.Model):
    """One row (pk 1): the repeated-inspection rule (article 15.6), editable by the discipline office."""

    repeat_window_days = models.PositiveSmallIntegerField(_("inspection period (days)"), default=90)
    repeat_limit = models.PositiveSmallIntegerField(_("inspections allowed in the period"), default=2)

    class Meta:
        verbose_name = _("legal-environment settings")
        verbose_name_plural = _("legal-environment settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ActionKind(models.TextChoices):
    MEASURE = "measure", _("Compulsory measure")
    INSPECTION = "inspection", _("Inspection of the enterprise")
    CHARGE = "charge", _("Charge")


class Subtype(models.TextChoices):
    FREEZE = "freeze", _("Freezing accounts")
    SEAL = "seal", _("Sealing books or premises")
    SEIZE = "seize", _("Seizing property")
    COERCIVE = "coercive", _("Coercive measure on its people")
    PUBLISH = "publish", _("Publishing information affecting its reputation")
    INSPECTION = "inspection", _("Inspection")
    FEE = "fee", _("Fee")
    FINE = "fine", _("Fine")
    APPORTIONMENT = "apportionment", _("Apportionment")
    DONATION = "donation", _("Donation")


SUBTYPES = {
    ActionKind.MEASURE: (Subtype.FREEZE, Subtype.SEAL, Subtype.SEIZE, Subtype.COERCIVE, Subtype.PUBLISH),
    ActionKind.INSPECTION: (Subtype.INSPECTION,),
    ActionKind.CHARGE: (Subtype.FEE, Subtype.FINE, Subtype.APPORTIONMENT, Subtype.DONATION),
}


@audited()
class Action(models.Model):
    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("body")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    subtype = models.CharField(_("what"), max_length=16, choices=Subtype.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True, default="")
    approval = models.CharField(_("approval"), max_length=300, blank=True, default="")
    started_on = models.DateField(_("date"))
    ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    details = models.TextField(_("details and findings"), blank=True, default="")
    harm_limitation = models.TextField(
        _("what limited the harm to normal operations"), blank=True, default=""
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("registered action")
        verbose_name_plural = _("registered actions")
        indexes = [models.Index(fields=["enterprise", "kind", "started_on"])]

    def __str__(self) -> str:
        return f"{self.get_subtype_display()} {self.started_on}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")
    APPEALED = "appealed", _("Became an appeal")


@audited()
class Objection(models.Model):
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, related_name="objections", verbose_name=_("action")
    )
    text = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=16, choices=ObjectionStatus.choices, default="open")
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appeal"),
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("objection")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.get_status_display()}"


class LawsuitKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative case")
    CIVIL = "civil", _("Civil or commercial case")


class OutcomeKind(models.TextChoices):
    JUDGMENT = "judgment", _("Judgment")
    RULING = "ruling", _("Ruling")
    MEDIATION = "mediation", _("Mediation")


@audited()
class LawsuitCase(models.Model):
    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("body")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LawsuitKind.choices)
    court = models.CharField(_("court"), max_length=200)
    # The court as a directory unit (organ type court), when it is one of the district's: its own account
    # (Role.ENFORCEMENT_BODY) then sees the case and records its evidence requests and the outcome.
    court_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("court (directory unit)"),
    )
    court_record = models.TextField(
        _("the court's record of its investigation and evidence requests and the body's response"),
        blank=True,
        default="",
    )
    case_number = models.CharField(_("case number"), max_length=100)
    enterprise_sued = models.BooleanField(_("the enterprise brought the case"), default=True)
    filed_on = models.DateField(_("filed on"))
    cooperation = models.TextField(
        _("cooperation with investigation and evidence requests"), blank=True, default=""
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=OutcomeKind.choices, blank=True, default=""
    )
    outcome_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("lawsuit")
        verbose_name_plural = _("lawsuits")

    def __str__(self) -> str:
        return self.case_number


@audited()
class Obligation(models.Model):
    case = models.ForeignKey(
        LawsuitCase, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("case")
    )
    text = models.CharField(_("obligation"), max_length=300)
    due_on = models.DateField(_("due on"))
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    performance = models.TextField(_("how it was performed"), blank=True, default="")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("obligation")

    def __str__(self) -> str:
        return self.text


@audited()
class ObligationAlert(models.Model):
    """An obligation found unperformed after its deadline by the daily job. Audited: each one is an
    event of the job (its notices have their own); rows from before were adopted once
    (``legal.obligationalert.adopt``)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="alerts")
    found_on = models.DateField(_("found on"))

    class Meta:
        ordering = ["-found_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["obligation"], name="legal_obligation_alert_once")]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.found_on}"


class ProtectionKind(models.TextChoices):
    OBSTRUCTION = "obstruction", _("Obstruction of construction or operations")
    EXTORTION = "extortion", _("Extortion by gangs or local bullies")
    FORCED_TRADING = "forced_trading", _("Forced trading")
    OTHER = "other", _("Other crime harming the enterprise")


class ProtectionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Being handled")
    CLOSED = "closed", _("Closed")


@audited()
class ProtectionRequest(models.Model):
    """An enterprise's request for protection against a crime that harms it (article 11)."""

    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ProtectionKind.choices)
    description = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProtectionStatus.choices, default="requested"
    )
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handling body"),
    )
    progress = models.TextField(_("progress"), blank=True, default="")
    result = models.TextField(_("result"), blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested at"))
    # the day the body took it on (its acceptance notice is dated by it); rows accepted before the field
    # existed have none, and their letter takes the day from the acceptance's audit event
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("protection request")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.enterprise_id})"


class Assessment(models.TextChoices):
    CONFIRMED = "confirmed", _("Retaliation found (打击报复)")
    DISMISSED = "dismissed", _("Not retaliation")


@audited()
class RetaliationAssessment(models.Model):
    """The discipline office's assessment of a retaliation flag (article 13 (3): an administrative organ
    abusing its power against a party to a lawsuit, during or after it): the flag is a date comparison, this
    is the finding on it — retaliation, with the people answerable and what was done to hold them to account,
    or not, with the reason. One per registered action; a dismissed flag is no longer raised."""

    action = models.OneToOneField(
        Action,
        on_delete=models.PROTECT,
        related_name="retaliation_assessment",
        verbose_name=_("registered action"),
    )
    case = models.ForeignKey(
        LawsuitCase, on_delete=models.PROTECT, related_name="+", verbose_name=_("lawsuit")
    )
    outcome = models.CharField(_("assessment"), max_length=16, choices=Assessment.choices)
    reasoning = models.TextField(_("reasoning"))
    answerable = models.TextField(_("people answerable"), blank=True, default="")
    accountability = models.TextField(_("accountability pursued"), blank=True, default="")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("retaliation assessment")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.action_id})"


@audited()
class Recommendation(models.Model):
    """A procuratorial recommendation (检察建议) from the district's procuratorate to a body about its
    enforcement or its conduct in a lawsuit (articles 12, 13): the procuratorate's legal supervision on
    the ledger. The body answers in writing by ``reply_due`` — two months after the recommendation by the
    Supreme People's Procuratorate's rules on recommendations (2019), or an earlier date the procuratorate
    sets when the matter is urgent; an answer not given by then is flagged to the body's leaders and the
    discipline office."""

    procuratorate = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("procuratorate")
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("body")
    )
    number = models.CharField(_("recommendation number"), max_length=100)
    action = models.ForeignKey(
        Action,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered action"),
    )
    case = models.ForeignKey(
        LawsuitCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lawsuit"),
    )
    content = models.TextField(_("recommendation"))
    issued_on = models.DateField(_("issued on"))
    reply_due = models.DateField(_("answer due"))
    reply = models.TextField(_("the body's answer"), blank=True, default="")
    replied_on = models.DateField(_("answered on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("procuratorial recommendation")
        verbose_name_plural = _("procuratorial recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["procuratorate", "number"], name="legal_recommendation_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class NoticeKind(models.TextChoices):
    NO_BASIS = "no_basis", _("No legal basis registered")
    REPEATED = "repeated", _("Repeated inspections within the period")
    PAST_TERM = "past_term", _("Measure past its term and not lifted")
    RETALIATION = "retaliation", _("After the enterprise sued a government body")
    OBLIGATION = "obligation", _("Obligation not performed by its deadline")
    RECOMMENDATION = "recommendation", _("Procuratorial recommendation not answered by its date")


@audited()
class Notice(PersonNotice):
    """A flag or an overdue obligation delivered to a named person (articles 13, 15.6): the supervising
    leaders over the body's unit and the discipline inspectors, once per person and item. Shown in the
    application on the flags page; when the person's directory record has a mobile number, also queued as
    an SMS on the appeals outbox (``notification``: its status is the SMS's honest delivery state)."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("body")
    )
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        verbose_name = _("legal-environment notice")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="legal_notice_once")]
