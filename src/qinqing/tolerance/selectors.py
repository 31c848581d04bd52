"""Reads of the fault-tolerance app, scoped to the actor (404 alike for missing and another's)."""

from __future__ import annotations

from django.db.models import Count, F, Q

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import has_role

from .access import OFFICE, ORGANISATION
from .models import OPEN_STATUSES, Alert, CaseFactor, Determination, Notice, Status, ToleranceRequest


def is_office(user) -> bool:
    return has_role(user, *OFFICE) or getattr(user, "is_superuser", False)


def requests(user):
    rows = ToleranceRequest.objects.select_related("official__person", "unit").order_by(
        "-submitted_on", "-pk"
    )
    if is_office(user):
        return rows
    # their own requests, and those their unit submitted about them
    return rows.filter(Q(submitted_by=user) | Q(official__user=user))


def request_for(user, pk: int) -> ToleranceRequest:
    row = requests(user).select_related("organisation_department", "case").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def alerts(user):
    if not is_office(user):
        return Alert.objects.none()
    return Alert.objects.select_related("request").filter(
        Q(
            kind="overdue",
            request__status__in=OPEN_STATUSES,
            request__step_due=F("due"),
            status=F("request__status"),
        )
        | Q(kind="revisit", request__revisit_done_on__isnull=True)
    )


def case_factors(case) -> list[CaseFactor]:
    """The fault-tolerance factors recorded on a discipline case (for its page and tests)."""
    return list(CaseFactor.objects.filter(case=case).select_related("request"))


def clearings():
    return (
        ToleranceRequest.objects.filter(clearing_published_on__isnull=False)
        .select_related("official__person", "unit")
        .order_by("-clearing_published_on", "-pk")
    )


def clearing(pk: int) -> ToleranceRequest:
    row = clearings().filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def statistics(year: int | None = None) -> dict:
    today = clock.today()
    rows = ToleranceRequest.objects.all()
    if year:
        rows = rows.filter(submitted_on__year=year)
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_determination = dict(
        rows.exclude(determination="")
        .values_list("determination")
        .annotate(n=Count("pk"))
        .values_list("determination", "n")
    )
    open_rows = rows.filter(status__in=OPEN_STATUSES)
    return {
        "year": year,
        "total": rows.count(),
        "by_status": [(label, by_status.get(value, 0)) for value, label in Status.choices],
        "by_determination": [
            (label, by_determination.get(value, 0)) for value, label in Determination.choices
        ],
        "open": open_rows.count(),
        "overdue": open_rows.filter(step_due__lt=today).count(),
        "clearings": rows.filter(clearing_published_on__isnull=False).count(),
        "revisits_due": rows.filter(
            status=Status.FILED, revisit_done_on__isnull=True, revisit_due__lte=today
        ).count(),
        "revisits_done": rows.filter(revisit_done_on__isnull=False).count(),
        "case_factors": CaseFactor.objects.filter(request__in=rows).count(),
    }


def my_notices(user):
    """The alerts delivered to ``user`` (``services._deliver``), newest first."""
    return Notice.objects.filter(recipient_id=user.pk).select_related("request", "notification")


def filings(user):
    """The conclusions filed with the organisation department of ``user`` (its own unit only)."""
    from qinqing.directory.selectors import unit_for_user

    unit = unit_for_user(user) if has_role(user, *ORGANISATION) else None
    if unit is None:
        return ToleranceRequest.objects.none()
    return (
        ToleranceRequest.objects.filter(status=Status.FILED, organisation_department_id=unit.pk)
        .select_related("official__person", "unit", "receipt")
        .order_by("-filed_on", "-pk")
    )


def filing_for(user, pk: int) -> ToleranceRequest:
    row = filings(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row
