"""Reads of the supervision app, scoped to the actor.

The queue shows inspectors what a report is (number, channel, category, unit, dates) without
its sealed content, and never a report about the inspector themselves. The sealed content is
read only by an assigned inspector, through ``services.report_read`` (audited).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import Role, has_role

from .models import OPEN_STATUSES, VERIFIED_STATUSES, Assignment, EarlyReminder, Outcome, Report, Status


def _not_about(user):
    """Reports whose reported official is not ``user`` (the subject never sees them)."""
    return ~Q(subject_official__user_id=user.pk) | Q(subject_official=None)


def my_notices(user, *, days: int = 30):
    """The inspector's notices of what falls due (``services.due_notices``), of the last ``days``."""
    from .models import InspectorNotice

    since = clock.now() - datetime.timedelta(days=days)
    return (
        InspectorNotice.objects.filter(recipient_id=user.pk, created_at__gte=since)
        .select_related("report", "reminder__official__person", "notification")
        .order_by("due", "pk")
    )


def queue(user, *, status: str = "", priority_only: bool = False):
    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        return Report.objects.none()
    mine = Assignment.objects.filter(report=OuterRef("pk"), inspector_id=user.pk, active=True)
    assigned = Assignment.objects.filter(report=OuterRef("pk"), active=True)
    rows = (
        Report.objects.filter(_not_about(user))
        .select_related("unit")
        .annotate(mine=Exists(mine), assigned=Exists(assigned))
        .only(
            "pk",
            "number",
            "channel",
            "category",
            "real_name",
            "priority",
            "status",
            "received_on",
            "accept_due",
            "accepted_on",
            "verify_due",
            "concluded_on",
            "result_due",
            "result_sent_on",
            "unit__name",
            "unit_id",
            "subject_official_id",
        )
    )
    if status:
        rows = rows.filter(status=status)
    if priority_only:
        rows = rows.filter(priority=True)
    return rows


def report_for(user, pk: int) -> Report:
    """A report the user is assigned to (404 alike for missing, unassigned, or about the user)."""
    from .services import is_assigned

    report = (
        Report.objects.select_related(
            "unit", "subject_official__person", "subject_official__unit", "subject_enterprise"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None or not is_assigned(user, report):
        raise NotFound()
    return report


def report_meta_for(user, pk: int) -> Report:
    """The queue's view of one report (no sealed content), for assigning: 404 when it is about the user."""
    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        raise NotFound()
    report = Report.objects.filter(_not_about(user)).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def assignees(report: Report):
    return Assignment.objects.filter(report=report, active=True).select_related("inspector")


def inspectors():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=Role.DISCIPLINE_INSPECTOR, is_active=True)
        .order_by("username")
    )


def reminders(user):
    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        return EarlyReminder.objects.none()
    return EarlyReminder.objects.select_related("official__person", "official__unit")


def reminder_for(user, pk: int) -> EarlyReminder:
    row = reminders(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


# --- figures ------------------------------------------------------------------------------------------------


@dataclass
class Overdue:
    report: Report
    what: str
    due: datetime.date


def overdue(today: datetime.date | None = None) -> list[Overdue]:
    today = today or clock.today()
    rows = []
    for report in Report.objects.filter(
        accepted_on=None, status=Status.RECEIVED, accept_due__lt=today
    ).select_related("unit"):
        rows.append(Overdue(report, "accept", report.accept_due))
    for report in Report.objects.filter(
        priority=True, status__in=OPEN_STATUSES, verify_due__lt=today
    ).select_related("unit"):
        rows.append(Overdue(report, "verify", report.verify_due))
    for report in (
        Report.objects.filter(result_sent_on=None, result_due__lt=today)
        .exclude(status=Status.DECLINED)
        .select_related("unit")
    ):
        rows.append(Overdue(report, "result", report.result_due))
    return sorted(rows, key=lambda row: (row.due, row.report.pk))


def reminders_due(today: datetime.date | None = None):
    """Article 16: reminder talks whose follow-up is due (today or earlier) and not yet recorded."""
    from .models import ReminderStatus

    today = today or clock.today()
    return EarlyReminder.objects.filter(status=ReminderStatus.OPEN, follow_up_due__lte=today).select_related(
        "official__person", "official__unit").order_by("follow_up_due", "pk")


def figures(today: datetime.date | None = None) -> dict:
    """Counts by channel, category, unit, month, form; the verification rate of priority reports (article 17: 100%)."""  # noqa: E501
    today = today or clock.today()
    reports = list(
        Report.objects.select_related("unit").only(
            "channel",
            "category",
            "unit__name",
            "received_on",
            "priority",
            "status",
            "verify_due",
            "real_name",
            "accepted_on",
            "accept_due",
            "result_due",
            "result_sent_on",
        )
    )
    priority = [r for r in reports if r.priority]
    verified = [r for r in priority if r.status in VERIFIED_STATUSES]
    accepted_on_time = [r for r in reports if r.accepted_on and r.accepted_on <= r.accept_due]
    answered = [r for r in reports if r.accepted_on or r.status == Status.DECLINED]
    results_due = [
        r for r in reports if r.result_due and (r.result_sent_on or r.result_due < today)
    ]
    results_on_time = [r for r in results_due if r.result_sent_on and r.result_sent_on <= r.result_due]
    from .models import Message

    outbound = Counter(
        Message.objects.exclude(notification=None).values_list("notification__status", flat=True)
    )
    forms = Counter(Outcome.objects.values_list("form", flat=True))
    behaviours = Counter(tag for tags in Outcome.objects.values_list("behaviours", flat=True) for tag in tags)
    return {
        "total": len(reports),
        "real_name": sum(1 for r in reports if r.real_name),
        "priority_total": len(priority),
        "priority_verified": len(verified),
        "verification_rate": (len(verified) / len(priority)) if priority else None,
        "priority_overdue": [
            r for r in priority if r.status in OPEN_STATUSES and r.verify_due and r.verify_due < today
        ],
        "acceptance_on_time": (len(accepted_on_time) / len(answered)) if answered else None,
        "result_on_time": (len(results_on_time) / len(results_due)) if results_due else None,
        "outbound": outbound,
        "by_channel": Counter(r.channel for r in reports),
        "by_category": Counter(r.category for r in reports),
        "by_unit": Counter(r.unit.name if r.unit_id else "" for r in reports),
        "by_month": Counter(r.received_on.strftime("%Y-%m") for r in reports),
        "by_month_priority": Counter(r.received_on.strftime("%Y-%m") for r in priority),
        "by_month_verified": Counter(r.received_on.strftime("%Y-%m") for r in verified),
        "by_status": Counter(r.status for r in reports),
        "by_form": forms,
        "by_behaviour": behaviours,
    }


def export_rows():
    """One row per report for the .xlsx export: no reporter identity, contact, text or conclusion."""
    forms = {}
    for report_id, form in Outcome.objects.values_list("report_id", "form"):
        forms.setdefault(report_id, set()).add(form)
    for r in Report.objects.select_related("unit").order_by("received_on", "pk"):
        yield [
            r.number,
            r.get_channel_display(),
            r.get_category_display(),
            "是" if r.real_name else "否",
            "是" if r.priority else "否",
            r.unit.name if r.unit_id else "",
            r.get_status_display(),
            r.get_disposal_display() if r.disposal else "",
            r.received_on,
            r.accept_due,
            r.accepted_on,
            r.verify_due,
            r.concluded_on,
            r.get_finding_display() if r.finding else "",
            r.result_due,
            r.result_sent_on,
            "、".join(sorted(forms.get(r.pk, set()))),
        ]


# --- inspections and exposure (article 18.5) ----------------------------------------------------------------


@dataclass
class UnitSignals:
    unit_id: int
    name: str
    overdue_appeals: int = 0
    unsatisfied: int = 0
    reports: int = 0
    leads: int = 0

    @property
    def score(self) -> int:
        # weights: a report and an unsatisfied rating weigh more than lateness; conduct's leads most
        return self.overdue_appeals + 2 * self.unsatisfied + 3 * self.reports + 3 * self.leads


def unit_signals(today: datetime.date | None = None, limit: int = 20) -> list[UnitSignals]:
    """Units ranked by complaint signals: overdue and unsatisfied appeals, reports, conduct's leads."""
    from django.apps import apps
    from django.db.models import Count

    from qinqing.directory.models import Unit

    today = today or clock.today()
    rows: dict[int, UnitSignals] = {}

    def add(unit_id, field, count):
        if unit_id is None:
            return
        rows.setdefault(unit_id, UnitSignals(unit_id, ""))
        setattr(rows[unit_id], field, getattr(rows[unit_id], field) + count)

    if apps.is_installed("qinqing.appeals"):
        from qinqing.appeals.models import OPEN_STATUSES as APPEAL_OPEN
        from qinqing.appeals.models import Appeal, Rating

        for row in (
            Appeal.objects.filter(status__in=APPEAL_OPEN, due_at__lt=today)
            .values("handling_unit")
            .annotate(n=Count("pk"))
        ):
            add(row["handling_unit"], "overdue_appeals", row["n"])
        for row in (
            Rating.objects.filter(satisfaction="unsatisfied")
            .values("appeal__handling_unit")
            .annotate(n=Count("pk"))
        ):
            add(row["appeal__handling_unit"], "unsatisfied", row["n"])
    for row in Report.objects.values("unit").annotate(n=Count("pk")):
        add(row["unit"], "reports", row["n"])
    if apps.is_installed("qinqing.conduct"):
        from qinqing.conduct.models import Lead

        for row in Lead.objects.values("official__unit").annotate(n=Count("pk")):
            add(row["official__unit"], "leads", row["n"])
    names = dict(Unit.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    for unit_id, row in rows.items():
        row.name = names.get(unit_id, "")
    return sorted(rows.values(), key=lambda r: (-r.score, r.name))[:limit]


def inspections(user):
    from .models import Inspection

    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        return Inspection.objects.none()
    return Inspection.objects.select_related("unit")


def inspection_for(user, pk: int):
    row = inspections(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def cases_for_office(user):
    from .models import TypicalCase

    if not has_role(user, Role.DISCIPLINE_INSPECTOR):
        return TypicalCase.objects.none()
    return TypicalCase.objects.select_related("drafted_by", "approved_by")


def case_for(user, pk: int):
    row = cases_for_office(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def published_cases():
    from .models import CaseStatus, TypicalCase

    return TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).only(
        "title", "body", "behaviours", "published_on"
    )
