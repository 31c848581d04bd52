"""The public receipt pages (issue 19): a filing's receipt code → whether its audit event is in the
published log, the inclusion proof as JSON, and a page that checks it in the browser.

Nothing here shows the filing itself: no tracking number, no title, no content, no enterprise —
only the code, the event's content hash and the proof (hashes)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import receipts


def _no_store(response):
    response["Cache-Control"] = "no-cache"
    return response


def _invalid_code_message() -> str:
    return _(
        "The receipt code must be 16 letters and digits (groups of four, e.g. 7K3M-Q9XD-2F6H-VT8A); "
        "the letters I, L, O and U are not used."
    )


def _lookup(request, code: str, error: str):
    context = {"code": code, "error": error}
    return render(request, "core/transparency_receipt_lookup.html", context, status=400 if error else 200)


@require_GET
def receipt_lookup(request):
    """A form: type the code from the SMS or the letter."""
    code = request.GET.get("code", "")
    error = ""
    if code:
        canonical = receipts.normalise(code)
        if canonical is not None:
            return redirect("transparency_receipt", code=canonical)
        error = _invalid_code_message()
    return _lookup(request, code, error)


@require_GET
def receipt_short(request, code: str):
    """The short link printed in SMS texts and QR codes: /r/<code>."""
    canonical = receipts.normalise(code)
    if canonical is None:
        return _lookup(request, code, _invalid_code_message())
    return redirect("transparency_receipt", code=canonical)


@require_GET
def receipt_page(request, code: str):
    canonical = receipts.normalise(code)
    if canonical is None:
        return _lookup(request, code, _invalid_code_message())
    if canonical != code:
        return redirect("transparency_receipt", code=canonical)
    data = receipts.proof_for_code(canonical)
    context = {"code": canonical, "receipt": data}
    return _no_store(render(request, "core/transparency_receipt.html", context, status=200 if data else 404))


@require_GET
def receipt_json(request, code: str):
    canonical = receipts.normalise(code)
    if canonical is None:
        return JsonResponse(
            {"code": "invalid", "message": _invalid_code_message(), "field": "code"},
            status=400, json_dumps_params={"ensure_ascii": False},
        )
    data = receipts.proof_for_code(canonical)
    if data is None:
        return JsonResponse(
            {"code": "not_found", "message": _("No filing has this receipt code."), "field": "code"},
            status=404, json_dumps_params={"ensure_ascii": False},
        )
    return _no_store(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))
