"""Reads of the policy library. The policy is public: no scoping by actor."""

from __future__ import annotations

import logging
import re

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from qinqing.core.errors import NotFound

from .models import (
    DISTRICT_SERIES,
    ActivityKind,
    Article,
    Chapter,
    EducationActivity,
    Item,
    Level,
    PlannedActivity,
    PlanStatus,
    PolicyDocument,
    PolicyInterpretation,
    SupportingMeasure,
)


def current_policy() -> PolicyDocument | None:
    """The current version of the district's measures (the policy every rule cites), or None when no
    policy was imported yet."""
    return PolicyDocument.objects.filter(is_current=True, series=DISTRICT_SERIES).first()


def _document(document: PolicyDocument | None) -> PolicyDocument:
    document = document or current_policy()
    if document is None:
        raise NotFound(_("No policy has been imported yet."), code="policy_not_loaded")
    return document


def chapters_with_articles(document: PolicyDocument | None = None) -> QuerySet[Chapter]:
    """All chapters of the document with their articles and items, in three queries."""
    articles = Article.objects.order_by("number").prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("list_number", "number"))
    )
    return (
        Chapter.objects.filter(document=_document(document))
        .order_by("number")
        .prefetch_related(Prefetch("articles", queryset=articles))
    )


def articles(document: PolicyDocument | None = None) -> QuerySet[Article]:
    return (
        Article.objects.filter(document=_document(document))
        .select_related("chapter")
        .prefetch_related(Prefetch("items", queryset=Item.objects.order_by("list_number", "number")))
        .order_by("number")
    )


def article(key: str, document: PolicyDocument | None = None) -> Article:
    """Article ``key`` ("15") of the current (or given) version; NotFound when it does not exist."""
    key = str(key).strip()
    found = articles(document).filter(key=key).first()
    if found is None:
        raise NotFound(
            _("Article %(key)s does not exist in the current policy."),
            code="policy_article_not_found",
            field="key",
            params={"key": key},
        )
    return found


def item(key: str, document: PolicyDocument | None = None) -> Item:
    """Item ``key`` ("15.7", "15.b2") of the current (or given) version."""
    key = str(key).strip()
    found = (
        Item.objects.filter(article__document=_document(document), key=key)
        .select_related("article", "article__chapter")
        .first()
    )
    if found is None:
        raise NotFound(
            _("Item %(key)s does not exist in the current policy."),
            code="policy_item_not_found",
            field="key",
            params={"key": key},
        )
    return found


def versions() -> QuerySet[PolicyDocument]:
    """The versions of the district's measures."""
    return versions_of(DISTRICT_SERIES)


def versions_all() -> QuerySet[PolicyDocument]:
    """Every version of every library document, by series."""
    return PolicyDocument.objects.order_by("series", "version").defer("raw_text")


def versions_of(series: str = DISTRICT_SERIES) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.filter(series=series).order_by("version").defer("raw_text")


# --- the library (article 4) ------------------------------------------------------------------------------
_LEVEL_ORDER = Case(
    *[When(level=level, then=Value(index)) for index, level in enumerate(Level.values)],
    output_field=IntegerField(),
)


def library() -> QuerySet[PolicyDocument]:
    """Every current document, national first, the newest first within a level."""
    return (
        PolicyDocument.objects.filter(is_current=True)
        .defer("raw_text", "preamble")
        .annotate(level_order=_LEVEL_ORDER)
        .order_by("level_order", "-issued_on", "title", "pk")
    )


def library_document(pk: int) -> PolicyDocument:
    """Any version of any document (versions stay readable: a citation made under one reads as it was)."""
    found = PolicyDocument.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such policy document."), code="policy_document_not_found")
    return found


_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")


def search_terms(query: str) -> list[str]:
    """The words of a Chinese (or mixed) query: jieba's search-engine segmentation, punctuation dropped;
    single characters only when the query has no longer word ("融资难问题" → 融资, 问题)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = []
    for word in jieba.cut_for_search((query or "")[:200]):
        word = word.strip().lower()
        if word and _MEANINGFUL.search(word) and word not in words:
            words.append(word)
    longer = [word for word in words if len(word) > 1]
    return longer or words


def search(query: str, *, limit: int = 50) -> list[dict]:
    """Current documents containing every word of the query, best first, each with the articles that hold
    them. The documents come from the full-text index (``search_index``: FTS5 on SQLite, a GIN-indexed
    ``tsvector`` on PostgreSQL, both over jieba's words); only the few documents found are then read for
    their articles."""
    from . import search_index

    terms = search_terms(query)
    if not terms:
        return []
    ranked = search_index.match(terms, limit=limit)
    if not ranked:
        return []
    documents = PolicyDocument.objects.defer("raw_text", "preamble").in_bulk([pk for pk, _score in ranked])
    # the articles holding every word, then (for a document with none) any word: two queries in all
    in_articles = Q()
    any_term = Q()
    for term in terms:
        in_articles &= Q(text__icontains=term)
        any_term |= Q(text__icontains=term)
    hits: dict[int, list[Article]] = {}
    for row in Article.objects.filter(in_articles, document_id__in=documents).order_by(
        "document_id", "number"
    ):
        kept = hits.setdefault(row.document_id, [])
        if len(kept) < 5:
            kept.append(row)
    missing = [pk for pk in documents if pk not in hits]
    if missing:
        for row in Article.objects.filter(any_term, document_id__in=missing).order_by(
            "document_id", "number"
        ):
            kept = hits.setdefault(row.document_id, [])
            if len(kept) < 5:
                kept.append(row)
    return [
        {"document": documents[pk], "score": score, "articles": hits.get(pk, [])}
        for pk, score in ranked
        if pk in documents
    ]


def interpretations_for(key: str) -> list[PolicyInterpretation]:
    """Published interpretations (Q&A) that explain article or item ``key``."""
    rows = PolicyInterpretation.objects.filter(is_published=True, article_keys__contains=key).order_by(
        "question"
    )
    return [row for row in rows if key in row.article_key_list]


def measures() -> QuerySet[SupportingMeasure]:
    return SupportingMeasure.objects.select_related("document", "unit").order_by("status", "due_on", "pk")


def measure(pk: int) -> SupportingMeasure:
    found = SupportingMeasure.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def own_enterprise_ids(user) -> list[int] | None:
    """None for the staff who see every activity; else the enterprises the account acts for."""
    from qinqing.core.access import sees_all

    if sees_all(user, "policy:education"):
        return None
    if not getattr(user, "is_authenticated", False):
        return []
    from qinqing.directory.models import EnterpriseMembership

    return list(EnterpriseMembership.objects.filter(user=user).values_list("enterprise_id", flat=True))


def reminders_for(user, *, plans: bool = False):
    """The policy reminders the daily job wrote for the user: of the library and the supporting measures
    (article 4), or with ``plans`` of the planned activities (article 19)."""
    from .models import PolicyReminder

    return (
        PolicyReminder.objects.filter(recipient=user, plan__isnull=not plans)
        .select_related("document", "measure", "plan", "notification")
        .order_by("-created_at", "-pk")
    )


def activity_figures(user=None) -> list[dict]:
    """Article 19's yearly figures, from the activities the user may read: per year the number of
    activities and the attendance, by kind and by audience (as recorded), newest year first."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractYear

    rows = activities(user).order_by().annotate(year=ExtractYear("held_on"))
    years: dict[int, dict] = {}
    for year, count, attendance in rows.values_list("year").annotate(n=Count("pk"), people=Sum("attendance")):
        years[year] = {
            "year": year,
            "count": count,
            "attendance": attendance or 0,
            "kinds": [],
            "audiences": [],
        }
    labels = dict(ActivityKind.choices)
    for year, kind, count, attendance in (
        rows.values_list("year", "kind")
        .annotate(n=Count("pk"), people=Sum("attendance"))
        .order_by("year", "kind")
    ):
        years[year]["kinds"].append(
            {"kind": kind, "label": labels.get(kind, kind), "count": count, "attendance": attendance or 0}
        )
    for year, audience, count, attendance in (
        rows.values_list("year", "audience")
        .annotate(n=Count("pk"), people=Sum("attendance"))
        .order_by("year", "-n", "audience")
    ):
        years[year]["audiences"].append({"audience": audience, "count": count, "attendance": attendance or 0})
    return [years[year] for year in sorted(years, reverse=True)]


def activities(user=None) -> QuerySet[EducationActivity]:
    rows = EducationActivity.objects.select_related("unit", "enterprise").order_by("-held_on", "-pk")
    own = own_enterprise_ids(user) if user is not None else None
    return rows if own is None else rows.filter(enterprise_id__in=own)


def plans(user=None):
    """The planned activities the user may read (an enterprise account: its own enterprise's): the ones
    still to hold first, then those held or cancelled; each by date."""
    still_open = When(status=PlanStatus.PLANNED, then=Value(0))
    rows = PlannedActivity.objects.select_related("unit", "enterprise", "activity").annotate(
        open=Case(still_open, default=Value(1), output_field=IntegerField())
    )
    own = own_enterprise_ids(user) if user is not None else None
    rows = rows if own is None else rows.filter(enterprise_id__in=own)
    return rows.order_by("open", "planned_on", "pk")


def plan(user, pk: int):
    """One planned activity the user may act on; NotFound alike for missing and another enterprise's."""
    row = plans(user).filter(pk=pk).first() if isinstance(pk, int) else None
    if row is None:
        raise NotFound()
    return row
