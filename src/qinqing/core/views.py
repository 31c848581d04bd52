"""Kernel pages: login and second factor, role home, health, audit trail, API keys."""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, enrolment, selectors
from .api import database_ok
from .errors import ServiceError
from .forms import ApiKeyForm, EnrolmentCodeForm, LoginForm, TokenForm, bind_error, form_status, posted
from .paging import page_of
from .services import apikey_create, apikey_revoke


@login_not_required
def healthz(request):
    if database_ok():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        with transaction.atomic():
            audit.record_event(
                actor=form.get_user(), action="core.user.login", object_type="auth.User",
                object_id=form.get_user().pk,
            )
        return response

    def form_invalid(self, form):
        """A wrong name or password is a refused form: 400, the rule on the page (Django answers 200)."""
        return self.render_to_response(self.get_context_data(form=form), status=400)


LoginView = login_not_required(LoginView.as_view())


def lockout_response(request, response=None, credentials=None):
    """The lockout page says when to try again (the last failed attempt plus the cool-off, local
    time) and how to reach an administrator (the district settings' helpdesk)."""
    from axes.models import AccessAttempt

    from . import clock
    from .district import current

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    last = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
        if username
        else None
    )
    retry_at = clock.local((last or clock.now()) + settings.AXES_COOLOFF_TIME)
    html = render_to_string(
        "core/lockout.html",
        {
            "minutes": minutes,
            "limit": settings.AXES_FAILURE_LIMIT,
            "retry_at": retry_at,
            "helpdesk": current().helpdesk,
        },
        request=request,
    )
    return HttpResponseForbidden(html)


@login_not_required
def home(request):
    """``/``: a signed-in user's own home page (tiles); the public's landing page otherwise."""
    if request.user.is_authenticated:
        from .access import may_open
        from .district import current

        district_unset = may_open(request.user, "core:district") and not current().configured
        return render(request, "core/home.html", {"district_unset": district_unset})
    return render(request, "core/landing.html", _landing_context())


# The public landing page: what anyone may do without an account. (URL name, title,
# description, article); a link whose page is not installed is left out.
_PUBLIC_SERVICES = (
    (
        "appeals_channels:portal_mailbox",
        _lazy("District head's mailbox"),
        _lazy(
            "Write to the district about a question or demand of your enterprise. No account is needed; "
            "you get a tracking number at once."
        ),
        "8",
    ),
    (
        "appeals_channels:portal_status",
        _lazy("Look up an appeal"),
        _lazy("Follow your appeal with its tracking number and the mobile phone number you gave."),
        "8",
    ),
    (
        "supervision:report_new",
        _lazy("Report to the discipline office"),
        _lazy(
            "Report collusion, inaction, obstruction or demands by officials, by real name or anonymously. "
            "Encrypted; read only by the inspectors assigned to it."
        ),
        "17",
    ),
    (
        "supervision:report_status",
        _lazy("Follow a report"),
        _lazy("Read replies, answer questions and add information with your receipt code."),
        "17",
    ),
    (
        "supervision:public_cases",
        _lazy("Typical cases exposed"),
        _lazy(
            "Cases of officials' misconduct towards enterprises, published after approval "
            "without personal data."
        ),
        "18",
    ),
    (
        "policy:index",
        _lazy("The policy"),
        _lazy("The district's rules for close and clean government–business relations, article by article."),
        "",
    ),
    (
        "appeals:knowledge",
        _lazy("Policy interpretations"),
        _lazy("Published answers to the questions enterprises ask most."),
        "19",
    ),
    (
        "conduct:verify_letter",
        _lazy("Verify an approval letter"),
        _lazy(
            "Check that a written approval for an official's activity with enterprises is genuine, "
            "by its code."
        ),
        "14",
    ),
)


def _landing_context() -> dict:
    from django.urls import NoReverseMatch, reverse

    services = []
    for name, title, description, article in _PUBLIC_SERVICES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        services.append({"key": name.split(":")[-1], "url": url, "title": title, "description": description,
                         "article": article})
    by_key = {service["key"]: service for service in services}
    return {"services": services, "mailbox": by_key.get("portal_mailbox"),
            "knowledge": by_key.get("knowledge"), "policy": _current_policy(),
            "interpretations": _latest_interpretations()}


def _current_policy():
    from django.apps import apps

    if not apps.is_installed("qinqing.policy"):
        return None
    from qinqing.policy.selectors import current_policy

    return current_policy()


def _latest_interpretations(count: int = 5) -> list:
    from django.apps import apps

    try:
        model = apps.get_model("policy", "PolicyInterpretation")
    except LookupError:
        return []
    return list(model.objects.filter(is_published=True).order_by("-published_at", "-pk")[:count])


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _same_site(request, target: str | None) -> str | None:
    """``target`` when it is a path on this site (Django's check), else None: never off-site."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _enrolment_code_step(request):
    """No authenticator yet: the administrator's one-time code first (core.enrolment)."""
    form = EnrolmentCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if enrolment.enrolment_code_redeem(user=request.user, code=form.cleaned_data["enrolment_code"]):
            return redirect(request.get_full_path())
        form.add_error("enrolment_code", _("The enrolment code is wrong or was used already. Ask an "
                                           "administrator for a new one."))
    context = {"form": form, "enrolling": True,
               "code_pending": enrolment.enrolment_code_pending(request.user)}
    return render(request, "core/two_factor.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enter the TOTP second factor; enrolling one first needs an administrator's one-time code
    (issue 18: before, whoever logged in first enrolled their phone)."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or enrolment.authorised_device(user)
    if device is None:
        return _enrolment_code_step(request)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if not device.confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record_event(actor=user, action="core.totp.confirm",
                                       object_type="otp_totp.TOTPDevice", object_id=device.pk)
            otp_login(request, device)
            messages.success(request, _("Second factor verified."))
            return redirect(_same_site(request, request.GET.get("next")) or "core:home")
        form.add_error("token", _("The code is wrong or expired. Check the time on your phone and try "
                                  "again."))
    context = {"form": form, "setting_up": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 (our own generated SVG)
        context["secret"] = device.bin_key.hex()
    return render(request, "core/two_factor.html", context, status=form_status(form))


def audit_log(request):
    events = selectors.audit_events_visible_to(request.user)
    object_type = request.GET.get("object_type", "").strip()
    object_id = request.GET.get("object_id", "").strip()
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    page = page_of(request, events)
    result = None
    if request.GET.get("verify") == "1" and request.user.has_perm("core.verify_audit_chain"):
        result = audit.verify_chain()
    return render(request, "core/audit_log.html",
                  {"page": page, "verify": result, "object_type": object_type, "object_id": object_id})


@require_http_methods(["GET", "POST"])
def api_keys(request, revoke_refusal: ServiceError | None = None):
    """The keys; a refused create or revoke comes back here (400, or 404 for a name not found) with the
    refusal beside the field it names and what was typed kept."""
    keys = selectors.api_keys_visible_to(request.user)
    creating = request.method == "POST" and revoke_refusal is None
    form = ApiKeyForm(request.POST if creating else None)
    new_key = None
    if creating and form.is_valid():
        try:
            _key, new_key = apikey_create(name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                          actor=request.user)
            form = ApiKeyForm()
        except ServiceError as error:
            bind_error(form, error)
    status = form_status(form)
    if revoke_refusal is not None:
        status = revoke_refusal.status
    return render(
        request,
        "core/api_keys.html",
        {"keys": keys, "form": form, "new_key": new_key, "revoke_refusal": revoke_refusal},
        status=status,
    )


@require_POST
def api_key_revoke(request, name: str):
    try:
        apikey_revoke(name=name, actor=request.user)
    except ServiceError as error:
        return api_keys(request, revoke_refusal=error)
    messages.success(request, _("API key %(name)s revoked.") % {"name": name})
    return redirect("core:api_keys")


@login_not_required
def error_400(request, exception=None):
    """Django's own refusals before a view runs, each said in words (its page said only "request refused"):
    a form over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a long text pasted), too many fields or files, and a
    multipart body Django cannot parse (a file name of more than about 300 Chinese characters passes the
    1,024 bytes Django allows a part's headers)."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError

    status, code = 400, "bad_request"
    if isinstance(exception, RequestDataTooBig):
        status, code = 413, "too_large"
        message = _("The form holds more than %(limit)s MB. Upload a long text as a file instead of pasting "
                    "it.") % {"limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g}"}
    elif isinstance(exception, TooManyFieldsSent):
        message = _("The form has more than %(limit)s fields.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    elif isinstance(exception, TooManyFilesSent):
        message = _("More than %(limit)s files were sent at once.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    elif isinstance(exception, MultiPartParserError):
        message = _("The upload could not be read: a file's name is too long, or the form was damaged on "
                    "the way. Give the file a shorter name and send it again.")
    else:
        message = _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "field": None}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message, "code": code, "status": status}, status=status)


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request):
    """Django calls this inside its ``except``: the error is at hand. SQLite's writer lock held past its
    20 s timeout by another request (a long import on ``./qinqing serve``) is the site busy, not broken: a
    503 that says to try again, with Retry-After (a log-in then answered 500)."""
    import sys

    from django.db import OperationalError

    error = sys.exc_info()[1]
    if isinstance(error, OperationalError) and "database is locked" in str(error):
        response = render(request, "503_busy.html", status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)
