"""The yearly main-responsibility lists (article 16), their tasks and the notices about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.notices import PersonNotice


class DutyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed with the discipline office")
    REPORTED = "reported", _("Year-end report filed")
    REVIEWED = "reviewed", _("Reviewed by the discipline office")


class Rating(models.TextChoices):
    """The discipline office's opinion on how the unit carried its main responsibility."""

    FULFILLED = "fulfilled", _("Fulfilled (到位)")
    LARGELY = "largely", _("Largely fulfilled (基本到位)")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled (不到位)")


class TaskState(models.TextChoices):
    PLANNED = "planned", _("In hand")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


@audited()
class DutyList(models.Model):
    """One organ's main-responsibility list for a year (主体责任清单), its year-end report and the discipline
    office's review of it. One per unit and year."""

    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    first_responsible = models.ForeignKey(
        "directory.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first responsible person"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DutyStatus.choices, default=DutyStatus.DRAFT
    )
    filed_at = models.DateTimeField(_("list filed at"), null=True, blank=True)
    report = models.TextField(_("year-end report"), blank=True, default="")
    reported_at = models.DateTimeField(_("report filed at"), null=True, blank=True)
    rating = models.CharField(_("opinion"), max_length=16, choices=Rating.choices, blank=True, default="")
    opinion = models.TextField(_("the discipline office's opinion"), blank=True, default="")
    returned_reason = models.TextField(_("returned because"), blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-year", "unit", "pk"]
        verbose_name = _("main-responsibility list")
        verbose_name_plural = _("main-responsibility lists")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="supervision_duty_once_a_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


@audited()
class DutyTask(models.Model):
    """One task of a list: what the unit does, how, who answers for it and by when; its performance."""

    duty_list = models.ForeignKey(DutyList, on_delete=models.PROTECT, related_name="tasks")
    task = models.TextField(_("task"))
    measures = models.TextField(_("measures"), blank=True, default="")
    owner = models.ForeignKey(
        "directory.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices, default=TaskState.PLANNED)
    performance = models.TextField(_("performance"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("main-responsibility task")

    def __str__(self) -> str:
        return f"{self.duty_list_id}: {self.due_on}"


class DutyNoticeKind(models.TextChoices):
    LIST_DUE = "list_due", _("The year's main-responsibility list is to be filed (article 16)")
    REPORT_DUE = "report_due", _("The year-end report on the main responsibility is to be filed (article 16)")
    TASK_OVERDUE = "task_overdue", _("A main-responsibility task is past its date (article 16)")
    RETURNED = "returned", _("The discipline office returned the year-end report (article 16)")
    REVIEW_DUE = "review_due", _("A year-end report awaits the discipline office's opinion (article 16)")


@audited()
class DutyNotice(PersonNotice):
    """A notice to a unit's staff (``recipient``) about its main-responsibility list, or to the discipline
    inspectors about a year-end report awaiting their opinion: written once per person and item
    (``core.notices.deliver_once``) by the daily ``supervision.duties`` job, the filing or the return of a
    report; shown on the list's page and, for a person with a mobile number, also an SMS on the appeals
    outbox (``notification``: its state is the SMS's own)."""

    kind = models.CharField(_("kind"), max_length=16, choices=DutyNoticeKind.choices)
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    duty_list = models.ForeignKey(DutyList, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(DutyTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(PersonNotice.Meta):
        verbose_name = _("main-responsibility notice")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="supervision_duty_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"
