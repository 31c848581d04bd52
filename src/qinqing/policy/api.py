"""The policy articles over the API (scope ``policy:read``; a logged-in session also reads them)."""

from ninja import Router, Schema

from qinqing.core.api import ErrorOut

from . import selectors
from .citations import citation_label

router = Router(tags=["policy"])


class ItemOut(Schema):
    key: str
    number: int
    label: str
    text: str


class ArticleOut(Schema):
    key: str
    number: int
    label: str
    chapter_number: int
    chapter_title: str
    text: str
    items: list[ItemOut]


def _article_out(article) -> dict:
    return {
        "key": article.key,
        "number": article.number,
        "label": citation_label(article.key),
        "chapter_number": article.chapter.number,
        "chapter_title": article.chapter.title,
        "text": article.text,
        "items": [
            {"key": i.key, "number": i.number, "label": citation_label(i.key), "text": i.text}
            for i in article.items.all()
        ],
    }


@router.get(
    "/articles",
    response={200: list[ArticleOut], 403: ErrorOut, 404: ErrorOut},
    summary="All articles of the current policy",
)
def list_articles(request):
    return [_article_out(article) for article in selectors.articles()]


@router.get(
    "/articles/{key}",
    response={200: ArticleOut, 403: ErrorOut, 404: ErrorOut},
    summary="One article (15) of the current policy",
)
def get_article(request, key: str):
    return _article_out(selectors.article(key))
