"""The supervision office's page: upload the 12345 platform's export, see the row report,
download the results (.xlsx or .csv) to load back into the platform."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qinqing.core.forms import form_status, imported, posted
from qinqing.core.imports import ImportQueued

from . import services


class UploadForm(forms.Form):
    file = forms.FileField(label=_("12345 work-order export (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Dry run: validate and report only, change nothing"), required=False)


def hotline_page(request):
    report = None
    form = UploadForm(posted(request), posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        report = imported(form, services.import_file, actor=request.user, request=request,
                          row_ms=services.ROW_MS)
        if isinstance(report, ImportQueued):  # a large file: imported by the worker, its status page
            return report
    return render(
        request,
        "appeals/hotline.html",
        {
            "form": form,
            "report": report,
            "headers": [c.header for c in services.COLUMNS],
            "result_headers": services.RESULT_HEADERS,
        },
        status=form_status(form),
    )


def hotline_results(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = services.result_rows(finished_only=not request.GET.get("all"))
    if fmt == "csv":
        body, content_type = services.results_csv(rows), "text/csv; charset=utf-8"
    else:
        body, content_type = (
            services.results_xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="12345-results.{fmt}"'
    return response
