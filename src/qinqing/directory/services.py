"""Every write to the directory (articles 2, 3, 23): keyword-only, one transaction, one audit event.

Natural-key upserts for importers (re-importing a row updates, never duplicates, and an
unchanged row records no event):

- ``person_get_or_create_by_resident_id(*, name, resident_id, actor, phone=None) -> (Person, created)``
- ``unit_upsert(*, code, name, actor, kind=..., organ_type=None, parent=UNSET) -> (Unit, created)``
- ``enterprise_upsert(*, uscc, name, ownership_type, actor, ...) -> (Enterprise, created)``
- ``official_upsert(*, resident_id, name, unit, position, actor, ...) -> (Official, created)``
- ``enterprise_link_upsert(*, person, enterprise, kind, actor, ...) -> (EnterpriseLink, created)``
- ``related_person_upsert(*, official, person, relationship, actor, ...) -> (RelatedPerson, created)``

Identifier errors are raised as ``ServiceError`` naming the field (``resident_id``,
``uscc``, ``phone``) with the identifier module's code (e.g. ``uscc_check``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core import audit, clock
from qinqing.core.crypto import blind_index
from qinqing.core.errors import Conflict, ServiceError
from qinqing.core.identifiers import Gender as IdentifierGender
from qinqing.core.identifiers import (
    birth_date_from_resident_id,
    gender_from_resident_id,
    validate_mobile_phone,
    validate_resident_id,
    validate_uscc,
)

from .models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseMembership,
    Gender,
    LinkKind,
    Official,
    OfficialPosition,
    OrganType,
    OwnershipType,
    Person,
    Rank,
    RelatedPerson,
    Relationship,
    Unit,
    UnitKind,
)


class _Unset:
    """Marks an optional argument the caller did not pass (None is a real value: "clear it")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- small checks -------------------------------------------------------------------------
def _identifier(validator, value: str, field: str) -> str:
    """Run an identifier validator; its ValidationError becomes a ServiceError on ``field``."""
    try:
        return validator(value)
    except ValidationError as error:
        raise ServiceError(error.message, code=error.code or "invalid", field=field, params=error.params) from error


def _required_text(value: str | None, field: str, label) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(_("%(field)s is required."), code="required", field=field, params={"field": label})
    return text


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(
            _("%(value)s is not a valid choice for %(field)s."), code="invalid_choice", field=field, params={"value": value, "field": field}
        )
    return value



def _apply(instance, changes: dict[str, Any]) -> list[str]:
    """Set the changed attributes; return the names that actually changed."""
    changed = []
    for name, value in changes.items():
        if value is UNSET:
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _clean(instance) -> None:
    """Model field rules (lengths, ranges) as a ServiceError naming the first broken field."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(" ".join(messages), code="invalid", field=None if field == "__all__" else field) from error


def _create(model, **fields):
    instance = model(**fields)
    _clean(instance)
    instance.save(force_insert=True)
    return instance


def _save_and_record(instance, changed: list[str], before: dict, *, actor, action: str) -> None:
    if not changed:
        return
    _clean(instance)
    instance.save(update_fields=changed)
    audit.record_event(actor=actor, action=action, instance=instance, before=before)


# The identifier module names genders in words; the model stores one letter.
GENDER_CODES = {IdentifierGender.MALE: Gender.MALE.value, IdentifierGender.FEMALE: Gender.FEMALE.value}


# --- persons --------------------------------------------------------------------------------
def _person_identity(resident_id: str) -> dict[str, Any]:
    """Normalised ID, blind index and what the ID encodes (gender, date of birth)."""
    if not (resident_id or "").strip():
        return {"resident_id": "", "resident_id_index": "", "gender": "", "birth_date": None}
    number = _identifier(validate_resident_id, resident_id, "resident_id")
    return {
        "resident_id": number,
        "resident_id_index": blind_index(number),
        "gender": GENDER_CODES[gender_from_resident_id(number)],
        "birth_date": birth_date_from_resident_id(number),
    }


def _phone(value: str | None) -> str:
    if not (value or "").strip():
        return ""
    return _identifier(validate_mobile_phone, value, "phone")


def _check_resident_id_free(index: str, *, exclude_pk=None) -> None:
    if not index:
        return
    others = Person.objects.filter(resident_id_index=index)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise Conflict(_("A person with this resident ID number is already recorded."), code="duplicate_resident_id", field="resident_id")


def person_create(*, name: str, actor, resident_id: str = "", phone: str = "") -> Person:
    """Record a natural person. ``resident_id`` (optional for relatives) is validated, encrypted
    and indexed; gender and date of birth are taken from it. ``phone`` must be a mobile number."""
    name = _required_text(name, "name", pgettext_lazy("person", "Name"))
    identity = _person_identity(resident_id)
    phone = _phone(phone)
    with transaction.atomic():
        _check_resident_id_free(identity["resident_id_index"])
        person = _create(Person, name=name, phone=phone, **identity)
        audit.record_event(actor=actor, action="directory.person.create", instance=person, before=None)
    return person


def person_update(*, person: Person, actor, name: str = UNSET, resident_id: str = UNSET, phone: str = UNSET) -> Person:
    """Change a person's name, resident ID (re-deriving gender and birth date) or phone."""
    changes: dict[str, Any] = {}
    if name is not UNSET:
        changes["name"] = _required_text(name, "name", pgettext_lazy("person", "Name"))
    if resident_id is not UNSET:
        changes.update(_person_identity(resident_id))
    if phone is not UNSET:
        changes["phone"] = _phone(phone)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(person)
        if "resident_id_index" in changes:
            _check_resident_id_free(changes["resident_id_index"], exclude_pk=person.pk)
        changed = _apply(person, changes)
        _save_and_record(person, changed, before, actor=actor, action="directory.person.update")
    return person


def person_get_or_create_by_resident_id(*, name: str, resident_id: str, actor, phone: str | None = None) -> tuple[Person, bool]:
    """Find the person by resident ID (blind index) or create them. Returns ``(person, created)``.

    An existing person's name (and phone, when given) are brought up to date; no change, no event.
    """
    _required_text(resident_id, "resident_id", _("Resident ID number"))
    identity = _person_identity(resident_id)
    with transaction.atomic():
        existing = Person.objects.filter(resident_id_index=identity["resident_id_index"]).first()
        if existing is None:
            return person_create(name=name, resident_id=identity["resident_id"], phone=phone or "", actor=actor), True
        changes: dict[str, Any] = {"name": name}
        if phone:
            changes["phone"] = phone
        needs_update = existing.name != (name or "").strip() or (phone and existing.phone != _phone(phone))
        if needs_update:
            existing = person_update(person=existing, actor=actor, **changes)
        return existing, False


def person_find_or_create(*, name: str, actor, resident_id: str = "", phone: str = "") -> Person:
    """With a resident ID: the one person holding it (created if new). Without: a new person."""
    if (resident_id or "").strip():
        person, _created = person_get_or_create_by_resident_id(name=name, resident_id=resident_id, phone=phone or None, actor=actor)
        return person
    return person_create(name=name, phone=phone, actor=actor)


def person_reveal_resident_id(*, person: Person, actor) -> str:
    """Return the full resident ID and record who looked at it (caller checks the role)."""
    with transaction.atomic():
        audit.record_event(actor=actor, action="directory.person.reveal_id", instance=person, before=audit.snapshot(person))
    return person.resident_id


# --- units ------------------------------------------------------------------------------------
def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    """A unit may not sit under itself or under one of its own sub-units."""
    if parent is None or unit is None or unit.pk is None:
        return
    node = parent
    seen = set()
    while node is not None and node.pk not in seen:
        if node.pk == unit.pk:
            raise ServiceError(
                _("A unit cannot be placed under itself or one of its own sub-units."), code="unit_cycle", field="parent"
            )
        seen.add(node.pk)
        node = node.parent


def _resolve_organ_type(kind: str, organ_type: str | None, parent: Unit | None) -> str:
    # A department belongs to its organ, so it inherits the organ's article-2 type.
    if not organ_type and kind == UnitKind.DEPARTMENT and parent is not None:
        return parent.organ_type
    if not organ_type:
        raise ServiceError(
            _("Choose the organ type (article 2) of this unit."), code="required", field="organ_type"
        )
    return _choice(organ_type, OrganType, "organ_type")


def unit_create(
    *, code: str, name: str, actor, kind: str = UnitKind.ORGAN, organ_type: str | None = None, parent: Unit | None = None, is_active: bool = True
) -> Unit:
    """Create a unit. A department under an organ inherits its organ type unless one is given."""
    code = _required_text(code, "code", _("Unit code"))
    name = _required_text(name, "name", _("Name"))
    kind = _choice(kind, UnitKind, "kind")
    organ_type = _resolve_organ_type(kind, organ_type, parent)
    with transaction.atomic():
        if Unit.objects.filter(code=code).exists():
            raise Conflict(_("The unit code %(code)s is already used."), code="duplicate_unit_code", field="code", params={"code": code})
        unit = _create(Unit, code=code, name=name, kind=kind, organ_type=organ_type, parent=parent, is_active=is_active)
        audit.record_event(actor=actor, action="directory.unit.create", instance=unit, before=None)
    return unit


def unit_update(
    *, unit: Unit, actor, code: str = UNSET, name: str = UNSET, kind: str = UNSET, organ_type: str = UNSET, parent: Unit | None = UNSET, is_active: bool = UNSET
) -> Unit:
    """Change a unit; moving it under one of its own sub-units is refused (field ``parent``)."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = audit.snapshot(unit)
        changes: dict[str, Any] = {}
        if code is not UNSET:
            changes["code"] = _required_text(code, "code", _("Unit code"))
            if Unit.objects.filter(code=changes["code"]).exclude(pk=unit.pk).exists():
                raise Conflict(_("The unit code %(code)s is already used."), code="duplicate_unit_code", field="code", params={"code": code})
        if name is not UNSET:
            changes["name"] = _required_text(name, "name", _("Name"))
        if kind is not UNSET:
            changes["kind"] = _choice(kind, UnitKind, "kind")
        if parent is not UNSET:
            _check_parent(unit, parent)
            changes["parent"] = parent
        if organ_type is not UNSET:
            new_kind = changes.get("kind", unit.kind)
            new_parent = changes.get("parent", unit.parent)
            changes["organ_type"] = _resolve_organ_type(new_kind, organ_type, new_parent)
        if is_active is not UNSET:
            changes["is_active"] = bool(is_active)
        changed = _apply(unit, changes)
        _save_and_record(unit, [("parent_id" if n == "parent" else n) for n in changed], before, actor=actor, action="directory.unit.update")
    return unit


def unit_upsert(
    *, code: str, name: str, actor, kind: str = UnitKind.ORGAN, organ_type: str | None = None, parent: Unit | None = UNSET
) -> tuple[Unit, bool]:
    """Natural key ``code``: create the unit or bring it up to date. Returns ``(unit, created)``."""
    existing = Unit.objects.filter(code=(code or "").strip()).first()
    if existing is None:
        return unit_create(code=code, name=name, kind=kind, organ_type=organ_type, parent=None if parent is UNSET else parent, actor=actor), True
    return unit_update(unit=existing, name=name, kind=kind, organ_type=organ_type or UNSET, parent=parent, actor=actor), False


# --- officials ------------------------------------------------------------------------------
def _check_supervising_leader(official: Official | None, leader: Official | None) -> None:
    if leader is not None and official is not None and official.pk is not None and leader.pk == official.pk:
        raise ServiceError(_("An official cannot be their own supervising leader."), code="self_supervision", field="supervising_leader")


def _open_position(official: Official, start_date: datetime.date, actor) -> OfficialPosition:
    position = _create(OfficialPosition,
        official=official, unit=official.unit, position=official.position, rank=official.rank, start_date=start_date
    )
    audit.record_event(actor=actor, action="directory.official_position.open", instance=position, before=None)
    return position


def official_create(
    *,
    person: Person,
    unit: Unit,
    position: str,
    actor,
    rank: str = Rank.CLERK,
    is_leading_cadre: bool = False,
    supervising_leader: Official | None = None,
    user=None,
    start_date: datetime.date | None = None,
) -> Official:
    """Record ``person`` as a public official of ``unit`` and open their first position."""
    position = _required_text(position, "position", _("Position"))
    rank = _choice(rank, Rank, "rank")
    with transaction.atomic():
        if Official.objects.filter(person=person).exists():
            raise Conflict(_("This person is already recorded as an official."), code="duplicate_official", field="resident_id")
        if user is not None and Official.objects.filter(user=user).exists():
            raise Conflict(_("This login account already belongs to another official."), code="duplicate_official_user", field="user")
        official = _create(Official,
            person=person, unit=unit, position=position, rank=rank, is_leading_cadre=is_leading_cadre,
            supervising_leader=supervising_leader, user=user,
        )
        audit.record_event(actor=actor, action="directory.official.create", instance=official, before=None)
        _open_position(official, start_date or clock.today(), actor)
    return official


def official_update(
    *,
    official: Official,
    actor,
    unit: Unit = UNSET,
    position: str = UNSET,
    rank: str = UNSET,
    is_leading_cadre: bool = UNSET,
    supervising_leader: Official | None = UNSET,
    user=UNSET,
    is_active: bool = UNSET,
    effective_date: datetime.date | None = None,
) -> Official:
    """Change an official. A new unit, position or rank closes the current position on
    ``effective_date`` (default today) and opens a new one from that date."""
    with transaction.atomic():
        official = Official.objects.select_for_update().select_related("unit").get(pk=official.pk)
        before = audit.snapshot(official)
        changes: dict[str, Any] = {}
        if unit is not UNSET:
            changes["unit"] = unit
        if position is not UNSET:
            changes["position"] = _required_text(position, "position", _("Position"))
        if rank is not UNSET:
            changes["rank"] = _choice(rank, Rank, "rank")
        if is_leading_cadre is not UNSET:
            changes["is_leading_cadre"] = bool(is_leading_cadre)
        if supervising_leader is not UNSET:
            _check_supervising_leader(official, supervising_leader)
            changes["supervising_leader"] = supervising_leader
        if user is not UNSET:
            if user is not None and Official.objects.filter(user=user).exclude(pk=official.pk).exists():
                raise Conflict(_("This login account already belongs to another official."), code="duplicate_official_user", field="user")
            changes["user"] = user
        if is_active is not UNSET:
            changes["is_active"] = bool(is_active)
        changed = _apply(official, changes)
        if not changed:
            return official
        fields = [{"unit": "unit_id", "supervising_leader": "supervising_leader_id", "user": "user_id"}.get(n, n) for n in changed]
        _save_and_record(official, fields, before, actor=actor, action="directory.official.update")
        if {"unit", "position", "rank"} & set(changed):
            day = effective_date or clock.today()
            for current in OfficialPosition.objects.select_for_update().filter(official=official, end_date__isnull=True):
                position_before = audit.snapshot(current)
                current.end_date = max(day, current.start_date)
                current.save(update_fields=["end_date"])
                audit.record_event(actor=actor, action="directory.official_position.close", instance=current, before=position_before)
            _open_position(official, day, actor)
    return official


def official_upsert(
    *,
    resident_id: str,
    name: str,
    unit: Unit,
    position: str,
    actor,
    rank: str = Rank.CLERK,
    is_leading_cadre: bool = False,
    supervising_leader: Official | None = UNSET,
    phone: str | None = None,
    start_date: datetime.date | None = None,
) -> tuple[Official, bool]:
    """Natural key: the person's resident ID. Creates the person and official, or brings
    them up to date (position history follows). Returns ``(official, created)``."""
    with transaction.atomic():
        person, _person_created = person_get_or_create_by_resident_id(name=name, resident_id=resident_id, phone=phone, actor=actor)
        existing = Official.objects.filter(person=person).first()
        if existing is None:
            official = official_create(
                person=person, unit=unit, position=position, rank=rank, is_leading_cadre=is_leading_cadre,
                supervising_leader=None if supervising_leader is UNSET else supervising_leader, start_date=start_date, actor=actor,
            )
            return official, True
        official = official_update(
            official=existing, unit=unit, position=position, rank=rank, is_leading_cadre=is_leading_cadre,
            supervising_leader=supervising_leader, effective_date=start_date, actor=actor,
        )
        return official, False


# --- enterprises ------------------------------------------------------------------------------
def enterprise_create(
    *,
    uscc: str,
    name: str,
    ownership_type: str,
    actor,
    is_key_enterprise: bool = False,
    industry: str = "",
    address: str = "",
    legal_representative: Person | None = None,
    is_active: bool = True,
) -> Enterprise:
    """Record an enterprise. ``uscc`` is validated (GB 32100) and must be unique (``Conflict``)."""
    uscc = _identifier(validate_uscc, uscc, "uscc")
    name = _required_text(name, "name", _("Name"))
    ownership_type = _choice(ownership_type, OwnershipType, "ownership_type")
    with transaction.atomic():
        if Enterprise.objects.filter(uscc=uscc).exists():
            raise Conflict(
                _("An enterprise with the unified social credit code %(uscc)s is already recorded."),
                code="duplicate_uscc", field="uscc", params={"uscc": uscc},
            )
        enterprise = _create(Enterprise,
            uscc=uscc, name=name, ownership_type=ownership_type, is_key_enterprise=is_key_enterprise,
            industry=(industry or "").strip(), address=(address or "").strip(), legal_representative=legal_representative, is_active=is_active,
        )
        audit.record_event(actor=actor, action="directory.enterprise.create", instance=enterprise, before=None)
    return enterprise


def enterprise_update(
    *,
    enterprise: Enterprise,
    actor,
    uscc: str = UNSET,
    name: str = UNSET,
    ownership_type: str = UNSET,
    is_key_enterprise: bool = UNSET,
    industry: str = UNSET,
    address: str = UNSET,
    legal_representative: Person | None = UNSET,
    is_active: bool = UNSET,
) -> Enterprise:
    """Change an enterprise; only the fields passed are touched. No change, no event."""
    changes: dict[str, Any] = {}
    if uscc is not UNSET:
        changes["uscc"] = _identifier(validate_uscc, uscc, "uscc")
    if name is not UNSET:
        changes["name"] = _required_text(name, "name", _("Name"))
    if ownership_type is not UNSET:
        changes["ownership_type"] = _choice(ownership_type, OwnershipType, "ownership_type")
    if is_key_enterprise is not UNSET:
        changes["is_key_enterprise"] = bool(is_key_enterprise)
    if industry is not UNSET:
        changes["industry"] = (industry or "").strip()
    if address is not UNSET:
        changes["address"] = (address or "").strip()
    if legal_representative is not UNSET:
        changes["legal_representative"] = legal_representative
    if is_active is not UNSET:
        changes["is_active"] = bool(is_active)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = audit.snapshot(enterprise)
        if "uscc" in changes and Enterprise.objects.filter(uscc=changes["uscc"]).exclude(pk=enterprise.pk).exists():
            raise Conflict(
                _("An enterprise with the unified social credit code %(uscc)s is already recorded."),
                code="duplicate_uscc", field="uscc", params={"uscc": changes["uscc"]},
            )
        changed = _apply(enterprise, changes)
        fields = ["legal_representative_id" if n == "legal_representative" else n for n in changed]
        _save_and_record(enterprise, fields, before, actor=actor, action="directory.enterprise.update")
    return enterprise


def enterprise_upsert(
    *,
    uscc: str,
    name: str,
    ownership_type: str,
    actor,
    is_key_enterprise: bool = UNSET,
    industry: str = UNSET,
    address: str = UNSET,
    legal_representative: Person | None = UNSET,
) -> tuple[Enterprise, bool]:
    """Natural key ``uscc``: create the enterprise or bring it up to date. Returns ``(enterprise, created)``.

    Arguments left out keep their stored value (or the default on create)."""
    code = _identifier(validate_uscc, uscc, "uscc")
    with transaction.atomic():
        existing = Enterprise.objects.filter(uscc=code).first()
        if existing is None:
            optional = {
                key: value
                for key, value in {"is_key_enterprise": is_key_enterprise, "industry": industry, "address": address,
                                   "legal_representative": legal_representative}.items()
                if value is not UNSET
            }
            return enterprise_create(uscc=code, name=name, ownership_type=ownership_type, actor=actor, **optional), True
        enterprise = enterprise_update(
            enterprise=existing, name=name, ownership_type=ownership_type, is_key_enterprise=is_key_enterprise,
            industry=industry, address=address, legal_representative=legal_representative, actor=actor,
        )
        return enterprise, False


# --- links between persons and enterprises -----------------------------------------------------
def _share(share_percent, kind: str) -> Decimal | None:
    if share_percent in (None, ""):
        return None
    try:
        value = Decimal(str(share_percent))
    except InvalidOperation as error:
        raise ServiceError(_("The share must be a number between 0 and 100."), code="share_range", field="share_percent") from error
    if not Decimal("0") <= value <= Decimal("100"):
        raise ServiceError(_("The share must be a number between 0 and 100."), code="share_range", field="share_percent")
    if kind != LinkKind.SHAREHOLDER and value:
        raise ServiceError(_("Only a shareholder link carries a share."), code="share_not_shareholder", field="share_percent")
    return value


def _check_total_shares(enterprise: Enterprise, share: Decimal | None, *, exclude_pk=None) -> None:
    if not share:
        return
    open_links = EnterpriseLink.objects.filter(enterprise=enterprise, kind=LinkKind.SHAREHOLDER, end_date__isnull=True)
    if exclude_pk is not None:
        open_links = open_links.exclude(pk=exclude_pk)
    total = (open_links.aggregate(total=Sum("share_percent"))["total"] or Decimal("0")) + share
    if total > Decimal("100"):
        raise ServiceError(
            _("The shares of this enterprise's shareholders would add up to %(total)s%%, more than 100%%."),
            code="share_total", field="share_percent", params={"total": total.normalize()},
        )


def enterprise_link_create(
    *,
    person: Person,
    enterprise: Enterprise,
    kind: str,
    actor,
    role: str = "",
    share_percent: Decimal | str | None = None,
    start_date: datetime.date | None = None,
    source: str = "registry",
) -> EnterpriseLink:
    """Tie a person to an enterprise (shares, an office, a job or a declared interest)."""
    kind = _choice(kind, LinkKind, "kind")
    share = _share(share_percent, kind)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # serialise share totals
        _check_total_shares(enterprise, share)
        link = _create(EnterpriseLink,
            person=person, enterprise=enterprise, kind=kind, role=(role or "").strip(), share_percent=share,
            start_date=start_date, source=source or "registry",
        )
        audit.record_event(actor=actor, action="directory.enterprise_link.create", instance=link, before=None)
    return link


def enterprise_link_end(*, link: EnterpriseLink, actor, end_date: datetime.date | None = None) -> EnterpriseLink:
    """Close a link on ``end_date`` (default today); links are ended, never deleted (history)."""
    with transaction.atomic():
        link = EnterpriseLink.objects.select_for_update().get(pk=link.pk)
        if link.end_date is not None:
            raise ServiceError(_("This link has already ended."), code="already_ended", field="end_date")
        day = end_date or clock.today()
        if link.start_date and day < link.start_date:
            raise ServiceError(_("The end date cannot be before the start date."), code="end_before_start", field="end_date")
        before = audit.snapshot(link)
        link.end_date = day
        link.save(update_fields=["end_date"])
        audit.record_event(actor=actor, action="directory.enterprise_link.end", instance=link, before=before)
    return link


def enterprise_link_upsert(
    *,
    person: Person,
    enterprise: Enterprise,
    kind: str,
    actor,
    role: str = "",
    share_percent: Decimal | str | None = None,
    start_date: datetime.date | None = None,
    source: str = "registry",
) -> tuple[EnterpriseLink, bool]:
    """Natural key: the open link (person, enterprise, kind). Updates role/share, or creates it."""
    kind = _choice(kind, LinkKind, "kind")
    share = _share(share_percent, kind)
    with transaction.atomic():
        existing = EnterpriseLink.objects.select_for_update().filter(
            person=person, enterprise=enterprise, kind=kind, end_date__isnull=True
        ).first()
        if existing is None:
            return enterprise_link_create(
                person=person, enterprise=enterprise, kind=kind, role=role, share_percent=share, start_date=start_date,
                source=source, actor=actor,
            ), True
        before = audit.snapshot(existing)
        changes = {"role": (role or "").strip(), "share_percent": share}
        if start_date is not None:
            changes["start_date"] = start_date
        if share != existing.share_percent:
            _check_total_shares(enterprise, share, exclude_pk=existing.pk)
        changed = _apply(existing, changes)
        _save_and_record(existing, changed, before, actor=actor, action="directory.enterprise_link.update")
        return existing, False


# --- related persons (article 15) ----------------------------------------------------------------
def related_person_add(
    *,
    official: Official,
    person: Person,
    relationship: str,
    actor,
    occupation: str = "",
    declared_on: datetime.date | None = None,
) -> RelatedPerson:
    """Declare ``person`` as a related person (特定关系人) of ``official``."""
    relationship = _choice(relationship, Relationship, "relationship")
    if person.pk == official.person_id:
        raise ServiceError(_("An official cannot be their own related person."), code="self_relation", field="person")
    with transaction.atomic():
        if RelatedPerson.objects.filter(official=official, person=person, relationship=relationship).exists():
            raise Conflict(_("This related person is already declared."), code="duplicate_related_person", field="person")
        related = _create(RelatedPerson,
            official=official, person=person, relationship=relationship, occupation=(occupation or "").strip(),
            declared_on=declared_on or clock.today(),
        )
        audit.record_event(actor=actor, action="directory.related_person.add", instance=related, before=None)
    return related


def related_person_end(*, related: RelatedPerson, actor, end_date: datetime.date | None = None) -> RelatedPerson:
    """The relationship ended (divorce, a child's spouse no longer so); kept for history."""
    with transaction.atomic():
        related = RelatedPerson.objects.select_for_update().get(pk=related.pk)
        if related.end_date is not None:
            raise ServiceError(_("This relationship has already ended."), code="already_ended", field="end_date")
        before = audit.snapshot(related)
        related.end_date = end_date or clock.today()
        related.save(update_fields=["end_date"])
        audit.record_event(actor=actor, action="directory.related_person.end", instance=related, before=before)
    return related


def related_person_upsert(
    *,
    official: Official,
    person: Person,
    relationship: str,
    actor,
    occupation: str = "",
    declared_on: datetime.date | None = None,
) -> tuple[RelatedPerson, bool]:
    """Natural key (official, person, relationship): update the occupation or add it."""
    relationship = _choice(relationship, Relationship, "relationship")
    with transaction.atomic():
        existing = RelatedPerson.objects.select_for_update().filter(official=official, person=person, relationship=relationship).first()
        if existing is None:
            return related_person_add(
                official=official, person=person, relationship=relationship, occupation=occupation, declared_on=declared_on, actor=actor
            ), True
        before = audit.snapshot(existing)
        changes: dict[str, Any] = {"occupation": (occupation or "").strip()}
        if declared_on is not None:
            changes["declared_on"] = declared_on
        changed = _apply(existing, changes)
        _save_and_record(existing, changed, before, actor=actor, action="directory.related_person.update")
        return existing, False


# --- enterprise accounts ------------------------------------------------------------------------
def enterprise_membership_add(*, user, enterprise: Enterprise, actor, is_head: bool = False) -> EnterpriseMembership:
    """Let a login account act for an enterprise (its head or staff)."""
    with transaction.atomic():
        if EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).exists():
            raise Conflict(_("This account already acts for this enterprise."), code="duplicate_membership", field="user")
        membership = _create(EnterpriseMembership, user=user, enterprise=enterprise, is_head=is_head)
        audit.record_event(actor=actor, action="directory.enterprise_membership.add", instance=membership, before=None)
    return membership
