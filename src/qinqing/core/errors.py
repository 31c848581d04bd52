"""Domain errors that services raise; views and the API turn them into clear answers.

Every error names a machine code, a translated message and, where one applies, the
offending field, so a user sees which field broke which rule and nothing is lost.
"""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400


    def __init__(
        self, message, *, code: str = "invalid", field: str | None = None, params: dict | None = None
    ):
        self.message = message
        self.code = code
        self.field = field
        self.params = params or {}
        super().__init__(str(message))

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def __str__(self) -> str:
        # What a log line or a job's recorded failure shows: the message with its values in it
        # ("2028 年工作日历尚未载入"), not the template's "%(year)s".
        return self.text()

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.text(), "field": self.field}


class NotFound(ServiceError):
    """Missing or not visible to this actor: both answer the same (no existence leak)."""

    status = 404

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "not_found")
        super().__init__(message or _("Not found, or you may not see it."), **kwargs)


class PermissionDeniedError(ServiceError):
    status = 403

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "permission_denied")
        super().__init__(message or _("You do not have permission to do this."), **kwargs)


class ConflictError(ServiceError):
    status = 409

    def __init__(self, message, **kwargs):
        kwargs.setdefault("code", "conflict")
        super().__init__(message, **kwargs)


def found_or_404(view):
    """Page views: selectors raise NotFound alike for missing and forbidden objects; the page
    answers 404 for both. One decorator for every app's views."""
    import functools

    from django.http import Http404

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error

    return wrapped
