"""The eligibility check's light request path (issue #12): ``GET /api/v1/integrity/eligibility`` with an API
key, and the same check as ``POST`` with the party in a JSON body (the way to send a person's resident ID,
which a query string would leave in access logs), answered in front of Django's middleware stack.

Other systems ask this one question thousands of times a second (a procurement platform checks every bidder).
Through the full stack — sixteen middlewares, the URL resolver, django-ninja's operation machinery — the
request cost more CPU than the check itself, and a trivial JSON endpoint already stopped at about 850/s on two
cores. ``wrap`` puts a WSGI route in front of Django's handler for this single operation and answers it with
exactly what the Django route would answer, keeping every guarantee:

* **the same service**: ``services.eligibility`` (the query, the restrictions in force, the head's) with
  ``purpose="api"`` and the API key as caller, so the answer, the log row, its keyed digest and its check id
  (verifiable later through ``GET /api/v1/integrity/checks/{id}``, which stays a Django route) are the ones
  the Django route produces; the log row is committed before the answer leaves, as there;
* **the key check on every request**, read from the database each time (no cache, so a revocation holds at
  once in every process): for an exact code the key's row comes in the statement that reads the
  restrictions (``services.keyed_code_check``: one round trip instead of two) and is tested as
  ``core.services.apikey_authenticate`` tests it — the active key with that prefix, the hash compared in
  constant time; for a person or a name, ``apikey_authenticate`` itself —, then the operation's declaration
  in ``integrity/access.py`` (``core.access.check_operation``: the key must hold ``integrity:query``). A
  test fails if ``ApiKey`` gains a field (an expiry, say) the fast path does not know about;
* **the input rule** (``core.input_rules.find_problem``: NUL, lone surrogates, bad UTF-8), the allowed hosts
  and the HTTPS redirect of production, the request's language (Accept-Language or the language cookie, as
  ``core.middleware.LocaleMiddleware`` for ``/api/``), the request id and the response headers the middleware
  adds (security headers, ``Vary``, ``Content-Language``, ``X-Request-ID``), and what Django's request signals
  do for the database (a connection past ``CONN_MAX_AGE`` or broken by an error is closed).

Whatever the fast path does not answer with a 200 goes to Django untouched — a missing, unknown, revoked or
out-of-scope key, a broken input rule, a bad code or activity (``ServiceError``), a disallowed host, plain
HTTP in production, a session caller — so every refusal, its status and its JSON shape (``{"code", "message",
"field"}`` in the request's language) is the Django route's own, and nothing is logged for it (the service
raises before it logs). The tests run the Django route for behaviour and check that both paths give the same
answers for the same inputs (``integrity/tests/test_fastpath.py``).

The POST (``BODY_ROUTE``) is answered by the same code once its body is read: a JSON object that fits the
Django route's schema (``api.PartyIn``), sent as ``application/json`` (else Django's 400/422). Its wrapper
sits inside the GET's (``wrap``), so a GET never passes through it. A GET answered for ``id_number`` carries
the deprecation headers of the Django route (``api.ID_IN_QUERY_HEADERS``); on the exact-code branch that is
one comparison, and the shared body (``_answered``) one function call more, nothing read or written.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils import translation

from qinqing.core import audit, lightpath
from qinqing.core.errors import ServiceError
from qinqing.core.models import ApiKey
from qinqing.core.services import KEY_PREFIX, _hash_key, apikey_authenticate

from . import services
from .api import ID_IN_QUERY_HEADERS, PartyIn

_STATUS_OK = "200 OK"
ROUTE = lightpath.Route("api-v1:eligibility", "GET")
BODY_ROUTE = lightpath.Route("api-v1:eligibility_by_body", "POST")


def _query(environ) -> dict[str, str] | None:
    """``request.GET`` as the Django route reads it, without building a ``QueryDict`` (a sixth of the route's
    own CPU): the raw query string's bytes decoded as ``DEFAULT_CHARSET`` (else ISO-8859-1), ``parse_qsl``
    keeping blank values with ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, the last value of a repeated name
    (``QueryDict.get``). None when Django would refuse the query string (too many fields: its 400)."""
    raw = environ.get("QUERY_STRING", "").encode("iso-8859-1")
    encoding = settings.DEFAULT_CHARSET
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")
    try:
        return dict(
            parse_qsl(
                text,
                keep_blank_values=True,
                encoding=encoding,
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        )
    except ValueError:
        return None


def _authorised(raw_key: str, prefix: str, row, route: lightpath.Route = ROUTE) -> ApiKey | None:
    """The caller if ``row`` (the active key with this prefix, read with the restrictions) matches ``raw_key``
    and holds the scope: ``core.services.apikey_authenticate``'s test (the hash compared in constant time,
    revoked keys not read at all), then the operation's declaration."""
    if row is None or not hmac.compare_digest(row[1], _hash_key(raw_key)):
        return None
    api_key = ApiKey(id=int(row[6]), name=row[3], prefix=prefix, key_hash=row[1], scopes=json.loads(row[2]))
    return api_key if lightpath.allowed(route, api_key) else None


def _authorised_key(raw_key: str, route: lightpath.Route = ROUTE) -> ApiKey | None:
    api_key = apikey_authenticate(raw_key)
    return api_key if api_key is not None and lightpath.allowed(route, api_key) else None


def answer(request, environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The Django route's 200 answer for this request, logged; None when the request is Django's to answer."""
    if lightpath.declined(request):
        return None  # the HTTPS redirect, the 400 of DisallowedHost or of the input rule (naming the field)
    query = _query(environ)
    if query is None:
        return None  # too many fields: Django's 400
    return _answered(request, environ, query, ROUTE)


def answer_body(request, environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The POST's answer: the Django route's 200 for the party in the JSON body, logged; None when the
    request is Django's (not a JSON object, or not one that fits ``PartyIn``: its 400/422)."""
    if lightpath.declined(request):
        return None
    payload = lightpath.json_payload(request, PartyIn)
    if payload is None:
        return None
    return _answered(request, environ, payload.dict(), BODY_ROUTE)


def _answered(request, environ, query: dict, route: lightpath.Route):
    raw_key = environ["HTTP_X_API_KEY"]
    request_id = lightpath.request_id(environ)
    language = lightpath.language(request)
    with audit.request_context(request_id):
        try:
            if query.get("uscc", "").strip():
                # The exact code (the hot path): the key is read in the statement that reads the restrictions,
                # and the language is activated only to word restrictions (an answer without any has no text).
                parts = raw_key.split("_", 2)
                if len(parts) != 3 or parts[0] != KEY_PREFIX:
                    return None
                result = services.keyed_code_check(
                    uscc=query.get("uscc", ""),
                    activity=query.get("activity", ""),
                    key_prefix=parts[1],
                    authorise=lambda row: _authorised(raw_key, parts[1], row, route),
                    purpose="api",
                    language=language,
                )
            else:
                with translation.override(language):
                    api_key = _authorised_key(raw_key, route)
                    if api_key is None:
                        return None
                    result = services.eligibility(
                        uscc="",
                        id_number=query.get("id_number", ""),
                        name=query.get("name", ""),
                        activity=query.get("activity", ""),
                        caller=api_key,
                        purpose="api",
                    )
        except ServiceError:
            return None  # refused before anything was logged: the Django route answers the 4xx
        if result is None:
            return None  # no such active key, a wrong secret or a missing scope: Django answers 401/403
        body = result.json_text.encode()
        headers = lightpath.headers(request, body, language, request_id)
        if route is ROUTE and result.query_kind == "id_number":
            headers += ID_IN_QUERY_HEADERS  # a resident ID in the query string: deprecated (api.eligibility)
        return _STATUS_OK, headers, body


def wrap(django_application):
    """The WSGI application: the GET's light path in front of the POST's, in front of ``django_application``
    (a GET is answered before it reaches the POST's wrapper)."""
    with_body = lightpath.wrap(
        django_application,
        BODY_ROUTE,
        answer_body,
        wanted=lambda environ: bool(environ.get("HTTP_X_API_KEY")) and lightpath.sends_json(environ),
    )
    return lightpath.wrap(
        with_body, ROUTE, answer, wanted=lambda environ: bool(environ.get("HTTP_X_API_KEY"))
    )
