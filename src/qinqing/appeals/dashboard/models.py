"""Derived figures for the supervision dashboard (article 8): one row per handling unit and month.

A full-table aggregate over a million appeals takes seconds on SQLite (measured: 4–6 s even
with a covering index), far from the dashboard's 200 ms. So the counts are kept here,
recomputed from the appeals by ``dashboard.refresh_figures`` (the worker runs it every
round: the months touched since the last round; everything once a day, when "overdue"
moves with the date). These rows are a recomputable cache of ``Appeal``/``Rating`` — never
a source of truth — so they are not audited.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealFigure(models.Model):
    """Counts for the appeals RECEIVED in ``month`` whose handling unit is ``unit`` (none: not yet dispatched)."""  # noqa: E501

    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("handling unit"),
    )
    month = models.DateField(_("month"))  # the first day of the month
    received = models.PositiveIntegerField(default=0)  # merged duplicates excluded
    merged = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "unit"]
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="appeals_figure_month_unit")]
        verbose_name = _("appeal figure")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class AppealFigureState(models.Model):
    """The single bookkeeping row of the refresh: how far it has read and when."""

    computed_on = models.DateField(
        null=True, blank=True
    )  # "today" of the last refresh (overdue is relative to it)
    computed_at = models.DateTimeField(null=True, blank=True)
    last_appeal_id = models.BigIntegerField(default=0)
    last_step_id = models.BigIntegerField(default=0)
    hot_topics = models.JSONField(default=list, blank=True)
    hot_topics_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
