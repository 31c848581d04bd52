"""Conduct API: public letter verification; conflicts of an official (inspectors and keys)."""

from ninja import Router, Schema

from qinqing.core.api import actor_of
from qinqing.directory.selectors import access_official

from . import selectors
from .conflicts import find_conflicts

router = Router(tags=["conduct"])


class LetterOut(Schema):
    number: str
    verification_code: str
    official_name: str
    unit: str
    situation: str
    event_date: str
    place: str
    enterprises: list[str]
    status: str


@router.get(
    "/letters/{code}",
    response=LetterOut,
    auth=None,
    summary="Verify an approval letter by its code (public, article 14)",
)
def verify_letter(request, code: str):
    letter = selectors.letter_by_code(code)
    activity = letter.activity
    return LetterOut(
        number=letter.number,
        verification_code=letter.verification_code,
        official_name=activity.official.person.name,
        unit=activity.official.unit.name,
        situation=activity.situation,
        event_date=activity.event_date.isoformat(),
        place=activity.place,
        enterprises=[enterprise.name for enterprise in activity.enterprises.all()],
        status=activity.status,
    )


class ConflictOut(Schema):
    official_id: int
    relationship: str
    person_name: str
    # The name of record of the person holding the resident ID, when the official declared them under another
    # name (person_name); empty otherwise. This operation is the discipline office's (conduct/access.py).
    record_name: str = ""
    match: str
    enterprise_id: int
    enterprise_name: str
    link_kind: str
    share_percent: str | None
    evidence: str


@router.get(
    "/officials/{official_id}/conflicts",
    response=list[ConflictOut],
    summary="Conflicts of interest of an official (15.7)",
)
def official_conflicts(request, official_id: int):
    official = access_official(
        actor_of(request), official_id
    )  # the discipline office and keys see every official
    # the record's ties through a relative declared under another name as well (the discipline office's)
    conflicts = find_conflicts(official=official, record_ties=True)
    return [ConflictOut(**conflict.as_dict()) for conflict in conflicts]
