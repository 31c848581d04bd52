"""One input rule for every path (issue 18): text is UTF-8 and has no NUL character.

Forms, the portal, the webhooks and the API all pass here before any view runs. A request
whose query string, form fields or JSON strings hold a NUL (U+0000), bytes that are not
UTF-8, or a lone UTF-16 surrogate (``"\\ud800"`` in JSON, which no database can store) is
refused with 400 and a message naming the field — instead of being stored as U+FFFD
without a word (forms), stored with the NUL (SQLite) or failing with a 500 (PostgreSQL).

Uploaded files are not checked here (a PDF holds NUL bytes); importers check each cell
(``cell_problems``) and report the row.
"""

from __future__ import annotations

import contextlib
import json
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NUL = "nul_character"
INVALID = "invalid_text"

MESSAGES = {
    NUL: gettext_lazy("%(field)s contains a NUL character (U+0000), which text may not contain."),
    INVALID: gettext_lazy("%(field)s is not valid UTF-8 text (broken or unpaired characters)."),
}


class Problem:
    def __init__(self, code: str, field: str):
        self.code, self.field = code, field

    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"field": self.field or _("The request")}


def text_problem(value: str) -> str | None:
    """``NUL`` or ``INVALID`` when ``value`` breaks the rule, else None."""
    if "\x00" in value:
        return NUL
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return INVALID
    return None


def cell_problems(values: dict, label=str) -> list[tuple[str, str]]:
    """For importers: ``(field, message)`` for each cell of a row breaking the rule, so the
    row is reported on its column instead of failing in the database (PostgreSQL refuses NUL)."""
    problems = []
    for name, value in values.items():
        code = text_problem(value) if isinstance(value, str) else None
        if code:
            problems.append((name, str(MESSAGES[code]) % {"field": label(name)}))
    return problems


def _urlencoded_problem(raw: bytes) -> Problem | None:
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _sep, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(value.replace(b"+", b" "))
        field = name_bytes.decode("utf-8", "replace")[:60]
        for part in (name_bytes, value_bytes):
            if b"\x00" in part:
                return Problem(NUL, field)
            try:
                part.decode("utf-8")
            except UnicodeDecodeError:
                return Problem(INVALID, field)
    return None


def _json_problem(value, path: str = "") -> Problem | None:
    if isinstance(value, str):
        code = text_problem(value)
        return Problem(code, path) if code else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            code = text_problem(key)
            if code:
                return Problem(code, path)
            found = _json_problem(item, child)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_problem(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def find_problem(request) -> Problem | None:
    if "\x00" in request.path:
        return Problem(NUL, "path")
    query = request.META.get("QUERY_STRING", "")
    if query:
        # WSGI hands the query string over as latin-1 text: back to its bytes, then decode.
        found = _urlencoded_problem(query.encode("latin-1", "replace"))
        if found:
            return found
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    try:
        if content_type == "application/x-www-form-urlencoded":
            return _urlencoded_problem(request.body)
        if content_type == "application/json" or content_type.endswith("+json"):
            raw = request.body
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return Problem(INVALID, "")
            if "\x00" in text:
                return Problem(NUL, "")
            try:
                data = json.loads(text)
            except ValueError:
                return None  # not JSON at all: the API's parser answers that
            return _json_problem(data)
    except RequestDataTooBig:
        return None  # Django refuses it with its own 400 when the view reads it
    if content_type == "multipart/form-data":
        # Kept in memory when small, so a view may still read the raw body; a large upload is
        # parsed as a stream below, as the view would.
        with contextlib.suppress(RequestDataTooBig):
            request.body  # noqa: B018
        # Django decodes multipart fields with errors="replace": invalid UTF-8 arrives as U+FFFD.
        for name, values in request.POST.lists():
            for value in values:
                if "\x00" in value:
                    return Problem(NUL, name)
                if "\ufffd" in value:
                    return Problem(INVALID, name)
    return None


class InputRulesMiddleware:
    """Refuse (400) a request breaking the input rule before any view or form sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = find_problem(request)
        if problem is None:
            return self.get_response(request)
        message = problem.message()
        if request.path.startswith("/api/"):
            return JsonResponse({"code": problem.code, "message": message, "field": problem.field or None},
                                status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message, "code": problem.code}, status=400)
