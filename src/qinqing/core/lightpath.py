"""Light request paths: one hot API operation answered in front of Django's middleware stack.

Through the full stack — the middlewares, the URL resolver, django-ninja's operation machinery — a request
costs a fixed amount of CPU before the operation runs. For the few operations other systems call thousands of
times a second (the eligibility check, issue #12; appeal intake, issue #19) that fixed cost was a large share.
``wrap`` puts a WSGI route in front of Django's handler for ONE operation. The operation's ``answer`` gives
the Django route's own success answer for the request, or None: then the request goes to Django untouched (a
buffered body is handed back), so every refusal — its status, its JSON shape in the request's language — is
the Django route's own. What every light path keeps, here in one place:

* the declaration of the operation (``core.access.check_operation`` on a stand-in request carrying the
  resolved route and the method: ``Gate``) — the same permission matrix;
* the input rule (``core.input_rules.find_problem``: NUL, lone surrogates, bad UTF-8), the allowed hosts and
  the HTTPS redirect of production (``declined``);
* the request's language (Accept-Language or the language cookie, as ``core.middleware.LocaleMiddleware``
  for ``/api/``), the request id and the response headers the middleware adds (``headers``);
* what Django's request signals do for the database (a connection past ``CONN_MAX_AGE`` or broken by an
  error is closed, ``tidy``); an exception is Django's 500 (``response_for_exception``: logged with its
  traceback, answered by handler500), never a fallback to Django (a write may have happened).

Each operation's tests send the same requests through both paths and compare status, headers and body.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import resolve, reverse, set_script_prefix
from django.utils import translation
from pydantic import ValidationError

from . import access
from .input_rules import find_problem
from .middleware import _SAFE_REQUEST_ID

Answer = tuple[str, list[tuple[str, str]], bytes]


class Route:
    """An operation's path, method and resolver match (for its access declaration), read once from the
    URLconf."""

    def __init__(self, name: str, method: str) -> None:
        self.name, self.method = name, method
        self.path: str | None = None
        self.match = None

    def load(self) -> None:
        if self.path is None:
            set_script_prefix("/")
            path = reverse(self.name)
            self.match = resolve(path)
            self.path = path


class Gate:
    """What ``core.access.check_operation`` reads of a request (the resolved route and the method)."""

    __slots__ = ("access_denied", "method", "path_info", "resolver_match")

    def __init__(self, route: Route) -> None:
        self.method, self.path_info, self.resolver_match = route.method, route.path, route.match


def allowed(route: Route, api_key) -> bool:
    """Whether the operation's declaration lets ``api_key`` in (its scope); Django's 403 names what is
    missing."""
    try:
        access.check_operation(Gate(route), api_key)
    except Exception:  # noqa: BLE001 (PermissionDenied)
        return False
    return True


def language(request) -> str:
    """The language ``core.middleware.LocaleMiddleware`` activates for an ``/api/`` request (Django's own
    negotiation: the language cookie, then Accept-Language, else LANGUAGE_CODE; no i18n URL patterns)."""
    return translation.get_language_from_request(request, check_path=False)


def request_id(environ) -> str:
    """The request id ``core.middleware.RequestIdMiddleware`` uses: a safe incoming one, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def headers(request, body: bytes, language: str, request_id: str, *,
            content_type: str = "application/json") -> list[tuple[str, str]]:
    """The headers the Django route's response carries (its response plus the middleware's additions); each
    light path's tests compare the two header sets."""
    found = [("Content-Type", content_type)]
    if settings.SECURE_HSTS_SECONDS and request.is_secure():
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        found.append(("Strict-Transport-Security", value))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        found.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        found.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        found.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    found += [
        ("Vary", "Accept-Language, Cookie"),  # LocaleMiddleware's, SessionMiddleware's
        ("Content-Language", language),
        ("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()),
        ("Content-Length", str(len(body))),
        ("X-Request-ID", request_id),
    ]
    return found


def _allowed_host(request) -> bool:
    try:
        request.get_host()  # validated against ALLOWED_HOSTS, as CommonMiddleware does
    except DisallowedHost:
        return False
    return True


def declined(request) -> bool:
    """Whether Django must answer before any operation runs: plain HTTP in production (SecurityMiddleware's
    redirect), a host not allowed (its 400) or a broken input rule (the 400 naming the field)."""
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return True
    return not _allowed_host(request) or find_problem(request) is not None


def sends_json(environ) -> bool:
    """Whether the request's body is declared JSON (``application/json``, any parameters)."""
    return environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() == "application/json"


def json_payload(request, schema):
    """The request's body validated by ``schema`` (the operation's own pydantic model), or None when Django
    must answer: not JSON (its 400), not a JSON object, or an object that does not fit (its 422 naming the
    field)."""
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return schema.model_validate(data)
    except ValidationError:
        return None


def tidy(database) -> None:
    # Never inside a transaction someone else opened (only a test runs requests inside one; Django's test
    # client disconnects the same receiver for that reason).
    if not database.in_atomic_block:
        database.close_if_unusable_or_obsolete()


def _buffered_body(environ) -> bytes | None:
    """The request body read whole (and put back as a fresh stream), or None when Django must read it: no or
    a bad Content-Length, or more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's own 400)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length < 0 or (limit is not None and length > limit):
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    if len(body) != length:
        return None  # a short body: Django's handling of it (the stream is spent either way)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def wrap(django_application, route: Route, answer: Callable[..., Answer | None], *,
         wanted: Callable[[dict], bool] = lambda environ: True):
    """The WSGI application: ``route`` answered by ``answer(request, environ)`` in front of
    ``django_application``; ``wanted(environ)`` picks the requests the light path tries at all."""
    route.load()
    path, method = route.path, route.method
    with_body = method not in ("GET", "HEAD")

    def application(environ, start_response):
        if environ.get("PATH_INFO") != path or environ.get("REQUEST_METHOD") != method or not wanted(environ):
            return django_application(environ, start_response)
        body = None
        if with_body:
            body = _buffered_body(environ)
            if body is None:
                return django_application(environ, start_response)
        database = connections[DEFAULT_DB_ALIAS]
        tidy(database)
        request = WSGIRequest(environ)
        try:
            answered = answer(request, environ)
        except Exception as exc:  # noqa: BLE001
            # As Django's handler does: logged with its traceback (django.request) and answered by handler500.
            response = response_for_exception(request, exc)
            cookies = [("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()]
            start_response(f"{response.status_code} {response.reason_phrase}", [*response.items(), *cookies])
            tidy(database)
            return [response.content]
        tidy(database)
        if answered is None:
            if body is not None:
                environ["wsgi.input"] = io.BytesIO(body)  # Django reads the body as it came
            return django_application(environ, start_response)
        status, response_headers, content = answered
        start_response(status, response_headers)
        return [content]

    return application
