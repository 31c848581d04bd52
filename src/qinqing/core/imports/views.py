"""A queued import's status page (``core.imports``): its state while it waits and runs, then the report its
page would have shown; and its rejected rows as an .xlsx. Only the user who started the import sees either:
anyone else gets 404, as for a run that does not exist."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..excel import xlsx_response
from ..models import ImportRun
from . import report_of

POLL_SECONDS = 2


def _own_run(request, pk: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=pk, owner=request.user).first()
    if run is None:
        raise Http404
    return run


@never_cache
@require_GET
def import_run(request, pk: int):
    """The run's state; htmx polls it (the ``#import-run`` part alone) until it is done or failed."""
    run = _own_run(request, pk)
    context = {"run": run, "report": report_of(run), "poll_seconds": POLL_SECONDS,
               "finished": run.state in (ImportRun.State.DONE, ImportRun.State.FAILED)}
    if request.headers.get("HX-Request"):
        return render(request, "core/_import_run.html", context)
    return render(request, "core/import_run.html", context)


@never_cache
@require_GET
def import_run_rejections(request, pk: int):
    """The rejected rows of a finished run: row, column, error, then the row's values as the file had them."""
    run = _own_run(request, pk)
    report = report_of(run)
    if not report or not report["rejected"]:
        raise Http404
    value_columns: list[str] = []
    for rejection in report["rejected"]:
        for label in rejection["values"]:
            if label not in value_columns:
                value_columns.append(label)
    headers = [_("Row"), _("Column"), _("Error"), *value_columns]
    rows = ([r["row"], r["column"], r["error"], *[r["values"].get(label, "") for label in value_columns]]
            for r in report["rejected"])
    return xlsx_response(f"import-{run.pk}-errors.xlsx", headers, rows, sheet_title="errors")
