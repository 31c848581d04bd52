"""One line for a refused request, a traceback only for a real error.

Django's ``django.request`` logger records a ``PermissionDenied`` (403) with the whole
traceback, although a denied request is the system doing its job. ``ClientErrorFilter``
(wired to that logger in ``settings.LOGGING``) turns every 4xx record into one line —
status, method, path, user id and request id — and leaves 5xx records, tracebacks and
all, as they are. Paths are escaped as Django escapes them; no personal data is logged.

``PersonalNumberFilter`` (on the console handler and on runserver's ``django.server`` access log)
masks what looks like a resident ID or a mobile number in any line, its traceback included, with the
masks of ``core.identifiers``: a list searched by a full ID carries it in the URL's query string,
which the access log writes, and an exception's message may quote a value it was given.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

# 18 characters of a resident ID, an 11-digit mobile number with or without +86/0086/86 (URL-encoded
# + too); not inside a longer run of digits (a tracking number, a timestamp).
_PERSONAL_NUMBER = re.compile(
    r"(?<!\d)(?P<id>\d{17}[\dXx])(?![\dXx])|(?<!\d)(?P<phone>(?:\+|%2[Bb]|00)?(?:86)?1[3-9]\d{9})(?!\d)"
)


def _escaped(value: str) -> str:
    return value.encode("unicode_escape").decode("ascii")


class ClientErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else "-"
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        record.msg = "%s %s %s %s user=%s request_id=%s"
        record.args = (
            status,
            reason,
            getattr(request, "method", "-") or "-",
            _escaped(getattr(request, "path", "") or ""),
            user_id,
            getattr(request, "request_id", "") or "-",
        )
        record.exc_info = None
        record.exc_text = None
        return True


def mask_personal_numbers(text: str) -> str:
    from .identifiers import mask_phone, mask_resident_id

    def masked(match: re.Match) -> str:
        if match.group("id"):
            return mask_resident_id(match.group("id"))
        return mask_phone(match.group("phone").replace("%2B", "+").replace("%2b", "+"))

    return _PERSONAL_NUMBER.sub(masked, text)


class PersonalNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = mask_personal_numbers(message)
        if shown != message:
            record.msg, record.args = shown, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        return True
