"""Reads of the commitments app, scoped to the actor (404 alike for missing and another party's).

Staff read their unit's commitments (and the units below it); the discipline office, district leaders and
administrators every unit's; an enterprise user the commitments made to their enterprise, whatever the
publication scope. The public pages read only published items: ``public`` for anyone, ``enterprises``
too for a signed-in user; ``internal`` items are never on them (not by id either).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import Role, has_role

from .access import WATCHERS
from .models import OPEN, Commitment, Scope, Status


def sees_all(user) -> bool:
    return has_role(user, *WATCHERS) or getattr(user, "is_superuser", False)


def unit_ids(user) -> set[int]:
    from qinqing.directory import selectors as directory

    official = directory.official_for_user(user)
    return directory.descendant_unit_ids(official.unit_id) if official else set()


def enterprise_ids(user) -> set[int]:
    from qinqing.directory import selectors as directory

    return set(directory.enterprises_for_user(user).values_list("pk", flat=True))


def commitments(user) -> QuerySet[Commitment]:
    rows = Commitment.objects.select_related("enterprise", "unit")
    if sees_all(user):
        return rows
    if has_role(user, Role.ENTERPRISE_USER):
        return rows.filter(enterprise_id__in=enterprise_ids(user))
    return rows.filter(unit_id__in=unit_ids(user))


def commitment_for(user, pk: int) -> Commitment:
    row = commitments(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def decision_for(user, pk: int):
    """A decision on a commitment the user may read (its letter): 404 alike for missing and another's."""
    from .models import CommitmentDecision

    row = (
        CommitmentDecision.objects.select_related("commitment__enterprise", "commitment__unit")
        .filter(pk=pk, commitment__in=commitments(user))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def overdue(user) -> QuerySet[Commitment]:
    """Open commitments past their deadline, and breached ones (shown to the discipline office)."""
    today = clock.today()
    return (
        commitments(user)
        .filter(Q(status__in=OPEN, deadline__lt=today) | Q(status=Status.BREACHED))
        .order_by("deadline", "pk")
    )


def readable_scopes(user) -> list[str]:
    if user is None or not user.is_authenticated:
        return [Scope.PUBLIC]
    return [Scope.PUBLIC, Scope.ENTERPRISES]


def published(user) -> QuerySet[Commitment]:
    return (
        Commitment.objects.select_related("enterprise", "unit")
        .filter(scope__in=readable_scopes(user))
        .order_by("-made_on", "-pk")
    )


def published_one(user, pk: int) -> Commitment:
    row = published(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


# --- support funds: the public portal ----------------------------------------------------------------------
def public_programmes():
    """Every programme is public from its creation (rules, budget, dates); results once published."""
    from .models import FundProgramme

    return FundProgramme.objects.select_related("unit").order_by("-opens_on", "-pk")


def public_results():
    """Approved applications of programmes whose results are published (nothing before publication)."""
    from .models import ApplicationStatus, FundApplication, ProgrammeStatus

    return (
        FundApplication.objects.select_related("programme", "enterprise")
        .filter(programme__status=ProgrammeStatus.PUBLISHED, status=ApplicationStatus.APPROVED)
        .order_by("-programme__published_on", "programme_id", "enterprise__name")
    )


def open_programmes():
    from .models import FundProgramme, ProgrammeStatus

    today = clock.today()
    return FundProgramme.objects.filter(
        status=ProgrammeStatus.OPEN, opens_on__lte=today, closes_on__gte=today
    )


def applications_of(user):
    """The fund applications of the user's enterprises (an enterprise user's own)."""
    from .models import FundApplication

    return (
        FundApplication.objects.select_related("programme", "enterprise")
        .prefetch_related("objections", "attachments")
        .filter(enterprise_id__in=enterprise_ids(user))
        .order_by("-created_at", "-pk")
    )


def application_of(user, pk) -> object:
    row = applications_of(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def programme_open(pk):
    row = open_programmes().filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def staff_programmes(user):
    """Programmes of the user's units (the discipline office, district leaders, administrators: every one)."""
    from .models import FundProgramme

    rows = FundProgramme.objects.select_related("unit").order_by("-opens_on", "-pk")
    return rows if sees_all(user) else rows.filter(unit_id__in=unit_ids(user))


def staff_application(user, pk):
    from .models import FundApplication

    row = (
        FundApplication.objects.select_related("programme__unit", "enterprise")
        .filter(programme__in=staff_programmes(user), pk=pk)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def my_notices(user, *, days: int = 30):
    """The user's deadline notices of the last ``days`` (``services.deadline_alerts``), newest first."""
    import datetime

    from .models import DeadlineNotice

    since = clock.now() - datetime.timedelta(days=days)
    return (
        DeadlineNotice.objects.filter(recipient_id=getattr(user, "pk", None), created_at__gte=since)
        .select_related("alert__commitment", "notification")
        .order_by("-created_at", "-pk")
    )


def attachment_for(user, pk) -> object:
    """A commitment's document or an application's attachment the user may try to read (404 otherwise;
    the conflict gate is the reading service's)."""
    from . import documents
    from .models import Attachment

    row = Attachment.objects.select_related("commitment", "application").filter(pk=pk).first()
    if row is None or not documents.may_read(user, row):
        raise NotFound()
    return row
