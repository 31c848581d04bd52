"""Integrity reads, scoped to the actor: readers see every listing and record, an enterprise user only their own."""  # noqa: E501

from __future__ import annotations

from django.db.models import Prefetch, Q

from qinqing.core import access, clock
from qinqing.core.errors import NotFound
from qinqing.directory.models import Enterprise, EnterpriseMembership

from .models import (
    Application,
    EligibilityCheck,
    IntegrityRecord,
    Listing,
    ListingState,
    ListingStatus,
    Restriction,
)
from .services.eligibility import check_digest


def listings(*, state: str = "", query: str = ""):
    rows = Listing.objects.prefetch_related(
        Prefetch("restrictions", queryset=Restriction.objects.order_by("activity"))
    )
    today = clock.today()
    if state == ListingState.IN_FORCE:
        rows = (
            rows.filter(
                status=ListingStatus.IN_FORCE, restrictions__start__lte=today, restrictions__end__gte=today
            )
            .filter(Q(restrictions__lifted_on__isnull=True) | Q(restrictions__lifted_on__gt=today))
            .distinct()
        )
    elif state == ListingState.EXPIRED:
        rows = rows.filter(status=ListingStatus.IN_FORCE).exclude(restrictions__end__gte=today)
    elif state in (ListingState.REVOKED, ListingState.REMOVED):
        rows = rows.filter(status=state)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(uscc=query.upper()) | Q(number__icontains=query))
    return rows.order_by("-decided_on", "-pk")


def listing(user, pk: int) -> Listing:
    row = Listing.objects.filter(pk=pk).select_related("enterprise", "decided_by").first()
    if row is None or not (
        access.sees_all(user, "integrity:listing_detail") or _member(user, row.enterprise_id)
    ):
        raise NotFound()
    return row


def decided_application(user, pk: int) -> Application:
    """A decided objection or credit-repair application, for its letter: the credit administrator's, or the
    listed enterprise's own (404 alike for another party's, a missing one and one not yet decided)."""
    row = (
        Application.objects.filter(pk=pk, decided_on__isnull=False)
        .select_related("listing__enterprise")
        .first()
    )
    if row is None or not (
        access.sees_all(user, "integrity:application_letter") or _member(user, row.listing.enterprise_id)
    ):
        raise NotFound()
    return row


def pending_applications():
    return Application.objects.filter(status="pending").select_related("listing").order_by("filed_on", "pk")


def notices_waiting():
    """Notices of listings in force (not every restriction ended) whose delivery is not recorded:
    letters to print or serve, SMS that failed or could not be sent (the credit administrator's
    work), oldest first."""
    from .models import ListingNotice, NoticeChannel

    return (
        ListingNotice.objects.filter(delivered_on__isnull=True, listing__status=ListingStatus.IN_FORCE)
        .filter(pk__in=ListingNotice.objects.filter(listing__restrictions__end__gte=clock.today()).values("pk"))
        .filter(
            Q(channel=NoticeChannel.LETTER)
            | Q(channel=NoticeChannel.SMS, notification__status__in=("failed", "manual"))
        )
        .select_related("listing", "notification")
        .order_by("created_at", "pk")
    )


def records(*, query: str = ""):
    rows = IntegrityRecord.objects.select_related("listing")
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(uscc=query.upper()))
    return rows


def enterprise(pk: int) -> Enterprise:
    row = Enterprise.objects.filter(pk=pk).select_related("legal_representative").first()
    if row is None:
        raise NotFound()
    return row


def _member(user, enterprise_id) -> bool:
    return (enterprise_id is not None and getattr(user, "is_authenticated", False)
            and EnterpriseMembership.objects.filter(user_id=user.pk, enterprise_id=enterprise_id).exists())


def my_enterprises(user) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(memberships__user_id=user.pk)
        .select_related("legal_representative")
        .order_by("name")
    )


def party_listings(enterprise: Enterprise):
    """The enterprise's own listings and its head's."""
    party = Q(uscc=enterprise.uscc)
    head = enterprise.legal_representative
    if head is not None and head.resident_id_index:
        party |= Q(id_index=head.resident_id_index)
    return (
        Listing.objects.filter(party)
        .prefetch_related("restrictions", "applications", "notices")
        .order_by("-decided_on", "-pk")
    )


def party_records(enterprise: Enterprise):
    party = Q(uscc=enterprise.uscc)
    head = enterprise.legal_representative
    if head is not None and head.resident_id_index:
        party |= Q(id_index=head.resident_id_index)
    return IntegrityRecord.objects.filter(party).order_by("-occurred_on", "-pk")


def check(check_id: str) -> tuple[EligibilityCheck, bool]:
    """A logged check and whether its digest still matches (the row was not altered)."""
    row = EligibilityCheck.objects.filter(check_id=(check_id or "").strip().lower()).first()
    if row is None:
        raise NotFound()
    return row, check_digest(row) == row.digest


def bribery_queries(user):
    from .models import BriberyQuery

    rows = BriberyQuery.objects.select_related("enterprise").order_by("status", "due_on", "-pk")
    if access.sees_all(user, "integrity:bribery"):
        return rows
    return rows.filter(enterprise__memberships__user_id=user.pk)


def bribery_query(user, pk: int):
    row = bribery_queries(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def bribery_by_code(code: str):
    from .models import BriberyQuery

    code = (code or "").strip().upper()
    row = (
        BriberyQuery.objects.filter(verification_code=code)
        .exclude(verification_code="")
        .select_related("enterprise")
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def public_listings():
    """Listings published to the public with a restriction in force today (article 21: publication per entry)."""  # noqa: E501
    today = clock.today()
    return (
        listings(state=ListingState.IN_FORCE)
        .filter(publication="public")
        .filter(restrictions__end__gte=today)
        .distinct()
    )
