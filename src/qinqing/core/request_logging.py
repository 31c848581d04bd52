"""One line for a refused request, a traceback only for a real error.

Django's ``django.request`` logger records a ``PermissionDenied`` (403) with the whole
traceback, although a denied request is the system doing its job. ``ClientErrorFilter``
(wired to that logger in ``settings.LOGGING``) turns every 4xx record into one line —
status, method, path, user id and request id — and leaves 5xx records, tracebacks and
all, as they are. Paths are escaped as Django escapes them; no personal data is logged.
"""

from __future__ import annotations

import logging
from http import HTTPStatus


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
