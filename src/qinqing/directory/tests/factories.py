"""Directory factories for tests (other apps may use them too). Every write goes through the services."""

import itertools

from qinqing.core.audit import SystemActor
from qinqing.core.identifiers import (
    org_code_check_character,
    resident_id_check_character,
    uscc_check_character,
)

from .. import services
from ..models import LinkKind, OrganType, OwnershipType, Rank, Relationship, UnitKind

_counter = itertools.count(1)
ACTOR = SystemActor("test")


def make_uscc(number: int | None = None) -> str:
    """A valid unified social credit code (both check characters right)."""
    body = f"{number if number is not None else next(_counter) + 10_000:08d}"
    first17 = f"91330106{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def make_resident_id(sequence: int | None = None, birth: str = "19800101") -> str:
    body = f"330106{birth}{(sequence if sequence is not None else next(_counter)) % 1000:03d}"
    return body + resident_id_check_character(body)


def make_unit(
    *,
    name: str | None = None,
    parent=None,
    kind: str | None = None,
    organ_type: str | None = None,
    code: str | None = None,
    seal_text: str = "",
):
    number = next(_counter)
    kind = kind or (UnitKind.DEPARTMENT if parent is not None else UnitKind.ORGAN)
    if organ_type is None and parent is None:
        organ_type = OrganType.GOVERNMENT
    return services.unit_create(
        code=code or f"U{number:05d}",
        name=name or f"单位{number}",
        kind=kind,
        organ_type=organ_type,
        parent=parent,
        seal_text=seal_text,
        actor=ACTOR,
    )


def make_person(*, name: str | None = None, resident_id: str | None = None, phone: str = ""):
    return services.person_create(
        name=name or f"人员{next(_counter)}",
        resident_id=resident_id if resident_id is not None else make_resident_id(),
        phone=phone,
        actor=ACTOR,
    )


def make_official(
    *,
    unit=None,
    name: str | None = None,
    position: str = "科员",
    user=None,
    supervising_leader=None,
    rank: str = Rank.CLERK,
    is_leading_cadre: bool = False,
    **person_fields,
):
    person = make_person(name=name, **person_fields)
    return services.official_create(
        person=person,
        unit=unit or make_unit(),
        position=position,
        rank=rank,
        is_leading_cadre=is_leading_cadre,
        user=user,
        supervising_leader=supervising_leader,
        actor=ACTOR,
    )


def make_enterprise(
    *, name: str | None = None, ownership_type: str = OwnershipType.PRIVATE, uscc: str | None = None, **fields
):
    return services.enterprise_create(
        uscc=uscc or make_uscc(),
        name=name or f"企业{next(_counter)}",
        ownership_type=ownership_type,
        actor=ACTOR,
        **fields,
    )


def make_link(
    *, person=None, enterprise=None, kind: str = LinkKind.SHAREHOLDER, share_percent=None, role: str = ""
):
    return services.enterprise_link_create(
        person=person or make_person(),
        enterprise=enterprise or make_enterprise(),
        kind=kind,
        share_percent=share_percent,
        role=role,
        actor=ACTOR,
    )


def make_related_person(*, official=None, person=None, relationship: str = Relationship.SPOUSE):
    return services.related_person_add(
        official=official or make_official(),
        person=person or make_person(),
        relationship=relationship,
        actor=ACTOR,
    )


def make_membership(*, user, enterprise=None, is_head: bool = True):
    return services.enterprise_membership_add(
        user=user, enterprise=enterprise or make_enterprise(), is_head=is_head, actor=ACTOR
    )
