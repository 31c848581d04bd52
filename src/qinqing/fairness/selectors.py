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
