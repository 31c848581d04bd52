"""Fault-tolerance pages: thin (parse, call a service or selector, render). Access is in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from qinqing.core import clock, excel, workflow
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import bind_error, posted
from qinqing.core.paging import page_of

from . import forms, letters, selectors, services


def requests(request):
    office = selectors.is_office(request.user)
    return render(
        request,
        "tolerance/requests.html",
        {
            "rows": page_of(request, selectors.requests(request.user)),
            "office": office,
            "alerts": page_of(request, selectors.alerts(request.user), param="alerts_page"),
            "notices": (
                page_of(request, selectors.my_notices(request.user), param="notices_page") if office else []
            ),
            "today": clock.today(),
        },
    )


def request_new(request):
    form = forms.RequestForm(posted(request), user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                row = services.request_submit(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Submitted as %(number)s.") % {"number": row.number})
                return redirect("tolerance:request_detail", pk=row.pk)
    return render(request, "tolerance/request_new.html", {"form": form}, status=status)


ACTION_FORMS = {
    "refuse": forms.RefuseForm,
    "deliberate": forms.DeliberationForm,
    "determine": forms.DetermineForm,
    "file": forms.FileForm,
    "link_case": forms.LinkCaseForm,
    "publish_clearing": forms.ClearingForm,
    "revisit": forms.RevisitForm,
}


def _page(request, row, *, status=200, bound=None, error=None):
    actions = workflow.allowed_actions(services.REQUEST_WORKFLOW, request.user, row)
    action_forms = {}
    for action in actions:
        if action in ACTION_FORMS:
            kwargs = {"tolerable": services.may_tolerate(row)} if action == "determine" else {}
            action_forms[action] = ACTION_FORMS[action](**kwargs)
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    return render(
        request,
        "tolerance/request.html",
        {
            "row": row,
            "actions": actions,
            "panels": [(action, action_forms.get(action)) for action in actions],
            "error": error,
            "today": clock.today(),
            "office": selectors.is_office(request.user),
            "has_letter": letters.has_letter(row),
        },
        status=status,
    )


@found_or_404
def request_detail(request, pk: int):
    return _page(request, selectors.request_for(request.user, pk))


@found_or_404
def request_letter(request, pk: int):
    """The decision as a printable letter: the official concerned, whoever submitted it for their unit and
    the discipline office (``selectors.request_for``); 404 while the request is undecided."""
    from qinqing.core.letters import pdf_response

    row = selectors.request_for(request.user, pk)
    if not letters.has_letter(row):
        raise NotFound()
    pdf = letters.render_pdf(row, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, letters.filename(row))


@require_POST
@found_or_404
def request_act(request, pk: int):
    row = selectors.request_for(request.user, pk)
    action = request.POST.get("action", "")
    form = None
    if action in ACTION_FORMS:
        kwargs = {"tolerable": services.may_tolerate(row)} if action == "determine" else {}
        form = ACTION_FORMS[action](request.POST, **kwargs)
        if not form.is_valid():
            return _page(request, row, status=400, bound=(action, form))
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "accept":
            services.request_accept(request=row, actor=request.user)
        elif action == "refuse":
            services.request_refuse(request=row, reason=data["reason"], actor=request.user)
        elif action == "deliberate":
            answers = form.answers()
            services.request_deliberate(
                request=row, answers=answers, notes=answers.get("notes", ""), actor=request.user
            )
        elif action == "determine":
            services.request_determine(
                request=row, determination=data["determination"], reasons=data["reasons"], actor=request.user
            )
        elif action == "file":
            services.request_file(
                request=row, organisation_department=data["organisation_department"], actor=request.user
            )
        elif action == "link_case":
            services.request_link_case(request=row, case_number=data["case"], actor=request.user)
        elif action == "publish_clearing":
            services.request_publish_clearing(request=row, text=data["text"], actor=request.user)
        elif action == "revisit":
            services.request_revisit(request=row, note=data["note"], actor=request.user)
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="action")
    except ServiceError as error:
        if form is not None:
            bind_error(form, error)
            return _page(request, row, status=error.status, bound=(action, form), error=error)
        return _page(request, row, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("tolerance:request_detail", pk=row.pk)


def limits(request):
    current = services.time_limits()
    initial = {name: getattr(current, name) for name in forms.LimitsForm.base_fields}
    form = forms.LimitsForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.time_limits_update(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Saved."))
                return redirect("tolerance:limits")
    return render(request, "tolerance/limits.html", {"form": form}, status=status)


def _statistics_year(request) -> tuple[str, int | None, str]:
    """The year the statistics (and their .xlsx) count: (as typed, the year or None for every year, error)."""
    typed = request.GET.get("year", "").strip()
    year = int(typed) if typed.isdigit() and len(typed) == 4 and 2000 <= int(typed) <= 2100 else None
    # a year that is not one is refused, not read as "every year" (the figures would look like the year's)
    error = _("Give the year as four digits between 2000 and 2100.") if typed and year is None else ""
    return typed, year, error


def statistics(request):
    typed, year, error = _statistics_year(request)
    return render(
        request,
        "tolerance/statistics.html",
        {"data": selectors.statistics(year), "year": year, "typed": typed, "error": error,
         "this_year": clock.today().year},
        status=400 if error else 200,
    )


@login_not_required
def clearings_public(request):
    rows = page_of(request, selectors.clearings())
    return render(request, "tolerance/clearings_public.html", {"rows": rows})


@login_not_required
@found_or_404
def clearing_public(request, pk: int):
    return render(request, "tolerance/clearing_public.html", {"row": selectors.clearing(pk)})


def filings(request):
    rows = page_of(request, selectors.filings(request.user))
    return render(request, "tolerance/filings.html", {"rows": rows})


@found_or_404
def filing_detail(request, pk: int):
    row = selectors.filing_for(request.user, pk)
    form = forms.ReceiptForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.filing_receive(
                    request=row, use_note=form.cleaned_data["use_note"], actor=request.user
                )
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Saved."))
                return redirect("tolerance:filing_detail", pk=row.pk)
    receipt = getattr(row, "receipt", None)
    return render(
        request,
        "tolerance/filing.html",
        {"row": row, "receipt": receipt, "form": form, "factor": getattr(row, "case_factor", None)},
        status=status,
    )


# --- the ledgers (台账): the rows each list shows, every page (core.excel.ledger_response) ---------------
REQUEST_HEADERS = [
    gettext_lazy("Number"),
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("Matter"),
    gettext_lazy("Submitted by"),
    pgettext_lazy("ledger column", "Submitted on"),
    gettext_lazy("Status"),
    gettext_lazy("Current step due"),
    gettext_lazy("Overdue"),
    pgettext_lazy("ledger column", "Accepted on"),
    gettext_lazy("Determination"),
    gettext_lazy("Determined on"),
    pgettext_lazy("ledger column", "Filed with the organisation department on"),
    pgettext_lazy("ledger column", "Clearing notice published on"),
    gettext_lazy("Revisit due"),
    pgettext_lazy("ledger column", "Revisited on"),
]


def requests_xlsx(request):
    """The fault-tolerance requests the list shows the user (容错纠错台账): every one for the office, their
    own for an official or a unit's handler."""
    today = clock.today()
    rows = (
        [
            row.number, row.official.person.name, row.unit.name, row.matter, row.get_submitter_display(),
            row.submitted_on, row.get_status_display(), row.step_due,
            excel.yes_no(row.step_due is not None and row.step_due < today), row.accepted_on,
            row.get_determination_display(), row.determined_on, row.filed_on, row.clearing_published_on,
            row.revisit_due, row.revisit_done_on,
        ]
        for row in excel.each(selectors.requests(request.user))
    )
    return excel.ledger_response(gettext_lazy("Fault-tolerance requests"), REQUEST_HEADERS, rows)


def statistics_xlsx(request):
    """The statistics page's figures for its year (every year without one), one figure a row."""
    _typed, year, error = _statistics_year(request)
    if error:
        return statistics(request)  # the page names the field (400)
    data = selectors.statistics(year)

    def rows():
        yield [_("Requests"), data["total"]]
        yield [_("Open"), data["open"]]
        yield [_("Past the time limit"), data["overdue"]]
        yield [_("Clearing notices published"), data["clearings"]]
        yield [_("Revisits due"), data["revisits_due"]]
        yield [_("Revisits done"), data["revisits_done"]]
        yield [_("Recorded on discipline cases"), data["case_factors"]]
        for label, count in data["by_status"]:
            yield [_("By status") + "：" + str(label), count]
        for label, count in data["by_determination"]:
            yield [_("By determination") + "：" + str(label), count]

    title = format_lazy(
        "{}（{}）", gettext_lazy("Fault-tolerance statistics"), year or gettext_lazy("All years")
    )
    headers = [pgettext_lazy("ledger column", "Figure"), gettext_lazy("Requests")]
    return excel.ledger_response(
        title, headers, rows(), sheet_title=gettext_lazy("Fault-tolerance statistics")
    )
