"""The public policy pages: the whole policy with anchors, one article, the library of every level with its
search, one library document; the supporting measures and the education activities for the staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.core import clock
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.forms import bind_error, form_status, posted, refusal_of
from qinqing.core.paging import page_of

from . import forms, selectors, services
from .models import DISTRICT_SERIES, Level
from .time_limits import EXPIRY_WARNING, PLAN_WARNING

REMINDERS_SHOWN = 100  # the measures page's reminders; ?reminders=all pages every one



def _measures_page(request, *, form, status=200, error=None):
    reminders = selectors.reminders_for(request.user)
    if request.GET.get("reminders") == "all":  # every reminder written for the user, paged
        return render(request, "policy/measures.html", {"all_reminders": page_of(request, reminders),
                                                        "expiry_days": EXPIRY_WARNING.value()})
    shown = list(reminders[: REMINDERS_SHOWN + 1])  # one more than shown: the page says when there are more
    return render(
        request,
        "policy/measures.html",
        {
            "measures": page_of(request, selectors.measures()),
            "form": form,
            "error": error,
            "reminders": shown[:REMINDERS_SHOWN],
            "more_reminders": len(shown) > REMINDERS_SHOWN,
            "expiry_days": EXPIRY_WARNING.value(),  # the administrator's warning period
        },
        status=status,
    )


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
    return render(
        request,
        "policy/article.html",
        {
            "article": article,
            "document": article.document,
            "interpretations": selectors.interpretations_for(article.key),
        },
    )


@login_not_required
def library(request):
    query = (request.GET.get("q") or "").strip()[:200]
    documents = list(selectors.library())
    grouped = [(label, [d for d in documents if d.level == value]) for value, label in Level.choices]
    return render(
        request,
        "policy/library.html",
        {
            "query": query,
            "results": selectors.search(query) if query else None,
            "terms": selectors.search_terms(query) if query else [],
            "grouped": [(label, rows) for label, rows in grouped if rows],
        },
    )


@login_not_required
def document_detail(request, pk: int):
    try:
        document = selectors.library_document(pk)
    except NotFound as error:
        raise Http404(error.text()) from error
    return render(
        request,
        "policy/document.html",
        {
            "document": document,
            "chapters": selectors.chapters_with_articles(document),
            "versions": selectors.versions_of(document.series),
        },
    )


def library_import(request):
    form = forms.ImportForm(posted(request), posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise ServiceError(_("The file is larger than 5 MB."), code="too_large", field="file")
            text = services.text_from_file(upload.name, upload.read())
            district = data["district_measures"]
            document, created = services.policy_import(
                raw_text=text,
                source_name=upload.name,
                actor=request.user,
                series=DISTRICT_SERIES if district else None,
                level=Level.DISTRICT if district else data["level"],
                issuing_body=data["issuing_body"],
                document_number=data["document_number"],
                issued_on=data["issued_on"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(
                request,
                _("Imported as version %(version)s.") % {"version": document.version}
                if created
                else _("This text is already in the library."),
            )
            return redirect("policy:document", pk=document.pk)
    return render(request, "policy/library_import.html", {"form": form}, status=400 if form.errors else 200)


def measures(request):
    form = forms.MeasureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Supporting measure added."))
            return redirect("policy:measures")
    return _measures_page(request, form=form, status=400 if form.errors else 200)


@require_POST
def measure_act(request, pk: int):
    try:
        measure = selectors.measure(pk)
    except NotFound as error:
        raise Http404 from error
    try:
        if request.POST.get("action") == "start":
            services.measure_start(measure=measure, actor=request.user)
        else:
            services.measure_complete(
                measure=measure, result=request.POST.get("result", ""), actor=request.user
            )
    except ServiceError as error:
        return _measures_page(request, form=forms.MeasureForm(), status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("policy:measures")


def _plan_initial(request) -> dict:
    """The record form pre-filled from a plan (``?plan=<pk>``) the user may act on; nothing otherwise."""
    try:
        plan = selectors.plan(request.user, int(request.GET.get("plan", "")))
    except (ValueError, NotFound):
        return {}
    fields = ("kind", "title", "audience", "unit", "enterprise")
    return {"plan": plan.pk, "held_on": plan.planned_on, **{name: getattr(plan, name) for name in fields}}


def education(request):
    """Article 19: the activities held (recorded, with the yearly figures), the plan of activities to
    come (reminded by the daily job), and the user's reminders about it."""
    own = selectors.own_enterprise_ids(request.user)
    planning = request.method == "POST" and request.POST.get("form") == "plan"
    form = forms.ActivityForm(
        None if planning else posted(request), own_enterprises=own, initial=_plan_initial(request)
    )
    plan_form = forms.PlanForm(posted(request) if planning else None, own_enterprises=own, prefix="plan")
    sent = plan_form if planning else form
    if request.method == "POST" and sent.is_valid():
        data = dict(sent.cleaned_data)
        try:
            if planning:
                services.activity_plan(actor=request.user, **data)
            else:
                plan_pk = data.pop("plan", None)
                plan = selectors.plan(request.user, plan_pk) if plan_pk else None
                services.activity_record(actor=request.user, plan=plan, **data)
        except NotFound:
            sent.add_error("plan", _("That planned activity does not exist or is not yours to record."))
        except ServiceError as error:
            bind_error(sent, error)
        else:
            messages.success(request, _("Activity planned.") if planning else _("Activity recorded."))
            return redirect("policy:education")
    return _education_page(request, form, plan_form, status=form_status(form, plan_form))


def _education_page(request, form, plan_form, *, status=200, refusal=None):
    return render(
        request,
        "policy/education.html",
        {
            "activities": page_of(request, selectors.activities(request.user)),
            "figures": selectors.activity_figures(request.user),
            "plans": page_of(request, selectors.plans(request.user), param="plans_page"),
            "plan_reminders": selectors.reminders_for(request.user, plans=True)[:20],
            "form": form,
            "plan_form": plan_form,
            "refusal": refusal,
            "today": clock.today(),  # a plan is recorded as held from its day on
            "plan_days": PLAN_WARNING.value(),  # the administrator's reminder period (article 19)
        },
        status=status,
    )


@require_POST
def education_plan_cancel(request, pk: int):
    """Cancel a planned activity with the reason (article 19); a refusal is shown in the plan's row."""
    own = selectors.own_enterprise_ids(request.user)
    try:
        plan = selectors.plan(request.user, pk)
    except NotFound as error:
        raise Http404 from error
    try:
        services.plan_cancel(plan=plan, reason=request.POST.get("reason", ""), actor=request.user)
    except ServiceError as error:
        refusal = refusal_of(request, "cancel", error, row=plan.pk)
        return _education_page(
            request,
            forms.ActivityForm(own_enterprises=own),
            forms.PlanForm(own_enterprises=own, prefix="plan"),
            status=refusal["status"],
            refusal=refusal,
        )
    messages.success(request, _("Planned activity cancelled."))
    return redirect("policy:education")
