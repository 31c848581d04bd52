"""The public transparency pages: the latest signed heads, where they are published, how to
check them, and the JSON an outside party (or a receipt's holder) fetches; and the receipt pages: a
filing's receipt code → whether its audit event is in the published log, the inclusion proof as
JSON, and a page that checks it in the browser.

Nothing on a receipt page shows the filing itself: no tracking number, no title, no content, no
enterprise — only the code, the event's content hash and the proof (hashes)."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import AuditEvent, AuditPublication, AuditTreeHead
from . import canonical, heads, keys, proofs, publish, receipts, sequencer

PUBLISHED_SHOWN = 20
PENDING_SHOWN = 10_000  # pending entries counted on the public page, at most (then "more than")


def _published(limit: int = PUBLISHED_SHOWN) -> list[dict]:
    """Heads the anchor file acknowledged, newest first (from the publication records)."""
    ids = (
        AuditPublication.objects.filter(ok=True, target__startswith="file:")
        .order_by("-head__tree_size")
        .values_list("head_id", flat=True)
        .distinct()
    )
    chosen = list(dict.fromkeys(ids))[:limit]
    by_id = {head.pk: head for head in AuditTreeHead.objects.filter(pk__in=chosen)}
    return [heads.as_json(by_id[pk]) for pk in chosen if pk in by_id]


def _public_keys() -> list[dict]:
    try:
        found = keys.all_keys()
    except keys.KeyError_:
        return []
    return [{"key_id": key.key_id, "algorithm": key.algorithm, "public_key": key.public_key} for key in found]


def _witnesses() -> list[dict]:
    rows = []
    for url in settings.AUDIT_WITNESS_URLS:
        last = AuditPublication.objects.filter(target=f"witness:{url}"[:300]).order_by("-at").first()
        rows.append(
            {
                "url": url,
                "ok": last.ok if last else None,
                "at": last.at if last else None,
                "detail": last.detail if last else "",
                "tree_size": last.head.tree_size if last else None,
            }
        )
    return rows


def _no_store(response):
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def transparency(request):
    latest = heads.latest()
    pending = sequencer.pending_in_order()[: PENDING_SHOWN + 1].count()
    context = {
        "latest": heads.as_json(latest) if latest else None,
        "published": _published(),
        "anchor_file": bool(publish.anchor_path()),
        "witnesses": _witnesses(),
        "keys": _public_keys(),
        # Counted through the pending events' index, at most PENDING_SHOWN + 1: bounded work on a public page
        # whatever the table's size and statistics (``sequencer.pending_in_order``).
        "pending": min(pending, PENDING_SHOWN),
        "pending_more": pending > PENDING_SHOWN,
        "pending_limit": PENDING_SHOWN,
        "head_prefix": canonical.HEAD_PREFIX,
        "log_id": settings.AUDIT_LOG_ID,
    }
    return _no_store(render(request, "core/transparency.html", context))


@require_GET
def transparency_heads(request):
    latest = heads.latest()
    return _no_store(
        JsonResponse(
            {
                "log_id": settings.AUDIT_LOG_ID,
                "hash": "SM3",
                "tree": "RFC 9162 section 2.1: leaf = SM3(0x00 || content_hash), "
                "node = SM3(0x01 || left || right)",
                "latest": heads.as_json(latest) if latest else None,
                "published": _published(),
                "keys": _public_keys(),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    )


def _bad(field: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"code": "invalid", "message": message, "field": field},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def transparency_proof(request):
    value = request.GET.get("content_hash", "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        return _bad(
            "content_hash",
            _("content_hash must be 64 hexadecimal digits (the SM3 content hash on the receipt)."),
        )
    proof = proofs.proof_for_content_hash(value)
    if proof is not None:
        return _no_store(JsonResponse(proof))
    if AuditEvent.objects.filter(content_hash=value).exists():
        return _no_store(
            JsonResponse(
                {
                    "code": "pending",
                    "message": _(
                        "The event is recorded but not yet in the signed tree; try again in a few seconds."
                    ),
                },
                status=202,
                json_dumps_params={"ensure_ascii": False},
            )
        )
    return JsonResponse(
        {"code": "not_found", "message": _("No event has this content hash.")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def _size(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


@require_GET
def transparency_consistency(request):
    first = _size(request, "first")
    if first is None:
        return _bad("first", _("first must be a tree size (a whole number)."))
    second = None
    if request.GET.get("second", "").strip():
        second = _size(request, "second")
        if second is None:
            return _bad("second", _("second must be a tree size (a whole number)."))
    proof = proofs.consistency_between(first, second)
    if proof is None:
        return JsonResponse(
            {
                "code": "not_found",
                "message": _("No signed head of that size, or the first size is larger than the second."),
            },
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return _no_store(JsonResponse(proof))


# --- receipts (issue 19) ----------------------------------------------------------------------

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
