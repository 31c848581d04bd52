"""Eligibility API (article 21): other systems ask before a procurement, a subsidy, an honour…

``GET /integrity/eligibility?uscc=…&activity=…`` (or ``id_number=``, or ``name=`` as the
fallback), ``POST /integrity/eligibility/batch`` (up to 500 parties) and
``GET /integrity/checks/{check_id}`` (what was answered, when, and whether the log row is intact).
API keys need the scope ``integrity:query`` (declared in ``integrity/access.py``).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from ninja import Router, Schema

from qinqing.core.api import actor_of

from . import selectors, services

router = Router(tags=["integrity"])


class RestrictionOut(Schema):
    activity: str
    start: str
    end: str
    basis: str
    listing: str
    via_head: bool


class CandidateOut(Schema):
    kind: str
    uscc: str
    name: str
    score: float
    reason: str
    restricted: bool
    restrictions: list[RestrictionOut]


class EligibilityOut(Schema):
    eligible: bool
    restrictions: list[RestrictionOut]
    check_id: str
    checked_at: str
    activity: str | None
    query_kind: str
    query: str
    certain: bool
    party: dict | None
    candidates: list[CandidateOut]
    note: str


_QUERY = {
    "uscc": "An enterprise's unified social credit code (its own restrictions and its head's count).",
    "id_number": "A person's resident ID number.",
    "name": "A name, the fallback when neither code is known: answered with candidates, scores and reasons.",
    "activity": "One of the nine activities of article 21; empty: any of them.",
}


@router.get(
    "/eligibility",
    response=EligibilityOut,
    summary="May this enterprise or person take part in this activity today? (article 21; every check is "
    "logged)",
    # The four query parameters are read from request.GET (plain strings, checked by the service, which names
    # the field in its 400 answers) rather than through a parameter model built per request; declared here.
    openapi_extra={
        "parameters": [
            {"in": "query", "name": name, "required": False, "schema": {"type": "string", "default": ""},
             "description": text}
            for name, text in _QUERY.items()
        ]
    },
)
def eligibility(request):
    query = request.GET
    answer = services.eligibility(
        uscc=query.get("uscc", ""),
        id_number=query.get("id_number", ""),
        name=query.get("name", ""),
        activity=query.get("activity", ""),
        caller=actor_of(request),
        purpose="api",
    )
    # The answer is built by the service in exactly the schema's shape and returned as the JSON text it logged
    # (the schema stays the documented contract, checked by the tests), sparing re-validation on the hot path.
    return HttpResponse(answer.json_text, content_type="application/json")


class PartyIn(Schema):
    uscc: str = ""
    id_number: str = ""
    name: str = ""
    activity: str = ""


class BatchIn(Schema):
    activity: str = ""
    parties: list[PartyIn]


class BatchOut(Schema):
    batch_id: str
    checked_at: str
    count: int
    ineligible: int
    results: list[EligibilityOut]


@router.post(
    "/eligibility/batch",
    response=BatchOut,
    summary="Check up to 500 parties at once (a bidder list), each logged",
)
def eligibility_batch(request, payload: BatchIn):
    batch_id, answers = services.eligibility_batch(
        parties=[party.dict() for party in payload.parties],
        activity=payload.activity,
        caller=actor_of(request),
        purpose="api.batch",
    )
    head = json.dumps(
        {
            "batch_id": batch_id,
            "checked_at": answers[0].checked_at.isoformat(),
            "count": len(answers),
            "ineligible": sum(1 for answer in answers if not answer.eligible),
        },
        ensure_ascii=False,
    )
    # Each result is the JSON text its log row holds (encoded once, when it was logged).
    results = ", ".join(answer.json_text for answer in answers)
    return HttpResponse(f'{head[:-1]}, "results": [{results}]}}', content_type="application/json")


class CheckOut(Schema):
    check_id: str
    checked_at: str
    caller: str
    query_kind: str
    query: str
    activity: str | None
    eligible: bool
    answer: dict
    batch_id: str
    intact: bool


@router.get(
    "/checks/{check_id}", response=CheckOut, summary="Verify a past check: what was answered and when"
)
def check(request, check_id: str):
    row, intact = selectors.check(check_id)
    return {
        "check_id": row.check_id,
        "checked_at": row.checked_at.isoformat(),
        "caller": row.caller,
        "query_kind": row.query_kind,
        "query": row.query,
        "activity": row.activity or None,
        "eligible": row.eligible,
        "answer": row.answer,
        "batch_id": row.batch_id,
        "intact": intact,
    }
