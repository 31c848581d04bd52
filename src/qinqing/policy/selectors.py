"""Reads of the policy library. The policy is public: no scoping by actor."""

from __future__ import annotations

import logging
import re

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from qinqing.core.errors import NotFound

from .models import (
    DISTRICT_SERIES,
    Article,
    Chapter,
    EducationActivity,
    Item,
    Level,
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
    """Current documents containing every word of the query (SQL ``LIKE``/``ILIKE`` per word, the same on
    SQLite and PostgreSQL), best first by how often the words occur, each with the articles that hold them."""
    terms = search_terms(query)
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition &= Q(raw_text__icontains=term)
    results = []
    for document in PolicyDocument.objects.filter(condition, is_current=True)[:limit]:
        text = document.raw_text.lower()
        score = sum(text.count(term) for term in terms)
        in_articles = Q()
        for term in terms:
            in_articles &= Q(text__icontains=term)
        hits = list(Article.objects.filter(in_articles, document=document).order_by("number")[:5])
        if not hits:
            any_term = Q()
            for term in terms:
                any_term |= Q(text__icontains=term)
            hits = list(Article.objects.filter(any_term, document=document).order_by("number")[:5])
        results.append({"document": document, "score": score, "articles": hits})
    results.sort(key=lambda row: (-row["score"], row["document"].title))
    return results


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


def activities(user=None) -> QuerySet[EducationActivity]:
    rows = EducationActivity.objects.select_related("unit", "enterprise").order_by("-held_on", "-pk")
    own = own_enterprise_ids(user) if user is not None else None
    return rows if own is None else rows.filter(enterprise_id__in=own)
