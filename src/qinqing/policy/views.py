"""The public policy pages: the whole policy with anchors, and one article."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from qinqing.core.errors import NotFound

from . import selectors


@login_not_required
def index(request):
    document = selectors.current_policy()
    chapters = selectors.chapters_with_articles(document) if document else []
    return render(request, "policy/index.html", {"document": document, "chapters": chapters})


@login_not_required
def article_detail(request, key: str):
    try:
        article = selectors.article(key)
    except NotFound as error:
        raise Http404(error.text()) from error
    return render(request, "policy/article.html", {"article": article, "document": article.document})
