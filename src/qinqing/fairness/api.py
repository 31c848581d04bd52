"""``POST /api/v1/fairness/check``: a document (base64 file or pasted text) checked against the
rules; nothing is stored. API keys need the scope ``fairness:check`` (``fairness/access.py``).

Input: ``{"text": "…"}`` or ``{"file_name": "x.docx", "content_base64": "…"}``. Output: the
findings as ``{clause, location, rule, basis, severity, suggestion, …}``. An unreadable file is a
422 naming the field and why; a request body over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB
unless configured) a 413 in JSON (core.api); larger documents go through the page or the CLI.
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from qinqing.core.errors import ServiceError

from . import extract, services

router = Router(tags=["fairness"])

MAX_BASE64 = (extract.MAX_BYTES * 4) // 3 + 4


class CheckIn(Schema):
    text: str | None = None
    file_name: str | None = None
    content_base64: str | None = None


class FindingOut(Schema):
    clause: str
    location: str
    rule: str
    rule_title: str
    kind: str
    basis: str
    severity: str
    suggestion: str
    matched: str


class CheckOut(Schema):
    format: str
    clauses: int
    findings: list[FindingOut]


class TooLarge(ServiceError):
    status = 413


class Unreadable(ServiceError):
    status = 422


@router.post("/check", response=CheckOut)
def check(request, payload: CheckIn):
    if payload.content_base64:
        if len(payload.content_base64) > MAX_BASE64:
            raise TooLarge(
                _("The file is larger than %(limit)d MB."),
                code="too_large",
                field="content_base64",
                params={"limit": extract.MAX_BYTES // 2**20},
            )
        try:
            data = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError(_("Not valid base64."), code="invalid", field="content_base64") from None
        try:
            kind, result = services.check_upload(data, payload.file_name or "")
        except extract.UnreadableDocument as error:
            raise Unreadable(str(error), code="unreadable", field="content_base64") from None
    elif payload.text and payload.text.strip():
        if len(payload.text) > services.PASTED_LIMIT:
            raise TooLarge(
                _("The text is longer than %(limit)d characters."),
                code="too_large",
                field="text",
                params={"limit": services.PASTED_LIMIT},
            )
        try:
            kind, result = "text", services.check_pasted(payload.text)
        except extract.UnreadableDocument as error:  # past the clause limit, say
            raise Unreadable(str(error), code="unreadable", field="text") from None
    else:
        raise ServiceError(_("Send the text, or a file as content_base64."), code="required", field="text")
    return {
        "format": kind,
        "clauses": len(result.clauses),
        "findings": [item.as_dict() for item in result.findings],
    }
