"""Officials' conduct (articles 14, 15).

- Conflict of interest (15.7): ``AssignmentCheck`` records each blocked assignment with its
  evidence; ``AssignmentExemption`` is a supervisor's reasoned exception; ``Recusal`` is a
  reported conflict, an application for recusal or an ordered recusal; ``Lead`` is a
  problem lead for the discipline office (the supervision app will take these over).
- Pre-approval (article 14): ``ActivityRequest`` with its rule findings, the supervising
  leader's decision, the written ``ApprovalLetter`` and the ``ActivityReport`` afterwards.
- Gifts (15.1) ``GiftRecord``; the enterprises' integrity pledge (15.b1–15.b6)
  ``IntegrityPledge``; related-person declarations (15.2–15.4) ``RelatedPersonDeclaration``
  and ``AnnualConfirmation``; limits and standards as data in ``ConductRules``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited


@audited()
class ConductRules(models.Model):
    """Limits and standards an administrator edits (one row; defaults apply until saved)."""

    reception_standard_per_head = models.DecimalField(
        _("official reception standard per head (yuan)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("120.00"),
        help_text=_("Article 14 item 3: meals may not exceed the local official reception standard."),
    )
    working_hours_start = models.TimeField(_("working hours start"), default=datetime.time(8, 30))
    working_hours_end = models.TimeField(_("working hours end"), default=datetime.time(17, 30))
    gift_hand_in_days = models.PositiveIntegerField(_("days to hand in a gift"), default=30)
    related_change_days = models.PositiveIntegerField(
        _("days to declare a change of related persons"), default=30
    )
    near_limit_percent = models.PositiveIntegerField(_("cost near the limit from (%)"), default=90)
    repeated_events_threshold = models.PositiveIntegerField(
        _("repeated events with one enterprise (per 12 months)"), default=3
    )

    class Meta:
        verbose_name = _("conduct rules")
        verbose_name_plural = _("conduct rules")

    def __str__(self) -> str:
        return str(_("conduct rules"))


class MatchMethod(models.TextChoices):
    SAME_PERSON = "same_person", _("same person record")
    RESIDENT_ID = "resident_id", _("resident ID match")
    NAME_BIRTH_DATE = "name_birth_date", _("same name and date of birth")
    NAME_PHONE = "name_phone", _("same name and phone number")
    # a holding the official declared for a relative named otherwise than the number's holder of record:
    # the relation's own, not a tie of that person (conflicts.find_conflicts)
    DECLARED = "declared", _("declared by the official")


class CheckOutcome(models.TextChoices):
    BLOCKED = "blocked", _("Blocked: recusal required")
    EXEMPTED = "exempted", _("Allowed by exemption")


@audited()
class AssignmentCheck(models.Model):
    """A conflict check that stopped (or was exempted for) an official's assignment (15.7)."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("directory.Enterprise", on_delete=models.PROTECT, related_name="+")
    matter_type = models.CharField(_("matter type"), max_length=64)
    matter_id = models.CharField(_("matter"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CheckOutcome.choices)
    conflicts = models.JSONField(_("conflicts"), default=list)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    article = models.CharField(max_length=16, default="15.7")

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["official", "matter_type", "matter_id"], name="conduct_check_matter")]
        verbose_name = _("assignment check")
        verbose_name_plural = _("assignment checks")

    def __str__(self) -> str:
        return f"{self.matter_type}:{self.matter_id} — {self.get_outcome_display()}"


@audited()
class AssignmentExemption(models.Model):
    """A supervisor lets a conflicted official handle one matter anyway, with a reason."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("directory.Enterprise", on_delete=models.PROTECT, related_name="+")
    matter_type = models.CharField(_("matter type"), max_length=64)
    matter_id = models.CharField(_("matter"), max_length=64)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["official", "matter_type", "matter_id"], name="conduct_exemption_matter")
        ]
        verbose_name = _("assignment exemption")
        verbose_name_plural = _("assignment exemptions")

    def __str__(self) -> str:
        return f"{self.matter_type}:{self.matter_id}"


class RecusalOrigin(models.TextChoices):
    REPORTED = "reported", _("Conflict reported in advance")
    APPLIED = "applied", _("Recusal applied for")
    ORDERED = "ordered", _("Recusal ordered")


class RecusalStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Recusal approved")
    REJECTED = "rejected", _("Recusal not needed")
    ORDERED = "ordered", _("Recusal ordered")
    REFUSED = "refused", _("Recusal refused by the official")


# A recusal in one of these states keeps the official off the matter.
EFFECTIVE_RECUSAL = (RecusalStatus.APPROVED, RecusalStatus.ORDERED, RecusalStatus.REFUSED)


@audited()
class Recusal(models.Model):
    """Article 15 item 7: report in advance, apply for recusal, or be ordered to recuse."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="recusals")
    enterprise = models.ForeignKey(
        "directory.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter_type = models.CharField(_("matter type"), max_length=64)
    matter_id = models.CharField(_("matter"), max_length=64)
    origin = models.CharField(_("origin"), max_length=16, choices=RecusalOrigin.choices)
    status = models.CharField(_("status"), max_length=16, choices=RecusalStatus.choices)
    description = models.TextField(_("description"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["official", "matter_type", "matter_id"], name="conduct_recusal_matter")
        ]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self) -> str:
        return f"{self.matter_type}:{self.matter_id} — {self.get_status_display()}"


class LeadSource(models.TextChoices):
    RECUSAL_REFUSED = "recusal_refused", _("Recusal refused")
    ACTIVITY_DIFFERENCE = "activity_difference", _("Event differed from its approval")


@audited()
class Lead(models.Model):
    """A problem lead (问题线索) for the discipline office. Kept here until the supervision app
    exists; it will take these rows over (same fields: official, source, summary, article)."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=32, choices=LeadSource.choices)
    summary = models.TextField(_("summary"))
    article = models.CharField(_("article"), max_length=16)
    recusal = models.ForeignKey(
        Recusal, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    activity = models.ForeignKey(
        "ActivityRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.get_source_display()} ({self.article})"


class Situation(models.TextChoices):
    """Article 14: the three permitted situations."""

    WORK_MEAL = "work_meal", _("Work meal to discuss work (14.1)")
    PUBLIC_EVENT = "public_event", _("Public business event (14.2)")
    ORGANISER_DINNER = "organiser_dinner", _("Dinner arranged by the organiser (14.3)")


SITUATION_ARTICLE = {
    Situation.WORK_MEAL: "14.1",
    Situation.PUBLIC_EVENT: "14.2",
    Situation.ORGANISER_DINNER: "14.3",
}


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REPORTED = "reported", _("Held and reported")


@audited()
class ActivityRequest(models.Model):
    """A request for written approval of an enterprise event (涉企公务活动, article 14)."""

    official = models.ForeignKey(
        "directory.Official", on_delete=models.PROTECT, related_name="activity_requests"
    )
    situation = models.CharField(_("situation"), max_length=32, choices=Situation.choices)
    enterprises = models.ManyToManyField(
        "directory.Enterprise", related_name="+", verbose_name=_("enterprises involved")
    )
    people_involved = models.TextField(_("enterprise people involved"), blank=True, default="")
    event_date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200)
    purpose = models.TextField(_("purpose"))
    participants = models.TextField(_("participants"))
    participant_count = models.PositiveIntegerField(_("number of participants"), default=1)
    cost_per_head = models.DecimalField(_("expected cost per head (yuan)"), max_digits=9, decimal_places=2)
    alcohol_served = models.BooleanField(_("alcohol served"), default=False)
    no_lottery_confirmed = models.BooleanField(_("I confirm there is no lottery"), default=False)
    no_unrelated_activities_confirmed = models.BooleanField(
        _("I confirm there are no activities unrelated to official duties"), default=False
    )
    late_reason = models.TextField(_("reason for filing late"), blank=True, default="")
    is_late = models.BooleanField(_("filed late"), default=False)
    findings = models.JSONField(_("rule findings"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="conduct_activity_status")]
        verbose_name = _("enterprise event request")
        verbose_name_plural = _("enterprise event requests")

    def __str__(self) -> str:
        return f"{self.get_situation_display()} {self.event_date:%Y-%m-%d} {self.place}"


@audited()
class ApprovalLetter(models.Model):
    """The written approval (书面批准): numbered, verifiable by its code on a public page."""

    activity = models.OneToOneField(ActivityRequest, on_delete=models.PROTECT, related_name="letter")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="conduct_letter_year_sequence")
        ]
        verbose_name = _("approval letter")
        verbose_name_plural = _("approval letters")

    def __str__(self) -> str:
        return self.number


@audited()
class ActivityReport(models.Model):
    """What actually happened at an approved event; differences go to the discipline office."""

    activity = models.OneToOneField(ActivityRequest, on_delete=models.PROTECT, related_name="report")
    actual_cost_per_head = models.DecimalField(
        _("actual cost per head (yuan)"), max_digits=9, decimal_places=2
    )
    actual_participants = models.TextField(_("actual participants"))
    actual_participant_count = models.PositiveIntegerField(_("actual number of participants"), default=1)
    alcohol_served = models.BooleanField(_("alcohol was served"), default=False)
    items_received = models.TextField(_("anything received"), blank=True, default="")
    differences = models.JSONField(_("differences from the approval"), default=list)
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")

    def __str__(self) -> str:
        return f"{self.activity}"


class GiftDirection(models.TextChoices):
    OFFERED = "offered", _("Offered")
    RECEIVED = "received", _("Received")


class GiftKind(models.TextChoices):
    GIFT = "gift", _("Gift")
    RED_ENVELOPE = "red_envelope", _("Red envelope")
    CASH_GIFT = "cash_gift", _("Cash gift")
    SECURITIES = "securities", _("Securities")
    PREPAID_CARD = "prepaid_card", _("Prepaid or shopping card")
    OTHER = "other", _("Other property")


class GiftDisposition(models.TextChoices):
    PENDING = "pending", _("Not yet handed in")
    REFUSED = "refused", _("Refused")
    RETURNED = "returned", _("Returned")
    HANDED_IN = "handed_in", _("Handed in")


@audited()
class GiftRecord(models.Model):
    """Article 15 item 1: any gift, red envelope, cash gift or security offered or received."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="gift_records")
    direction = models.CharField(_("offered or received"), max_length=16, choices=GiftDirection.choices)
    giver_enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from enterprise"),
    )
    giver_name = models.CharField(_("from (person)"), max_length=100, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=16, choices=GiftKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    occurred_on = models.DateField(_("date offered or received"))
    disposition = models.CharField(_("disposition"), max_length=16, choices=GiftDisposition.choices)
    handed_in_on = models.DateField(_("handed in on"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True, default="")
    receipt_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        # Receipt numbers come from core.numbering; the constraint is the last line of defence.
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="conduct_gift_receipt_number_unique",
            )
        ]
        verbose_name = _("gift record")
        verbose_name_plural = _("gift records")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def giver_masked(self) -> str:
        """Who offered or gave it, as a register lists it: the enterprise by name, a person's name masked
        (``core.identifiers.mask_name``)."""
        from qinqing.core.identifiers import mask_name

        person = mask_name(self.giver_name) if self.giver_name else ""
        enterprise = self.giver_enterprise.name if self.giver_enterprise_id else ""
        return " · ".join(part for part in (enterprise, person) if part)

    @property
    def description_masked(self) -> str:
        """The description as a list shows it: resident ID and mobile numbers in it masked."""
        from qinqing.core.request_logging import mask_personal_numbers

        return mask_personal_numbers(self.description)


@audited()
class IntegrityPledge(models.Model):
    """An enterprise's signed integrity pledge: the six requirements 15.b1–15.b6."""

    enterprise = models.OneToOneField(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="integrity_pledge"
    )
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField(_("signed by"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    requirements = models.JSONField(_("requirements accepted"), default=list)

    class Meta:
        ordering = ["-signed_on", "pk"]
        verbose_name = _("integrity pledge")
        verbose_name_plural = _("integrity pledges")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.signed_on:%Y-%m-%d}"


@audited()
class RelatedPersonDeclaration(models.Model):
    """One declaration by an official (15.2–15.4): who, what changed and whether it was late.

    The declaration is linked to the person holding the resident ID given (what conflict screening
    needs) and keeps the name the official gave (``declared_name``: what the official is shown).
    ``name_differs``: that name is not the name of record of the person holding the number — the
    declaration is accepted all the same (the official's answer may not tell whether the number was on
    record), and the discipline office resolves it from its list of declarations."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="+")
    related_person = models.ForeignKey("directory.RelatedPerson", on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField(_("change happened on"))
    declared_on = models.DateField(_("declared on"))
    is_late = models.BooleanField(_("declared late"), default=False)
    holdings = models.JSONField(_("declared holdings and offices"), default=list)
    declared_name = models.CharField(
        _("name as declared"), max_length=100, blank=True, default="", db_default=""
    )
    name_differs = models.BooleanField(_("name differs from the record"), default=False, db_default=False)
    # The discipline office's note of how a differing name was resolved (checked with the official, the
    # directory corrected by its keeper, the relation ended…), when and by whom.
    name_resolved_at = models.DateTimeField(_("name difference resolved at"), null=True, blank=True)
    name_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_resolution = models.TextField(_("how it was resolved"), blank=True, default="", db_default="")

    class Meta:
        ordering = ["-declared_on", "-pk"]
        indexes = [
            models.Index(
                fields=["-declared_on"],
                condition=models.Q(name_differs=True),
                name="conduct_decl_name_differs",
            )
        ]
        verbose_name = _("related-person declaration")
        verbose_name_plural = _("related-person declarations")

    def __str__(self) -> str:
        return f"{self.declared_on:%Y-%m-%d}"


@audited()
class AnnualConfirmation(models.Model):
    """The official confirms once a year that their declared related persons are complete. ``is_late``: the
    confirmation was made after the year it confirms had ended (a missing year is confirmed late)."""

    official = models.ForeignKey("directory.Official", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    confirmed_at = models.DateTimeField(_("confirmed at"))
    is_late = models.BooleanField(_("confirmed late"), default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["official", "year"], name="conduct_annual_confirmation_unique")
        ]
        verbose_name = _("annual confirmation")
        verbose_name_plural = _("annual confirmations")

    def __str__(self) -> str:
        return f"{self.year}"


class ScreeningRun(models.Model):
    """A run of ``./qinqing screen`` (not audited: it writes no business data, only its own log)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    incremental_since = models.DateTimeField(null=True, blank=True)
    conflicts_found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class ScreeningWatch(models.Model):
    """One link or one legal representation the screening must look at (article 15 item 7).

    An index, not a record: every ``EnterpriseLink`` and every ``Enterprise`` (through its
    legal representative) whose person is, or ever was, the person of an official or of a
    related person. Database triggers (migration 0002) add rows whenever an official, a
    related person, a link or an enterprise is inserted or re-pointed at another person, so
    no path — services, imports, the admin, raw SQL — can skip it. It is a SUPERSET: rows
    are never removed when a person is re-pointed away, an official leaves office or a
    relationship ends, because ``conflicts.screen`` re-applies every condition against the
    real tables; only ``conduct.services.screening_watch_rebuild`` trims it. Not audited:
    it is derived data, like an index, and can always be rebuilt from the directory.

    No foreign-key constraints: the watch list must never stand in the way of a directory
    write (a deleted link simply leaves a row that joins to nothing).
    """

    link = models.OneToOneField(
        "directory.EnterpriseLink",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    enterprise = models.OneToOneField(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(link__isnull=False, enterprise__isnull=True)
                | models.Q(link__isnull=True, enterprise__isnull=False),
                name="conduct_screeningwatch_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"link:{self.link_id}" if self.link_id is not None else f"enterprise:{self.enterprise_id}"
