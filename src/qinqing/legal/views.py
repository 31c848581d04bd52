"""Legal-environment pages: thin (parse, call a service or selector, render). Access is in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from qinqing.core import clock, excel
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import bind_error, form_status, posted, refusal_of, refusal_placed
from qinqing.core.paging import page_of
from qinqing.core.roles import Role, has_role
from qinqing.directory.selectors import unit_for_user

from . import forms, selectors, services
from .models import Assessment, Obligation


def _is_body(user) -> bool:
    """May register for a body: the services' BODY_ROLES (one list), and administrators."""
    return has_role(user, *services.BODY_ROLES, Role.ADMINISTRATOR)


def register(request):
    form = forms.ActionForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if not _is_body(request.user) or unit_for_user(request.user) is None:
            form.add_error(None, _("Only an enforcement body's handler registers actions."))
        elif form.is_valid():
            try:
                row = services.action_register(
                    unit=unit_for_user(request.user), actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Registered."))
                return redirect("legal:action_detail", pk=row.pk)
    page = page_of(request, selectors.actions(request.user))
    flagged = {}
    for flag in selectors.flags_of(page.object_list):
        flagged.setdefault(flag.action.pk, []).append(flag)
    return render(
        request,
        "legal/register.html",
        {
            "page": page,
            "rows": [(row, flagged.get(row.pk, [])) for row in page.object_list],
            "form": form if _is_body(request.user) else None,
        },
        status=status,
    )


def flags(request):
    return render(
        request,
        "legal/flags.html",
        {
            "flags": selectors.flags(request.user),
            "obligations": selectors.overdue_obligations(request.user),
            "recommendations": selectors.overdue_recommendations(request.user),
            "my_notices": page_of(request, selectors.my_notices(request.user), param="notices_page"),
            "delivered": page_of(request, selectors.delivered_notices(request.user), param="delivered_page"),
            "sees_all": selectors.sees_all(request.user),
            "assessments": page_of(
                request, selectors.retaliation_assessments(request.user), param="assessments_page"
            ),
        },
    )


def _action_page(request, action, *, status=200, error=None):
    flags = selectors.flags_of([action])
    return render(
        request,
        "legal/action.html",
        {
            "row": action,
            "flags": flags,
            "objections": action.objections.select_related("appeal"),
            "is_enterprise": has_role(request.user, Role.ENTERPRISE_USER),
            "is_body": _is_body(request.user) and not has_role(request.user, Role.ENTERPRISE_USER),
            # article 13 (3): the discipline office's finding on a retaliation flag (not for the enterprise)
            "may_assess": has_role(request.user, Role.DISCIPLINE_INSPECTOR),
            "has_retaliation": any(flag.code == "retaliation" for flag in flags),
            "assessment": None
            if has_role(request.user, Role.ENTERPRISE_USER)
            else getattr(action, "retaliation_assessment", None),
            "outcomes": Assessment.choices,
            "values": request.POST if error is not None else {},
            "error": error,
        },
        status=status,
    )


@found_or_404
def action_detail(request, pk: int):
    return _action_page(request, selectors.action_for(request.user, pk))


@require_POST
@found_or_404
def action_act(request, pk: int):
    action = selectors.action_for(request.user, pk)
    step = request.POST.get("step", "")
    try:
        if step == "lift":
            services.action_lift(action=action, actor=request.user)
        elif step == "object":
            services.objection_raise(action=action, text=request.POST.get("text", ""), actor=request.user)
        elif step == "assess":
            services.retaliation_assess(
                action=action,
                outcome=request.POST.get("outcome", ""),
                reasoning=request.POST.get("reasoning", ""),
                answerable=request.POST.get("answerable", ""),
                accountability=request.POST.get("accountability", ""),
                actor=request.user,
            )
        elif step in ("answer", "appeal"):
            objection = action.objections.filter(pk=_int(request.POST.get("objection"))).first()
            if objection is None:
                raise NotFound()
            if step == "answer":
                services.objection_answer(
                    objection=objection, answer=request.POST.get("answer", ""), actor=request.user
                )
            else:
                services.objection_to_appeal(objection=objection, actor=request.user)
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return _action_page(request, action, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("legal:action_detail", pk=action.pk)


@found_or_404
def objection_letter(request, pk: int):
    """The body's answer to an objection as a printable letter: the enterprise concerned and the body that
    answered; 404 while unanswered and for another's."""
    from qinqing.core.letters import pdf_response

    from . import letters

    row = selectors.answered_objection(request.user, pk)
    return pdf_response(letters.objection_pdf(row, base_url=request.build_absolute_uri("/")),
                        f"objection-{row.pk}.pdf")


@found_or_404
def protection_letter(request, pk: int):
    """The decision on a protection request (taken on, or closed with its result) as a printable letter: the
    enterprise concerned and the handling body; 404 while only requested and for another's."""
    from qinqing.core.letters import pdf_response

    from . import letters

    row = selectors.decided_protection(request.user, pk)
    return pdf_response(letters.protection_pdf(row, base_url=request.build_absolute_uri("/")),
                        f"protection-{row.pk}.pdf")


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _mine_context(request, form) -> dict:
    """The enterprise's registered actions (``page``) and its protection requests (``protections_page``)."""
    return {
        "rows": page_of(request, selectors.actions(request.user)),
        "protections": page_of(request, selectors.protections(request.user), param="protections_page"),
        "form": form,
    }


def mine(request):
    return render(request, "legal/mine.html", _mine_context(request, forms.ProtectionForm(user=request.user)))


@require_POST
def protection_new(request):
    form = forms.ProtectionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.protection_request(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Your request is registered."))
            return redirect("legal:mine")
    return render(request, "legal/mine.html", _mine_context(request, form), status=400)


def protections(request):
    return render(
        request,
        "legal/protections.html",
        {"rows": page_of(request, selectors.protections(request.user)), "is_body": _is_body(request.user)},
    )


@require_POST
@found_or_404
def protection_act(request, pk: int):
    row = selectors.protection_for(request.user, pk)
    try:
        services.protection_update(
            request=row,
            step=request.POST.get("step", ""),
            text=request.POST.get("text", ""),
            actor=request.user,
        )
    except ServiceError as error:
        return render(
            request,
            "legal/protections.html",
            {
                "rows": page_of(request, selectors.protections(request.user)),
                "is_body": True,
                "error": error,
                "sent": row.pk,  # the row's form comes back as typed
                "values": request.POST,
            },
            status=error.status,
        )
    messages.success(request, _("Saved."))
    return redirect("legal:protections")


def cases(request):
    form = forms.CaseForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if not _is_body(request.user) or unit_for_user(request.user) is None:
            form.add_error(None, _("Only an enforcement body's handler registers cases."))
        elif form.is_valid():
            try:
                row = services.case_register(
                    unit=unit_for_user(request.user), actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Registered."))
                return redirect("legal:case_detail", pk=row.pk)
    return render(
        request,
        "legal/cases.html",
        {
            "rows": page_of(request, selectors.cases(request.user)),
            "overdue": selectors.overdue_obligations(request.user),
            "form": form if _is_body(request.user) else None,
        },
        status=status,
    )


def _outcome_form(request, case, data=None):
    """The party body's form carries its cooperation; the court's only the outcome."""
    form = forms.OutcomeForm(data, initial={"cooperation": case.cooperation})
    if not selectors.is_party(request.user, case):
        del form.fields["cooperation"]
    return form


def _case_page(
    request, case, *, status=200, outcome_form=None, obligation_form=None, court_form=None, error=None
):
    is_party = selectors.is_party(request.user, case)
    is_court = selectors.is_court(request.user, case)
    return render(
        request,
        "legal/case.html",
        {
            "row": case,
            "obligations": case.obligations.all(),
            "today": clock.today(),
            "is_body": is_party,
            "is_court": is_court,
            "outcome_form": outcome_form or _outcome_form(request, case),
            "obligation_form": obligation_form or forms.ObligationForm(),
            "court_form": court_form or forms.CourtRecordForm(initial={"court_record": case.court_record}),
            "error": error,
        },
        status=status,
    )


@found_or_404
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_for(request.user, pk))


@require_POST
@found_or_404
def case_act(request, pk: int):
    case = selectors.case_for(request.user, pk)
    step = request.POST.get("step", "")
    try:
        if step == "outcome":
            form = _outcome_form(request, case, request.POST)
            if not form.is_valid():
                return _case_page(request, case, status=400, outcome_form=form)
            services.case_update(case=case, actor=request.user, **form.cleaned_data)
        elif step == "court":
            form = forms.CourtRecordForm(request.POST)
            if not form.is_valid():
                return _case_page(request, case, status=400, court_form=form)
            services.case_court_record(case=case, text=form.cleaned_data["court_record"], actor=request.user)
        elif step == "obligation":
            form = forms.ObligationForm(request.POST)
            if not form.is_valid():
                return _case_page(request, case, status=400, obligation_form=form)
            services.obligation_add(case=case, actor=request.user, **form.cleaned_data)
        elif step == "perform":
            obligation = Obligation.objects.filter(case=case, pk=_int(request.POST.get("obligation"))).first()
            if obligation is None:
                raise NotFound()
            services.obligation_perform(
                obligation=obligation, performance=request.POST.get("performance", ""), actor=request.user
            )
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return _case_page(request, case, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("legal:case_detail", pk=case.pk)


def settings_page(request):
    current = selectors.settings_row()
    form = forms.SettingsForm(
        posted(request),
        initial={"repeat_window_days": current.repeat_window_days, "repeat_limit": current.repeat_limit},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.settings_update(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Saved."))
                return redirect("legal:settings")
    return render(request, "legal/settings.html", {"form": form}, status=status)


# --- the procuratorate's recommendations (检察建议) and the bodies' answers ------------------------------
def recommendations(request, refusal: dict | None = None):
    """The procuratorate registers its recommendations here; a body answers those it received; the watchers
    see them all (those past their answer date are also on the flags page)."""
    may_issue = services.procuratorate_for(request.user) is not None
    form = forms.RecommendationForm(posted(request) if refusal is None else None)
    if refusal is None and form.is_bound and form.is_valid():
        try:
            services.recommendation_issue(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Registered."))
            return redirect("legal:recommendations")
    rows = page_of(request, selectors.recommendations(request.user))
    units = services.acting_units(request.user)  # once for the page, not per row
    answerable = {
        row.pk for row in rows if row.replied_on is None and (units is None or row.unit_id in units)
    }
    return render(
        request,
        "legal/recommendations.html",
        {
            "rows": rows,
            "answerable": answerable,
            "form": form if may_issue or form.is_bound else None,
            "today": clock.today(),
            "refusal": refusal_placed(refusal, {("answer", pk) for pk in answerable}),
        },
        status=refusal["status"] if refusal else form_status(form),
    )


@require_POST
@found_or_404
def recommendation_answer(request, pk: int):
    row = selectors.recommendation_for(request.user, pk)
    try:
        services.recommendation_answer(
            recommendation=row, reply=request.POST.get("reply", ""), actor=request.user
        )
    except NotFound:
        raise
    except ServiceError as error:
        return recommendations(request, refusal_of(request, "answer", error, row=row.pk))
    messages.success(request, _("Answer recorded."))
    return redirect("legal:recommendations")


# --- the ledgers (台账): the rows each list shows the user, every page (core.excel.ledger_response) ---
ACTION_HEADERS = [
    gettext_lazy("Date"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Body"),
    gettext_lazy("Kind"),
    gettext_lazy("What"),
    gettext_lazy("Legal basis"),
    gettext_lazy("Approval"),
    gettext_lazy("Term ends on"),
    gettext_lazy("Lifted on"),
    gettext_lazy("Amount (yuan)"),
    gettext_lazy("Flags"),
]


def register_xlsx(request):
    """The measures, inspections and charges the register page lists for the user, with their flags."""

    def rows():
        for chunk in excel.in_chunks(selectors.actions(request.user)):
            flagged: dict[int, list] = {}
            for flag in selectors.flags_of(chunk):  # a few queries per chunk, as the page per page
                flagged.setdefault(flag.action.pk, []).append(str(flag.label))
            for row in chunk:
                yield [
                    row.started_on, row.enterprise.name, row.enterprise.uscc, row.unit.name,
                    row.get_kind_display(), row.get_subtype_display(), row.legal_basis, row.approval,
                    row.ends_on, row.lifted_on, row.amount, "；".join(flagged.get(row.pk, [])),
                ]

    return excel.ledger_response(gettext_lazy("Measures, inspections and charges"), ACTION_HEADERS, rows())


CASE_HEADERS = [
    gettext_lazy("Case number"),
    gettext_lazy("Court"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Body"),
    gettext_lazy("Kind"),
    gettext_lazy("The enterprise brought the case"),
    pgettext_lazy("ledger column", "Filed on"),
    gettext_lazy("Outcome"),
    gettext_lazy("Decided on"),
]


def cases_xlsx(request):
    """The litigation ledger (涉企诉讼台账) the cases page lists for the user."""
    rows = (
        [
            row.case_number, row.court, row.enterprise.name, row.unit.name, row.get_kind_display(),
            excel.yes_no(row.enterprise_sued), row.filed_on, row.get_outcome_display(), row.outcome_on,
        ]
        for row in excel.each(selectors.cases(request.user))
    )
    return excel.ledger_response(gettext_lazy("Litigation ledger"), CASE_HEADERS, rows)


RECOMMENDATION_HEADERS = [
    gettext_lazy("Recommendation number"),
    gettext_lazy("Procuratorate"),
    gettext_lazy("Body"),
    gettext_lazy("Recommendation"),
    gettext_lazy("Case number"),
    pgettext_lazy("ledger column", "Issued on"),
    gettext_lazy("Answer due"),
    gettext_lazy("Overdue"),
    pgettext_lazy("ledger column", "Answered on"),
    gettext_lazy("The body's answer"),
]


def recommendations_xlsx(request):
    """The procuratorial recommendations (检察建议) the page lists for the user, with the bodies' answers."""
    today = clock.today()
    rows = (
        [
            row.number, row.procuratorate.name, row.unit.name, row.content,
            row.case.case_number if row.case else "", row.issued_on, row.reply_due,
            excel.yes_no(row.replied_on is None and row.reply_due < today), row.replied_on, row.reply,
        ]
        for row in excel.each(selectors.recommendations(request.user))
    )
    return excel.ledger_response(gettext_lazy("Procuratorial recommendations"), RECOMMENDATION_HEADERS, rows)


PROTECTION_HEADERS = [
    pgettext_lazy("ledger column", "Requested at"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Kind"),
    pgettext_lazy("ledger column", "What happened"),
    gettext_lazy("Status"),
    gettext_lazy("Handling body"),
    gettext_lazy("Progress"),
    pgettext_lazy("ledger column", "Result"),
    pgettext_lazy("ledger column", "Closed on"),
]


def protections_xlsx(request):
    """The protection requests (article 11) the page lists for the user."""
    rows = (
        [
            row.created_at, row.enterprise.name, row.get_kind_display(), row.description,
            row.get_status_display(), row.unit.name if row.unit else "", row.progress, row.result,
            row.closed_on,
        ]
        for row in excel.each(selectors.protections(request.user))
    )
    return excel.ledger_response(gettext_lazy("Protection requests"), PROTECTION_HEADERS, rows)
