"""Integrity pages (articles 20, 21). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.core import access, clock, district, excel, workflow
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import bind_error, filter_choice, form_status, imported, posted, refusal_of
from qinqing.core.imports import ImportQueued
from qinqing.core.paging import page_of
from qinqing.core.tabular import template_headers

from . import importing, selectors, services
from .forms import ApplicationForm, CheckForm, DecisionForm, DeliveryForm, ImportForm, ListingForm, RecordForm
from .models import (
    CATEGORY_LABELS,
    CATEGORY_OF,
    LISTING_FILTER_STATES,
    Application,
    Evaluation,
    ListingNotice,
    Publication,
    RecordKind,
)
from .time_limits import BRIBERY_ANSWER


def _refusal(request, action: str, error: ServiceError, **more) -> dict:
    """A refused action's answer for its page (``core.forms.refusal_of``: the field it names, the rule, the
    refusal's own status), with what this app's pages show beside it (``more``: what was typed)."""
    return {**refusal_of(request, action, error), **more}


def _refused_status(*refusals) -> int:
    """The status of a page showing these refusals: the first one's own (409, 403, else 400), else 200."""
    return next((refusal["status"] for refusal in refusals if refusal), 200)


def _listing_rows(listings, today):
    return [
        {
            "listing": listing,
            "state": listing.state_on(today),
            "restrictions": list(listing.restrictions.all()),
        }
        for listing in listings
    ]


def listings_export(request):
    """The listings the page shows (its state and search filters), as the ledger the import reads back."""
    state, refusal = filter_choice(request, "state", LISTING_FILTER_STATES)
    if refusal:
        return listings_page(request)
    listings = selectors.listings(state=state, query=(request.GET.get("q") or "").strip())
    headers = [column.header for column in importing.COLUMNS]
    with district.language():
        return excel.xlsx_response(
            "integrity-listings.xlsx",
            headers,
            importing.ledger_rows(listings),
            sheet_title="失信惩戒名单",
        )


def import_page(request):
    """Listing decisions or integrity records from a ledger (.xlsx/.csv), as ``./qinqing import
    listings|records`` reads them: a dry run checks every row and changes nothing."""
    form = ImportForm(posted(request), posted(request, files=True))
    report = None
    if form.is_valid():
        _columns, _required, run = importing.IMPORTS[form.cleaned_data["kind"]]
        report = imported(form, run, actor=request.user, request=request, row_ms=importing.ROW_MS,
                          without_updates=True)
        if isinstance(report, ImportQueued):  # a large file: imported by the worker, its status page
            return report
    return render(
        request,
        "integrity/import.html",
        {"form": form, "report": report,
         "kinds": [(kind, importing.IMPORTS[kind][0]) for kind in importing.IMPORTS]},
        status=form_status(form),
    )


def import_template(request, kind: str):
    """The blank ledger of one import (空白模板): its columns, required ones marked *."""
    if kind not in importing.IMPORTS:
        raise Http404
    columns, required, _run = importing.IMPORTS[kind]
    return excel.xlsx_response(f"integrity-{kind}-template.xlsx", template_headers(columns, required), [],
                               sheet_title=kind)


@found_or_404
def listings_page(request):
    state, filter_refusal = filter_choice(request, "state", LISTING_FILTER_STATES)
    query = (request.GET.get("q") or "").strip()
    page = page_of(request, selectors.listings(state=state, query=query))
    today = clock.today()
    return render(
        request,
        "integrity/listings.html",
        {
            "page": page,
            "rows": _listing_rows(page.object_list, today),
            "state": state,
            "states": LISTING_FILTER_STATES,
            "q": query,
            "today": today,
            "pending": page_of(request, selectors.pending_applications(), param="pending_page"),
            "notices": page_of(request, selectors.notices_waiting(), param="notices_page"),
            "filter_refusal": filter_refusal,
        },
        status=filter_refusal["status"] if filter_refusal else 200,
    )


def listing_new(request):
    from .time_limits import LISTING_MINIMUM, LISTING_OBJECTION

    form = ListingForm(posted(request), initial={"objection_days": LISTING_OBJECTION.value(),
                                                 "minimum_days": LISTING_MINIMUM.value()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            listing = services.listing_decide(
                uscc=data["uscc"],
                id_number=data["id_number"],
                name=data["name"],
                kind=data["kind"],
                grounds=data["grounds"],
                evidence=data["evidence"],
                number=data["number"],
                decided_on=data["decided_on"],
                restrictions=form.restrictions(),
                publication=data["publication"],
                objection_days=data["objection_days"],
                minimum_days=data["minimum_days"],
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Listing %(number)s decided.") % {"number": listing.number})
            return redirect("integrity:listing_detail", pk=listing.pk)
    return render(request, "integrity/listing_form.html", {"form": form}, status=form_status(form))


@found_or_404
def listing_detail(
    request,
    pk: int,
    decision: tuple[int, DecisionForm] | None = None,
    delivery: tuple[int, DeliveryForm] | None = None,
    publication_refusal: dict | None = None,
    print_refusal: dict | None = None,
):
    """The entry; after a refused action on it (decide an application, record a delivery, change the
    publication, print a notice), the same page with the refusal beside the field it names and what
    was typed kept (400)."""
    listing = selectors.listing(request.user, pk)
    today = clock.today()
    applications = [
        {
            "application": a,
            "actions": workflow.allowed_actions(services.APPLICATION_WORKFLOW, request.user, a),
            "form": decision[1]
            if decision and decision[0] == a.pk
            else DecisionForm(auto_id=f"id_application{a.pk}_%s"),
        }
        for a in listing.applications.all()
    ]
    restrictions = [
        {
            "restriction": r,
            "in_force": listing.status == "in_force" and r.in_force(today),
            "category": CATEGORY_LABELS[CATEGORY_OF[r.activity]],
        }
        for r in listing.restrictions.all()
    ]
    return render(
        request,
        "integrity/listing_detail.html",
        {
            "listing": listing,
            "state": listing.state_on(today),
            "restrictions": restrictions,
            "applications": applications,
            "notices": [
                {
                    "notice": notice,
                    "form": delivery[1]
                    if delivery and delivery[0] == notice.pk
                    else DeliveryForm(initial={"delivered_on": today}, auto_id=f"id_notice{notice.pk}_%s"),
                }
                for notice in listing.notices.select_related("notification")
            ],
            "records": list(listing.records.all()),
            "may_print": access.may_open(request.user, "integrity:notice_letter"),
            "may_print_decision": access.may_open(request.user, "integrity:application_letter"),
            "may_publish": access.may_open(request.user, "integrity:listing_publication"),
            "publications": Publication.choices,
            "publication_refusal": publication_refusal or {},
            "publication_value": (publication_refusal or {}).get("value", listing.publication),
            "print_refusal": print_refusal or {},
            "may_record_delivery": access.may_open(request.user, "integrity:notice_delivered"),
        },
        # a refused decision or delivery form, or a refused publication or print: its own status
        status=max(form_status(*(pair[1] for pair in (decision, delivery) if pair)),
                   _refused_status(publication_refusal, print_refusal)),
    )


@require_POST
@found_or_404
def application_decide(request, pk: int):
    application = Application.objects.filter(pk=pk).first()
    if application is None:
        raise NotFound()
    form = DecisionForm(request.POST, auto_id=f"id_application{application.pk}_%s")
    if form.is_valid():
        decide = (
            services.application_grant
            if form.cleaned_data["decision"] == "grant"
            else services.application_refuse
        )
        try:
            decide(application=application, reason=form.cleaned_data["reason"], actor=request.user)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("integrity:listing_detail", pk=application.listing_id)
    return listing_detail(request, pk=application.listing_id, decision=(application.pk, form))


@require_POST
@found_or_404
def listing_publication(request, pk: int):
    listing = selectors.listing(request.user, pk)
    publication = request.POST.get("publication", "")
    try:
        services.listing_publication(listing=listing, publication=publication, actor=request.user)
    except ServiceError as error:
        return listing_detail(request, pk=pk, publication_refusal=_refusal(
            request, "publication", error, value=publication))
    messages.success(request, _("Publication saved."))
    return redirect("integrity:listing_detail", pk=pk)


@require_POST
@found_or_404
def notice_delivered(request, pk: int):
    notice = ListingNotice.objects.filter(pk=pk).first()
    if notice is None:
        raise NotFound()
    form = DeliveryForm(request.POST, auto_id=f"id_notice{notice.pk}_%s")
    if form.is_valid():
        try:
            services.notice_delivered(
                notice=notice,
                delivered_on=form.cleaned_data["delivered_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Delivery recorded."))
            return redirect("integrity:listing_detail", pk=notice.listing_id)
    return listing_detail(request, pk=notice.listing_id, delivery=(notice.pk, form))


@require_POST
@found_or_404
def notice_letter(request, pk: int):
    """Print the written notice (PDF on the district's paper); the first print is recorded."""
    from django.http import HttpResponse

    from .letters import render_notice_pdf

    notice = ListingNotice.objects.filter(pk=pk).select_related("listing").first()
    if notice is None:
        raise NotFound()
    try:
        notice = services.notice_printed(notice=notice, actor=request.user)
    except ServiceError as error:
        return listing_detail(request, pk=notice.listing_id, print_refusal=_refusal(
            request, "print", error, pk=notice.pk))
    response = HttpResponse(render_notice_pdf(notice, base_url=request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="listing-notice-{notice.pk}.pdf"'
    return response


def records_page(request):
    """The records; who may add one (integrity:record_new, access.py) sees the form, posting there."""
    form = RecordForm() if access.may_open(request.user, "integrity:record_new") else None
    return _records(request, form)


def _records(request, form):
    query = (request.GET.get("q") or "").strip()
    page = page_of(request, selectors.records(query=query))
    return render(
        request,
        "integrity/records.html",
        {"page": page, "form": form, "q": query, "today": clock.today()},
        status=form_status(form),
    )


def record_new(request):
    """Add a record (the credit administrator, access.py); GET shows the records page with the form."""
    form = RecordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_add(
                uscc=data["uscc"],
                id_number=data["id_number"],
                name=data["name"],
                kind=data["kind"],
                external_list=data["external_list"] or "",
                title=data["title"],
                source=data["source"],
                evidence=data["evidence"],
                occurred_on=data["occurred_on"],
                expires_on=data["expires_on"],
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Record added."))
            return redirect("integrity:records")
    return _records(request, form)


def _integrity_context(request, enterprise):
    today = clock.today()
    listings = list(selectors.party_listings(enterprise))
    return {
        "enterprise": enterprise,
        "today": today,
        "rows": _listing_rows(listings, today),
        "records": [
            {"record": r, "in_force": r.in_force(today)} for r in selectors.party_records(enterprise)
        ],
        "answer": services.eligibility(enterprise=enterprise, log=False),
        "evaluation": services.evaluate(enterprise),
        "rule_rows": _rule_rows(),
        "history": page_of(
            request,
            Evaluation.objects.filter(enterprise=enterprise).order_by("-computed_at", "-pk"),
            param="history_page",
        ),
    }


def _rule_rows():
    from .services.evaluation import rules

    return [{"kind": kind, "label": RecordKind(kind).label, "points": points, "months": months}
            for kind, (points, months) in sorted(rules().items())]


def rules_page(request):
    """The published rule set; administrators and the credit administrator edit it (audited)."""
    rows = _rule_rows()
    status, refusal = 200, {}
    if request.method == "POST":
        status = 400  # unless saved (then redirected); what was typed stays in the inputs
        values = {}
        for row in rows:
            parsed = {}
            for name in ("points", "months"):
                row[name] = request.POST.get(f"{name}_{row['kind']}", str(row[name])).strip()
                try:
                    parsed[name] = int(row[name])
                except ValueError:
                    if "error" not in row:
                        row["error_field"] = f"{name}_{row['kind']}"
                        row["error"] = _("Points and months must be whole numbers: %(rules)s.") % {
                            "rules": row["label"]
                        }
            if len(parsed) == 2:
                values[row["kind"]] = (parsed["points"], parsed["months"])
        if not any(row.get("error") for row in rows):
            try:
                changed = services.rules_update(values=values, actor=request.user)
            except ServiceError as error:
                row = next((row for row in rows if row["kind"] == error.field), None)
                if row is None:
                    refusal = _refusal(request, "rules", error)
                    status = refusal["status"]
                else:
                    row["error_field"], row["error"] = error.field, error.text()
            else:
                messages.success(request, _("%(count)d rules changed.") % {"count": len(changed)})
                return redirect("integrity:rules")
    from .models import BASE_SCORE, GRADES

    return render(
        request,
        "integrity/rules.html",
        {"rows": rows, "base": BASE_SCORE, "grades": GRADES[:-1], "refusal": refusal},
        status=status,
    )


@found_or_404
def enterprise_page(request, pk: int):
    enterprise = selectors.enterprise(pk)
    return render(request, "integrity/enterprise.html", _integrity_context(request, enterprise))


def check_page(request):
    form = CheckForm(request.GET or None)
    answer = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.eligibility(
                uscc=data["uscc"],
                id_number=data["id_number"],
                name=data["name"],
                activity=data["activity"],
                caller=request.user,
                purpose="page",
            )
        except ServiceError as error:
            bind_error(form, error)
    return render(request, "integrity/check.html", {"form": form, "answer": answer}, status=form_status(form))


def mine(request):
    enterprises = selectors.my_enterprises(request.user)
    form = ApplicationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            listing = selectors.listing(request.user, data["listing"])
            services.application_file(
                listing=listing,
                kind=data["kind"],
                text=data["text"],
                evidence=data["evidence"],
                actor=request.user,
            )
        except NotFound as error:
            raise Http404 from error
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(
                request, _("Your application was filed; the credit administrator will decide it.")
            )
            return redirect("integrity:mine")
    return render(
        request,
        "integrity/mine.html",
        {
            "contexts": [_mine_context(request, e) for e in enterprises],
            # The refused form shows on its listing's card, with what was typed; the others are blank.
            "form": form,
            "form_listing": _int(request.POST.get("listing")) if form.is_bound else None,
            "blank_form": ApplicationForm(),
        },
        status=form_status(form),  # a refused application: 400, or the refusal's own (409: one pending)
    )


def _mine_context(request, enterprise) -> dict:
    """The enterprise's integrity page, with the decided objections and applications of its own listings
    (each with its letter; a listing of its head is the head's)."""
    context = _integrity_context(request, enterprise)
    context["decisions"] = [
        (row["listing"], application)
        for row in context["rows"]
        if row["listing"].enterprise_id == enterprise.pk
        for application in row["listing"].applications.all()
        if application.decided_on
    ]
    return context


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def priority_page(request):
    from .models import Purpose

    purpose, filter_refusal = filter_choice(request, "purpose", Purpose.choices)
    return render(
        request,
        "integrity/priority.html",
        {"rows": services.priority_list(purpose=purpose), "purpose": purpose, "purposes": Purpose.choices,
         "filter_refusal": filter_refusal,
         # district leaders and the federation read the list, not the credit file behind each name
         "may_open_enterprise": access.may_open(request.user, "integrity:enterprise")},
        status=filter_refusal["status"] if filter_refusal else 200,
    )


def comprehensive_page(request):
    from qinqing.directory.models import Enterprise

    from .forms import ComprehensiveForm
    from .models import ComprehensiveEvaluation

    form = ComprehensiveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.filter(uscc=form.cleaned_data["uscc"].strip().upper()).first()
        if enterprise is None:
            form.add_error("uscc", _("No enterprise with this unified social credit code in the directory."))
        else:
            try:
                row = services.comprehensive_start(
                    enterprise=enterprise,
                    purpose=form.cleaned_data["purpose"],
                    matter=form.cleaned_data["matter"],
                    actor=request.user,
                )
            except ServiceError as error:
                bind_error(form, error)
            else:
                return redirect("integrity:comprehensive_detail", pk=row.pk)
    rows = page_of(
        request, ComprehensiveEvaluation.objects.select_related("enterprise").order_by("-started_on", "-pk")
    )
    return render(
        request, "integrity/comprehensive.html", {"rows": rows, "form": form}, status=form_status(form)
    )


@found_or_404
def comprehensive_detail(request, pk: int):
    from .models import CleanConclusion, ComprehensiveEvaluation

    row = ComprehensiveEvaluation.objects.filter(pk=pk).select_related("enterprise", "representative").first()
    if row is None:
        raise NotFound()
    status, refusal = 200, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("text", "")
        try:
            if action == "federation_opinion":
                services.comprehensive_federation_opinion(evaluation=row, opinion=text, actor=request.user)
            elif action == "clean_opinion":
                services.comprehensive_clean_opinion(
                    evaluation=row,
                    opinion=text,
                    conclusion=request.POST.get("conclusion", ""),
                    actor=request.user,
                )
            elif action in ("recommend", "not_recommend"):
                services.comprehensive_conclude(
                    evaluation=row, recommend=action == "recommend", reason=text, actor=request.user
                )
            else:
                raise ServiceError(_("Unknown action."), code="unknown_action", field="action")
        except ServiceError as error:
            refusal = _refusal(request, action, error, text_typed=text,
                               conclusion=request.POST.get("conclusion", ""))
            status = refusal["status"]
            row.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("integrity:comprehensive_detail", pk=pk)
    actions = workflow.allowed_actions(services.COMPREHENSIVE_WORKFLOW, request.user, row)
    return render(
        request,
        "integrity/comprehensive_detail.html",
        {"row": row, "actions": actions, "conclusions": CleanConclusion.choices[1:], "refusal": refusal},
        status=status,
    )


# --- bribery-record queries ---------------------------------------------------------------------------------
def bribery_page(request):
    from qinqing.directory.models import Enterprise

    sees_all = access.sees_all(request.user, "integrity:bribery")
    mine = [] if sees_all else selectors.my_enterprises(request.user)
    if request.method != "POST":
        return _bribery_render(request, sees_all, mine)
    if sees_all:
        enterprise = Enterprise.objects.filter(uscc=(request.POST.get("uscc") or "").strip().upper()).first()
    else:
        enterprise = next((e for e in mine if str(e.pk) == request.POST.get("enterprise")), None)
    typed = {key: request.POST.get(key, "") for key in ("uscc", "enterprise", "purpose")}
    if enterprise is None:
        refusal = {
            **refusal_of(request, "ask", field="uscc" if sees_all else "enterprise",
                         text=_("Choose the enterprise (by its unified social credit code).")),
            **typed,
        }
        return _bribery_render(request, sees_all, mine, ask_refusal=refusal)
    try:
        query = services.bribery_request(enterprise=enterprise, purpose=typed["purpose"], actor=request.user)
    except ServiceError as error:
        field = error.field if error.field == "purpose" else ("uscc" if sees_all else "enterprise")
        refusal = {**_refusal(request, "ask", error), "field": field, **typed}
        return _bribery_render(request, sees_all, mine, ask_refusal=refusal)
    messages.success(request, _("Asked; the answer is due by %(date)s.") % {"date": query.due_on.isoformat()})
    return redirect("integrity:bribery")


def _bribery_render(request, sees_all: bool, mine, ask_refusal: dict | None = None,
                    answer_refusal: dict | None = None):
    """The queries and the form to ask; a refused ask or answer comes back here (400) with the refusal
    beside the field it names and what was typed kept."""
    from .models import BriberyResult

    page = page_of(request, selectors.bribery_queries(request.user))
    rows = [{"query": q, "found": services.bribery_found(q) if sees_all and q.status == "pending" else []}
            for q in page.object_list]
    return render(
        request,
        "integrity/bribery.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "sees_all": sees_all,
            "today": clock.today(),
            "results": BriberyResult.choices[1:],
            "answer_days": BRIBERY_ANSWER.value(),  # the administrator's time limit (article 21)
            "ask_refusal": ask_refusal or {},
            "answer_refusal": answer_refusal or {},
        },
        status=_refused_status(ask_refusal, answer_refusal),
    )


@require_POST
@found_or_404
def bribery_answer(request, pk: int):
    query = selectors.bribery_query(request.user, pk)
    result, text = request.POST.get("result", ""), request.POST.get("text", "")
    try:
        services.bribery_answer(query=query, result=result, text=text, actor=request.user)
    except ServiceError as error:
        sees_all = access.sees_all(request.user, "integrity:bribery")
        mine = [] if sees_all else selectors.my_enterprises(request.user)
        refusal = _refusal(request, "answer", error, pk=query.pk, result=result, text_typed=text)
        return _bribery_render(request, sees_all, mine, answer_refusal=refusal)
    messages.success(request, _("Answered; the letter is ready."))
    return redirect("integrity:bribery")


@found_or_404
def bribery_letter(request, pk: int):
    from django.http import HttpResponse

    from .letters import render_bribery_pdf, verification_url

    query = selectors.bribery_query(request.user, pk)
    if not query.number:
        raise NotFound()
    pdf = render_bribery_pdf(
        query, base_url=request.build_absolute_uri("/"), verify_url=verification_url(query, request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bribery-record-{query.pk}.pdf"'
    return response


@found_or_404
def application_letter(request, pk: int):
    """The decision on an objection or a credit-repair application as a printable letter: the credit
    administrator (the deciding office) and the listed enterprise's accounts; 404 while undecided and for
    another party's."""
    from qinqing.core.letters import pdf_response

    from .letters import render_application_pdf

    application = selectors.decided_application(request.user, pk)
    pdf = render_application_pdf(application, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, f"integrity-decision-{application.pk}.pdf")


@login_not_required
def bribery_verify(request):
    """Public: whoever holds the letter checks its code; only the essentials."""
    code = (request.GET.get("code") or "").strip()
    query = None
    if code:
        try:
            query = selectors.bribery_by_code(code)
        except NotFound:
            query = None
    return render(request, "integrity/bribery_verify.html", {"code": code, "query": query})


@login_not_required
def public_listings(request):
    """Public: the entries published to the public, restrictions in force today; credit codes, no ID numbers."""  # noqa: E501
    page = page_of(request, selectors.public_listings())
    rows = [row for row in _listing_rows(page.object_list, clock.today()) if not row["listing"].is_person]
    return render(request, "integrity/public.html", {"page": page, "rows": rows})
