"""Reads of the policy library. The policy is public: no scoping by actor."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from qinqing.core.errors import NotFound

from .models import Article, Chapter, Item, PolicyDocument


def current_policy() -> PolicyDocument | None:
    """The current version, or None when no policy was imported yet."""
    return PolicyDocument.objects.filter(is_current=True).first()


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
    return Chapter.objects.filter(document=_document(document)).order_by("number").prefetch_related(
        Prefetch("articles", queryset=articles)
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
    return PolicyDocument.objects.order_by("version").defer("raw_text")
