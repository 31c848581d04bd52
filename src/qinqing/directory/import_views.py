"""Pages for administrators: upload a directory file, see the report, download the rejected
rows as an .xlsx error report, and download a blank template per kind.

The rejected rows are kept in the session for the error report, encrypted like every personal field
(``core.crypto``): they hold full resident IDs, and a session row is only signed, so anyone reading the
session table would read them."""

import functools
import json

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qinqing.core.crypto import DecryptionError, decrypt_text, encrypt_text
from qinqing.core.excel import xlsx_response
from qinqing.core.forms import form_status, imported, posted
from qinqing.core.imports import ImportQueued

from .importing import COLUMNS, KINDS, import_file, template_headers

SESSION_KEY = "directory_import_rejections"
MAX_REJECTIONS_KEPT = 10000  # enough for any real file; keeps the session row bounded

KIND_LABELS = {
    "enterprises": _("Enterprises"),
    "officials": _("Officials"),
    "links": _("Person–enterprise links (shareholders, executives, employees)"),
    "relatives": _("Related persons of officials"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file contains"), choices=[(kind, KIND_LABELS[kind]) for kind in KINDS]
    )
    file = forms.FileField(label=_("File (.xlsx or .csv, UTF-8 or GBK)"))
    dry_run = forms.BooleanField(label=_("Dry run: validate and report only, change nothing"), required=False)


def import_page(request):
    report = None
    form = ImportForm(posted(request), posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        report = imported(form, functools.partial(import_file, form.cleaned_data["kind"]), actor=request.user,
                          request=request, notes="directory/_import_notes.html")
        if isinstance(report, ImportQueued):  # a large file: imported by the worker, its status page
            return report
        if report is not None:
            rejections = {
                "kind": report.kind,
                "rejected": [
                    {"row": r.row, "field": r.column, "error": r.error, "values": r.values}
                    for r in report.rejected[:MAX_REJECTIONS_KEPT]
                ],
            }
            request.session[SESSION_KEY] = encrypt_text(json.dumps(rejections, ensure_ascii=False))
    templates = [(kind, KIND_LABELS[kind]) for kind in KINDS]
    return render(request, "directory/import.html", {"form": form, "report": report, "templates": templates},
                  status=form_status(form))


def import_errors(request):
    """The last import's rejected rows: row, field, error, then the row's original values."""
    try:
        stored = json.loads(decrypt_text(request.session.get(SESSION_KEY) or ""))
    except (DecryptionError, TypeError, AttributeError) as error:  # none, or not ours
        raise Http404 from error
    value_columns: list[str] = []
    for rejection in stored["rejected"]:
        for label in rejection["values"]:
            if label not in value_columns:
                value_columns.append(label)
    headers = [_("Row"), _("Column"), _("Error"), *value_columns]
    rows = (
        [r["row"], r["field"], r["error"], *[r["values"].get(label, "") for label in value_columns]]
        for r in stored["rejected"]
    )
    return xlsx_response(f"import-errors-{stored['kind']}.xlsx", headers, rows, sheet_title="errors")


def import_template(request, kind: str):
    if kind not in COLUMNS:
        raise Http404
    return xlsx_response(f"template-{kind}.xlsx", template_headers(kind), [], sheet_title=kind)
