"""Supervision pages: thin (parse, call a service or selector, render). Access is declared in access.py."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qinqing.core import clock, excel, workflow
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import filter_choice, refusal_of, refusal_placed
from qinqing.core.paging import page_of

from . import selectors, services
from .models import Behaviour, Category, Channel, Disposal, Finding, Form, MessageKind, Status
from .time_limits import RETENTION_WARNING


def _files(request) -> list[tuple[str, str, bytes]]:
    return [(f.name, f.content_type or "", f.read()) for f in request.FILES.getlist("attachments")]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(request, name: str, label):
    """The ISO date posted in ``name``; None when left empty; refused (naming the field) when unreadable."""
    import datetime

    value = (request.POST.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ServiceError(
            _("%(field)s: enter a date such as 2026-11-30."),
            code="invalid_date",
            field=name,
            params={"field": label},
        ) from error


def _date_input(name: str, value, **attrs) -> str:
    """The date control every form uses (core.forms.DateInput: an ISO value whatever the language)."""
    from qinqing.core.forms import DateInput

    return DateInput(attrs={"id": f"id_{name}", **attrs}).render(name, value or None)


PUBLIC_CATEGORIES = Category.choices
STAFF_CHANNELS = [
    (c.value, c.label) for c in (Channel.LETTER, Channel.PHONE, Channel.VISIT, Channel.WECHAT, Channel.SMS)
]


def _units():
    from qinqing.directory.models import Unit

    return Unit.objects.order_by("code", "pk").only("pk", "name")


def _unit(value):
    from qinqing.directory.models import Unit

    pk = _int(value)
    return Unit.objects.filter(pk=pk).first() if pk else None


# --- public -------------------------------------------------------------------------------------------------


@never_cache
def report_new(request):
    context = {"categories": PUBLIC_CATEGORIES, "units": _units(), "values": request.POST, "error": None,
               "accept_days": services.deadlines().accept_days}  # the discipline office's time limit
    if request.method == "POST":
        try:
            report, code = services.report_submit(
                text=request.POST.get("text", ""),
                category=request.POST.get("category", ""),
                real_name=request.POST.get("real_name") == "1",
                reporter_name=request.POST.get("reporter_name", ""),
                reporter_contact=request.POST.get("reporter_contact", ""),
                subject_text=request.POST.get("subject_text", ""),
                unit=_unit(request.POST.get("unit")),
                client=services.client_of(request),
                attachments=_files(request),
            )
        except ServiceError as error:
            context["error"] = error
            return render(request, "supervision/report_new.html", context, status=error.status)
        return filed_answer(request, report, code)
    return render(request, "supervision/report_new.html", context)


FILED_SESSION_KEY = "supervision_filed"


def filed_answer(request, report, code: str, *, staff: bool = False):
    """After a filing, a redirect to the receipt page (Post/Redirect/Get: reloading it files nothing, and
    a double click or a form sent again meets this redirect, core.idempotency). The code is never in a
    URL: this browser's session holds it, sealed under the supervision key ring like the report, until the
    session ends."""
    from . import keys

    request.session[FILED_SESSION_KEY] = {"report": report.pk, "code": keys.seal(code), "staff": staff}
    return redirect("supervision:report_filed")


@never_cache
def report_filed(request):
    """The receipt page of the report this browser filed last: its number and receipt code."""
    from . import keys
    from .models import Report

    filed = request.session.get(FILED_SESSION_KEY) or {}
    report = Report.objects.filter(pk=filed.get("report")).first()
    if report is None:
        return redirect("supervision:report_new")
    return render(request, "supervision/report_filed.html",
                  {"code": keys.unseal(filed["code"]), "report": report, "staff": filed.get("staff", False)})


FOLLOWED_SESSION_KEY = "supervision_followed"


def _following(context: dict, report) -> None:
    context["report"] = report
    context["messages_list"] = list(report.messages.all())


@never_cache
def report_status(request):
    """Follow a report with its receipt code; the reporter adds information. An addition answers a redirect
    (Post/Redirect/Get: a reload adds nothing twice) to this page with ``?added=1``, the code sealed in the
    session as on the receipt page; refused, the report is shown again with what was typed."""
    from . import keys

    context = {"report": None, "error": None, "code": "", "values": {}}
    client = services.client_of(request)
    if request.method == "POST":
        code = request.POST.get("code", "")
        context["code"] = code
        if request.POST.get("body", "").strip():
            try:
                services.reporter_add(
                    code=code,
                    body=request.POST["body"],
                    client=client,
                    answer=request.POST.get("answer") == "1",
                    attachments=_files(request),
                )
            except ServiceError as error:
                context["error"] = error
                if error.field != "code":  # the code opened the report: show it with the form as typed
                    context["values"] = request.POST
                    with contextlib.suppress(ServiceError):  # too many look-ups: the refusal alone
                        _following(context, services.report_by_code(code, client=client))
                return render(request, "supervision/report_status.html", context, status=error.status)
            request.session[FOLLOWED_SESSION_KEY] = keys.seal(code)
            return redirect(reverse("supervision:report_status") + "?added=1")
        try:
            report = services.report_by_code(code, client=client)
        except ServiceError as error:
            context["error"] = error
            return render(request, "supervision/report_status.html", context, status=error.status)
        _following(context, report)
    elif request.GET.get("added") and request.session.get(FOLLOWED_SESSION_KEY):
        code = keys.unseal(request.session[FOLLOWED_SESSION_KEY])
        try:
            _following(context, services.report_by_code(code, client=client))
        except ServiceError as error:
            context["error"] = error
            return render(request, "supervision/report_status.html", context, status=error.status)
        context.update(code=code, added=True)
    return render(request, "supervision/report_status.html", context)


# --- the office ---------------------------------------------------------------------------------------------


def queue(request, refusal: dict | None = None):
    """The queue; after a refused assignment, the same page with the refusal in that row (4xx)."""
    status, filter_refusal = filter_choice(request, "status", Status.choices)
    priority_only = request.GET.get("priority") == "1"
    rows = page_of(request, selectors.queue(request.user, status=status, priority_only=priority_only))
    refusal = refusal_placed(refusal, {("assign", row.pk) for row in rows})
    return render(
        request,
        "supervision/queue.html",
        {
            "rows": rows,
            "statuses": Status.choices,
            "status": status,
            "priority_only": priority_only,
            "inspectors": selectors.inspectors(),
            "notices": page_of(request, selectors.my_notices(request.user), param="notices_page"),
            "refusal": refusal,
            "filter_refusal": filter_refusal,
        },
        status=(refusal or filter_refusal or {}).get("status", 200),
    )


@never_cache
def intake(request):
    context = {
        "categories": PUBLIC_CATEGORIES,
        "channels": STAFF_CHANNELS,
        "units": _units(),
        "values": request.POST,
        "error": None,
    }
    if request.method == "POST":
        try:
            report, code = services.report_submit(
                text=request.POST.get("text", ""),
                category=request.POST.get("category", ""),
                real_name=request.POST.get("real_name") == "1",
                reporter_name=request.POST.get("reporter_name", ""),
                reporter_contact=request.POST.get("reporter_contact", ""),
                subject_text=request.POST.get("subject_text", ""),
                unit=_unit(request.POST.get("unit")),
                channel=request.POST.get("channel", ""),
                attachments=_files(request),
                actor=request.user,
                rate_limited=False,
            )
        except ServiceError as error:
            context["error"] = error
            return render(request, "supervision/intake.html", context, status=error.status)
        return filed_answer(request, report, code, staff=True)
    return render(request, "supervision/intake.html", context)


@require_POST
@found_or_404
def report_assign(request, pk):
    from django.contrib.auth import get_user_model

    report = selectors.report_meta_for(request.user, pk)
    inspector = get_user_model().objects.filter(pk=_int(request.POST.get("inspector"))).first()
    if inspector is None:
        return queue(request, refusal_of(request, "assign", field="inspector", text=_("Choose an inspector."),
                                       row=report.pk))
    try:
        services.assign(report=report, inspector=inspector, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return queue(request, refusal_of(request, "assign", error, row=report.pk))
    messages.success(request, _("Report %(number)s assigned.") % {"number": report.number})
    return redirect("supervision:queue")


@never_cache
@found_or_404
def report_detail(request, pk, refusal: dict | None = None):
    """The sealed report; after a refused action, the same page with the refusal in the form it came
    from and what was typed kept (4xx)."""
    report = selectors.report_for(request.user, pk)
    services.report_read(report=report, actor=request.user)
    actions = workflow.allowed_actions(services.REPORT_WORKFLOW, request.user, report)
    shown = {*actions, "message", "category", "subject", "handover"}
    if report.status == Status.CASE:
        shown.add("outcome")
    if report.status in (Status.RECEIVED, Status.ACCEPTED) and report.channel != Channel.CONDUCT:
        shown.add("to_appeals")  # as report_detail.html shows its forms
    refusal = refusal_placed(refusal, {(action, None) for action in shown})
    official_field, enterprise_field = _subject_fields()
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "messages_list": list(report.messages.select_related("author", "notification")),
            "attachments": list(report.attachments.only("pk", "content_type", "size", "name", "message_id")),
            "assignees": selectors.assignees(report),
            "inspectors": selectors.inspectors(),
            "actions": actions,
            "disposals": [(d.value, d.label) for d in (Disposal.TALK_INQUIRY, Disposal.PRELIMINARY)],
            "findings": Finding.choices,
            "forms": Form.choices,
            "categories": Category.choices,
            "behaviours": Behaviour.choices,
            "message_kinds": [(k.value, k.label) for k in (MessageKind.REPLY, MessageKind.QUESTION)],
            "outcomes": list(report.outcomes.select_related("official__person", "unit")),
            "subject_official": official_field.prepare_value(report.subject_official),
            "subject_enterprise": enterprise_field.prepare_value(report.subject_enterprise),
            "refusal": refusal,
        },
        status=refusal["status"] if refusal else 200,
    )


ACTIONS = {
    "accept": lambda r, p, u: services.report_accept(report=r, actor=u),
    "decline": lambda r, p, u: services.report_decline(report=r, reason=p.get("reason", ""), actor=u),
    "dispose": lambda r, p, u: services.report_dispose(report=r, disposal=p.get("disposal", ""), actor=u),
    "set_aside": lambda r, p, u: services.report_set_aside(report=r, reason=p.get("reason", ""), actor=u),
    "resume": lambda r, p, u: services.report_resume(report=r, disposal=p.get("disposal", ""), actor=u),
    "conclude": lambda r, p, u: services.report_conclude(
        report=r, finding=p.get("finding", ""), conclusion=p.get("conclusion", ""), actor=u
    ),
    "close": lambda r, p, u: services.report_close(report=r, conclusion=p.get("conclusion", ""), actor=u),
    "open_case": lambda r, p, u: services.report_open_case(report=r, actor=u),
    "close_case": lambda r, p, u: services.report_close_case(report=r, actor=u),
    "send_result": lambda r, p, u: services.report_send_result(report=r, text=p.get("text", ""), actor=u),
}


def _chosen(field, post, name: str):
    """A directory record named in a text box (directory.forms.EnterpriseField / OfficialField), or the
    field's refusal as a ServiceError on ``name``."""
    from django.core.exceptions import ValidationError

    try:
        return field.clean(post.get(name, ""))
    except ValidationError as error:
        raise ServiceError(error.messages[0], code="invalid", field=name) from error


def _subject_fields():
    from qinqing.directory.forms import EnterpriseField, OfficialField
    from qinqing.directory.models import Enterprise

    # any enterprise, even one since closed: the report is about what it did
    return OfficialField(required=False), EnterpriseField(required=False, queryset=Enterprise.objects.all())


def _done(request, pk, call, success, action: str):
    """Run a report's action: done, back to the report (PRG); refused, the report's page again with the
    refusal in ``action``'s form and what was typed kept."""
    try:
        call()
    except NotFound:
        raise
    except ServiceError as error:
        return report_detail(request, pk, refusal=refusal_of(request, action, error))
    messages.success(request, success)
    return redirect("supervision:report_detail", pk=pk)


@require_POST
@found_or_404
def report_act(request, pk, action):
    report = selectors.report_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    return _done(request, pk, lambda: ACTIONS[action](report, request.POST, request.user), _("Done."), action)


@require_POST
@found_or_404
def report_message(request, pk):
    report = selectors.report_for(request.user, pk)
    return _done(
        request,
        pk,
        lambda: services.message_send(
            report=report,
            kind=request.POST.get("kind", ""),
            body=request.POST.get("body", ""),
            actor=request.user,
        ),
        _("Message left for the reporter; they read it with their receipt code."),
        "message",
    )


@require_POST
@found_or_404
def report_subject(request, pk):

    report = selectors.report_for(request.user, pk)
    official_field, enterprise_field = _subject_fields()
    return _done(
        request,
        pk,
        lambda: services.link_subject(
            report=report,
            official=_chosen(official_field, request.POST, "official"),
            enterprise=_chosen(enterprise_field, request.POST, "enterprise"),
            actor=request.user,
        ),
        _("Subject recorded."),
        "subject",
    )


@require_POST
@found_or_404
def report_outcome(request, pk):
    report = selectors.report_for(request.user, pk)
    return _done(
        request,
        pk,
        lambda: services.outcome_record(
            report=report,
            form=request.POST.get("form", ""),
            measure=request.POST.get("measure", ""),
            behaviours=request.POST.getlist("behaviours"),
            actor=request.user,
        ),
        _("Outcome recorded."),
        "outcome",
    )


@require_POST
@found_or_404
def report_handover(request, pk):
    from django.contrib.auth import get_user_model

    report = selectors.report_for(request.user, pk)
    to = get_user_model().objects.filter(pk=_int(request.POST.get("to_inspector"))).first()
    if to is None:
        refusal = refusal_of(request, "handover", field="to_inspector", text=_("Choose an inspector."))
        return report_detail(request, pk, refusal=refusal)
    try:
        services.handover(report=report, from_inspector=request.user, to_inspector=to, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return report_detail(request, pk, refusal=refusal_of(request, "handover", error))
    messages.success(request, _("Report handed over."))
    return redirect("supervision:queue")


@found_or_404
def attachment(request, pk, attachment_id):
    report = selectors.report_for(request.user, pk)
    row = report.attachments.filter(pk=attachment_id).first()
    if row is None:
        raise Http404
    services.report_read(report=report, actor=request.user, what=f"attachment {row.pk}")
    response = HttpResponse(services.attachment_bytes(row), content_type=row.content_type)
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "no-store"
    return response


def rotation(request):
    from django.contrib.auth import get_user_model

    if request.method == "POST":
        users = get_user_model().objects
        source = users.filter(pk=_int(request.POST.get("from_inspector"))).first()
        target = users.filter(pk=_int(request.POST.get("to_inspector"))).first()
        refusal = None
        if source is None or target is None or source == target:
            field = "from_inspector" if source is None else "to_inspector"
            refusal = refusal_of(request, "rotation", field=field, text=_("Choose two different inspectors."))
        else:
            try:
                count = services.handover_all(from_inspector=source, to_inspector=target, actor=request.user)
            except ServiceError as error:
                refusal = refusal_of(request, "rotation", error)
            else:
                messages.success(request, _("%(count)s report(s) handed over.") % {"count": count})
                return redirect("supervision:rotation")
        return render(
            request,
            "supervision/rotation.html",
            {"inspectors": selectors.inspectors(), "refusal": refusal},
            status=refusal["status"],
        )
    return render(request, "supervision/rotation.html", {"inspectors": selectors.inspectors()})


def reminders(request, refusal: dict | None = None):
    """The reminder talks; after a refused follow-up, the same page with the refusal in that row (4xx)."""
    from qinqing.directory.forms import OfficialField

    error = None
    if request.method == "POST" and refusal is None:
        try:
            required = {"required": _("Choose the official.")}
            official = _chosen(OfficialField(error_messages=required), request.POST, "official")
            days = request.POST.get("follow_up_days", "")
            services.reminder_create(
                official=official,
                concern=request.POST.get("concern", ""),
                talk_on=_date(request, "talk_on", _("Talk held on")),
                follow_up_days=_int(days) if days.strip() else 20,
                actor=request.user,
            )
        except ServiceError as error_:
            error = error_
        else:
            messages.success(request, _("Reminder talk recorded; the follow-up is due on the date shown."))
            return redirect("supervision:reminders")
    rows = page_of(request, selectors.reminders(request.user))
    return render(
        request,
        "supervision/reminders.html",
        {
            "rows": rows,
            "error": error,
            "values": {} if refusal else request.POST,
            "talk_on_input": _date_input(
                "talk_on", None if refusal else request.POST.get("talk_on"), max=str(clock.today())
            ),
            "refusal": refusal_placed(refusal, {("follow_up", row.pk) for row in rows}),
        },
        status=refusal["status"] if refusal else 400 if error else 200,
    )


@require_POST
@found_or_404
def reminder_follow_up(request, pk):
    row = selectors.reminder_for(request.user, pk)
    try:
        services.reminder_follow_up(reminder=row, note=request.POST.get("follow_up", ""), actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return reminders(request, refusal_of(request, "follow_up", error, row=row.pk))
    messages.success(request, _("Follow-up recorded."))
    return redirect("supervision:reminders")


def _labelled(counter, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return [(str(labels.get(key, key or "—")), count) for key, count in counter.most_common()]


def _count_chart(chart_id: str, title, description, rows: list[tuple[str, int]]):
    """Horizontal bars of counts (the appeals dashboard's SVG helper): whole-number ticks, as the
    axis spans four equal whole steps."""
    from qinqing.appeals.dashboard import charts

    ticks = charts.nice_ticks(max([count for _label, count in rows] or [0]))
    step = ticks[1] if len(ticks) > 1 else 1
    return charts.bar_chart(
        chart_id=chart_id, title=title, description=description, rows=rows, maximum=step * 4, suffix=""
    )


def _charts(data: dict, by_channel, by_category, by_form) -> dict:
    from qinqing.appeals.dashboard import charts

    months = sorted(data["by_month"])[-12:]
    table_note = _("The table below gives the same figures.")
    return {
        "month_chart": charts.column_chart(
            chart_id="chart-months",
            title=_("Reports received per month"),
            description=_(
                "Bars per month of receipt: all reports, real-name reports of collusion or inaction "
                "(priority), and those of them verified. %(note)s"
            )
            % {"note": table_note},
            categories=months,
            unit=_("Reports (number)"),
            series=[
                charts.Series(_("All reports"), [data["by_month"][m] for m in months], "received"),
                # short legend names (the legend gives each 170 units); the caption and table say more
                charts.Series(_("Priority"), [data["by_month_priority"][m] for m in months], "priority"),
                charts.Series(
                    _("Priority verified"), [data["by_month_verified"][m] for m in months], "verified"
                ),
            ],
        ),
        "channel_chart": _count_chart(
            "chart-channels",
            _("Reports by channel (number)"),
            _("One bar per channel: the number of reports received through it. %(note)s")
            % {"note": table_note},
            by_channel,
        ),
        "category_chart": _count_chart(
            "chart-categories",
            _("Reports by category (number)"),
            _("One bar per category: the number of reports about it. %(note)s") % {"note": table_note},
            by_category,
        ),
        "form_chart": _count_chart(
            "chart-forms",
            _("Outcomes by form (number, article 18)"),
            _("One bar per form of the four forms: the number of outcomes recorded. %(note)s")
            % {"note": table_note},
            by_form,
        ),
    }


def dashboard(request):
    from qinqing.appeals.models import NotificationStatus

    data = selectors.figures()
    rate = data["verification_rate"]
    by_channel = _labelled(data["by_channel"], Channel.choices)
    by_category = _labelled(data["by_category"], Category.choices)
    by_form = [(str(label), data["by_form"].get(value, 0)) for value, label in Form.choices]  # all four
    return render(
        request,
        "supervision/dashboard.html",
        {
            **_charts(data, by_channel, by_category, by_form),
            "outbound": _labelled(data["outbound"], NotificationStatus.choices),
            "by_month_rows": [
                (m, data["by_month"][m], data["by_month_priority"][m], data["by_month_verified"][m])
                for m in sorted(data["by_month"])
            ],
            "data": data,
            "rate": None if rate is None else round(rate * 100, 1),
            "overdue": selectors.overdue(),
            "retention": page_of(request, services.retention_due(), param="retention_page"),
            "retention_days": RETENTION_WARNING.value(),  # the administrator's warning period
            "reminders_due": page_of(request, selectors.reminders_due(), param="reminders_page"),
            "by_channel": by_channel,
            "by_category": by_category,
            "by_unit": _labelled(data["by_unit"], []),
            "by_month": sorted(data["by_month"].items()),
            "by_status": _labelled(data["by_status"], Status.choices),
            "by_form": by_form,
            "by_behaviour": _labelled(data["by_behaviour"], Behaviour.choices),
        },
    )


EXPORT_HEADERS = [
    "编号",
    "渠道",
    "类别",
    "实名",
    "优先办理",
    "涉及单位",
    "状态",
    "处置方式",
    "收到日期",
    "受理告知期限",
    "受理日期",
    "核查期限",
    "核查结论日期",
    "核查结果",
    "结果反馈期限",
    "结果反馈日期",
    "四种形态",
]


def export(request):
    return excel.xlsx_response(
        "supervision-reports.xlsx", EXPORT_HEADERS, selectors.export_rows(), sheet_title="举报"
    )


def deadlines(request):
    row = services.deadlines()
    error = None
    if request.method == "POST":
        try:
            row = services.deadlines_update(
                accept_days=_int(request.POST.get("accept_days")),
                result_days=_int(request.POST.get("result_days")),
                verify_days=_int(request.POST.get("verify_days")),
                actor=request.user,
            )
        except ServiceError as error_:
            error = error_
        else:
            messages.success(
                request, _("Deadline defaults saved; they apply to reports received from now on.")
            )
            return redirect("supervision:deadlines")
    return render(
        request, "supervision/deadlines.html", {"row": row, "error": error}, status=400 if error else 200
    )


# --- inspections and exposure (article 18.5) ----------------------------------------------------------------


def inspections(request, refusal: dict | None = None):
    """Plan inspections; after refused findings, the same page with the refusal in that row (4xx)."""
    from .models import InspectionKind

    error = None
    if request.method == "POST" and refusal is None:
        try:
            planned = _date(request, "planned_on", _("Planned for"))
            unit = _unit(request.POST.get("unit"))
            if unit is None:
                raise ServiceError(_("Choose the unit."), field="unit")
            services.inspection_plan(
                unit=unit,
                kind=request.POST.get("kind", ""),
                theme=request.POST.get("theme", ""),
                planned_on=planned,
                actor=request.user,
            )
        except ServiceError as error_:
            error = error_
        else:
            messages.success(request, _("Inspection planned."))
            return redirect("supervision:inspections")
    return render(
        request,
        "supervision/inspections.html",
        {
            "ranking": selectors.unit_signals(),
            "rows": (rows := page_of(request, selectors.inspections(request.user))),
            "units": _units(),
            "kinds": InspectionKind.choices,
            "error": error,
            "values": {} if refusal else request.POST,
            "planned_on_input": _date_input(
                "planned_on", None if refusal else request.POST.get("planned_on"), required=True
            ),
            "refusal": refusal_placed(refusal, {("findings", row.pk) for row in rows}),
        },
        status=refusal["status"] if refusal else 400 if error else 200,
    )


@require_POST
@found_or_404
def inspection_findings(request, pk):
    row = selectors.inspection_for(request.user, pk)
    try:
        services.inspection_findings(
            inspection=row, findings=request.POST.get("findings", ""), actor=request.user
        )
    except NotFound:
        raise
    except ServiceError as error:
        return inspections(request, refusal_of(request, "findings", error, row=row.pk))
    messages.success(request, _("Findings recorded."))
    return redirect("supervision:inspections")


def cases(request, refusal: dict | None = None):
    """Draft typical cases; after a refused publication, the same page with the refusal in that row (4xx)."""
    error = None
    if request.method == "POST" and refusal is None:
        try:
            services.case_draft(title=request.POST.get("title", ""), body=request.POST.get("body", ""),
                                behaviours=request.POST.getlist("behaviours"), actor=request.user)
        except ServiceError as error_:
            error = error_
        else:
            messages.success(request, _("Draft saved; another inspector approves the publication."))
            return redirect("supervision:cases")
    return render(
        request,
        "supervision/cases.html",
        {
            "rows": (rows := page_of(request, selectors.cases_for_office(request.user))),
            "error": error,
            "values": {} if refusal else request.POST,
            "chosen_behaviours": [] if refusal else request.POST.getlist("behaviours"),
            "behaviours": Behaviour.choices,
            "refusal": refusal_placed(refusal, {("publish", row.pk) for row in rows}),
        },
        status=refusal["status"] if refusal else 400 if error else 200,
    )


@require_POST
@found_or_404
def case_publish(request, pk):
    row = selectors.case_for(request.user, pk)
    try:
        services.case_publish(case=row, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return cases(request, refusal_of(request, "publish", error, row=row.pk))
    messages.success(request, _("Published on the public portal."))
    return redirect("supervision:cases")


def public_cases(request):
    labels = dict(Behaviour.choices)
    page = page_of(request, selectors.published_cases())
    rows = [
        {"case": case, "labels": [labels.get(b, b) for b in case.behaviours]} for case in page.object_list
    ]
    return render(request, "supervision/public_cases.html", {"page": page, "rows": rows})


def transfers(request):
    from . import transfer

    error = None
    if request.method == "POST":
        try:
            report = transfer.transfer_from_appeal(
                tracking_number=request.POST.get("tracking_number", ""),
                category=request.POST.get("category", ""),
                actor=request.user,
            )
        except ServiceError as error_:
            error = error_
        else:
            messages.success(
                request,
                _("Moved to supervision as report %(number)s; nothing of it is left in the appeals pool.")
                % {"number": report.number},
            )
            return redirect("supervision:transfers")
    return render(
        request,
        "supervision/transfers.html",
        {
            "rows": page_of(request, transfer.transferable_appeals().select_related("handling_unit")),
            "categories": PUBLIC_CATEGORIES,
            "error": error,
            "values": request.POST,
        },
        status=error.status if error else 200,
    )


@require_POST
@found_or_404
def report_to_appeals(request, pk):
    from . import transfer

    report = selectors.report_for(request.user, pk)
    try:
        appeal = transfer.transfer_to_appeals(report=report, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        return report_detail(request, pk, refusal=refusal_of(request, "to_appeals", error))
    messages.success(
        request,
        _("Moved to the appeals pool as %(number)s; nothing of it is left in supervision.")
        % {"number": appeal.tracking_number},
    )
    return redirect("supervision:queue")


@require_POST
@found_or_404
def report_category(request, pk):
    report = selectors.report_for(request.user, pk)
    return _done(
        request,
        pk,
        lambda: services.report_recategorise(
            report=report, category=request.POST.get("category", ""), actor=request.user
        ),
        _("Category recorded."),
        "category",
    )
