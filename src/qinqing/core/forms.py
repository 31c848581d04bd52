from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .errors import ServiceError


class DateInput(forms.DateInput):
    """``<input type="date">`` holding an ISO date (2026-11-30), whatever the language.

    A plain ``forms.DateInput`` renders an initial date in the language's first input
    format — zh-Hans gives 2026/11/30 — which a date input does not accept, so the field
    started blank. Every form with a date field uses this widget.
    """

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


def posted(request, files: bool = False):
    """A form's data: the request's POST (with ``files``: its FILES) for a POST, else None.

    Not ``request.POST or None``: a POST with none of the form's fields is empty, and that idiom
    left the form unbound, so the page answered 200 with a fresh form, as if nothing had been
    sent, and an error added to it raised (a 500)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def bind_error(form, error) -> None:
    """Show a service's refusal (core.errors.ServiceError) on the form: next to its field when the
    form has that field, else at the top. The page's status is then the refusal's own
    (``form_status``): 409 for a conflict, 403 for a refusal of rights, 429 for too many, else 400
    (a NotFound too: on a form it is a value that names nothing)."""
    form.add_error(error.field if error.field in form.fields else None, error.text())
    # something the form names that does not exist (or is not the user's to see) is bad input here; a
    # refusal the API answers 5xx (nothing to check with yet) is still the form refused, shown with it
    form.refusal_status = error.status if 400 <= error.status < 500 and error.status != 404 else 400


def refusal_of(request, action: str, error=None, *, field: str = "", text="", row=None) -> dict:
    """A refused action's answer for the page it is on (rendered by ``core/_refusal.html``): which
    form (``action``; ``row`` for a form in a list's row), the field the rule names, the rule, what
    was typed (``values``, ``lists``) and the status (the ServiceError's own: 409, 403, else 400).
    ``at`` is where it goes: beside the field when the form has it, else at the top of the form."""
    if error is not None:
        field, text = error.field or "", error.text()
    return {
        "action": action,
        "row": row,
        "field": field,
        "at": field if field and field in request.POST else "",
        "text": str(text),
        "values": request.POST,
        "lists": {name: request.POST.getlist(name) for name in request.POST},
        "status": error.status if error is not None else 400,
    }


def refusal_placed(refusal: dict | None, shown) -> dict | None:
    """The refusal where the page can show it: in its form when the page has that form (``shown``: the
    forms as (action, row)), else at the top of the page (the row on another page, the action gone)."""
    if refusal is None or (refusal["action"], refusal["row"]) in shown:
        return refusal
    return {**refusal, "action": "page", "row": None, "at": ""}


def refusal_of_form(form) -> dict:
    """A bound form's refusal, for a page that no longer shows the form: the first field and its rule."""
    field, errors = next(iter(form.errors.items()))
    field = "" if field == "__all__" else field
    return {"action": "page", "row": None, "field": field, "at": "", "text": " ".join(errors), "status": 400}


def filter_choice(request, field: str, choices) -> tuple[str, dict | None]:
    """A list's filter from the query string: one of ``choices`` (pairs or values), or "" for none.

    A value that is none of them is refused, not read as "no filter" (the list shown would look like
    the one asked for): ("", a refusal for ``core/_refusal.html`` with ``here="filter"``), and the
    page answers its ``status``, 400, with the field named."""
    value = request.GET.get(field, "").strip()
    allowed = {str(choice[0] if isinstance(choice, (tuple, list)) else choice) for choice in choices}
    if not value or value in allowed:
        return value, None
    text = _("“%(value)s” is not one of this filter's choices.") % {"value": value[:50]}
    return "", {"action": "filter", "row": None, "field": field, "at": "", "text": text, "status": 400}


def form_status(*forms) -> int:
    """The status of a page showing these forms: 200 unless one was sent and refused — then the
    service's refusal's status (``bind_error``) or 400 for the form's own rules. A refused form is
    never answered 200 (tests/test_permission_matrix.py tries every page)."""
    for form in forms:
        if form is not None and form.is_bound and form.errors:
            return getattr(form, "refusal_status", 400)
    return 200


class PeriodFilterForm(forms.Form):
    """A list's filter form with an optional ``since``/``until`` pair of dates (the subclass declares the two
    fields with its own labels): an end before the start is refused on ``until``."""

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return data


class LedgerImportForm(forms.Form):
    """A ledger's import (台账导入): the file, and a dry run that checks every row and changes nothing
    (``core.tabular.one_import_at_a_time``)."""

    file = forms.FileField(label=_("Ledger (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)


# A ledger past this is split, or imported with ``./qinqing import``.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def imported(form, run, *, request=None, row_ms: float | None = None, without_updates: bool = False,
             notes: str = "", **arguments):
    """The report of ``run`` (an import: data, ``filename``, ``dry_run`` and ``arguments``) on a valid import
    form's file, or None with the refusal shown on the form (``bind_error``: ``form_status`` is then its
    status) — a file over ``MAX_IMPORT_BYTES`` is refused before it is read.

    Given the ``request``, a file whose import would take longer than ``settings.IMPORT_IN_REQUEST_SECONDS``
    (its rows times ``row_ms``, the import's measured milliseconds a row) is queued for the worker instead
    (``core.imports``): the answer is then an ``ImportQueued``, the redirect to its status page, which the
    view returns. ``without_updates`` and ``notes`` (a template of the page's own sections after the report)
    say how the status page shows the report, as the page shows it."""
    from . import imports

    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 50 MB; split it or use ./qinqing import."))
        return None
    data, dry_run = upload.read(), form.cleaned_data["dry_run"]
    if request is not None:
        rows = imports.estimated_rows(data, upload.name)
        if imports.too_long_for_a_request(rows, imports.DEFAULT_ROW_MS if row_ms is None else row_ms):
            shown = {"without_updates": without_updates, "notes": notes}
            return imports.queue(request, run, data, filename=upload.name, dry_run=dry_run, rows=rows,
                                 arguments=arguments, shown=shown)
    try:
        return run(data, filename=upload.name, dry_run=dry_run, **arguments)
    except ServiceError as error:
        bind_error(form, error)
        return None


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong user name or password. After %(limit)s failed attempts the account is locked for a while."
        ),
        "inactive": _("This account is inactive."),
    }

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ApiKeyForm(forms.Form):
    name = forms.SlugField(label=_("Name"), max_length=64)
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        from .scopes import SCOPES

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(code, f"{code} — {label}") for code, label in SCOPES.items()]


def bounded(field: forms.DateField, *, past_days: int | None = None, past_years: int | None = None,
            future_days: int | None = None) -> forms.DateField:
    """Sensible bounds on a date field, counted from today: the date input offers only those days
    (``min``/``max``) and the form refuses others next to the field, saying which bound it broke.
    The services check the same bounds (``core.limits``) for the API.

    "Today" is read when the page is drawn and when the form is checked, not when ``bounded``
    runs: a form class declared at import time keeps counting from the right day on a server
    that stays up past midnight."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils.functional import lazy

    from . import clock

    def earliest() -> datetime.date | None:
        if past_years is not None:
            return clock.today() - datetime.timedelta(days=366 * past_years)
        if past_days is not None:
            return clock.today() - datetime.timedelta(days=past_days)
        return None

    def latest() -> datetime.date | None:
        return clock.today() + datetime.timedelta(days=future_days) if future_days is not None else None

    if past_years is not None or past_days is not None:
        field.widget.attrs["min"] = lazy(lambda: earliest().isoformat(), str)()
    if future_days is not None:
        field.widget.attrs["max"] = lazy(lambda: latest().isoformat(), str)()

    def check(value):
        if value is None:
            return
        low, high = earliest(), latest()
        if high is not None and value > high:
            message = (_("The date cannot be in the future (today is %(bound)s).") if future_days == 0
                       else _("The date must be on or before %(bound)s."))
            raise ValidationError(message, code="date_out_of_range", params={"bound": high.isoformat()})
        if low is not None and value < low:
            raise ValidationError(_("The date must be on or after %(bound)s."), code="date_out_of_range",
                                  params={"bound": low.isoformat()})

    field.validators = [*field.validators, check]
    return field


class EnrolmentCodeForm(forms.Form):
    """The one-time code an administrator issued for enrolling an authenticator (core.enrolment)."""

    enrolment_code = forms.CharField(
        label=_("Enrolment code from your administrator"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}),
    )
