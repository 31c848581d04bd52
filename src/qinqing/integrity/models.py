"""Integrity (articles 20, 21): records, the blacklist, its restrictions and the eligibility log.

- ``IntegrityRecord``: a fact about an enterprise or its head, positive or negative, with its
  source, evidence, date and expiry (honours, clean-record confirmations, the pledge kept or
  broken, bribery convictions, breaches of 15.b1–b6, outside lists).
- ``Listing``: the decision to put an enterprise or a person on the blacklist (article 21),
  with grounds, evidence, decider, document number and article; ``Restriction``: each of the
  article's restrictions it imposes, one activity with its own start and end. A restriction is
  in force on day *d* when ``start <= d <= end`` and it was not lifted on or before *d*: the
  end date ends it by itself, no job is needed.
- ``ListingNotice``: the notification of the listed party as written, and its delivery once
  someone records it (nothing is marked delivered that was not).
- ``Application``: the listed party's objection (within the objection period) or application
  for credit repair / early removal (after the minimum period), decided on ``core.workflow``.
- ``EligibilityCheck``: every eligibility answer, append-only, with a keyed digest (not
  audited per check: a cheap log table).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.crypto import EncryptedTextField
from qinqing.core.identifiers import mask_resident_id


class Activity(models.TextChoices):
    """The activities article 21's three restrictions name, in the article's words."""

    PUBLIC_RESOURCE_TRADING = "public_resource_trading", _("Public-resource trading")
    PROCUREMENT = "procurement", _("Government procurement")
    CONSTRUCTION_BIDDING = "construction_bidding", _("Construction bidding")
    FISCAL_SUBSIDY = "fiscal_subsidy", _("Fiscal subsidies")
    LOAN = "loan", _("Loans")
    SOCIAL_ORGANIZATION_REGISTRATION = (
        "social_organization_registration",
        _("Social-organisation registration"),
    )
    ASSOCIATION_OFFICE = "association_office", _("Offices in associations, chambers and social organisations")
    HONOUR = "honour", _("Honours")
    POLITICAL_ARRANGEMENT = "political_arrangement", _("Political arrangements")


# Article 21's three restrictions: (1) economic activities, (2) qualifications, (3) offices and honours.
CATEGORIES: dict[int, tuple[str, ...]] = {
    1: (Activity.PUBLIC_RESOURCE_TRADING, Activity.PROCUREMENT, Activity.CONSTRUCTION_BIDDING),
    2: (Activity.FISCAL_SUBSIDY, Activity.LOAN, Activity.SOCIAL_ORGANIZATION_REGISTRATION),
    3: (Activity.ASSOCIATION_OFFICE, Activity.HONOUR, Activity.POLITICAL_ARRANGEMENT),
}
CATEGORY_OF: dict[str, int] = {
    str(activity): number for number, activities in CATEGORIES.items() for activity in activities
}
CATEGORY_LABELS = {
    1: _("Restriction (1): public-resource trading, government procurement, construction bidding"),
    2: _("Restriction (2): fiscal subsidies, loans, social-organisation registration"),
    3: _(
        "Restriction (3): offices in associations and social organisations, honours, political arrangements"
    ),
}
# The article's own words (the import's 限制措施 column), to the activity codes.
ARTICLE_WORDS: dict[str, str] = {
    "公共资源交易": Activity.PUBLIC_RESOURCE_TRADING,
    "政府采购": Activity.PROCUREMENT,
    "工程建设招投标": Activity.CONSTRUCTION_BIDDING,
    "财政补助": Activity.FISCAL_SUBSIDY,
    "贷款": Activity.LOAN,
    "社会团体登记": Activity.SOCIAL_ORGANIZATION_REGISTRATION,
    "商协会任职": Activity.ASSOCIATION_OFFICE,
    "荣誉": Activity.HONOUR,
    "政治安排": Activity.POLITICAL_ARRANGEMENT,
}


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class RecordKind(models.TextChoices):
    HONOUR = "honour", _("Honour")
    CLEAN_RECORD = "clean_record", _("Clean-record confirmation")
    PLEDGE_KEPT = "pledge_kept", _("Integrity pledge kept")
    PLEDGE_BROKEN = "pledge_broken", _("Integrity pledge broken")
    BRIBERY_CONVICTION = "bribery_conviction", _("Bribery conviction")
    LISTING = "listing", _("Blacklist listing")
    REQUIREMENT_BREACH = "requirement_breach", _("Breach of the six requirements (15.b1–b6)")
    EXTERNAL_LIST = "external_list", _("Outside list")


POSITIVE_KINDS = {RecordKind.HONOUR, RecordKind.CLEAN_RECORD, RecordKind.PLEDGE_KEPT}


class ExternalList(models.TextChoices):
    NONE = "", _("—")
    DISHONEST_DEBTOR = "dishonest_debtor", _("Dishonest judgment debtors (失信被执行人)")
    MAJOR_TAX_VIOLATION = "major_tax_violation", _("Major tax violations (重大税收违法)")
    PROCUREMENT_VIOLATION = (
        "procurement_violation",
        _("Serious dishonesty in government procurement (政府采购严重违法失信)"),
    )


class PartyFields(models.Model):
    """Who a record or listing is about: an enterprise (by USCC) or a person (by resident ID),
    linked to the directory when it knows them. The identifiers are kept on the row so that a
    party outside the district's directory can still be checked."""

    enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, default="", db_index=True
    )
    id_number = EncryptedTextField(_("resident ID number"), blank=True, default="")
    id_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, blank=True, default="", db_index=True)

    class Meta:
        abstract = True

    @property
    def is_person(self) -> bool:
        return bool(self.id_index)

    @property
    def masked_id(self) -> str:
        return mask_resident_id(self.id_number) if self.id_number else ""

    @property
    def code(self) -> str:
        return self.uscc or self.masked_id


PARTY_MASKS = {"id_number": mask_resident_id, "id_index": lambda value: "***"}


@audited(masked=PARTY_MASKS)
class IntegrityRecord(PartyFields):
    kind = models.CharField(_("kind"), max_length=32, choices=RecordKind.choices)
    polarity = models.CharField(_("positive or negative"), max_length=8, choices=Polarity.choices)
    external_list = models.CharField(
        _("outside list"), max_length=32, choices=ExternalList.choices, blank=True, default=""
    )
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=200)
    evidence = models.TextField(_("evidence"), blank=True, default="")
    occurred_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, default="")
    listing = models.ForeignKey(
        "Listing",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("listing"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("integrity record")
        verbose_name_plural = _("integrity records")
        constraints = [
            models.CheckConstraint(condition=~Q(uscc="") | ~Q(id_index=""), name="integrity_record_has_party")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.title}"

    def in_force(self, day) -> bool:
        return (self.occurred_on <= day and (self.expires_on is None or day <= self.expires_on)
                and (self.withdrawn_on is None or day < self.withdrawn_on))


class ListingKind(models.TextChoices):
    DISHONEST = "dishonest", _("Dishonest (失信)")
    NOT_CLEAN = "not_clean", _("Not clean (不廉洁)")
    CORRUPTING_OFFICIALS = (
        "corrupting_officials",
        _("Hunting or corrupting public officials (围猎、拉拢腐蚀)"),
    )


class ListingStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REVOKED = "revoked", _("Revoked on objection")
    REMOVED = "removed", _("Removed early (credit repair)")


class ListingState(models.TextChoices):
    """A listing's state on a day (``Listing.state_on``): what the lists show and filter by."""

    IN_FORCE = "in_force", _("In force")
    PENDING = "pending", _("Not yet started")
    EXPIRED = "expired", _("Expired")
    REVOKED = ListingStatus.REVOKED.value, ListingStatus.REVOKED.label
    REMOVED = ListingStatus.REMOVED.value, ListingStatus.REMOVED.label


# The states the listings page filters by (``selectors.listings``): every state but "not yet started".
LISTING_FILTER_STATES = [
    (value, label) for value, label in ListingState.choices if value != ListingState.PENDING
]


class Publication(models.TextChoices):
    NOT_PUBLISHED = "not_published", _("Not published")
    AUTHORITIES = "authorities", _("Published to government departments")
    PUBLIC = "public", _("Published to the public")


@audited(masked=PARTY_MASKS)
class Listing(PartyFields):
    number = models.CharField(_("decision document number"), max_length=64, unique=True)
    kind = models.CharField(_("grounds type"), max_length=32, choices=ListingKind.choices)
    grounds = models.TextField(_("grounds"))
    evidence = models.TextField(_("evidence"), blank=True, default="")
    article = models.CharField(_("article"), max_length=16, default="21")
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decider_name = models.CharField(_("decider"), max_length=200, blank=True, default="")
    objection_until = models.DateField(_("objections until"))
    repair_from = models.DateField(_("credit repair possible from"))
    publication = models.CharField(
        _("publication"), max_length=16, choices=Publication.choices, default=Publication.AUTHORITIES
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.IN_FORCE
    )
    source = models.CharField(_("source"), max_length=32, default="decision")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(uscc="") | ~Q(id_index=""), name="integrity_listing_has_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def is_expired(self, day) -> bool:
        restrictions = list(self.restrictions.all())
        return (
            self.status == ListingStatus.IN_FORCE
            and bool(restrictions)
            and all(r.end < day for r in restrictions)
        )

    def state_on(self, day) -> str:
        """In force / not yet started / expired / revoked / removed, on ``day``."""
        if self.status != ListingStatus.IN_FORCE:
            return self.status
        restrictions = list(self.restrictions.all())
        if any(r.in_force(day) for r in restrictions):
            return ListingState.IN_FORCE
        if restrictions and all(r.end < day for r in restrictions):
            return ListingState.EXPIRED
        return ListingState.PENDING


@audited()
class Restriction(models.Model):
    listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, related_name="restrictions", verbose_name=_("listing")
    )
    activity = models.CharField(_("activity"), max_length=40, choices=Activity.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_reason = models.CharField(_("why lifted"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["listing", "activity"]
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "activity"], name="integrity_restriction_one_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="integrity_restriction_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["activity", "end"], name="integrity_restr_activity_end")]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} {self.start}–{self.end}"

    @property
    def category(self) -> int:
        return CATEGORY_OF[self.activity]

    def in_force(self, day) -> bool:
        return self.start <= day <= self.end and (self.lifted_on is None or day < self.lifted_on)


class NoticeChannel(models.TextChoices):
    LETTER = "letter", _("Written notice (served in person or by post)")
    SYSTEM = "system", _("Message in the enterprise's account")
    SMS = "sms", _("SMS to the party's mobile number")


class NoticeState(models.TextChoices):
    """Where a notice is, from what really happened (never "sent" for what was only written)."""

    TO_PRINT = "to_print", _("Letter waiting to be printed")
    PRINTED = "printed", _("Letter printed, delivery not recorded yet")
    IN_ACCOUNT = "in_account", _("Shown in the enterprise's account (reading not confirmed)")
    QUEUED = "queued", _("SMS queued")
    SENT = "sent", _("SMS accepted by the provider")
    FAILED = "failed", _("SMS failed")
    MANUAL = "manual", _("SMS not sent: no channel, to be passed on by hand")
    DELIVERED = "delivered", _("Delivery recorded")


@audited()
class ListingNotice(models.Model):
    """The notice to the listed party, as written, and how it goes out (article 21).

    ``sms``: an outbox row (``appeals.Notification``) sent by the project's SMS sender, whose
    status is the notice's; ``letter``: a printable letter on the district's paper, marked
    printed when the credit administrator prints it; ``system``: shown on the enterprise's own
    page. ``delivered_on`` is set only when the person who served it records it."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="notices")
    channel = models.CharField(_("channel"), max_length=16, choices=NoticeChannel.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("listing notice")
        verbose_name_plural = _("listing notices")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.listing_id}"

    @property
    def state(self) -> str:
        if self.delivered_on is not None:
            return NoticeState.DELIVERED
        if self.channel == NoticeChannel.SMS:
            status = self.notification.status if self.notification_id else "queued"
            return {"sending": NoticeState.QUEUED}.get(status, status)
        if self.channel == NoticeChannel.LETTER:
            return NoticeState.PRINTED if self.printed_at else NoticeState.TO_PRINT
        return NoticeState.IN_ACCOUNT

    @property
    def state_label(self) -> str:
        return NoticeState(self.state).label


class ApplicationKind(models.TextChoices):
    OBJECTION = "objection", _("Objection")
    REPAIR = "repair", _("Credit repair / early removal")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


@audited()
class Application(models.Model):
    listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, related_name="applications", verbose_name=_("listing")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ApplicationKind.choices)
    text = models.TextField(_("reasons"))
    evidence = models.TextField(_("evidence"), blank=True, default="")
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # the decision's document number, printed on its letter to the party (article 21)
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["listing", "kind"], condition=Q(status="pending"),
                                               name="integrity_one_pending_application")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listing.number}"


class EligibilityCheck(models.Model):
    """One eligibility answer as given (append-only; ``save`` of an existing row is refused)."""

    check_id = models.CharField(max_length=32)  # unique: see Meta
    checked_at = models.DateTimeField(db_index=True)
    caller = models.CharField(max_length=200)
    purpose = models.CharField(max_length=64, blank=True, default="")
    query_kind = models.CharField(max_length=16)  # uscc / id_number / name / enterprise / person
    query = models.CharField(max_length=300)  # USCC, a masked ID number, or the name asked
    query_index = models.CharField(max_length=64, blank=True, default="")  # USCC or the ID's blind index
    activity = models.CharField(max_length=40, blank=True, default="")
    eligible = models.BooleanField()
    answer = models.JSONField()
    digest = models.CharField(max_length=64)
    batch_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-checked_at"]
        # Declared here rather than with unique=/db_index= on the fields: on PostgreSQL those add a second,
        # ``varchar_pattern_ops`` index per column for LIKE queries, which nothing runs on the log, and every
        # check (thousands a second) paid for updating them (issue #12).
        constraints = [models.UniqueConstraint(fields=["check_id"], name="integrity_check_id_unique")]
        indexes = [
            models.Index(fields=["query_index"], name="integrity_check_query_idx"),
            # Only the batches' rows: a single check (most of the log, batch_id '') costs no entry here.
            models.Index(
                fields=["batch_id"], name="integrity_check_batch_idx", condition=~models.Q(batch_id="")
            ),
        ]

    def __str__(self) -> str:
        return self.check_id

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("eligibility checks are append-only")
        super().save(*args, **kwargs)


# --- the integrity evaluation (articles 20, 21) -------------------------------------------------------------
@audited()
class EvaluationRule(models.Model):
    """One line of the published rule set: what a record of a kind contributes while it counts.

    Administrators (and the credit administrator) edit the points; every change is audited and
    the next computation uses it. ``months`` limits how long after its date a record counts (0:
    until its own expiry)."""

    kind = models.CharField(_("record kind"), max_length=32, choices=RecordKind.choices, unique=True)
    points = models.IntegerField(_("points"))
    months = models.PositiveIntegerField(_("counts for months (0: until the record expires)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["kind"]
        verbose_name = _("evaluation rule")
        verbose_name_plural = _("evaluation rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.points:+d}"


# The rule set until an administrator changes it: base 100, honours and clean records add, breaches subtract.
DEFAULT_RULES = {
    RecordKind.HONOUR: (5, 36),
    RecordKind.CLEAN_RECORD: (10, 12),
    RecordKind.PLEDGE_KEPT: (5, 12),
    RecordKind.PLEDGE_BROKEN: (-20, 36),
    RecordKind.REQUIREMENT_BREACH: (-15, 36),
    RecordKind.EXTERNAL_LIST: (-20, 0),
    RecordKind.BRIBERY_CONVICTION: (-40, 60),
    RecordKind.LISTING: (-50, 0),
}
BASE_SCORE = 100
GRADES = ((110, "A"), (90, "B"), (70, "C"), (-10_000, "D"))


class Evaluation(models.Model):
    """One computation of an enterprise's evaluation (history: a row whenever the result changes).
    Derived from the records and the rule set, so not audited itself; the records and rules are."""

    enterprise = models.ForeignKey("directory.Enterprise", on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField()
    score = models.IntegerField()
    grade = models.CharField(max_length=1)
    contributions = models.JSONField()
    trigger = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-computed_at"], name="integrity_eval_latest")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.grade} {self.score}"


# --- article 20: the comprehensive evaluation of representatives of the non-public economy ------------------
class Purpose(models.TextChoices):
    HONOUR = "honour", _("Honour")
    POLITICAL_ARRANGEMENT = "political_arrangement", _("Political arrangement")
    FUNDS = "funds", _("Funds")
    PROJECT = "project", _("Project support")


# The activity of article 21 a purpose is checked against.
PURPOSE_ACTIVITY = {
    Purpose.HONOUR: Activity.HONOUR,
    Purpose.POLITICAL_ARRANGEMENT: Activity.POLITICAL_ARRANGEMENT,
    Purpose.FUNDS: Activity.FISCAL_SUBSIDY,
    Purpose.PROJECT: Activity.PUBLIC_RESOURCE_TRADING,
}


class ComprehensiveStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting opinions")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class CleanConclusion(models.TextChoices):
    NONE = "", _("—")
    NO_OBJECTION = "no_objection", _("No objection (clean record)")
    OBJECTION = "objection", _("Objection")


@audited()
class ComprehensiveEvaluation(models.Model):
    """Before an honour or political arrangement (article 20): the integrity record (taken when the
    evaluation starts), the federation's opinion and the discipline office's clean-record opinion
    (廉洁意见) are collected; then the federation concludes."""

    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    representative = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("representative"),
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    matter = models.CharField(_("matter"), max_length=300)
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    integrity_grade = models.CharField(_("integrity grade"), max_length=1)
    integrity_score = models.IntegerField(_("integrity score"))
    integrity_restricted = models.BooleanField(_("restricted for this purpose"))
    integrity_summary = models.TextField(_("integrity record"))
    # Article 20: whether the enterprise was on the priority list when the evaluation started.
    on_priority_list = models.BooleanField(_("on the priority list (article 20)"), default=False)
    federation_opinion = models.TextField(_("federation's opinion"), blank=True, default="")
    federation_on = models.DateField(null=True, blank=True)
    clean_conclusion = models.CharField(
        _("clean-record opinion"), max_length=16, choices=CleanConclusion.choices, blank=True, default=""
    )
    clean_opinion = models.TextField(
        _("discipline office's clean-record opinion (廉洁意见)"), blank=True, default=""
    )
    clean_on = models.DateField(null=True, blank=True)
    conclusion_reason = models.TextField(_("conclusion"), blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ComprehensiveStatus.choices,
        default=ComprehensiveStatus.COLLECTING,
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("comprehensive evaluation")
        verbose_name_plural = _("comprehensive evaluations")

    def __str__(self) -> str:
        return f"{self.matter} · {self.enterprise_id}"


# --- bribery-record queries (行贿犯罪档案查询, article 21) --------------------------------------------------
class BriberyQueryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ANSWERED = "answered", _("Answered")


class BriberyResult(models.TextChoices):
    NONE = "", _("—")
    NO_RECORD = "no_record", _("No bribery record")
    RECORD_FOUND = "record_found", _("Bribery record found")


@audited()
class BriberyQuery(models.Model):
    """An enterprise asks for its bribery-record result (e.g. for a bid); the office answers within
    three working days (``due_on``, core.calendar) with a numbered letter anyone can verify by code."""

    enterprise = models.ForeignKey(
        "directory.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=16, choices=BriberyQueryStatus.choices, default=BriberyQueryStatus.PENDING
    )
    result = models.CharField(
        _("result"), max_length=16, choices=BriberyResult.choices, blank=True, default=""
    )
    result_text = models.TextField(_("result details"), blank=True, default="")
    number = models.CharField(_("letter number"), max_length=64, blank=True, default="")
    verification_code = models.CharField(_("verification code"), max_length=16, blank=True, default="")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("bribery-record query")
        verbose_name_plural = _("bribery-record queries")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="integrity_bribery_number_unique"
            ),
            models.UniqueConstraint(
                fields=["verification_code"],
                condition=~Q(verification_code=""),
                name="integrity_bribery_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.enterprise_id} {self.requested_on}"
