"""The legal-environment API: the flags for the discipline office and district leaders (articles 12, 13)."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from . import selectors

router = Router(tags=["legal"])


class FlagOut(Schema):
    code: str
    label: str
    action_id: int
    enterprise: str
    body: str
    date: datetime.date
    detail: str
    # a retaliation flag the discipline office found to be retaliation (article 13 (3)): "confirmed"; else ""
    assessment: str = ""


@router.get("/flags", response=list[FlagOut])
def flags(request):
    return [
        {
            "code": f.code,
            "label": str(f.label),
            "action_id": f.action.pk,
            "enterprise": f.action.enterprise.name,
            "body": f.action.unit.name,
            "date": f.action.started_on,
            "detail": f.detail,
            "assessment": f.assessment.outcome if f.assessment else "",
        }
        for f in selectors.flags(request.user)
    ]
