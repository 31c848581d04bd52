"""Policy-interpretation library pages (articles 4, 8, 19): the public list, and the editors' page.

Editors are administrators and department handlers (``library.EDITOR_ROLES``); the
public page shows published interpretations only and needs no account.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.paging import page_of

from ..models import words_shown
from . import library as knowledge


@login_not_required
@require_http_methods(["GET"])
def public_list(request):
    query = request.GET.get("q", "").strip()
    page = page_of(request, knowledge.published_interpretations(query))
    return render(request, "policy/interpretations/public.html", {"page": page, "query": query})


def _form_values(request) -> dict:
    return {name: request.POST.get(name, "") for name in ("question", "answer", "article_keys", "keywords")}


@require_http_methods(["GET", "POST"])
def manage(request):
    errors, values = {}, {}
    if request.method == "POST":
        values = _form_values(request)
        try:
            interpretation = knowledge.interpretation_create(actor=request.user, **values)
        except ServiceError as error:
            errors[error.field or "form"] = error.text()
        else:
            messages.success(request, _("Saved as a draft; publish it to show it to enterprises."))
            return redirect("appeals:knowledge_edit", pk=interpretation.pk)
    page = page_of(request, knowledge.interpretations_for_editor(request.user))
    return render(
        request,
        "policy/interpretations/manage.html",
        {"page": page, "errors": errors, "values": values},
        status=400 if errors else 200,
    )


def _access(user, pk):
    try:
        return knowledge.access_interpretation(user, pk)
    except NotFound as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    interpretation = _access(request.user, pk)
    errors = {}
    values = {"question": interpretation.question, "answer": interpretation.answer,
              "article_keys": interpretation.article_keys,
              "keywords": words_shown(interpretation.keywords)}
    if request.method == "POST":
        values = _form_values(request)
        try:
            knowledge.interpretation_update(interpretation=interpretation, actor=request.user, **values)
        except ServiceError as error:
            errors[error.field or "form"] = error.text()
        else:
            messages.success(request, _("Saved."))
            return redirect("appeals:knowledge_edit", pk=interpretation.pk)
    return render(
        request,
        "policy/interpretations/edit.html",
        {"interpretation": interpretation, "errors": errors, "values": values},
        status=400 if errors else 200,
    )


@require_POST
def publish(request, pk):
    interpretation = _access(request.user, pk)
    published = request.POST.get("published") == "1"
    knowledge.interpretation_publish(interpretation=interpretation, published=published, actor=request.user)
    messages.success(request, _("Published.") if published else _("Withdrawn from the public page."))
    return redirect("appeals:knowledge_edit", pk=interpretation.pk)
