"""The district policy as data: documents (versions), chapters, articles and items.

Every rule elsewhere cites an article or item by its key ("15", "15.7"). A new text
becomes a new version; older versions stay, so a citation made under version 1 can
still be read as it was.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice

# The series of this district's own measures (the policy every rule cites); other documents of the library
# (national, provincial, municipal policies, other district documents) each have a series of their own.
DISTRICT_SERIES = "district"


class Level(models.TextChoices):
    """Article 4: the national, provincial, municipal and district policies for the private economy."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


@audited()
class PolicyDocument(models.Model):
    title = models.CharField(_("title"), max_length=300)
    # one policy across its versions: the district's measures are DISTRICT_SERIES
    series = models.CharField(_("series"), max_length=120, default=DISTRICT_SERIES, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.DISTRICT)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True, default="")
    document_number = models.CharField(_("document number"), max_length=100, blank=True, default="")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    source_name = models.CharField(_("source file"), max_length=300)
    preamble = models.TextField(_("preamble"), blank=True)
    raw_text = models.TextField(_("original text"))
    imported_at = models.DateTimeField(_("imported at"))
    is_current = models.BooleanField(_("current version"), default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["series"], condition=models.Q(is_current=True), name="policy_one_current_per_series"
            ),
            models.UniqueConstraint(fields=["series", "version"], name="policy_version_per_series"),
        ]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def in_force(self) -> bool:
        from qinqing.core import clock

        today = clock.today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until
        )


@audited()
class Chapter(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="policy_chapter_number_unique")
        ]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


@audited()
class Article(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="articles")
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="articles")
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.CharField(_("key"), max_length=20)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="policy_article_key_unique")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return f"Art. {self.key}"


@audited()
class Item(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    list_number = models.PositiveSmallIntegerField(_("list"), default=1)
    key = models.CharField(_("key"), max_length=20)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["article", "list_number", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="policy_item_key_unique")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"Art. {self.key}"


# --- Policy-interpretation library (政策解读库; articles 4 and 19: publicising and interpreting the
# policy; article 8: "宣传和解读扶持企业的政策，解答企业疑问"). Moved here from appeals: same table,
# its earlier audit events are recorded as appeals.PolicyInterpretation (see former_labels).


def words_shown(words: str) -> str:
    """Words kept separated by spaces (matched one by one), as a Chinese list is written: separated by 、."""
    return "、".join(words.split())


@audited(former_labels=("appeals.PolicyInterpretation",), shown={"keywords": words_shown})
class PolicyInterpretation(models.Model):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    # Citation keys of the policy articles or items it explains ("8", "14.2", "15.b1"), space-separated:
    # a plain string keeps the audit snapshot readable and survives a new policy version.
    article_keys = models.CharField(_("policy articles"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, default="")  # space-separated
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")
        db_table = "appeals_policyinterpretation"  # the table it has had since it lived in appeals

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def article_key_list(self) -> list[str]:
        return self.article_keys.split()


# --- Supporting measures (配套措施, article 4): what the district does to carry a policy out, tracked to
# completion by the unit responsible.


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")


@audited()
class SupportingMeasure(models.Model):
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="measures", verbose_name=_("policy")
    )
    article_keys = models.CharField(_("articles it carries out"), max_length=200, blank=True, default="")
    title = models.CharField(_("measure"), max_length=200)
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("supporting measure")
        verbose_name_plural = _("supporting measures")

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        from qinqing.core import clock

        return self.status != MeasureStatus.DONE and self.due_on < clock.today()


# --- Publicity and integrity education (article 19).


class ActivityKind(models.TextChoices):
    PUBLICITY = "publicity", _("Policy publicity")
    EDUCATION = "education", _("Integrity education")
    ENTERPRISE_CULTURE = "enterprise_culture", _("Enterprise's own integrity-culture work")


class ActivityFields(models.Model):
    """What an activity held and an activity planned both say (article 19): its kind, title and audience,
    the unit organising it or the enterprise whose integrity-culture work it is."""

    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organising unit"),
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )

    class Meta:
        abstract = True


@audited()
class EducationActivity(ActivityFields):
    held_on = models.DateField(_("date"))
    content = models.TextField(_("content"))
    attendance = models.PositiveIntegerField(_("attendance"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("publicity or education activity")
        verbose_name_plural = _("publicity and education activities")

    def __str__(self) -> str:
        return self.title


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", pgettext_lazy("activity", "Held")  # 已举办, not a meeting's 已召开
    CANCELLED = "cancelled", _("Cancelled")


@audited()
class PlannedActivity(ActivityFields):
    """An activity planned ahead (article 19): its organiser is reminded before the date, and after it
    until the activity is recorded as held (``activity``, the record the yearly figures count) or
    cancelled with the reason."""

    planned_on = models.DateField(_("planned for"))
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    activity = models.OneToOneField(
        EducationActivity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("recorded as"),
    )
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")

    def __str__(self) -> str:
        return self.title

    @property
    def unrecorded(self) -> bool:
        """Its date has passed and it is neither recorded as held nor cancelled."""
        from qinqing.core import clock

        return self.status == PlanStatus.PLANNED and self.planned_on < clock.today()


# --- Reminders (articles 4 and 19): documents whose validity ends soon, supporting measures overdue,
# planned activities coming up or not recorded.
class ReminderKind(models.TextChoices):
    EXPIRY = "expiry", _("A policy document's validity ends soon")
    MEASURE_OVERDUE = "measure_overdue", _("A supporting measure is overdue")
    PLAN_SOON = "plan_soon", _("A planned activity is coming up")
    PLAN_UNRECORDED = (
        "plan_unrecorded",
        _("A planned activity's date has passed: record it as held or cancel it"),
    )


@audited()
class PolicyReminder(PersonNotice):
    """A reminder for the person responsible (``recipient``), written by the daily ``policy.reminders`` job
    on working days, once per person, item and date (``core.notices.deliver_once``); shown on the
    supporting-measures page (article 4) or the education page (article 19) and, when the person's
    directory record has a mobile number, also queued as an SMS on the appeals outbox (``notification``:
    its status is the SMS's honest delivery state)."""

    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    document = models.ForeignKey(
        PolicyDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.ForeignKey(
        SupportingMeasure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        PlannedActivity, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"))
    key = models.CharField(max_length=120)
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        verbose_name = _("policy reminder")
        verbose_name_plural = _("policy reminders")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="policy_reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"
