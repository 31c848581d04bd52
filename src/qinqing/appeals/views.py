"""Appeal pages (articles 6, 8): thin — parse, call a selector or service, render.

Roles: the supervision office (督办) is the district and supervising leaders plus
administrators (``services.SUPERVISION_ROLES``); they triage, dispatch, approve
extensions and see every appeal. Department handlers and officials handle their own
unit's appeals. Enterprise users file, follow and rate their own.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qinqing.core import clock
from qinqing.core import limits as text_limits
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.paging import page_of
from qinqing.directory.selectors import enterprises_for_user, official_for_user

from . import selectors, services
from .intake import services as intake_services
from .models import Category, Channel, Complexity, ExtensionStatus, LimitKey, Satisfaction, Track
from .routing import model as routing
from .workflow import services as workflow_services


def _access(user, pk):
    try:
        return selectors.access_appeal(user, pk)
    except NotFound as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def my_appeals(request):
    enterprises = list(enterprises_for_user(request.user))
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        chosen = request.POST.get("enterprise")
        fallback = enterprises[0] if enterprises else None
        enterprise = next((e for e in enterprises if str(e.pk) == chosen), fallback)
        try:
            result = intake_services.appeal_file(
                channel=Channel.ENTERPRISE_WEB, title=request.POST.get("title", ""),
                content=request.POST.get("content", ""),
                category=request.POST.get("category") or None, actor=request.user, enterprise=enterprise,
                contact_name=request.POST.get("contact_name", ""),
                contact_phone=request.POST.get("contact_phone", ""),
                attachments=request.FILES.getlist("attachments"),
            )
        except ServiceError as error:
            errors[error.field or "form"] = error.text()
        else:
            if result.merged:
                messages.info(request, _("You already filed this appeal; it is being handled under tracking "
                                         "number %(number)s.")
                              % {"number": result.tracking_number})
            else:
                messages.success(request, _("Appeal filed. Tracking number %(number)s.")
                                 % {"number": result.tracking_number})
            return redirect("appeals:detail", pk=(result.appeal.merged_into_id or result.appeal.pk))
    page = page_of(request, selectors.enterprise_appeals(request.user))
    selectors.annotate_rows(page.object_list)
    return render(request, "appeals/my_appeals.html", {
        "page": page, "enterprises": enterprises, "categories": Category.choices, "errors": errors,
        "values": values,
    }, status=400 if errors else 200)


def queue(request):
    page = page_of(request, selectors.handler_queue(request.user))
    rows = selectors.annotate_rows(page.object_list)
    return render(request, "appeals/queue.html",
                  {"page": page, "rows": rows, "official": official_for_user(request.user)})


def supervision(request):
    page = page_of(request, selectors.supervision_list(level=request.GET.get("level") or None))
    rows = selectors.annotate_rows(page.object_list)
    return render(request, "appeals/supervision.html",
                  {"page": page, "rows": rows, "level": request.GET.get("level", "")})


def all_appeals(request):
    queryset = selectors.all_appeals()
    status = request.GET.get("status")
    if status:
        queryset = queryset.filter(status=status)
    page = page_of(request, queryset)
    rows = selectors.annotate_rows(page.object_list)
    return render(request, "appeals/all.html", {"page": page, "rows": rows})


def _detail_context(request, appeal, errors=None, action="", values=None):
    from qinqing.directory.models import Official, Unit

    actions = workflow_services.allowed_actions(request.user, appeal)
    appeal.overdue = selectors.is_overdue(appeal)
    appeal.days_overdue_count = selectors.days_overdue(appeal)
    context = {
        "appeal": appeal,
        "actions": actions,
        # The enterprise sees the public timeline (no objections, urging or revisit notes), as on the portal.
        "steps": selectors.timeline_for(request.user, appeal),
        "extensions": appeal.extensions.all(),
        "pending_extensions": appeal.extensions.filter(status=ExtensionStatus.REQUESTED),
        "escalations": appeal.escalations.all(),
        "ratings": appeal.ratings.all(),
        "revisits": appeal.revisits.all(),
        "attachments": selectors.attachments_of(appeal),
        "co_units": appeal.co_handling_units.all(),
        "duplicates": appeal.duplicates.all(),
        "errors": errors or {},
        "failed_action": action,
        "values": values or {},
        "tracks": Track.choices,
        "complexities": Complexity.choices,
        "categories": Category.choices,
        "satisfactions": Satisfaction.choices,
        "is_enterprise": (workflow_services.is_submitter(request.user, appeal)
                          and not workflow_services.is_supervision(request.user)),
        # The forms' maxlength and date bounds: the services' limits (core.limits), shown by the browser.
        "limit": {"place": text_limits.PLACE, "reason": text_limits.REASON, "report": text_limits.REPORT},
        "reported_min": clock.local(appeal.received_at).date().isoformat() if appeal.received_at else "",
        "today": clock.today().isoformat(),
    }
    if "assign" in actions:
        context["units"] = Unit.objects.filter(is_active=True).order_by("code")
        # The unit preselected: the one posted (a refused form), the current one (a reassignment),
        # else the routing suggestion (issue 20: not the first unit of the list, 示范区).
        suggestion = routing.suggest(appeal)
        context["suggested_unit_id"] = (
            suggestion.unit.pk if suggestion is not None and suggestion.unit else None
        )
        posted = (values or {}).get("unit") if action == "assign" else None
        context["preselected_unit_id"] = (int(posted) if posted and str(posted).isdigit() else None) \
            or appeal.handling_unit_id or context["suggested_unit_id"]
    if "assign_handler" in actions and appeal.handling_unit_id:
        context["officials"] = (Official.objects.filter(unit_id=appeal.handling_unit_id, is_active=True)
                                .select_related("person"))
    return context


def attachment(request, pk):
    """A file of an appeal, for whoever may open the appeal (404 alike for a missing and another party's
    file); always a download, audited."""
    from qinqing.core import attachments

    try:
        row = selectors.access_attachment(request.user, pk)
    except NotFound as error:
        raise Http404 from error
    data = intake_services.attachment_read(attachment=row, actor=request.user)
    return attachments.download(row.original_name, row.content_type, data)


def detail(request, pk):
    appeal = _access(request.user, pk)
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


@require_POST
def act(request, pk, action):
    appeal = _access(request.user, pk)  # 404 alike for missing and another unit's appeal
    if action not in workflow_services.TRANSITIONS:
        raise Http404
    data = {key: request.POST.get(key) for key in request.POST}
    data["co_units"] = request.POST.getlist("co_units")
    try:
        workflow_services.perform(appeal=appeal, action=action, actor=request.user, data=data)
    except ServiceError as error:
        if error.status == 403:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied from error
        appeal.refresh_from_db()
        context = _detail_context(request, appeal, errors={error.field or "form": error.text()},
                                  action=action, values=request.POST)
        # 409 when the appeal moved on meanwhile, else 400. From htmx only the action forms
        # come back (swapped in place; base.html lets htmx swap 400/409/422); without script,
        # the whole page. Either way the message stands next to the field it is about.
        status = 409 if error.status == 409 else 400
        template = "appeals/_actions.html" if request.headers.get("HX-Request") else "appeals/detail.html"
        return render(request, template, context, status=status)
    messages.success(request, _("Saved."))
    response = redirect("appeals:detail", pk=appeal.pk)
    if request.headers.get("HX-Request"):
        # Not a 302: the browser's XHR would follow it and htmx would swap the whole page
        # into the action forms. 204 + HX-Redirect makes htmx load the page itself.
        return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
    return response


@require_http_methods(["GET", "POST"])
def limits(request):
    errors = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            value = int(request.POST.get("value", ""))
        except ValueError:
            errors[key] = _("Enter a whole number.")
        else:
            try:
                services.track_limit_set(key=key, value=value, actor=request.user)
            except ServiceError as error:
                errors[key] = error.text()
            else:
                messages.success(request, _("Saved."))
                return redirect("appeals:limits")
    return render(request, "appeals/limits.html",
                  {"rows": services.limits_table(), "errors": errors, "keys": LimitKey},
                  status=400 if errors else 200)
