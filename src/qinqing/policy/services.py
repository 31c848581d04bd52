"""Writes to the policy library: import a policy text as a new version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock
from qinqing.core.errors import ServiceError

from .models import Article, Chapter, Item, PolicyDocument
from .parser import content_hash, parse_policy


def policy_import(*, raw_text: str, source_name: str, actor) -> tuple[PolicyDocument, bool]:
    """Parse ``raw_text`` and store it as the new current version.

    The same content (by ``content_hash``) is never stored twice: re-importing it returns
    the existing document and ``created=False`` and writes nothing. A different text
    becomes version N+1 and current; earlier versions are kept, no longer current.
    """
    digest = content_hash(raw_text)
    existing = PolicyDocument.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    parsed = parse_policy(raw_text)
    if not parsed.articles:
        raise ServiceError(
            _(
                "No article (第X条) was found in %(source)s: the text is not a policy or its "
                "headings are missing."
            ),
            code="policy_no_articles",
            field="raw_text",
            params={"source": source_name},
        )
    with transaction.atomic():
        # Lock the current version so two imports cannot both become current.
        previous = PolicyDocument.objects.select_for_update().filter(is_current=True).first()
        existing = PolicyDocument.objects.filter(content_hash=digest).first()
        if existing is not None:
            return existing, False
        if previous is not None:
            before = audit.snapshot(previous)
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            audit.record_event(
                actor=actor, action="policy.policydocument.supersede", instance=previous, before=before
            )
        version = (PolicyDocument.objects.aggregate(highest=Max("version"))["highest"] or 0) + 1
        document = PolicyDocument.objects.create(
            title=parsed.title[:300],
            version=version,
            content_hash=digest,
            source_name=source_name[:300],
            preamble=parsed.preamble,
            raw_text=raw_text,
            imported_at=clock.now(),
            is_current=True,
        )
        audit.record_event(actor=actor, action="policy.policydocument.import", instance=document,
                           details={"warnings": parsed.warnings})
        chapters = Chapter.objects.bulk_create(
            [
                Chapter(document=document, number=chapter.number, title=chapter.title[:300])
                for chapter in parsed.chapters
            ]
        )
        articles = Article.objects.bulk_create(
            [
                Article(
                    document=document,
                    chapter=chapter_row,
                    number=article.number,
                    key=article.key,
                    text=article.text,
                )
                for chapter_row, chapter in zip(chapters, parsed.chapters, strict=True)
                for article in chapter.articles
            ]
        )
        items = Item.objects.bulk_create(
            [
                Item(
                    article=article_row,
                    number=item.number,
                    list_number=item.list_number,
                    key=item.key,
                    text=item.text,
                )
                for article_row, article in zip(articles, parsed.articles, strict=True)
                for item in article.items
            ]
        )
        for model, rows in ((Chapter, chapters), (Article, articles), (Item, items)):
            audit.record_bulk_events(
                actor=actor,
                action=f"policy.{model._meta.model_name}.import",
                model=model,
                pks=[row.pk for row in rows],
                details={"document_version": version},
            )
    return document, True
