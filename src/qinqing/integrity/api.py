"""Eligibility API (article 21): other systems ask before a procurement, a subsidy, an honour…

``GET /integrity/eligibility?uscc=…&activity=…`` (or ``name=`` as the fallback),
``POST /integrity/eligibility`` with the same four fields in a JSON body — the way to ask about a person:
a resident ID in a query string ends up in access logs and proxies (``GET …?id_number=`` still answers, with
a ``Deprecation`` header) —, ``POST /integrity/eligibility/batch`` (up to 500 parties) and
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
    "id_number": "Deprecated here: send a person's resident ID number in the body of POST "
    "/integrity/eligibility (a query string ends up in access logs and proxies). Still answered, with a "
    "Deprecation header.",
    "name": "A name, the fallback when neither code is known: answered with candidates, scores and reasons.",
    "activity": "One of the nine activities of article 21; empty: any of them.",
}

# What a GET answered for a person's resident ID (``id_number`` in the query string) carries besides its
# answer, on both paths (integrity/fastpath.py): RFC 9745's Deprecation with the day the body form came
# (2026-12-03), and a Warning for clients that show warnings.
ID_IN_QUERY_HEADERS = (
    ("Deprecation", "@1796256000"),
    ("Warning", '299 - "id_number in the query string is deprecated: POST it in a JSON body"'),
)


@router.get(
    "/eligibility",
    response=EligibilityOut,
    summary="May this enterprise take part in this activity today? (article 21; every check is logged; a "
    "person: POST their resident ID in the body)",
    # The four query parameters are read from request.GET (plain strings, checked by the service, which names
    # the field in its 400 answers) rather than through a parameter model built per request; declared here.
    openapi_extra={
        "parameters": [
            {"in": "query", "name": name, "required": False, "schema": {"type": "string", "default": ""},
             "description": text, **({"deprecated": True} if name == "id_number" else {})}
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
    response = HttpResponse(answer.json_text, content_type="application/json")
    if answer.query_kind == "id_number":
        for name, value in ID_IN_QUERY_HEADERS:
            response[name] = value
    return response


class PartyIn(Schema):
    uscc: str = ""
    id_number: str = ""
    name: str = ""
    activity: str = ""


@router.post(
    "/eligibility",
    response=EligibilityOut,
    summary="May this enterprise or person take part in this activity today? The party in a JSON body: the "
    "way to send a person's resident ID (article 21; every check is logged)",
    description="The same check and answer as GET /integrity/eligibility, the four fields (uscc, id_number, "
    "name, activity) in a JSON body instead of the query string, so that a person's resident ID stays out "
    "of access logs and proxies. Same scope (integrity:query), same log row (purpose api), same refusals.",
)
def eligibility_by_body(request, payload: PartyIn):
    answer = services.eligibility(
        uscc=payload.uscc,
        id_number=payload.id_number,
        name=payload.name,
        activity=payload.activity,
        caller=actor_of(request),
        purpose="api",
    )
    return HttpResponse(answer.json_text, content_type="application/json")


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
