"""Request id for the audit chain, and the second factor for privileged roles."""

import re
import uuid

import csp.middleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.middleware.locale import LocaleMiddleware as _DjangoLocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_otp import user_has_device

from . import access, audit
from .roles import has_role

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tag each request with an id (taken from X-Request-ID when sane) for audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        with audit.request_context(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class TwoFactorRequiredMiddleware:
    """Users in TWO_FACTOR_REQUIRED_ROLES reach nothing but the 2FA pages until verified."""

    exempt_names = {"core:two_factor", "core:logout", "core:set_language", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        roles = settings.TWO_FACTOR_REQUIRED_ROLES
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and ((roles and has_role(user, *roles)) or user_has_device(user, confirmed=True))
            and not request.path.startswith(("/static/", "/i18n/", "/healthz"))
            and getattr(request.resolver_match, "view_name", None) not in self.exempt_names
            and request.path not in {reverse("core:two_factor"), reverse("core:logout")}
        ):
            return redirect("core:two_factor")
        return self.get_response(request)


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Django's deny-by-default login wall, minus the pages declared public (core.access) and the
    paths that authenticate themselves. ``core.access.AccessMiddleware`` then checks the roles.

    The API (``/api/``) checks API keys or the session in every endpoint; ``/healthz``
    is for load balancers; static files are public assets.
    """

    open_prefixes = ("/api/", "/healthz", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes):
            return None
        match = request.resolver_match
        if match is not None and access.is_public_page(match.view_name):
            return None  # declared public in its app's access.py (core.access)
        return super().process_view(request, view_func, view_args, view_kwargs)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's header on documents only. A JSON response (the API) is never rendered as a
    document, so a policy on it protects nothing; building one cost about 4% of an appeal
    filing's CPU. The API's HTML pages (its docs) still get the header."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return super().process_response(request, response)


class LocaleMiddleware(_DjangoLocaleMiddleware):
    """Simplified Chinese unless the user chose English with the language switch.

    Pages ignore the browser's Accept-Language (a district intranet's browsers are often
    set to English while its users expect the Chinese UI); the choice is the language
    cookie. The API honours Accept-Language, so external systems can ask for English.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
