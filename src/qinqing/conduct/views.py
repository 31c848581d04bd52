"""Conduct pages (articles 14, 15). Thin: parse, call a service or selector, render."""


from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from qinqing.core import clock, excel
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import (
    bind_error,
    filter_choice,
    form_status,
    posted,
    refusal_of,
    refusal_of_form,
    refusal_placed,
)
from qinqing.core.paging import page_of
from qinqing.directory.models import Official
from qinqing.directory.selectors import official_for_user

from . import selectors, services
from .forms import (
    ActivityForm,
    DecisionForm,
    DeclarationForm,
    GiftForm,
    GiftRegisterFilterForm,
    PledgeForm,
    RecusalForm,
    RecusalOrderForm,
    ReportForm,
    RulesForm,
)
from .letters import render_letter_pdf, render_receipt_pdf, verification_url
from .models import ActivityStatus

OFFICIAL_RULES = ["15.1", "15.2", "15.3", "15.4", "15.5", "15.6", "15.7"]
ENTERPRISE_RULES = ["15.b1", "15.b2", "15.b3", "15.b4", "15.b5", "15.b6"]



def _own_official(request) -> Official:
    official = official_for_user(request.user)
    if official is None:
        raise NotFound(_("Your account is not linked to an official record."))
    return official


def _with_messages(findings: list[dict]) -> list[dict]:
    return [{**finding, "message": services.finding_message(finding)} for finding in findings]


def _policy_items(keys: list[str]) -> list[dict]:
    from qinqing.policy import selectors as policy_selectors

    rows = []
    for key in keys:
        try:
            text = policy_selectors.item(key).text
        except Exception:  # noqa: BLE001 (the policy may not be loaded yet; the link still works)
            text = ""
        rows.append({"key": key, "text": text})
    return rows


@found_or_404
def rules_page(request):
    """The negative lists shown as the rules they are (article 15), and the three situations (article 14)."""
    return render(request, "conduct/rules.html", {
        "official_rules": _policy_items(OFFICIAL_RULES), "enterprise_rules": _policy_items(ENTERPRISE_RULES),
        "situations": _policy_items(["14.1", "14.2", "14.3"]), "rules": services.rules(),
    })


# --- official: requests -----------------------------------------------------------------------------
@found_or_404
def my_requests(request):
    return render(request, "conduct/my_requests.html", {"activities": selectors.activities_of(request.user)})


def _submit_arguments(data: dict) -> dict:
    arguments = dict(data)
    arguments["enterprises"] = arguments.pop("enterprise_codes")
    return arguments


@found_or_404
def request_new(request):
    official = _own_official(request)
    form = ActivityForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_submit(
                official=official, actor=request.user, **_submit_arguments(form.cleaned_data)
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Request filed; your supervising leader will decide it."))
            return redirect("conduct:activity_detail", pk=activity.pk)
    return render(request, "conduct/request_form.html", {"form": form}, status=form_status(form))


@require_POST
@found_or_404
def request_check(request):
    """HTMX: the rule findings for the draft, shown before the official submits."""
    official = _own_official(request)
    form = ActivityForm(request.POST)
    findings = []
    if form.is_valid():
        data = form.cleaned_data
        findings = services.evaluate_activity(
            official=official,
            situation=data["situation"],
            enterprises=data["enterprise_codes"],
            event_date=data["event_date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            cost_per_head=data["cost_per_head"],
            alcohol_served=data["alcohol_served"],
            no_lottery_confirmed=data["no_lottery_confirmed"],
            no_unrelated_activities_confirmed=data["no_unrelated_activities_confirmed"],
            late_reason=data["late_reason"],
        )
    return render(
        request,
        "conduct/_findings.html",
        {"findings": _with_messages(findings), "form": form, "checked": True},
    )


@found_or_404
def activity_detail(request, pk, decision_form=None, report_form=None, refused_field: str = ""):
    """The request; after a refused decision or report, the same page with the form as typed and the
    rule beside the field it names (400)."""
    activity = selectors.access_activity(request.user, pk)
    is_leader = (
        activity.official.supervising_leader
        and activity.official.supervising_leader.user_id == request.user.pk
    )
    is_own = activity.official.user_id == request.user.pk
    refused = decision_form if decision_form is not None else report_form
    can_decide = is_leader and not is_own and activity.status == ActivityStatus.SUBMITTED
    can_report = is_own and activity.status == ActivityStatus.APPROVED
    shown = (decision_form is not None and can_decide) or (report_form is not None and can_report)
    decision_form = decision_form if decision_form is not None else DecisionForm()
    if report_form is None:
        report_form = ReportForm(initial={"actual_participant_count": activity.participant_count})
    return render(
        request,
        "conduct/activity_detail.html",
        {
            "activity": activity,
            "findings": _with_messages(activity.findings),
            "enterprises": activity.enterprises.all(),
            "letter": getattr(activity, "letter", None),
            "report": getattr(activity, "report", None),
            "can_decide": can_decide,
            "decision_form": decision_form,
            "can_report": can_report,
            "report_form": report_form,
            "refused_field": refused_field,
            "refused": refusal_of_form(refused) if refused is not None and not shown else None,
            "pledges": {
                enterprise.pk: selectors.pledge_signed(enterprise)
                for enterprise in activity.enterprises.all()
            },
        },
        status=400 if refused is not None else 200,
    )


@require_POST
@found_or_404
def activity_decide(request, pk):
    activity = selectors.access_activity(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.activity_decide(activity=activity, approve=form.cleaned_data["decision"] == "approve",
                                     reason=form.cleaned_data["reason"], actor=request.user)
        except NotFound:
            raise
        except ServiceError as error:
            bind_error(form, error)
            return activity_detail(request, pk, decision_form=form, refused_field=error.field or "")
        messages.success(request, _("Decision recorded."))
        return redirect("conduct:activity_detail", pk=activity.pk)
    return activity_detail(request, pk, decision_form=form)


@require_POST
@found_or_404
def activity_report(request, pk):
    activity = selectors.access_activity(request.user, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.activity_report(activity=activity, actor=request.user, **form.cleaned_data)
        except NotFound:
            raise
        except ServiceError as error:
            bind_error(form, error)
            return activity_detail(request, pk, report_form=form, refused_field=error.field or "")
        messages.success(request, _("Report recorded."))
        return redirect("conduct:activity_detail", pk=activity.pk)
    return activity_detail(request, pk, report_form=form)


@found_or_404
def letter_pdf(request, pk):
    activity = selectors.access_activity(request.user, pk)
    letter = getattr(activity, "letter", None)
    if letter is None:
        raise NotFound()
    pdf = render_letter_pdf(
        letter, base_url=request.build_absolute_uri("/"), verify_url=verification_url(letter, request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="approval-{letter.year}-{letter.sequence:04d}.pdf"'
    return response


@login_not_required
@found_or_404
def verify_letter(request):
    """Public: anyone holding a letter checks its code; only the essentials, no personal IDs."""
    code = (request.GET.get("code") or "").strip()
    letter = None
    if code:
        try:
            letter = selectors.letter_by_code(code)
        except NotFound:
            letter = None
    enterprises = list(letter.activity.enterprises.all()) if letter else []
    return render(
        request, "conduct/verify.html", {"code": code, "letter": letter, "enterprises": enterprises}
    )


# --- supervising leader --------------------------------------------------------------------------------
_SEVERITY = {"violation": 0, "warning": 1}


def _approvals_queue(user) -> list:
    """The leader's queue as the approvals page and its ledger show it: each request's findings with a
    severity (``shown_findings``, violations first; the messages are worded by the caller, in its reader's
    language), requests with a violation at the top, the queue's own order within a severity."""
    activities = list(selectors.approvals_queue(user))
    for activity in activities:
        shown = [finding for finding in activity.findings or [] if finding.get("level") in _SEVERITY]
        activity.shown_findings = sorted(shown, key=lambda finding: _SEVERITY[finding["level"]])
        activity.worst = min((_SEVERITY[finding["level"]] for finding in shown), default=len(_SEVERITY))
    activities.sort(key=lambda activity: activity.worst)
    return activities


@found_or_404
def approvals(request, refused: dict | None = None):
    """The leader's queue: each request's findings in words with their severity and article,
    violations first; requests with a violation at the top (issue 20: not bare "14.3 14.3 15.7").
    After a refused recusal decision, the same page with the rule in that recusal's row (4xx)."""
    recusals = list(selectors.recusals_to_decide(request.user))
    refused = refusal_placed(refused, {("decide", recusal.pk) for recusal in recusals})
    activities = _approvals_queue(request.user)
    for activity in activities:
        activity.shown_findings = _with_messages(activity.shown_findings)
    return render(
        request,
        "conduct/approvals.html",
        {"activities": activities, "recusals": recusals, "refused": refused},
        status=refused["status"] if refused else 200,
    )


APPROVAL_HEADERS = [
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("Date"),
    gettext_lazy("Situation"),
    gettext_lazy("Enterprises"),
    gettext_lazy("Place"),
    gettext_lazy("number of participants"),
    gettext_lazy("expected cost per head (yuan)"),
    gettext_lazy("filed late"),
    gettext_lazy("submitted at"),
    pgettext_lazy("ledger column", "Severity"),
    gettext_lazy("Findings"),
    pgettext_lazy("ledger column", "Articles"),
]


def approvals_xlsx(request):
    """The requests awaiting the leader's decision as the approvals page lists them (事前报备审批台账): each
    one's findings in words with their severity and the article each rests on."""
    severity = {"violation": gettext_lazy("Violation"), "warning": gettext_lazy("Warning")}

    def rows():
        for activity in _approvals_queue(request.user):
            shown = activity.shown_findings
            yield [
                activity.official.person.name, activity.official.unit.name, activity.event_date,
                activity.get_situation_display(), "、".join(e.name for e in activity.enterprises.all()),
                activity.place, activity.participant_count, activity.cost_per_head,
                excel.yes_no(activity.is_late), activity.submitted_at,
                str(severity[shown[0]["level"]]) if shown else _("No finding: every rule passed."),
                "；".join(services.finding_message(finding) for finding in shown),
                "、".join(dict.fromkeys(finding["article"] for finding in shown if finding.get("article"))),
            ]

    name = pgettext_lazy("ledger name", "Event requests awaiting approval")
    return excel.ledger_response(name, APPROVAL_HEADERS, rows())


@require_POST
@found_or_404
def recusal_decide(request, pk):
    recusal = selectors.access_recusal_to_decide(request.user, pk)
    try:
        services.recusal_decide(
            recusal=recusal,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except NotFound:
        raise
    except ServiceError as error:
        return approvals(request, refusal_of(request, "decide", error, row=recusal.pk))
    messages.success(request, _("Decision recorded."))
    return redirect("conduct:approvals")


@found_or_404
def recusal_order(request):
    """The supervising leader orders an official they supervise to recuse (article 15 item 7)."""
    officials = selectors.supervised_officials(request.user)
    form = RecusalOrderForm(posted(request), officials=officials)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recusal_order(
                official=data["official"],
                matter_type=data["matter_type"],
                matter_id=data["matter_id"],
                enterprise=data["enterprise_code"],
                reason=data["reason"],
                actor=request.user,
            )
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(
                request, _("Recusal ordered; the official has been told and may refuse (article 15 item 7).")
            )
            return redirect("conduct:recusal_order")
    ordered = page_of(request, selectors.recusals_ordered_by(request.user).order_by("-created_at", "-pk"))
    return render(request, "conduct/recusal_order.html", {"form": form, "ordered": ordered},
                  status=form_status(form))


# --- district leaders and administrators: recusals awaiting a decision -------------------------------------
def _recusals_pending_page(request, *, failed=None, error: ServiceError | None = None):
    recusals = page_of(request, selectors.recusals_pending_for_oversight(request.user))
    context = {"recusals": recusals, "failed": failed, "error": error.text() if error else "",
               "reason": request.POST.get("reason", "") if failed else ""}
    return render(request, "conduct/recusals_pending.html", context, status=error.status if error else 200)


def recusals_pending(request):
    """District leaders and administrators see every official's recusal awaiting a decision (but their
    own) and decide it for the supervising leader (article 15 item 7)."""
    return _recusals_pending_page(request)


RECUSAL_HEADERS = [
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("Supervising leader"),
    gettext_lazy("Matter"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Origin"),
    gettext_lazy("Description"),
    gettext_lazy("Status"),
    pgettext_lazy("ledger column", "Filed at"),
]


def recusals_pending_xlsx(request):
    """The recusals awaiting a decision as the oversight page lists them (article 15 item 7), every page."""
    rows = (
        [
            recusal.official.person.name, recusal.official.unit.name,
            recusal.official.supervising_leader.person.name if recusal.official.supervising_leader else "",
            f"{recusal.matter_type}:{recusal.matter_id}",
            recusal.enterprise.name if recusal.enterprise else "",
            recusal.get_origin_display(), recusal.description, recusal.get_status_display(),
            recusal.created_at,
        ]
        for recusal in excel.each(selectors.recusals_pending_for_oversight(request.user))
    )
    return excel.ledger_response(gettext_lazy("Recusals to decide"), RECUSAL_HEADERS, rows)


@require_POST
@found_or_404
def recusal_oversee(request, pk):
    """Decide one recusal from the oversight list: 404 for an unknown one or the user's own, 409 when it
    was decided meanwhile; the refusal comes back on the list next to that recusal."""
    recusal = selectors.access_recusal_for_oversight(request.user, pk)
    decision = request.POST.get("decision")
    try:
        if decision not in ("approve", "reject"):
            raise ServiceError(
                _("Choose whether the official recuses or not."), code="required", field="decision"
            )
        services.recusal_decide(
            recusal=recusal,
            approve=decision == "approve",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ServiceError as error:
        return _recusals_pending_page(request, failed=recusal, error=error)
    messages.success(request, _("Decision recorded."))
    return redirect("conduct:recusals_pending")


# --- administrator: rules ---------------------------------------------------------------------------------
@found_or_404
def rules_edit(request):
    """The administrator sets the reception standard, working hours, gift period and near-limit share."""
    current = services.rules()
    initial = {name: getattr(current, name) for name in services.RULE_FIELDS}
    form = RulesForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            bind_error(form, error)
        else:
            messages.success(request, _("Conduct rules saved."))
            return redirect("conduct:rules_edit")
    return render(request, "conduct/rules_edit.html", {"form": form, "rules": current},
                  status=form_status(form))


# --- official: gifts, related persons, recusals ---------------------------------------------------------
@found_or_404
def my_gifts(request):
    official = _own_official(request)
    form = GiftForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["giver_enterprise"] = data.pop("giver_enterprise_code")
        try:
            services.gift_record(official=official, actor=request.user, **data)
            messages.success(request, _("Gift recorded."))
            return redirect("conduct:my_gifts")
        except ServiceError as error:
            bind_error(form, error)
    return render(request, "conduct/my_gifts.html", {"gifts": selectors.gifts_of(request.user), "form": form},
                  status=form_status(form))


@found_or_404
def gift_receipt(request, pk):
    return render(
        request, "conduct/gift_receipt.html", {"gift": selectors.gift_with_receipt(request.user, pk)}
    )


@found_or_404
def gift_receipt_pdf(request, pk):
    """The same receipt as a PDF to print and file (article 15 item 1)."""
    gift = selectors.gift_with_receipt(request.user, pk)
    response = HttpResponse(
        render_receipt_pdf(gift, base_url=request.build_absolute_uri("/")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="receipt-{gift.pk}.pdf"'
    return response


@require_POST
@found_or_404
def gift_hand_in(request, pk):
    gift = selectors.access_gift_for_hand_in(request.user, pk)
    try:
        gift = services.gift_hand_in(gift=gift, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return red_flags(request, refusal_of(request, "hand_in", error, row=gift.pk))
    return redirect("conduct:gift_receipt", pk=gift.pk)


@found_or_404
def my_related_persons(request):
    official = _own_official(request)
    refused = None
    if request.method == "POST" and "confirm" in request.POST:
        year_text = request.POST.get("year", "").strip()
        try:
            if year_text and not year_text.isdigit():
                raise ServiceError(_("Enter a whole number."), code="invalid", field="year")
            # the year the page showed: sent after midnight on 31 December, still that year's
            services.annual_confirm(official=official, actor=request.user,
                                    year=int(year_text) if year_text else None)
        except NotFound:
            raise
        except ServiceError as error:
            row = int(year_text) if year_text.isdigit() else None  # the year's own form on the page
            refused = refusal_of(request, "confirm", error, row=row)
        else:
            messages.success(request, _("Annual confirmation recorded."))
            return redirect("conduct:my_related_persons")
    form = DeclarationForm(None if refused else posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holdings = []
        if data["holding_code"]:
            holdings.append(
                {
                    "enterprise": data["holding_code"],
                    "role": data["holding_role"],
                    "share_percent": data["holding_share"],
                }
            )
        try:
            services.related_person_declare(
                official=official,
                name=data["name"],
                relationship=data["relationship"],
                resident_id=data["resident_id"],
                occupation=data["occupation"],
                changed_on=data["changed_on"],
                holdings=holdings,
                actor=request.user,
            )
            messages.success(request, _("Declaration recorded."))
            return redirect("conduct:my_related_persons")
        except ServiceError as error:
            bind_error(form, error)
    related = selectors.related_persons_of(official)
    confirmed = selectors.annual_confirmation(official)
    this_year = clock.today().year
    # every year not confirmed since the official's duty began, oldest first, each its own form naming it
    to_confirm = [(year, year < this_year) for year in selectors.unconfirmed_years(official)]
    return render(
        request,
        "conduct/my_related.html",
        {
            "year": this_year,
            "related": related,
            "form": form,
            "confirmed": confirmed,
            "to_confirm": to_confirm,
            "conflicts": selectors.own_conflicts(official),
            "refused": refusal_placed(refused, {("confirm", year) for year, _late in to_confirm}),
        },
        status=refused["status"] if refused else form_status(form),
    )


@found_or_404
def my_recusals(request):
    official = _own_official(request)
    refused = None
    if request.method == "POST" and "refuse" in request.POST:
        recusal = selectors.access_own_recusal(request.user, request.POST.get("refuse"))
        try:
            services.recusal_refuse(
                recusal=recusal, reason=request.POST.get("reason", ""), actor=request.user
            )
        except NotFound:
            raise
        except ServiceError as error:
            refused = refusal_of(request, "refuse", error, row=recusal.pk)
        else:
            messages.warning(
                request, _("Your refusal is recorded and sent to the discipline office (article 15 item 7).")
            )
            return redirect("conduct:my_recusals")
    form = RecusalForm(None if refused else posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recusal_report(
                official=official,
                matter_type=data["matter_type"],
                matter_id=data["matter_id"],
                enterprise=data["enterprise_code"],
                description=data["description"],
                apply=data["apply"],
                actor=request.user,
            )
            messages.success(request, _("Recorded."))
            return redirect("conduct:my_recusals")
        except ServiceError as error:
            bind_error(form, error)
    recusals = list(selectors.recusals_of(request.user))
    return render(
        request,
        "conduct/my_recusals.html",
        {
            "recusals": recusals,
            "form": form,
            "refused": refusal_placed(
                refused, {("refuse", row.pk) for row in recusals if row.status == "ordered"}
            ),
        },
        status=refused["status"] if refused else form_status(form),
    )


# --- discipline inspector -----------------------------------------------------------------------------
@found_or_404
def red_flags(request, refused: dict | None = None):
    """The office's red flags; after a refused hand-in, the same page with the rule beside that gift (4xx)."""
    flags = selectors.red_flags()
    missing = selectors.confirmations_missing().order_by("unit__code", "pk")
    flags["missing_confirmations"] = page = page_of(request, missing)  # the page's one long list, paged
    page.object_list = selectors.with_missing_years(page.object_list)  # each row's missing years
    flags["this_year"] = clock.today().year
    flags["refused"] = refusal_placed(refused, {("hand_in", gift.pk) for gift in flags["gifts_overdue"]})
    return render(request, "conduct/red_flags.html", flags, status=refused["status"] if refused else 200)


# The gift register (礼品礼金登记台账, 15.1): every official's gift records, for the discipline office.
def _gift_register_rows(request):
    """The register's filter form and its rows, or (form, None) when a filter is refused (on its field)."""
    form = GiftRegisterFilterForm(request.GET)
    return form, (selectors.gift_register(form.cleaned_data) if form.is_valid() else None)


def gift_register(request):
    """Every gift, red envelope, cash gift or security an official recorded, filtered, 50 a page."""
    form, rows = _gift_register_rows(request)
    context = {"form": form, "gifts": page_of(request, rows) if rows is not None else None}
    return render(request, "conduct/gift_register.html", context, status=200 if rows is not None else 400)


GIFT_REGISTER_HEADERS = [
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("date offered or received"),
    gettext_lazy("offered or received"),
    gettext_lazy("kind"),
    pgettext_lazy("gift giver", "From"),
    gettext_lazy("Description"),
    gettext_lazy("value (yuan)"),
    gettext_lazy("disposition"),
    gettext_lazy("handed in on"),
    gettext_lazy("receipt number"),
    gettext_lazy("Not handed in within the period"),
]


def gift_register_xlsx(request):
    """The gift register as .xlsx: the page's rows with its filters, every page."""
    form, rows = _gift_register_rows(request)
    if rows is None:
        return render(request, "conduct/gift_register.html", {"form": form, "gifts": None}, status=400)
    cells = (
        [
            gift.official.person.name, gift.official.unit.name, gift.occurred_on,
            gift.get_direction_display(), gift.get_kind_display(), gift.giver_masked, gift.description_masked,
            gift.value,
            gift.get_disposition_display(), gift.handed_in_on, gift.receipt_number, excel.yes_no(gift.late),
        ]
        for gift in excel.each(rows)
    )
    return excel.ledger_response(pgettext_lazy("ledger name", "Gift register"), GIFT_REGISTER_HEADERS, cells)


@found_or_404
def leads(request):
    leads = selectors.leads().order_by("-created_at", "-pk")
    return render(request, "conduct/leads.html", {"leads": page_of(request, leads)})


DECLARATION_FILTERS = (
    ("differ", gettext_lazy("Name differs from the record")),
    ("resolved", gettext_lazy("Name difference resolved")),
)


@found_or_404
def declarations(request):
    """Every related-person declaration for the discipline office; ``?names=differ``: those declared under a
    name that is not the name of record of the person holding the resident ID, to resolve (both names
    shown: this page is the discipline office's and the administrators'). A POST (``resolve``: the
    declaration, ``note``) records how one was resolved."""
    refused = None
    if request.method == "POST":
        pk = request.POST.get("resolve", "").strip()
        try:
            if not pk.isdigit():
                raise ServiceError(_("Choose the declaration to resolve."), code="required", field="resolve")
            services.declaration_name_resolve(
                declaration=selectors.access_declaration(pk), note=request.POST.get("note", ""),
                actor=request.user,
            )
        except NotFound:
            raise
        except ServiceError as error:
            refused = refusal_of(request, "resolve", error, row=int(pk) if pk.isdigit() else None)
        else:
            messages.success(request, _("Resolution recorded."))
            return redirect(request.get_full_path())
    names, filter_refusal = filter_choice(request, "names", DECLARATION_FILTERS)
    page = page_of(request, selectors.declarations(names=names))
    page.object_list = selectors.with_holdings(page.object_list)
    shown = {("resolve", d.pk) for d in page.object_list if d.name_differs and d.name_resolved_at is None}
    refusal = filter_refusal or refused
    return render(
        request,
        "conduct/declarations.html",
        {
            "declarations": page,
            "names": names,
            "filters": DECLARATION_FILTERS,
            "filter_refusal": filter_refusal,
            "refused": refusal_placed(refused, shown),
            "to_resolve": selectors.declarations(names="differ").count(),
        },
        status=refusal["status"] if refusal else 200,
    )


DECLARATION_HEADERS = [
    gettext_lazy("Declared on"),
    gettext_lazy("declared late"),
    gettext_lazy("Official"),
    gettext_lazy("Unit"),
    gettext_lazy("Name as declared"),
    gettext_lazy("Name of record"),
    gettext_lazy("Relationship"),
    gettext_lazy("Resident ID number"),
    gettext_lazy("Change happened on"),
    gettext_lazy("declared holdings and offices"),
    gettext_lazy("Resolution"),
]


def declarations_xlsx(request):
    """The related-person declarations as the page lists them (its ``names`` filter), every page, each with
    the holdings and offices declared; the resident ID masked as on the page."""
    names, filter_refusal = filter_choice(request, "names", DECLARATION_FILTERS)
    if filter_refusal:
        return declarations(request)  # the page, the refused filter named on it (400)

    def rows():
        for chunk in excel.in_chunks(selectors.declarations(names=names)):
            for row in selectors.with_holdings(chunk):
                person = row.related_person.person
                yield [
                    row.declared_on, excel.yes_no(row.is_late), row.official.person.name,
                    row.official.unit.name, row.declared_name or person.name, person.name,
                    row.related_person.get_relationship_display(), person.masked_resident_id,
                    row.changed_on, "；".join(row.holdings_shown), row.name_resolution,
                ]

    name = pgettext_lazy("ledger name", "Related-person declarations")
    return excel.ledger_response(name, DECLARATION_HEADERS, rows())


@found_or_404
def conflicts(request):
    from .conflicts import screen

    conflicts = page_of(request, screen())  # a list, in the statement's order (official, enterprise, person…)
    return render(request, "conduct/conflicts.html", {"conflicts": conflicts})


# --- enterprises: integrity pledge ---------------------------------------------------------------------
@found_or_404
def pledge_sign(request):
    enterprise = selectors.pledge_enterprise(request.user)
    requirements = _policy_items(ENTERPRISE_RULES)
    form = PledgeForm(posted(request), requirements=requirements)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_sign(enterprise=enterprise, signatory_name=form.cleaned_data["signatory_name"],
                                 accepted=form.cleaned_data["accepted"], actor=request.user)
            messages.success(request, _("Integrity pledge signed."))
            return redirect("conduct:pledge_sign")
        except ServiceError as error:
            bind_error(form, error)
    return render(
        request,
        "conduct/pledge.html",
        {
            "form": form,
            "enterprise": enterprise,
            "signed_on": selectors.pledge_signed(enterprise),
            "requirements": requirements,
        },
        status=form_status(form),
    )


@found_or_404
def pledges(request):
    pledges = selectors.signed_pledges().order_by("-signed_on", "pk")
    return render(request, "conduct/pledges.html", {"pledges": page_of(request, pledges)})


