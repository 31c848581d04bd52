"""Reads, scoped to the reviewer: their unit's reviews (and their own); administrators all."""

from qinqing.core.errors import NotFound
from qinqing.core.roles import has_role

from .access import SEES_ALL
from .models import Finding, Review


def reviews_for(user):
    from .services import reviewer_unit

    rows = Review.objects.select_related("created_by", "signed_by", "unit")
    if has_role(user, *SEES_ALL) or getattr(user, "is_superuser", False):
        return rows
    unit = reviewer_unit(user)
    if unit is None:
        return rows.filter(created_by=user)
    return rows.filter(unit=unit) | rows.filter(created_by=user)


def review(user, pk: int) -> Review:
    found = reviews_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def finding(user, pk: int) -> Finding:
    found = Finding.objects.select_related("review", "rule").filter(pk=pk).first()
    if found is None or not reviews_for(user).filter(pk=found.review_id).exists():
        raise NotFound()
    return found


def ledger(user, filters: dict):
    """The review ledger (审查台账): the reviews this user sees, filtered (``LedgerFilterForm``'s cleaned
    data), newest first, each with its findings counted by decision — one query."""
    from django.db.models import Count, Q

    from .models import Decision

    rows = reviews_for(user)
    if filters.get("q"):
        rows = rows.filter(Q(number__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    for name in ("document_kind", "status", "conclusion"):
        if filters.get(name):
            rows = rows.filter(**{name: filters[name]})
    if filters.get("since"):  # days in the district's time zone, as the page shows them
        rows = rows.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        rows = rows.filter(created_at__date__lte=filters["until"])
    return rows.annotate(
        confirmed_count=Count("findings", filter=Q(findings__decision=Decision.CONFIRMED)),
        dismissed_count=Count("findings", filter=Q(findings__decision=Decision.DISMISSED)),
        pending_count=Count("findings", filter=Q(findings__decision=Decision.PENDING)),
    ).order_by("-created_at", "-id")


def confirmed_kinds(reviews) -> dict[int, list[str]]:
    """Each review's kinds of confirmed finding (rule's or reviewer's), in the kinds' order."""
    from .models import Decision, Kind

    found: dict[int, set[str]] = {}
    rows = Finding.objects.filter(review__in=reviews.values("pk"), decision=Decision.CONFIRMED)
    for review_id, kind, rule_kind in rows.values_list("review_id", "kind", "rule__kind").iterator():
        found.setdefault(review_id, set()).add(kind or rule_kind)
    order = {value: index for index, value in enumerate(Kind.values)}
    labels = dict(Kind.choices)
    return {pk: [str(labels[k]) for k in sorted(kinds, key=order.get)] for pk, kinds in found.items()}
