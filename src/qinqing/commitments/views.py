"""Commitments pages: thin (parse, call a service or selector, render). Access is in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.core import clock, district, excel
from qinqing.core.errors import NotFound, ServiceError, found_or_404
from qinqing.core.forms import LedgerImportForm, bind_error, form_status, imported, posted
from qinqing.core.imports import ImportQueued
from qinqing.core.paging import page_of
from qinqing.core.roles import Role, has_role
from qinqing.core.tabular import template_headers
from qinqing.directory.selectors import unit_for_user

from . import access, documents, forms, importing, selectors, services
from .models import Scope, Status, Support

NOTICES_SHOWN = 50  # the memorandum page's deadline notices; ?notices=all pages every one



def _is_body(user) -> bool:
    return has_role(user, Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR)


def commitment_list(request):
    body = _is_body(request.user) and unit_for_user(request.user) is not None
    form = forms.CommitmentForm(posted(request)) if body else None
    status, refusal = 200, ""
    if request.method == "POST":
        status = 400
        if form is None:
            status, refusal = 403, _("Only a unit's handler registers its commitments.")
        elif form.is_valid():
            try:
                row = services.commitment_register(
                    unit=unit_for_user(request.user), actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                bind_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Registered."))
                return redirect("commitments:detail", pk=row.pk)
    notices = selectors.my_notices(request.user)
    if request.GET.get("notices") == "all":  # every deadline notice of the last 30 days, paged
        return render(
            request, "commitments/list.html", {"all_notices": page_of(request, notices)}, status=status
        )
    shown = list(notices[: NOTICES_SHOWN + 1])  # one more than shown: the page says when there are more
    return render(
        request,
        "commitments/list.html",
        {
            "rows": page_of(request, selectors.commitments(request.user).order_by("deadline", "pk")),
            "form": form,
            "refusal": refusal,
            "today": clock.today(),
            "notices": shown[:NOTICES_SHOWN],
            "more_notices": len(shown) > NOTICES_SHOWN,
        },
        status=status,
    )


def overdue(request):
    return render(
        request,
        "commitments/overdue.html",
        {"rows": page_of(request, selectors.overdue(request.user)), "today": clock.today()},
    )


def mine(request):
    rows = selectors.commitments(request.user).order_by("deadline", "pk")
    return render(request, "commitments/mine.html", {"rows": page_of(request, rows)})


def _detail_page(request, row, *, status=200, error=None):
    user = request.user
    enterprise = has_role(user, Role.ENTERPRISE_USER)
    return render(
        request,
        "commitments/detail.html",
        {
            "row": row,
            "milestones": row.milestones.all(),
            "notes": row.notes.all(),
            "flags": row.flags.select_related("appeal"),
            "decisions": row.decisions.all(),
            # every alert: one per kind (3) and deadline; a deadline moves only by an approved change
            "alerts": row.alerts.prefetch_related("notices__recipient", "notices__notification"),
            "documents": row.attachments.all(),
            "is_enterprise": enterprise,
            "is_unit": not enterprise and services.is_unit_handler(user, row),
            "is_approver": not enterprise and services.is_approver(user, row),
            "may_breach": not enterprise and services.is_watcher_or_unit(user, row),
            "scopes": Scope.choices,
            "error": error,
            "Status": Status,
        },
        status=status,
    )


@found_or_404
def detail(request, pk: int):
    return _detail_page(request, selectors.commitment_for(request.user, pk))


@found_or_404
def decision_letter(request, pk: int):
    """A change approved or a breach determined, as a printable letter to the enterprise: the commitment's
    readers (the enterprise it was made to, the responsible unit, the discipline office); 404 otherwise."""
    from qinqing.core.letters import pdf_response

    from . import letters

    row = selectors.decision_for(request.user, pk)
    pdf = letters.decision_pdf(row, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, letters.decision_filename(row))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@found_or_404
def act(request, pk: int):
    row = selectors.commitment_for(request.user, pk)
    post, user = request.POST, request.user
    step = post.get("step", "")
    try:
        if step == "flag":
            flag = services.breach_flag(commitment=row, text=post.get("text", ""), actor=user)
            messages.success(
                request, _("Filed as appeal %(number)s.") % {"number": flag.appeal.tracking_number}
            )
            return redirect("commitments:detail", pk=row.pk)
        if step == "start":
            services.commitment_start(commitment=row, actor=user)
        elif step == "progress":
            services.commitment_progress(
                commitment=row, text=post.get("text", ""), progress=post.get("progress"), actor=user
            )
        elif step == "request_change":
            services.commitment_request_change(
                commitment=row,
                reason=post.get("reason", ""),
                new_deadline=post.get("new_deadline") or None,
                actor=user,
            )
        elif step in ("approve_change", "refuse_change"):
            services.commitment_decide_change(
                commitment=row, approve=step == "approve_change", text=post.get("text", ""), actor=user
            )
        elif step in ("fulfil", "breach"):
            services.commitment_close(
                commitment=row, fulfilled=step == "fulfil", outcome=post.get("outcome", ""), actor=user
            )
        elif step == "publish":
            services.commitment_publish(commitment=row, scope=post.get("scope", ""), actor=user)
        elif step == "attach":
            documents.commitment_attach(
                commitment=row,
                uploads=request.FILES.getlist("attachments"),
                public=post.get("public") == "on",
                actor=user,
            )
        elif step == "document_public":
            document = row.attachments.filter(pk=_int(post.get("document"))).first()
            if document is None:
                raise NotFound()
            documents.mark_public(attachment=document, public=post.get("public") == "on", actor=user)
        elif step == "milestone":
            services.milestone_add(
                commitment=row, title=post.get("title", ""), due_on=post.get("due_on"), actor=user
            )
        elif step == "milestone_done":
            milestone = row.milestones.filter(pk=_int(post.get("milestone"))).first()
            if milestone is None:
                raise NotFound()
            services.milestone_done(milestone=milestone, actor=user)
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return _detail_page(request, row, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("commitments:detail", pk=row.pk)


def import_page(request):
    form = LedgerImportForm(posted(request), posted(request, files=True))
    report = imported(form, importing.import_file, actor=request.user, request=request,
                      row_ms=importing.ROW_MS, without_updates=True) if form.is_valid() else None
    if isinstance(report, ImportQueued):  # a large file: imported by the worker, its status page
        return report
    return render(
        request,
        "commitments/import.html",
        {"form": form, "report": report, "columns": importing.COLUMNS},
        status=form_status(form),
    )


def import_template(request):
    """The blank ledger the import reads (空白模板): its columns, required ones marked *."""
    headers = template_headers(importing.COLUMNS, importing.REQUIRED)
    return excel.xlsx_response("commitments-template.xlsx", headers, [], sheet_title="承诺事项")


# --- the public portal ------------------------------------------------------------------------------------
def public(request):
    rows = page_of(request, selectors.published(request.user))
    return render(request, "commitments/public.html", {"rows": rows})


@found_or_404
def public_detail(request, pk: int):
    row = selectors.published_one(request.user, pk)
    return render(
        request,
        "commitments/public_detail.html",
        {"row": row, "milestones": row.milestones.all(), "documents": row.attachments.filter(public=True)},
    )


def _file_response(row, data: bytes) -> HttpResponse:
    from qinqing.core import attachments

    return attachments.download(row.name, row.content_type, data)


@found_or_404
def attachment(request, pk: int):
    """A commitment's document or an application's attachment, for a reader allowed to see it; the
    programme's reviewers pass the conflict gate first (409, no file); audited."""
    from qinqing.conduct.services.gate import RecusalRequired

    row = selectors.attachment_for(request.user, pk)
    try:
        data = documents.read(attachment=row, actor=request.user)
    except RecusalRequired as stopped:
        return HttpResponse(stopped.text(), status=409, content_type="text/plain; charset=utf-8")
    return _file_response(row, data)


@found_or_404
def public_attachment(request, pk: int):
    """A document marked public of a commitment published to the reader's audience (404 otherwise)."""
    from qinqing.core import attachments

    row = documents.public_attachment(request.user, pk)
    response = _file_response(row, attachments.read(row.file))
    response["Cache-Control"] = "no-cache"  # withdrawn from publication: never served from a cache
    return response


def public_feed(request):
    feed = feedgenerator.Atom1Feed(
        title=_("Commitments to enterprises"),
        link=request.build_absolute_uri(reverse("commitments:public")),
        description=_("Commitments published to the public (article 10)."),
        language="zh-hans",
        feed_url=request.build_absolute_uri(reverse("commitments:public_feed")),
    )
    for row in selectors.published(None)[:100]:  # a feed carries the latest entries; the page has every one
        feed.add_item(
            title=f"{row.number} {row.title}",
            link=request.build_absolute_uri(reverse("commitments:public_detail", args=[row.pk])),
            description=f"{row.enterprise.name}；{row.unit.name}；{row.get_status_display()}；{row.content}",
            pubdate=row.created_at,
            updateddate=row.created_at,
            unique_id=f"urn:qinqing:commitment:{row.number}",
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


XLSX_HEADERS = [
    "编号",
    "承诺类型",
    "承诺事项",
    "企业名称",
    "责任单位",
    "承诺日期",
    "完成时限",
    "状态",
    "进度(%)",
    "承诺内容",
]


def public_xlsx(request):
    rows = (
        [
            r.number,
            r.get_kind_display(),
            r.title,
            r.enterprise.name,
            r.unit.name,
            r.made_on,
            r.deadline,
            r.get_status_display(),
            r.progress,
            r.content,
        ]
        for r in selectors.published(request.user).iterator(chunk_size=2000)  # every row, memory flat
    )
    with district.language():  # the headers are the district's; so are the labels the import reads back
        return excel.xlsx_response("commitments.xlsx", XLSX_HEADERS, rows, sheet_title="承诺事项")


def funds_public(request):
    page = page_of(request, selectors.public_programmes())
    results: dict[int, list] = {}
    for row in selectors.public_results().filter(programme__in=[p.pk for p in page]):  # this page's only
        results.setdefault(row.programme_id, []).append(row)
    programmes = [(p, results.get(p.pk, [])) for p in page]
    return render(request, "commitments/funds_public.html", {"programmes": programmes, "page": page})


def funds_public_feed(request):
    feed = feedgenerator.Atom1Feed(
        title=_("Support-fund programmes and results"),
        link=request.build_absolute_uri(reverse("commitments:funds_public")),
        description=_("Support-fund programmes and their published results (article 10)."),
        language="zh-hans",
        feed_url=request.build_absolute_uri(reverse("commitments:funds_public_feed")),
    )
    link = request.build_absolute_uri(reverse("commitments:funds_public"))
    programmes = list(selectors.public_programmes()[:100])  # the latest, as feeds do; the page has every one
    results_of: dict[int, list] = {}
    published = [programme.pk for programme in programmes if programme.published_on]
    for result in selectors.public_results().filter(programme__in=published):
        results_of.setdefault(result.programme_id, []).append(result)  # one query, not one per programme
    for programme in programmes:
        feed.add_item(
            title=programme.title,
            link=f"{link}#programme-{programme.pk}",
            description=(
                f"{programme.get_support_display()}；{programme.unit.name}；"
                f"{programme.opens_on}—{programme.closes_on}；{programme.rules}"
            ),
            pubdate=programme.created_at,
            updateddate=programme.created_at,  # Atom requires <updated> on every entry
            unique_id=f"urn:qinqing:fund-programme:{programme.pk}",
        )
        if programme.published_on:
            approved = results_of.get(programme.pk, [])
            feed.add_item(
                title=programme.title + "：" + str(_("Results published")),
                link=f"{link}#results-{programme.pk}",
                description="；".join(f"{r.enterprise.name} {r.approved_amount}" for r in approved),
                pubdate=programme.created_at,
                updateddate=programme.created_at,
                unique_id=f"urn:qinqing:fund-results:{programme.pk}",
            )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


FUND_HEADERS = ["资金项目", "支持类型", "责任单位", "企业名称", "批准金额（元）", "公示日期", "异议截止日期"]


def funds_public_xlsx(request):
    with district.language():  # the headers are the district's; so are the labels in the rows
        supports = {value: str(label) for value, label in Support.choices}
    rows = (
        [
            r.programme.title,
            supports[r.programme.support],
            r.programme.unit.name,
            r.enterprise.name,
            r.approved_amount,
            r.programme.published_on,
            r.programme.objections_until,
        ]
        for r in selectors.public_results().select_related("programme__unit").iterator(chunk_size=2000)
    )
    return excel.xlsx_response("fund-results.xlsx", FUND_HEADERS, rows, sheet_title="扶持资金结果")


def _int_or_404(value):
    number = _int(value)
    if number is None:
        raise NotFound()
    return number


def _funds_page(request, *, status=200, error=None):
    from qinqing.directory import selectors as directory

    return render(
        request,
        "commitments/funds_mine.html",
        {
            "programmes": selectors.open_programmes(),
            "applications": selectors.applications_of(request.user),
            "enterprises": directory.enterprises_for_user(request.user),
            "today": clock.today(),
            "error": error,
            # a refused form comes back as typed: an application in its form, an objection in its row
            "values": request.POST if error is not None else {},
            "sent_programme": _int(request.POST.get("programme"))
            if error is not None and request.POST.get("step") == "apply" else None,
        },
        status=status,
    )


def funds_mine(request):
    return _funds_page(request)


@require_POST
@found_or_404
def funds_act(request):
    from qinqing.commitments import funds
    from qinqing.directory import selectors as directory

    post, user = request.POST, request.user
    try:
        if post.get("step") == "apply":
            programme = selectors.programme_open(_int_or_404(post.get("programme")))
            enterprise = directory.enterprises_for_user(user).filter(pk=_int(post.get("enterprise"))).first()
            if enterprise is None:
                raise NotFound()
            funds.apply(
                programme=programme,
                enterprise=enterprise,
                amount=post.get("amount"),
                description=post.get("description", ""),
                attachments=request.FILES.getlist("attachments"),
                actor=user,
            )
        elif post.get("step") == "attach":
            application = selectors.application_of(user, _int_or_404(post.get("application")))
            documents.application_attach(
                application=application, uploads=request.FILES.getlist("attachments"), actor=user
            )
        elif post.get("step") == "object":
            application = selectors.application_of(user, _int_or_404(post.get("application")))
            funds.objection_raise(application=application, text=post.get("text", ""), actor=user)
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return _funds_page(request, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("commitments:funds_mine")


def funds_staff(request, *, status=200, error=None):
    from qinqing.commitments import funds

    programmes = selectors.staff_programmes(request.user).prefetch_related("applications__enterprise")
    page = page_of(request, programmes)
    programmes = list(page)
    return render(
        request,
        "commitments/funds_staff.html",
        {
            "programmes": programmes,
            "page": page,
            "may_create": _is_body(request.user) and unit_for_user(request.user) is not None,
            "supports": Support.choices,
            "may_publish": {p.pk for p in programmes if funds.is_fund_unit(request.user, p)},
            "error": error,
        },
        status=status,
    )


@require_POST
@found_or_404
def funds_staff_act(request):
    from qinqing.commitments import funds

    post, user = request.POST, request.user
    try:
        if post.get("step") == "create":
            unit = unit_for_user(user)
            if unit is None:
                raise NotFound()
            funds.programme_create(
                unit=unit,
                title=post.get("title", ""),
                rules=post.get("rules", ""),
                budget=post.get("budget"),
                support=post.get("support", ""),
                opens_on=_date_or_error(post.get("opens_on"), "opens_on"),
                closes_on=_date_or_error(post.get("closes_on"), "closes_on"),
                objection_workdays=_int(post.get("objection_workdays")) or 5,
                actor=user,
            )
        elif post.get("step") == "publish":
            programme = selectors.staff_programmes(user).filter(pk=_int(post.get("programme"))).first()
            if programme is None:
                raise NotFound()
            funds.results_publish(programme=programme, actor=user)
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return funds_staff(request, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("commitments:funds_staff")


def _date_or_error(value, field):
    import datetime

    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError as error:
        raise ServiceError(_("Give a date as YYYY-MM-DD."), code="invalid_date", field=field) from error


def _application_page(request, application, *, status=200, error=None):
    from qinqing.commitments import funds
    from qinqing.conduct.services.gate import RecusalRequired

    user = request.user
    reviewer = funds.is_fund_unit(user, application)
    if reviewer:
        try:
            funds.review_file(application=application, actor=user)
        except RecusalRequired as stopped:
            return render(
                request,
                "commitments/fund_application.html",
                {"row": application, "stopped": stopped, "error": stopped},
                status=409,
            )
    return render(
        request,
        "commitments/fund_application.html",
        {
            "row": application,
            "reviews": application.reviews.all(),
            "attachments": application.attachments.all(),
            "objections": application.objections.all(),
            "payments": application.payments.all(),
            "reviewer": reviewer,
            "approver": funds.is_fund_approver(user, application),
            "error": error,
        },
        status=status,
    )


@found_or_404
def fund_application(request, pk: int):
    return _application_page(request, selectors.staff_application(request.user, pk))


@found_or_404
def fund_letter(request, pk: int):
    """The decision on a fund application as a printable letter: the applying enterprise once the results are
    published; the programme's unit (its reviewers past the conflict gate, as for the file) and the discipline
    office once it is decided. 404 for an undecided application and for anyone else's."""
    from qinqing.commitments import funds, letters
    from qinqing.conduct.services.gate import RecusalRequired
    from qinqing.core.letters import pdf_response

    user = request.user
    if has_role(user, *access.STAFF) or getattr(user, "is_superuser", False):
        row = selectors.staff_application(user, pk)
        if funds.is_fund_unit(user, row):
            try:
                funds.review_file(application=row, actor=user)
            except RecusalRequired as stopped:
                return render(request, "commitments/fund_application.html",
                              {"row": row, "stopped": stopped, "error": stopped}, status=409)
        if not letters.is_decided(row):
            raise NotFound()
    else:
        row = selectors.application_of(user, pk)
        if not letters.is_published(row):
            raise NotFound()
    pdf = letters.render_pdf(row, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, letters.filename(row))


@require_POST
@found_or_404
def fund_application_act(request, pk: int):
    from qinqing.commitments import funds

    application = selectors.staff_application(request.user, pk)
    post, user = request.POST, request.user
    step = post.get("step", "")
    try:
        if step == "score":
            funds.review_score(
                application=application, score=post.get("score"), comment=post.get("comment", ""), actor=user
            )
        elif step in ("approve", "reject"):
            funds.decide(
                application=application,
                approve=step == "approve",
                amount=post.get("amount"),
                reason=post.get("reason", ""),
                actor=user,
            )
        elif step == "answer":
            objection = application.objections.filter(pk=_int(post.get("objection"))).first()
            if objection is None:
                raise NotFound()
            funds.objection_answer(objection=objection, answer=post.get("answer", ""), actor=user)
        elif step == "pay":
            funds.payment_record(
                application=application,
                amount=post.get("amount"),
                paid_on=_date_or_error(post.get("paid_on"), "paid_on"),
                reference=post.get("reference", ""),
                actor=user,
            )
        else:
            raise ServiceError(_("Unknown action."), code="invalid_choice", field="step")
    except NotFound:
        raise
    except ServiceError as error:
        return _application_page(request, application, status=error.status, error=error)
    messages.success(request, _("Saved."))
    return redirect("commitments:fund_application", pk=application.pk)
