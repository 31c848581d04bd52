"""The liaison API: live coverage (article 7) for the liaison office; the caller's invitations (article 9)."""

from __future__ import annotations

from ninja import Router, Schema

from . import selectors

router = Router(tags=["liaison"])


class LeaderOut(Schema):
    id: int
    name: str
    position: str
    enterprises: int


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str


class CoverageOut(Schema):
    key_enterprises: int
    leaders: list[LeaderOut]
    leaders_without: list[LeaderOut]
    enterprises_without: list[EnterpriseOut]


def _leader(leader) -> dict:
    return {
        "id": leader.pk,
        "name": leader.official.person.name,
        "position": leader.official.position,
        "enterprises": leader.enterprise_count,
    }


@router.get("/coverage", response=CoverageOut)
def coverage(request):
    data = selectors.coverage()
    return {
        "key_enterprises": data["key_total"],
        "leaders": [_leader(row) for row in data["leaders"]],
        "leaders_without": [_leader(row) for row in data["leaders_without"]],
        "enterprises_without": [
            {"id": e.pk, "name": e.name, "uscc": e.uscc} for e in data["enterprises_without"]
        ],
    }


class InvitationOut(Schema):
    id: int
    decision: str
    form: str
    held_on: str
    status: str


@router.get("/invitations", response=list[InvitationOut])
def invitations(request):
    return [
        {
            "id": c.pk,
            "decision": c.decision.title,
            "form": c.form,
            "held_on": c.held_on.isoformat(),
            "status": c.status,
        }
        for c in selectors.invitations_for(request.user)
    ]
