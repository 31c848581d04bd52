"""Appeal intake's light request path (issue #19): ``POST /api/v1/appeals/`` with an API key and a JSON
body, answered in front of Django's middleware stack (``core.lightpath``).

The 12345 hotline, the WeChat gateway and the other channels' relays file appeals through this one
operation; through the full stack, Django's middlewares and django-ninja's operation machinery cost about
0.7 ms of CPU per filing, a third of the whole request. The light path answers a filing with exactly what
the Django route answers, through the same code:

* **the same service and answer**: ``appeals.api.file_as`` (``intake.services.appeal_file``) with the API
  key as actor, under the request's language (its refusals are worded in it; the acknowledgement and the
  timeline's first line in the district's, ``core.district.language``) and its request id (the audit
  events carry it); the 201 body is ``FileOut`` rendered by
  django-ninja's JSON renderer, the headers are the Django route's (``lightpath.headers``). On PostgreSQL a
  filing that would not be merged is written by ``appeals.api.file_plain`` (``appeal_file_plain``): the
  same rows and audit events, column for column, from plain values, with no model instance built and the
  keys, limits and duplicate check read in one statement (``test_intake_plain``);
* **the same checks**: the key read from the database on every request (``apikey_authenticate``: no cache,
  a revocation holds at once), the operation's declaration in ``appeals/access.py`` (the key must hold
  ``appeals:write``), the body validated by the operation's own schema (``FileIn``), the input rule, the
  allowed hosts and the HTTPS redirect (``lightpath.declined``); the key's use is counted once, when the
  light path answers (``apikey_usage.note``).

What the light path does not answer goes to Django with its body as it came, before anything is written:
a missing, unknown, revoked or out-of-scope key, a body that is not a JSON object or does not fit
``FileIn``, any refusal of the service (``ServiceError``: its transaction rolled back, nothing kept), an
``enterprise_uscc`` (the enterprise is looked up with the caller's rights there), an ``Idempotency-Key``
(``core.idempotency`` stores the answer with the call's writes), another content type, a body past
``DATA_UPLOAD_MAX_MEMORY_SIZE``. So every refusal — status, ``{"code", "message", "field"}`` in the
request's language — is the Django route's own. An exception after the service started is Django's 500
(``lightpath.wrap``), never a second try through Django. ``appeals/tests/test_intake_fastpath.py`` sends
the same requests through both paths and compares status, headers, body and what was written.
"""

from __future__ import annotations

from django.utils import translation
from ninja.renderers import JSONRenderer

from qinqing.appeals.api import FileIn, FileOut, file_as, file_plain
from qinqing.core import audit, lightpath
from qinqing.core.audit import apikey_usage
from qinqing.core.errors import ServiceError
from qinqing.core.services import apikey_authenticate

_STATUS_CREATED = "201 Created"
ROUTE = lightpath.Route("api-v1:file_appeal", "POST")
_RENDERER = JSONRenderer()  # django-ninja's default, the API's renderer
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def _wanted(environ) -> bool:
    return (
        bool(environ.get("HTTP_X_API_KEY"))
        and "HTTP_IDEMPOTENCY_KEY" not in environ
        and lightpath.sends_json(environ)
    )


def answer(request, environ) -> lightpath.Answer | None:
    """The Django route's 201 answer for this filing, after filing it; None when the request is Django's."""
    if lightpath.declined(request):
        return None  # the HTTPS redirect, the 400 of DisallowedHost or of the input rule (naming the field)
    payload = lightpath.json_payload(request, FileIn)
    if payload is None:
        return None  # Django's 400 for a body that is not a JSON object, its 422 naming the field
    if payload.enterprise_uscc:
        return None
    api_key = apikey_authenticate(environ["HTTP_X_API_KEY"], note=False)
    if api_key is None or not lightpath.allowed(ROUTE, api_key):
        return None  # Django's 401/403
    request_id = lightpath.request_id(environ)
    language = lightpath.language(request)
    with translation.override(language), audit.request_context(request_id):
        try:
            # PostgreSQL: the rows and events written from plain values (``file_plain``); else, or for a
            # filing that would be merged, the service as every channel files
            filed = file_plain(api_key, payload) or file_as(api_key, payload, None)
        except ServiceError:
            return None  # refused inside the service's transaction (rolled back): Django answers the 4xx
        apikey_usage.note(api_key.id)
        data = FileOut.model_validate(filed).model_dump()
        body = _RENDERER.render(request, data, response_status=201).encode()
        headers = lightpath.headers(request, body, language, request_id, content_type=_CONTENT_TYPE)
    return _STATUS_CREATED, headers, body


def wrap(django_application):
    """The WSGI application: this operation's light path in front of ``django_application``."""
    return lightpath.wrap(django_application, ROUTE, answer, wanted=_wanted)
