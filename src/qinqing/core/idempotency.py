"""``Idempotency-Key`` on the API's writes (issue 18).

A client that times out cannot know whether its call was done; retrying may file a second
appeal. With an ``Idempotency-Key: <up to 255 printable ASCII characters>`` header on a POST,
PUT, PATCH or DELETE under ``/api/``:

* the first call runs, and its answer (status and JSON body) is stored together with the
  caller (the API key, by digest, or the session user), the key and a digest of the request
  (method, path, query, body) — **in the same transaction as the call's own writes**, so the
  answer is remembered exactly when what it reports was committed;
* the same caller sending the same key and the same request gets that answer again (header
  ``Idempotent-Replayed: true``), and nothing runs twice;
* the same key with a different request is refused: 422 ``idempotency_key_reused``;
* a call that ends in a 5xx is rolled back and not remembered: retry it with the same key;
* two calls with one key at the same moment: the second waits for the first (the unique
  index on caller and key) and then answers as a replay.

Records are kept for ``RETENTION`` (24 hours): a caller's expired records are dropped when
it next stores one. Requests without the header behave as before.

Page forms (``FormTokenMiddleware``): a form that must not file twice — an enterprise's appeal, a
report, a gift declaration, an approval request — renders ``{% form_token %}`` (core's ``qinqing``
tags), a hidden one-time token. Its POST is answered as above, the token and the form's action
its key, kept with the view's writes in one transaction: a double click, Back and send again, or a
retry after a lost connection meets the first POST's redirect (to what it filed) with a message
saying it was already sent, and files nothing. Only a successful answer is remembered (a redirect,
or htmx's 204 + ``HX-Redirect``): a refused form (4xx) comes back with its values and a new token.
The form's view must answer its success with a redirect (Post/Redirect/Get).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _

from . import clock
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
RETENTION = datetime.timedelta(hours=24)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Answers that say nothing about the operation (who you are, try later) are not remembered.
_NOT_STORED = {401, 403, 429}


def _refuse(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": HEADER}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _principal(request) -> str | None:
    raw = request.headers.get("X-API-Key", "")
    if raw:
        return "key:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> HttpResponse:
    if record.request_hash != request_hash:
        return _refuse(422, "idempotency_key_reused", _(
            "This Idempotency-Key was already used for a different request. Use a new key for a new "
            "request; send the same request to get its first answer again."))
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Answers a repeated API write carrying an ``Idempotency-Key`` with its first answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in WRITE_METHODS or not request.path.startswith("/api/") \
                or HEADER not in request.headers:
            return self.get_response(request)
        key = request.headers[HEADER]
        if not _VALID_KEY.match(key):
            return _refuse(400, "invalid_idempotency_key", _(
                "The Idempotency-Key header must be 1 to 255 printable ASCII characters (e.g. a UUID)."))
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)  # unauthenticated: the API answers 401 itself
        request_hash = _request_hash(request)
        return answered_once(request, self.get_response, principal, key, request_hash, kept=_api_kept,
                             replay=lambda found: _replay(found, request_hash))


def _api_kept(response) -> tuple[int, str, str] | None:
    """What an API call's answer keeps for a repeat: status, content type and body (not a refusal of
    ``_NOT_STORED``, which a repeat may get past)."""
    if response.status_code in _NOT_STORED:
        return None
    content_type = response.get("Content-Type", "application/json")
    return response.status_code, content_type, response.content.decode("utf-8")


def answered_once(request, get_response, principal: str, key: str, request_hash: str, *, kept, replay):
    """Run the view once per (``principal``, ``key``): a repeat gets ``replay(record)`` of the first answer.
    The record is written in one transaction with the view's writes; ``kept(response)`` says what of a
    successful answer is kept (status, content type, body), None when nothing is (a refusal: send again);
    a 5xx rolls everything back, its key included. Two calls at one moment wait on the unique index and the
    second replays the first's."""
    found = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
    if found is not None:
        return replay(found)
    try:
        with transaction.atomic():
            now = clock.now()
            record = IdempotencyRecord.objects.create(
                principal=principal, key=key, request_hash=request_hash, status=0,
                content_type="", body="", created_at=now)
            response = get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)  # nothing of a failed call is kept, nor its key
                return response
            answer = kept(response)
            if answer is None:
                record.delete()
                return response
            record.status, record.content_type, record.body = answer
            record.save(update_fields=["status", "content_type", "body"])
            IdempotencyRecord.objects.filter(principal=principal, created_at__lt=now - RETENTION).delete()
            return response
    except IntegrityError:
        found = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if found is None or not found.status:
            raise
        return replay(found)


# --- page forms: a one-time token --------------------------------------------------------------------------
FORM_FIELD = "form_token"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_REMEMBERED = {301, 302, 303, 307, 308}


def new_form_token() -> str:
    """A fresh token for one rendering of a form (``{% form_token %}``)."""
    return secrets.token_urlsafe(18)


def _form_replay(request, record: IdempotencyRecord) -> HttpResponse:
    messages.info(request, _("This form had already been sent; this is what it filed. Nothing was filed "
                             "twice. To file another, open the form again."))
    if record.status == 204:  # an htmx form's success
        response = HttpResponse(status=204)
        response["HX-Redirect"] = record.body
    else:
        response = HttpResponseRedirect(record.body)
    response["Idempotent-Replayed"] = "true"
    return response


class FormTokenMiddleware:
    """Answers a page form's repeated POST (the same ``form_token``) with the first POST's redirect.

    After the login wall, access, the second factor and messages (settings.MIDDLEWARE): a refused
    request never reaches it. The CSRF check runs inside (a view's ``process_view``), and its 403
    is not remembered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path.startswith("/api/") \
                or not request.content_type.startswith(_FORM_TYPES):
            return self.get_response(request)
        token = request.POST.get(FORM_FIELD, "")
        if not _VALID_KEY.match(token):
            return self.get_response(request)
        user = getattr(request, "user", None)
        principal = f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
        # per action: a page whose forms were drawn after one refused POST shows them all with its token
        key = f"form:{hashlib.sha256(request.path.encode('utf-8', 'replace')).hexdigest()[:16]}:{token}"
        return answered_once(request, self.get_response, principal, key, _form_hash(request), kept=_form_kept,
                             replay=lambda found: _form_replay(request, found))


def _form_kept(response) -> tuple[int, str, str] | None:
    """What a form's answer keeps: its redirect (or htmx's 204 + ``HX-Redirect``); a refused form (its
    values shown again) or an answer that files nothing keeps nothing."""
    target = (response.get("Location") if response.status_code in _REMEMBERED
              else response.get("HX-Redirect") if response.status_code == 204 else None)
    return (response.status_code, "", target) if target else None


def _form_hash(request) -> str:
    """What the form sent (its fields, not the multipart body with its random boundary), for the record."""
    digest = hashlib.sha256(request.path.encode("utf-8", "replace") + b"\0")
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}\0".encode("utf-8", "replace"))
    return digest.hexdigest()
