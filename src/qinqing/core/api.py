"""API base: authentication (API key with scopes, or the logged-in session), JSON errors.

Every operation is declared in its app's ``access.py`` (core.access.Operation): once the
caller has authenticated, the auth class checks that declaration — an API key must hold the
declared scope, a session user one of the declared roles — so endpoints carry no checks of
their own (object scope stays in the selectors). Errors are always JSON
``{"code", "message", "field"}`` in the request's language.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import connection
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, SessionAuth

from . import access, audit
from .audit.display import masked_changes
from .errors import ServiceError
from .models import ApiKey
from .services import apikey_authenticate

# Bounds for numbers a client sends (issue 18): beyond them a 422 naming the parameter, not a
# database overflow (a page of 10**19 does not fit the database's 64-bit OFFSET).
PAGE_MAX = 1_000_000
ID_MAX = 2**31 - 1


def page_query(default: int = 1):
    """A ``page`` query parameter: 1 to PAGE_MAX."""
    return Query(default, ge=1, le=PAGE_MAX)


def bounded_query(default, *, low: int = 1, high: int):
    """A whole-number query parameter within [low, high]."""
    return Query(default, ge=low, le=high)


class QinqingNinjaAPI(NinjaAPI):
    """The API, whose OpenAPI document is built once per language and path, not per request
    (building it took ~37 ms: 27 requests/s saturated a server; issue 18). The operations are
    fixed once the URLconf is loaded, so the document cannot go stale within a process."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())), translation.get_language())
        cache = self.__dict__.setdefault("_schema_cache", {})
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return cache[key]


class ApiKeyAuth(APIKeyHeader):
    """An API key; the operation's declaration must name a scope the key holds (else 403)."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        api_key = apikey_authenticate(key)
        if api_key is not None:
            request.api_key = api_key
            access.check_operation(request, api_key)
        return api_key


class QinqingSessionAuth(SessionAuth):
    """The browser session (with CSRF on writes), for the site's own HTMX/JS calls; the
    operation's declaration must name one of the user's roles (else 403)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            access.check_operation(request, user)
        return user


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


def actor_of(request):
    """Who is acting: the API key if one authenticated, else the session user."""
    api_key = getattr(request, "api_key", None)
    return api_key if api_key is not None else request.user


def _error(api: NinjaAPI, request, status: int, code: str, message: str, field: str | None = None, **extra):
    body = {"code": code, "message": message, "field": field, **extra}
    return api.create_response(request, body, status=status)


def _field_of(location) -> str | None:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "payload", "form", "header")]
    return ".".join(parts) or None


# What pydantic found wrong with a value, by its error type, in the request's language (pydantic's own
# messages are English only); the placeholders are pydantic's ``ctx``. An unknown type keeps its message.
_WHOLE_NUMBER = gettext_lazy("must be a whole number")
_NUMBER = gettext_lazy("must be a number")
_TRUE_OR_FALSE = gettext_lazy("must be true or false")
_DATE = gettext_lazy("must be a date (YYYY-MM-DD)")
_DATETIME = gettext_lazy("must be a date and time (ISO 8601, e.g. 2026-12-01T09:30:00+08:00)")
_OBJECT = gettext_lazy("must be a JSON object")
_RULES = {
    "missing": gettext_lazy("this field is required"),
    "string_type": gettext_lazy("must be text"),
    "int_type": _WHOLE_NUMBER,
    "int_parsing": _WHOLE_NUMBER,
    "int_from_float": _WHOLE_NUMBER,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "bool_type": _TRUE_OR_FALSE,
    "bool_parsing": _TRUE_OR_FALSE,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "list_type": gettext_lazy("must be a list"),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "string_too_long": gettext_lazy("must have at most %(max_length)s characters"),
    "string_too_short": gettext_lazy("must have at least %(min_length)s characters"),
    "too_long": gettext_lazy("must have at most %(max_length)s items"),
    "too_short": gettext_lazy("must have at least %(min_length)s items"),
    "greater_than": gettext_lazy("must be greater than %(gt)s"),
    "greater_than_equal": gettext_lazy("must be at least %(ge)s"),
    "less_than": gettext_lazy("must be less than %(lt)s"),
    "less_than_equal": gettext_lazy("must be at most %(le)s"),
    "literal_error": gettext_lazy("must be one of %(expected)s"),
    "enum": gettext_lazy("must be one of %(expected)s"),
    "uuid_type": gettext_lazy("must be a UUID"),
    "uuid_parsing": gettext_lazy("must be a UUID"),
    "json_invalid": gettext_lazy("is not valid JSON"),
}


def _rule_text(error: dict) -> str:
    """The rule a value broke, worded in the active language (``_RULES``), else pydantic's message."""
    rule = _RULES.get(error.get("type", ""))
    if rule is None:
        return error.get("msg", "")
    try:
        return str(rule) % {name: str(value) for name, value in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return error.get("msg", "")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return _error(api, request, exc.status, exc.code, exc.text(), exc.field)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _field_of(e.get("loc", ())), "message": _rule_text(e), "type": e.get("type", "")}
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": None, "message": ""}
        if first["field"]:
            message = _("Invalid value for %(field)s: %(message)s") % {
                "field": first["field"],
                "message": first["message"],
            }
        else:  # the body itself (not a JSON object, say)
            message = _("Invalid request body: %(message)s") % {"message": first["message"]}
        return _error(api, request, 422, "validation_error", message, first["field"], errors=errors)

    @api.exception_handler(RequestDataTooBig)
    def request_too_big(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request is larger than %(limit)d bytes.") % {"limit": limit}
        return _error(api, request, 413, "too_large", message, None)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        message = _("Authentication required: send a valid X-API-Key header or log in.")
        return _error(api, request, 401, "unauthenticated", message, "X-API-Key")

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return _error(api, request, 403, "permission_denied", _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _error(api, request, 404, "not_found", _("Not found, or you may not see it."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return _error(api, request, exc.status_code, "http_error", str(exc))


router = Router(tags=["kernel"])


class WhoAmIOut(Schema):
    kind: str
    name: str
    scopes: list[str] = []
    roles: list[str] = []


@router.get("/whoami", response={200: WhoAmIOut, 401: ErrorOut}, summary="Who is calling")
def whoami(request):
    auth = request.auth
    if isinstance(auth, ApiKey):
        return {"kind": "api_key", "name": auth.name, "scopes": auth.scopes}
    return {
        "kind": "user",
        "name": request.user.get_username(),
        "roles": sorted(request.user.groups.values_list("name", flat=True)),
    }


class AuditEventOut(Schema):
    seq: int
    occurred_at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict
    request_id: str


class VerifyOut(Schema):
    ok: bool
    events_checked: int
    records_checked: int
    first_broken_seq: int | None
    problems: list[str]


@router.get(
    "/audit/events", response={200: list[AuditEventOut], 403: ErrorOut}, summary="Audit trail of one object"
)
def audit_events(request, object_type: str, object_id: str, limit: int = bounded_query(50, high=500)):
    events = audit.AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-seq")[
        :limit
    ]
    return [
        {
            "seq": e.seq,
            "occurred_at": e.occurred_at.isoformat(),
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            # masked as the trail page shows them: a value recorded before its field was masked stays
            # in the append-only log as it was recorded
            "changes": masked_changes(e.object_type, e.changes),
            "request_id": e.request_id,
        }
        for e in events
    ]


@router.get("/audit/verify", response={200: VerifyOut, 403: ErrorOut}, summary="Verify the audit chain")
def audit_verify(request):
    result = audit.verify_chain()
    return {
        "ok": result.ok,
        "events_checked": result.events_checked,
        "records_checked": result.records_checked,
        "first_broken_seq": result.first_broken_seq,
        "problems": result.problems,
    }


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        return False
