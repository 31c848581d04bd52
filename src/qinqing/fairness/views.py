"""Fair-competition review pages (article 5). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.core import workflow
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import bind_error, form_status, posted
from qinqing.core.paging import page_of

from . import extract, reports, selectors, services
from .forms import ConclusionForm, DecisionForm, FindingAddForm, LedgerFilterForm, ReviewForm, RuleForm
from .models import Decision


def _ledger_filters(request) -> tuple[LedgerFilterForm, dict | None]:
    """The ledger's filters from the query string; None where a value is refused (the form says which)."""
    form = LedgerFilterForm(request.GET)
    return form, (form.cleaned_data if form.is_valid() else None)


def reviews_page(request):
    """The review ledger (审查台账): every review this user sees, filtered, 50 a page."""

    form, filters = _ledger_filters(request)
    if filters is None:
        return render(request, "fairness/reviews.html", {"form": form, "page": None}, status=400)
    page = page_of(request, selectors.ledger(request.user, filters))
    return render(request, "fairness/reviews.html",
                  {"form": form, "page": page, "export_query": _export_query(request)})


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def ledger_xlsx(request):
    """The review ledger as .xlsx, with the page's filters: one row per review, its findings counted."""
    from qinqing.core import clock, excel

    form, filters = _ledger_filters(request)
    if filters is None:
        return render(request, "fairness/reviews.html", {"form": form, "page": None}, status=400)
    reviews = selectors.ledger(request.user, filters)  # unit, uploader and signer joined
    kinds = selectors.confirmed_kinds(reviews)
    headers = [
        _("Number"), _("Document"), _("Document kind"), _("Format"), _("Submitting unit"),
        _("Uploaded by"), _("Uploaded"), _("Clauses"), _("Confirmed findings"), _("Dismissed findings"),
        _("Findings not decided"), _("Kinds confirmed"), _("Status"), _("Conclusion"), _("Opinion"),
        _("Signed off by"), _("Signed off"),
    ]

    def name(user) -> str:
        return (user.get_full_name() or user.get_username()) if user else ""

    rows = (
        [
            review.number, review.title, review.get_document_kind_display(), review.file_format,
            review.unit.name if review.unit else "", name(review.created_by), review.created_at,
            review.clause_count, review.confirmed_count, review.dismissed_count, review.pending_count,
            "、".join(kinds.get(review.pk, [])), review.get_status_display(), review.get_conclusion_display(),
            review.conclusion_note, name(review.signed_by), review.signed_at,
        ]
        for review in reviews.iterator(chunk_size=500)
    )
    return excel.xlsx_response(f"fairness-ledger-{clock.today():%Y%m%d}.xlsx", headers, rows,
                               sheet_title=_("Fair-competition reviews"))


def review_new(request):
    form = ReviewForm(posted(request), posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("document")
        data = b""
        if upload is not None:
            if upload.size > extract.MAX_BYTES:
                form.add_error(
                    "document",
                    _("The file is larger than %(limit)d MB.") % {"limit": extract.MAX_BYTES // 2**20},
                )
            else:
                data = upload.read()
        if not form.errors:
            try:
                review = services.review_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    document_kind=form.cleaned_data["document_kind"],
                    data=data,
                    filename=upload.name if upload is not None else "",
                    text=form.cleaned_data.get("text") or "",
                )
            except ServiceError as error:
                bind_error(form, error)
            else:
                messages.success(
                    request, _("Reviewed: %(count)d findings to decide.") % {"count": review.findings.count()}
                )
                return redirect("fairness:review_detail", pk=review.pk)
    return render(request, "fairness/review_new.html", {"form": form}, status=form_status(form))


@found_or_404
def review_detail(
    request,
    pk: int,
    add_form: FindingAddForm | None = None,
    refused_decision: dict | None = None,
    conclusion_form: ConclusionForm | None = None,
):
    """The review; after a refused action, the same page with the refusal beside what was typed (400)."""
    review = selectors.review(request.user, pk)
    findings = list(review.findings.select_related("rule", "decided_by").order_by("position", "id"))
    pending = sum(1 for item in findings if item.decision == Decision.PENDING)
    return render(
        request,
        "fairness/review_detail.html",
        {
            "review": review,
            "findings": findings,
            "pending": pending,
            "decision_form": DecisionForm(),
            "add_form": add_form or FindingAddForm(),
            "refused_decision": refused_decision or {},
            "conclusion_form": conclusion_form or ConclusionForm(),
            "actions": workflow.allowed_actions(services.REVIEW_WORKFLOW, request.user, review),
        },
        status=400 if (add_form and add_form.errors) or refused_decision or conclusion_form else 200,
    )


@require_POST
@found_or_404
def finding_decide(request, pk: int):
    finding = selectors.finding(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.finding_decide(
                actor=request.user,
                finding=finding,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            refusal = {"field": error.field, "text": error.text()}
        else:
            return redirect(f"{_detail_url(finding.review_id)}#finding-{finding.pk}")
    else:
        field, errors = next(iter(form.errors.items()))
        refusal = {"field": field, "text": " ".join(errors)}
    refusal.update(pk=finding.pk, note=request.POST.get("note", ""))
    return review_detail(request, finding.review_id, refused_decision=refusal)


@require_POST
@found_or_404
def finding_add(request, pk: int):
    """Record a clause the rules missed; refused input comes back on the review's page as it was typed."""
    review = selectors.review(request.user, pk)
    form = FindingAddForm(request.POST)
    if form.is_valid():
        try:
            finding = services.finding_add(actor=request.user, review=review, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("The clause is recorded as a finding."))
            return redirect(f"{_detail_url(review.pk)}#finding-{finding.pk}")
    return review_detail(request, pk, add_form=form)


def _detail_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("fairness:review_detail", args=[pk])


@require_POST
@found_or_404
def review_conclude(request, pk: int):
    review = selectors.review(request.user, pk)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.review_conclude(
                actor=request.user,
                review=review,
                conclusion=form.cleaned_data["conclusion"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            form.add_error("note" if error.field == "conclusion_note" else "conclusion", error.text())
        else:
            messages.success(request, _("Signed off."))
            return redirect("fairness:review_detail", pk=review.pk)
    return review_detail(request, pk, conclusion_form=form)


@found_or_404
def review_pdf(request, pk: int):
    review = selectors.review(request.user, pk)
    response = HttpResponse(
        reports.render_pdf(review, base_url=request.build_absolute_uri("/")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="fair-competition-review-{review.pk}.pdf"'
    return response


@found_or_404
def review_docx(request, pk: int):
    review = selectors.review(request.user, pk)
    response = HttpResponse(
        reports.render_docx(review),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="fair-competition-review-{review.pk}.docx"'
    return response


def labels_download(request):
    """The signed-off reviews this reviewer sees, as a labeled set (.tsv) for ``./qinqing fairness score``."""
    from django.http import StreamingHttpResponse

    from qinqing.core import clock

    from . import evaluation
    from .models import Status

    reviews = selectors.reviews_for(request.user).filter(status=Status.CONCLUDED).order_by("created_at", "id")
    response = StreamingHttpResponse(
        evaluation.labeled_lines(reviews), content_type="text/tab-separated-values; charset=utf-8"
    )
    name = f"fairness-labels-{clock.today():%Y%m%d}.tsv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _example(request):
    """The finding named by ``?example=`` (a clause a reviewer added), to offer as a rule's example; None
    without the parameter; 404 for one the user may not see or that is not an added clause."""
    value = request.GET.get("example")
    if value is None:
        return None
    if not value.isdigit():
        raise NotFound()
    finding = selectors.finding(request.user, int(value))
    if not finding.added_by_reviewer:
        raise NotFound()
    return finding


@found_or_404
def rules_page(request):
    example = _example(request)
    return render(
        request,
        "fairness/rules.html",
        {"rows": services.rule_precision(), "kinds": services.kind_recall(), "example": example},
    )


@found_or_404
def rule_edit(request, pk: int):
    from .models import Rule

    rule = Rule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    example = _example(request)
    initial = {}
    if example is not None and request.method != "POST":
        # the clause is appended to the clauses the rule must flag; saving runs every example, so a rule that
        # does not flag it is refused until its pattern is widened
        clause = " ".join(example.clause.split())
        initial["positive_examples"] = "\n".join(filter(None, [rule.positive_examples.rstrip("\n"), clause]))
    form = RuleForm(posted(request), instance=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=request.user, rule=form.instance)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("fairness:rules")
    return render(request, "fairness/rule_edit.html", {"form": form, "rule": rule}, status=form_status(form))
