"""Every write to the directory (articles 2, 3, 23): keyword-only, one transaction, one audit event.

Natural-key upserts for importers (re-importing a row updates, never duplicates, and an
unchanged row records no event):

- ``person_get_or_create_by_resident_id(*, name, resident_id, actor, phone=None) -> (Person, created)``
- ``enterprise_upsert(*, uscc, name, ownership_type, actor, ...) -> (Enterprise, created)``
- ``official_upsert(*, resident_id, name, unit, position, actor, ...) -> (Official, created)``
- ``enterprise_link_upsert(*, person, enterprise, kind, actor, ...) -> (EnterpriseLink, created)``
- ``related_person_upsert(*, official, person, relationship, actor, ...) -> (RelatedPerson, created)``

Identifier errors are raised as ``ServiceError`` naming the field (``resident_id``,
``uscc``, ``phone``) with the identifier module's code (e.g. ``uscc_check``).

One write path: each rule (a unit's, an official's, an enterprise's, a person's, a link's,
a related person's; share totals; the position history an official starts with) is defined
once here, as ``_<model>_rules`` / ``_<model>s_unique`` / ``_check_share_totals`` /
``_position_held``, and every audit action name once, in ``Action``. The single-row services
and the bulk forms at the end of this module (``*_check``, ``*_create_bulk``, used by the
importer and the demo generator) call the same ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core import audit, clock, limits
from qinqing.core.crypto import blind_index
from qinqing.core.errors import ConflictError, ServiceError
from qinqing.core.identifiers import Gender as IdentifierGender
from qinqing.core.identifiers import (
    validate_mobile_phone,
    validate_resident_id,
    validate_uscc,
)

from .models import (
    Association,
    AssociationKind,
    AssociationMembership,
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


class Action:
    """Audit action names of every directory write: ``directory.<model>.<verb>``, the model
    named by its ``model_name`` as in every other app (``appeals.policyinterpretation.create``,
    ``core.apikey.create``). The services, the importer and the demo generator all use these,
    so one kind of write has one name in the trail whichever path made it."""

    UNIT_CREATE = "directory.unit.create"
    UNIT_UPDATE = "directory.unit.update"
    PERSON_CREATE = "directory.person.create"
    PERSON_UPDATE = "directory.person.update"
    PERSON_REVEAL_ID = "directory.person.reveal_id"
    OFFICIAL_CREATE = "directory.official.create"
    OFFICIAL_UPDATE = "directory.official.update"
    POSITION_OPEN = "directory.officialposition.open"
    POSITION_CLOSE = "directory.officialposition.close"
    ENTERPRISE_CREATE = "directory.enterprise.create"
    ENTERPRISE_UPDATE = "directory.enterprise.update"
    LINK_CREATE = "directory.enterpriselink.create"
    LINK_UPDATE = "directory.enterpriselink.update"
    LINK_END = "directory.enterpriselink.end"
    RELATED_CREATE = "directory.relatedperson.create"
    RELATED_UPDATE = "directory.relatedperson.update"
    RELATED_END = "directory.relatedperson.end"
    MEMBERSHIP_CREATE = "directory.enterprisemembership.create"
    ASSOCIATION_CREATE = "directory.association.create"
    ASSOCIATION_MEMBER_ADD = "directory.associationmembership.create"


#: ``reject(instance, error)``: a bulk check hands each refused instance here instead of
#: raising (the importer turns it into a row error); without it the first error is raised.
Reject = Callable[[Any, ServiceError], None]


def _refuse(error: ServiceError, instance, reject: Reject | None) -> None:
    if reject is None:
        raise error
    reject(instance, error)


def _screen(instances: Iterable, rule: Callable[[Any], None], reject: Reject | None) -> list:
    """Run ``rule`` on each instance; keep those it passes, refuse the others."""
    kept = []
    for instance in instances:
        try:
            rule(instance)
        except ServiceError as error:
            _refuse(error, instance, reject)
        else:
            kept.append(instance)
    return kept


# --- small checks -------------------------------------------------------------------------
def _identifier(validator, value: str, field: str) -> str:
    """Run an identifier validator; its ValidationError becomes a ServiceError on ``field``."""
    try:
        return validator(value)
    except ValidationError as error:
        raise ServiceError(
            error.message, code=error.code or "invalid", field=field, params=error.params
        ) from error


_CHOICE_VALUES: dict[type, frozenset] = {}


def _choice(value: str, choices, field: str) -> str:
    allowed = _CHOICE_VALUES.get(choices)
    if allowed is None:  # ``choices.values`` builds a new list on every call
        allowed = _CHOICE_VALUES[choices] = frozenset(choices.values)
    if value not in allowed:
        raise ServiceError(
            _("%(value)s is not a valid choice for %(field)s."),
            code="invalid_choice",
            field=field,
            params={"value": value, "field": field},
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


_EXCLUDED: dict[tuple[type, frozenset], set[str]] = {}


def _clean(instance, *, checked: frozenset[str] = frozenset()) -> None:
    """Model field rules (lengths, choices, ranges) as a ServiceError naming the first broken
    field. Relations are the database's foreign keys to keep (checking each here would cost a
    query per row of a bulk load); ``checked`` names fields the caller's rule has just
    validated or derived itself (a valid resident ID, a choice), not worth checking twice."""
    key = (type(instance), checked)
    if key not in _EXCLUDED:
        _EXCLUDED[key] = {f.name for f in type(instance)._meta.concrete_fields if f.is_relation} | set(
            checked
        )
    try:
        instance.clean_fields(exclude=_EXCLUDED[key])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(
            " ".join(messages), code="invalid", field=None if field == "__all__" else field
        ) from error


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
def _person_identity(resident_id: str, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Normalised ID, blind index and what the ID encodes (gender, date of birth).

    ``today`` bounds the date of birth; bulk callers pass it once for the whole batch."""
    if not (resident_id or "").strip():
        return {"resident_id": "", "resident_id_index": "", "gender": "", "birth_date": None}
    number = _identifier(
        lambda value: validate_resident_id(value, today=today or clock.today()), resident_id, "resident_id"
    )
    # GB 11643: digits 7-14 are the date of birth, digit 17 is odd for a man. The number is
    # valid here, so this reads what gender_/birth_date_from_resident_id would, without
    # validating it twice more.
    return {
        "resident_id": number,
        "resident_id_index": blind_index(number),
        "gender": GENDER_CODES[IdentifierGender.MALE if int(number[16]) % 2 else IdentifierGender.FEMALE],
        "birth_date": datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
    }


def _phone(value: str | None) -> str:
    if not (value or "").strip():
        return ""
    return _identifier(validate_mobile_phone, value, "phone")


_PERSON_DERIVED = frozenset({"resident_id", "resident_id_index", "gender", "birth_date"})


def _person_rules(person: Person, *, today: datetime.date | None = None) -> None:
    """A person's rules (the one definition, for ``person_create`` and the bulk writers): a
    name; a valid resident ID (optional for relatives) that decides gender and date of birth
    and gets its blind index; a mobile phone number or none; the model's field rules."""
    person.name = limits.check_required(person.name, field="name", label=pgettext_lazy("person", "Name"))
    for key, value in _person_identity(person.resident_id, today=today).items():
        setattr(person, key, value)
    person.phone = _phone(person.phone)
    _clean(person, checked=_PERSON_DERIVED)


def _persons_unique(persons: list[Person], reject: Reject | None = None) -> list[Person]:
    """One person per resident ID, against the database and within ``persons``."""
    indexes = [p.resident_id_index for p in persons if p.resident_id_index]
    taken = (
        dict(Person.objects.filter(resident_id_index__in=indexes).values_list("resident_id_index", "pk"))
        if indexes
        else {}
    )
    kept, seen = [], set()
    for person in persons:
        index = person.resident_id_index
        if index and ((index in taken and taken[index] != person.pk) or index in seen):
            _refuse(
                ConflictError(
                    _("A person with this resident ID number is already recorded."),
                    code="duplicate_resident_id",
                    field="resident_id",
                ),
                person,
                reject,
            )
            continue
        seen.add(index)
        kept.append(person)
    return kept


def person_create(*, name: str, actor, resident_id: str = "", phone: str = "") -> Person:
    """Record a natural person. ``resident_id`` (optional for relatives) is validated, encrypted
    and indexed; gender and date of birth are taken from it. ``phone`` must be a mobile number."""
    person = Person(name=name, resident_id=resident_id or "", phone=phone or "")
    _person_rules(person)
    with transaction.atomic():
        _persons_unique([person])
        person.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.PERSON_CREATE, instance=person, before=None)
    return person


def person_update(
    *, person: Person, actor, name: str = UNSET, resident_id: str = UNSET, phone: str = UNSET
) -> Person:
    """Change a person's name, resident ID (re-deriving gender and birth date) or phone."""
    changes: dict[str, Any] = {}
    if name is not UNSET:
        changes["name"] = limits.check_required(name, field="name", label=pgettext_lazy("person", "Name"))
    if resident_id is not UNSET:
        changes.update(_person_identity(resident_id))
    if phone is not UNSET:
        changes["phone"] = _phone(phone)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(person)
        changed = _apply(person, changes)
        if "resident_id_index" in changed:
            _persons_unique([person])
        _save_and_record(person, changed, before, actor=actor, action=Action.PERSON_UPDATE)
    return person


def person_get_or_create_by_resident_id(
    *, name: str, resident_id: str, actor, phone: str | None = None, renames: bool = True
) -> tuple[Person, bool]:
    """Find the person by resident ID (blind index) or create them. Returns ``(person, created)``.

    An existing person's name (and phone, when given) are brought up to date; no change, no event.
    ``renames=False`` (a caller who is not the directory's keeper: an official declaring a relative)
    never changes the person of record (neither name nor phone) and never refuses a name that differs:
    the caller keeps the name it was given (compare it with ``person.name``) and must answer alike
    whether the number was on record or not. Renaming would let anyone rename any person whose number
    they hold; refusing, or showing the name of record, would confirm whose a guessed number is."""
    limits.check_required(resident_id, field="resident_id", label=_("Resident ID number"))
    identity = _person_identity(resident_id)
    if not renames:
        # The same input rules whether the number is on record or not (a phone refused only for a new
        # person would tell the two apart).
        name = limits.check_required(name, field="name", label=pgettext_lazy("person", "Name"))
        _phone(phone)
    with transaction.atomic():
        existing = Person.objects.filter(resident_id_index=identity["resident_id_index"]).first()
        if existing is None:
            return person_create(
                name=name, resident_id=identity["resident_id"], phone=phone or "", actor=actor
            ), True
        if not renames:
            return existing, False
        changes: dict[str, Any] = {"name": name}
        if phone:
            changes["phone"] = phone
        needs_update = existing.name != (name or "").strip() or (phone and existing.phone != _phone(phone))
        if needs_update:
            existing = person_update(person=existing, actor=actor, **changes)
        return existing, False


def person_find_or_create(
    *, name: str, actor, resident_id: str = "", phone: str = "", renames: bool = True
) -> Person:
    """With a resident ID: the one person holding it (created if new). Without: a new person.
    ``renames``: as in ``person_get_or_create_by_resident_id``."""
    if (resident_id or "").strip():
        person, _created = person_get_or_create_by_resident_id(
            name=name, resident_id=resident_id, phone=phone or None, actor=actor, renames=renames
        )
        return person
    return person_create(name=name, phone=phone, actor=actor)


def person_reveal_resident_id(*, person: Person, actor) -> str:
    """Return the full resident ID and record who looked at it (caller checks the role)."""
    with transaction.atomic():
        audit.record_event(
            actor=actor, action=Action.PERSON_REVEAL_ID, instance=person, before=audit.snapshot(person)
        )
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
                _("A unit cannot be placed under itself or one of its own sub-units."),
                code="unit_cycle",
                field="parent",
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


def _unit_rules(unit: Unit) -> None:
    """A unit's rules (one definition, for ``unit_create`` and the bulk writer): a code, a
    name, a kind, an article-2 organ type (a department inherits its organ's), no cycle."""
    unit.code = limits.check_required(unit.code, field="code", label=_("Unit code"))
    unit.name = limits.check_required(unit.name, field="name", label=_("Name"))
    unit.kind = _choice(unit.kind, UnitKind, "kind")
    unit.organ_type = _resolve_organ_type(unit.kind, unit.organ_type or None, unit.parent)
    _check_parent(unit, unit.parent)
    _clean(unit, checked=frozenset({"kind", "organ_type"}))


def _seal_text(value: str | None) -> str:
    """The words on a unit's seal, as long as its column holds (refused naming the field, not a 500)."""
    return limits.check_text(value, field="seal_text", label=_("Seal text"),
                             limit=Unit._meta.get_field("seal_text").max_length)


def _duplicate_unit_code(code: str) -> ConflictError:
    return ConflictError(
        _("The unit code %(code)s is already used."),
        code="duplicate_unit_code",
        field="code",
        params={"code": code},
    )


def _units_unique(units: list[Unit], reject: Reject | None = None) -> list[Unit]:
    """Unit codes are unique, against the database and within ``units``."""
    taken = dict(Unit.objects.filter(code__in=[u.code for u in units]).values_list("code", "pk"))
    kept, seen = [], set()
    for unit in units:
        if (unit.code in taken and taken[unit.code] != unit.pk) or unit.code in seen:
            _refuse(_duplicate_unit_code(unit.code), unit, reject)
            continue
        seen.add(unit.code)
        kept.append(unit)
    return kept


def unit_create(
    *,
    code: str,
    name: str,
    actor,
    kind: str = UnitKind.ORGAN,
    organ_type: str | None = None,
    parent: Unit | None = None,
    is_active: bool = True,
    seal_text: str = "",
) -> Unit:
    """Create a unit. A department under an organ inherits its organ type unless one is given.
    ``seal_text``: the words on its seal (blank: its seal bears its name, core.letters.issuer)."""
    unit = Unit(
        code=code or "",
        name=name or "",
        kind=kind,
        organ_type=organ_type or "",
        parent=parent,
        is_active=is_active,
        seal_text=_seal_text(seal_text),
    )
    _unit_rules(unit)
    with transaction.atomic():
        _units_unique([unit])
        unit.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.UNIT_CREATE, instance=unit, before=None)
    return unit


def unit_update(
    *,
    unit: Unit,
    actor,
    code: str = UNSET,
    name: str = UNSET,
    kind: str = UNSET,
    organ_type: str = UNSET,
    parent: Unit | None = UNSET,
    is_active: bool = UNSET,
    seal_text: str = UNSET,
) -> Unit:
    """Change a unit; moving it under one of its own sub-units is refused (field ``parent``)."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = audit.snapshot(unit)
        changes: dict[str, Any] = {}
        if code is not UNSET:
            changes["code"] = limits.check_required(code, field="code", label=_("Unit code"))
            if Unit.objects.filter(code=changes["code"]).exclude(pk=unit.pk).exists():
                raise _duplicate_unit_code(changes["code"])
        if name is not UNSET:
            changes["name"] = limits.check_required(name, field="name", label=_("Name"))
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
        if seal_text is not UNSET:
            changes["seal_text"] = _seal_text(seal_text)
        changed = _apply(unit, changes)
        _save_and_record(
            unit,
            [("parent_id" if n == "parent" else n) for n in changed],
            before,
            actor=actor,
            action=Action.UNIT_UPDATE,
        )
    return unit


# --- officials ------------------------------------------------------------------------------
def _check_supervising_leader(official_pk, leader_pk) -> None:
    if leader_pk is not None and official_pk is not None and leader_pk == official_pk:
        raise ServiceError(
            _("An official cannot be their own supervising leader."),
            code="self_supervision",
            field="supervising_leader",
        )


def _official_rules(official: Official) -> None:
    """An official's rules (one definition, for ``official_create`` and the bulk writer): a
    position, a rank, not their own supervising leader, the model's field rules."""
    official.position = limits.check_required(official.position, field="position", label=_("Position"))
    official.rank = _choice(official.rank, Rank, "rank")
    _check_supervising_leader(official.pk, official.supervising_leader_id)
    _clean(official, checked=frozenset({"rank"}))


def _officials_unique(officials: list[Official], reject: Reject | None = None) -> list[Official]:
    """One official per person and per login account, against the database and within ``officials``."""
    person_ids = [o.person_id for o in officials if o.person_id is not None]  # None: a person not yet written
    people = (
        dict(Official.objects.filter(person_id__in=person_ids).values_list("person_id", "pk"))
        if person_ids
        else {}
    )
    user_ids = [o.user_id for o in officials if o.user_id is not None]
    users = (
        dict(Official.objects.filter(user_id__in=user_ids).values_list("user_id", "pk")) if user_ids else {}
    )
    kept, seen_people, seen_users = [], set(), set()
    for official in officials:
        person = official.person_id
        if person is not None and (
            (person in people and people[person] != official.pk) or person in seen_people
        ):
            _refuse(
                ConflictError(
                    _("This person is already recorded as an official."),
                    code="duplicate_official",
                    field="resident_id",
                ),
                official,
                reject,
            )
            continue
        user = official.user_id
        if user is not None and ((user in users and users[user] != official.pk) or user in seen_users):
            _refuse(
                ConflictError(
                    _("This login account already belongs to another official."),
                    code="duplicate_official_user",
                    field="user",
                ),
                official,
                reject,
            )
            continue
        if person is not None:
            seen_people.add(person)
        if user is not None:
            seen_users.add(user)
        kept.append(official)
    return kept


def _position_held(official: Official, start_date: datetime.date) -> OfficialPosition:
    """Position history: the post an official holds from ``start_date`` (created with the
    official, by every path, and again on each transfer)."""
    return OfficialPosition(
        official=official,
        unit_id=official.unit_id,
        position=official.position,
        rank=official.rank,
        start_date=start_date,
    )


def _open_position(official: Official, start_date: datetime.date, actor) -> OfficialPosition:
    position = _position_held(official, start_date)
    _clean(position)
    position.save(force_insert=True)
    audit.record_event(actor=actor, action=Action.POSITION_OPEN, instance=position, before=None)
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
    official = Official(
        person=person, unit=unit, position=position or "", rank=rank, is_leading_cadre=is_leading_cadre,
        supervising_leader=supervising_leader, user=user,
    )
    _official_rules(official)
    with transaction.atomic():
        _officials_unique([official])
        official.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.OFFICIAL_CREATE, instance=official, before=None)
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
            changes["position"] = limits.check_required(position, field="position", label=_("Position"))
        if rank is not UNSET:
            changes["rank"] = _choice(rank, Rank, "rank")
        if is_leading_cadre is not UNSET:
            changes["is_leading_cadre"] = bool(is_leading_cadre)
        if supervising_leader is not UNSET:
            _check_supervising_leader(official.pk, getattr(supervising_leader, "pk", None))
            changes["supervising_leader"] = supervising_leader
        if user is not UNSET:
            if user is not None and Official.objects.filter(user=user).exclude(pk=official.pk).exists():
                raise ConflictError(
                    _("This login account already belongs to another official."),
                    code="duplicate_official_user",
                    field="user",
                )
            changes["user"] = user
        if is_active is not UNSET:
            changes["is_active"] = bool(is_active)
        changed = _apply(official, changes)
        if not changed:
            return official
        fields = [
            {"unit": "unit_id", "supervising_leader": "supervising_leader_id", "user": "user_id"}.get(n, n)
            for n in changed
        ]
        _save_and_record(official, fields, before, actor=actor, action=Action.OFFICIAL_UPDATE)
        if {"unit", "position", "rank"} & set(changed):
            day = effective_date or clock.today()
            for current in OfficialPosition.objects.select_for_update().filter(
                official=official, end_date__isnull=True
            ):
                position_before = audit.snapshot(current)
                current.end_date = max(day, current.start_date)
                current.save(update_fields=["end_date"])
                audit.record_event(
                    actor=actor, action=Action.POSITION_CLOSE, instance=current, before=position_before
                )
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
        person, _person_created = person_get_or_create_by_resident_id(
            name=name, resident_id=resident_id, phone=phone, actor=actor
        )
        existing = Official.objects.filter(person=person).first()
        if existing is None:
            official = official_create(
                person=person,
                unit=unit,
                position=position,
                rank=rank,
                is_leading_cadre=is_leading_cadre,
                supervising_leader=None if supervising_leader is UNSET else supervising_leader,
                start_date=start_date,
                actor=actor,
            )
            return official, True
        official = official_update(
            official=existing, unit=unit, position=position, rank=rank, is_leading_cadre=is_leading_cadre,
            supervising_leader=supervising_leader, effective_date=start_date, actor=actor,
        )
        return official, False


# --- enterprises ------------------------------------------------------------------------------
def _enterprise_rules(enterprise: Enterprise) -> None:
    """An enterprise's rules (one definition, for ``enterprise_create`` and the bulk writer):
    a valid USCC (GB 32100), a name, an ownership type, the model's field rules."""
    enterprise.uscc = _identifier(validate_uscc, enterprise.uscc, "uscc")
    enterprise.name = limits.check_required(enterprise.name, field="name", label=_("Name"))
    enterprise.ownership_type = _choice(enterprise.ownership_type, OwnershipType, "ownership_type")
    enterprise.industry = (enterprise.industry or "").strip()
    enterprise.address = (enterprise.address or "").strip()
    _clean(enterprise, checked=frozenset({"uscc", "ownership_type"}))


def _duplicate_uscc(uscc: str) -> ConflictError:
    return ConflictError(
        _("An enterprise with the unified social credit code %(uscc)s is already recorded."),
        code="duplicate_uscc", field="uscc", params={"uscc": uscc},
    )


def _enterprises_unique(enterprises: list[Enterprise], reject: Reject | None = None) -> list[Enterprise]:
    """One enterprise per USCC, against the database and within ``enterprises``."""
    taken = dict(Enterprise.objects.filter(uscc__in=[e.uscc for e in enterprises]).values_list("uscc", "pk"))
    kept, seen = [], set()
    for enterprise in enterprises:
        if (enterprise.uscc in taken and taken[enterprise.uscc] != enterprise.pk) or enterprise.uscc in seen:
            _refuse(_duplicate_uscc(enterprise.uscc), enterprise, reject)
            continue
        seen.add(enterprise.uscc)
        kept.append(enterprise)
    return kept


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
    """Record an enterprise. ``uscc`` is validated (GB 32100) and must be unique (``ConflictError``)."""
    enterprise = Enterprise(
        uscc=uscc or "", name=name or "", ownership_type=ownership_type, is_key_enterprise=is_key_enterprise,
        industry=industry, address=address, legal_representative=legal_representative, is_active=is_active,
    )
    _enterprise_rules(enterprise)
    with transaction.atomic():
        _enterprises_unique([enterprise])
        enterprise.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.ENTERPRISE_CREATE, instance=enterprise, before=None)
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
        changes["name"] = limits.check_required(name, field="name", label=_("Name"))
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
        if (
            "uscc" in changes
            and Enterprise.objects.filter(uscc=changes["uscc"]).exclude(pk=enterprise.pk).exists()
        ):
            raise _duplicate_uscc(changes["uscc"])
        changed = _apply(enterprise, changes)
        fields = ["legal_representative_id" if n == "legal_representative" else n for n in changed]
        _save_and_record(enterprise, fields, before, actor=actor, action=Action.ENTERPRISE_UPDATE)
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
                for key, value in {
                    "is_key_enterprise": is_key_enterprise,
                    "industry": industry,
                    "address": address,
                    "legal_representative": legal_representative,
                }.items()
                if value is not UNSET
            }
            return enterprise_create(
                uscc=code, name=name, ownership_type=ownership_type, actor=actor, **optional
            ), True
        enterprise = enterprise_update(
            enterprise=existing,
            name=name,
            ownership_type=ownership_type,
            is_key_enterprise=is_key_enterprise,
            industry=industry,
            address=address,
            legal_representative=legal_representative,
            actor=actor,
        )
        return enterprise, False


# --- links between persons and enterprises -----------------------------------------------------
def _share(share_percent, kind: str) -> Decimal | None:
    if share_percent in (None, ""):
        return None
    try:
        value = Decimal(str(share_percent))
    except InvalidOperation as error:
        raise ServiceError(
            _("The share must be a number between 0 and 100."), code="share_range", field="share_percent"
        ) from error
    if not Decimal("0") <= value <= Decimal("100"):
        raise ServiceError(
            _("The share must be a number between 0 and 100."), code="share_range", field="share_percent"
        )
    if kind != LinkKind.SHAREHOLDER and value:
        raise ServiceError(
            _("Only a shareholder link carries a share."), code="share_not_shareholder", field="share_percent"
        )
    return value


def _link_rules(link: EnterpriseLink) -> None:
    """A link's own rules (one definition, for the services and the bulk writer): a kind; a
    share from 0 to 100, carried only by a shareholder; an end not before the start; the
    model's field rules. The share total is ``_check_share_totals``."""
    link.kind = _choice(link.kind, LinkKind, "kind")
    link.share_percent = _share(link.share_percent, link.kind)
    link.role = (link.role or "").strip()
    link.source = link.source or "registry"
    if link.start_date and link.end_date and link.end_date < link.start_date:
        raise ServiceError(
            _("The end date cannot be before the start date."), code="end_before_start", field="end_date"
        )
    _clean(link, checked=frozenset({"kind"}))


def _check_share_totals(links: list[EnterpriseLink], reject: Reject | None = None) -> list[EnterpriseLink]:
    """The shares of one enterprise's open shareholder links add up to at most 100 %.

    ``links`` are new links or changed ones (a link with a pk replaces its stored self); they
    count in order on top of what the database holds, so a link that would take its
    enterprise past 100 % is refused and the ones after it are judged without it. Locks the
    enterprises first (in pk order), so two writers cannot both take the last free share."""
    holding = [
        link
        for link in links
        if link.kind == LinkKind.SHAREHOLDER and link.share_percent and link.end_date is None
    ]
    if not holding:
        return list(links)
    enterprise_ids = sorted({link.enterprise_id for link in holding})
    list(
        Enterprise.objects.select_for_update()
        .filter(pk__in=enterprise_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stored = EnterpriseLink.objects.filter(
        enterprise_id__in=enterprise_ids, kind=LinkKind.SHAREHOLDER, end_date__isnull=True
    )
    replaced = [link.pk for link in holding if link.pk is not None]
    if replaced:
        stored = stored.exclude(pk__in=replaced)
    totals: dict[Any, Decimal] = {
        row["enterprise_id"]: Decimal(row["total"] or 0)
        for row in stored.values("enterprise_id").order_by().annotate(total=Sum("share_percent"))
    }
    refused: set[int] = set()
    for link in holding:
        total = totals.get(link.enterprise_id, Decimal("0")) + link.share_percent
        if total > Decimal("100"):
            refused.add(id(link))
            _refuse(
                ServiceError(
                    _(
                        "The shares of this enterprise's shareholders would add up to "
                        "%(total)s%%, more than 100%%."
                    ),
                    code="share_total",
                    field="share_percent",
                    params={"total": f"{total.normalize():f}"},
                ),
                link,
                reject,
            )
        else:
            totals[link.enterprise_id] = total
    return [link for link in links if id(link) not in refused]


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
    link = EnterpriseLink(
        person=person,
        enterprise=enterprise,
        kind=kind,
        role=role,
        share_percent=share_percent,
        start_date=start_date,
        source=source,
    )
    _link_rules(link)
    with transaction.atomic():
        _check_share_totals([link])
        link.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.LINK_CREATE, instance=link, before=None)
    return link


def enterprise_link_update(
    *,
    link: EnterpriseLink,
    actor,
    role: str = UNSET,
    share_percent: Decimal | str | None = UNSET,
    start_date: datetime.date | None = UNSET,
    end_date: datetime.date | None = UNSET,
) -> EnterpriseLink:
    """Change a link's role, share or dates; the link's and the share-total rules apply to the
    result. No change, no event."""
    with transaction.atomic():
        link = EnterpriseLink.objects.select_for_update().get(pk=link.pk)
        before = audit.snapshot(link)
        changes = {
            "role": role,
            "share_percent": share_percent,
            "start_date": start_date,
            "end_date": end_date,
        }
        if role is not UNSET:
            changes["role"] = (role or "").strip()
        if share_percent is not UNSET:
            changes["share_percent"] = _share(share_percent, link.kind)
        changed = _apply(link, changes)
        if not changed:
            return link
        _link_rules(link)
        _check_share_totals([link])
        _save_and_record(link, changed, before, actor=actor, action=Action.LINK_UPDATE)
    return link


def enterprise_link_end(
    *, link: EnterpriseLink, actor, end_date: datetime.date | None = None
) -> EnterpriseLink:
    """Close a link on ``end_date`` (default today); links are ended, never deleted (history)."""
    with transaction.atomic():
        link = EnterpriseLink.objects.select_for_update().get(pk=link.pk)
        if link.end_date is not None:
            raise ServiceError(_("This link has already ended."), code="already_ended", field="end_date")
        day = end_date or clock.today()
        if link.start_date and day < link.start_date:
            raise ServiceError(
                _("The end date cannot be before the start date."), code="end_before_start", field="end_date"
            )
        before = audit.snapshot(link)
        link.end_date = day
        link.save(update_fields=["end_date"])
        audit.record_event(actor=actor, action=Action.LINK_END, instance=link, before=before)
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
                person=person,
                enterprise=enterprise,
                kind=kind,
                role=role,
                share_percent=share,
                start_date=start_date,
                source=source,
                actor=actor,
            ), True
        before = audit.snapshot(existing)
        changes = {"role": (role or "").strip(), "share_percent": share}
        if start_date is not None:
            changes["start_date"] = start_date
        changed = _apply(existing, changes)
        if "share_percent" in changed:
            _check_share_totals([existing])
        _save_and_record(existing, changed, before, actor=actor, action=Action.LINK_UPDATE)
        return existing, False


# --- related persons (article 15) ----------------------------------------------------------------
def _related_rules(related: RelatedPerson, official_person_id, *, today: datetime.date | None = None) -> None:
    """A related person's rules (one definition, for ``related_person_add`` and the bulk
    writer): a relationship, not the official themself, declared on a day (default today),
    the model's field rules. ``official_person_id`` is the official's own person."""
    related.relationship = _choice(related.relationship, Relationship, "relationship")
    if related.person_id is not None and related.person_id == official_person_id:
        raise ServiceError(
            _("An official cannot be their own related person."), code="self_relation", field="person"
        )
    related.occupation = (related.occupation or "").strip()
    related.declared_on = related.declared_on or today or clock.today()
    _clean(related, checked=frozenset({"relationship"}))


def _related_unique(relateds: list[RelatedPerson], reject: Reject | None = None) -> list[RelatedPerson]:
    """A person is declared once per official and relationship (database and ``relateds``)."""
    known = [r for r in relateds if r.person_id is not None]
    taken = set()
    if known:
        taken = set(
            RelatedPerson.objects.filter(
                official_id__in={r.official_id for r in known}, person_id__in={r.person_id for r in known}
            ).values_list("official_id", "person_id", "relationship")
        )
    kept, seen = [], set()
    for related in relateds:
        key = (related.official_id, related.person_id, related.relationship)
        if related.person_id is not None and (key in taken or key in seen):
            _refuse(
                ConflictError(
                    _("This related person is already declared."),
                    code="duplicate_related_person",
                    field="person",
                ),
                related,
                reject,
            )
            continue
        seen.add(key)
        kept.append(related)
    return kept


def related_person_add(
    *,
    official: Official,
    person: Person,
    relationship: str,
    actor,
    occupation: str = "",
    declared_on: datetime.date | None = None,
    declared_name: str = "",
) -> RelatedPerson:
    """Declare ``person`` as a related person (特定关系人) of ``official``. ``declared_name``: the name the
    official gave, when they declare it themselves (``RelatedPerson.declared_name``)."""
    related = RelatedPerson(
        official=official,
        person=person,
        relationship=relationship,
        occupation=occupation,
        declared_on=declared_on,
        declared_name=(declared_name or "").strip(),
    )
    _related_rules(related, official.person_id)
    with transaction.atomic():
        _related_unique([related])
        related.save(force_insert=True)
        audit.record_event(actor=actor, action=Action.RELATED_CREATE, instance=related, before=None)
    return related


def related_person_end(
    *, related: RelatedPerson, actor, end_date: datetime.date | None = None
) -> RelatedPerson:
    """The relationship ended (divorce, a child's spouse no longer so); kept for history."""
    with transaction.atomic():
        related = RelatedPerson.objects.select_for_update().get(pk=related.pk)
        if related.end_date is not None:
            raise ServiceError(
                _("This relationship has already ended."), code="already_ended", field="end_date"
            )
        before = audit.snapshot(related)
        related.end_date = end_date or clock.today()
        related.save(update_fields=["end_date"])
        audit.record_event(actor=actor, action=Action.RELATED_END, instance=related, before=before)
    return related


def related_person_upsert(
    *,
    official: Official,
    person: Person,
    relationship: str,
    actor,
    occupation: str = "",
    declared_on: datetime.date | None = None,
    declared_name: str = UNSET,
) -> tuple[RelatedPerson, bool]:
    """Natural key (official, person, relationship): update the occupation (and the declared name) or add
    it."""
    relationship = _choice(relationship, Relationship, "relationship")
    with transaction.atomic():
        existing = RelatedPerson.objects.filter(
            official=official, person=person, relationship=relationship
        ).first()
        if existing is None:
            return related_person_add(
                official=official,
                person=person,
                relationship=relationship,
                occupation=occupation,
                declared_on=declared_on,
                declared_name="" if declared_name is UNSET else declared_name,
                actor=actor,
            ), True
        return related_person_update(
            related=existing,
            occupation=occupation,
            declared_on=declared_on or UNSET,
            declared_name=declared_name,
            actor=actor,
        ), False


def related_person_update(
    *,
    related: RelatedPerson,
    actor,
    occupation: str = UNSET,
    declared_on: datetime.date | None = UNSET,
    declared_name: str = UNSET,
) -> RelatedPerson:
    """Change the declared occupation, declaration date or declared name. No change, no event."""
    with transaction.atomic():
        related = RelatedPerson.objects.select_for_update().get(pk=related.pk)
        before = audit.snapshot(related)
        changes: dict[str, Any] = {
            "occupation": occupation if occupation is UNSET else (occupation or "").strip(),
            "declared_on": declared_on,
            "declared_name": declared_name if declared_name is UNSET else (declared_name or "").strip(),
        }
        changed = _apply(related, changes)
        _save_and_record(related, changed, before, actor=actor, action=Action.RELATED_UPDATE)
    return related


# --- enterprise accounts ------------------------------------------------------------------------
def enterprise_membership_add(
    *, user, enterprise: Enterprise, actor, is_head: bool = False
) -> EnterpriseMembership:
    """Let a login account act for an enterprise (its head or staff)."""
    with transaction.atomic():
        if EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).exists():
            raise ConflictError(
                _("This account already acts for this enterprise."), code="duplicate_membership", field="user"
            )
        membership = _create(EnterpriseMembership, user=user, enterprise=enterprise, is_head=is_head)
        audit.record_event(actor=actor, action=Action.MEMBERSHIP_CREATE, instance=membership, before=None)
    return membership


# --- the federation and chambers of commerce (article 9) -----------------------------------------
def association_create(*, name: str, kind: str, actor, uscc: str = "") -> Association:
    """Record the federation or a chamber of commerce, so consultations and meetings invite it by record."""
    name = limits.check_required(name, field="name", label=_("Name"))[:200]
    kind = _choice(kind, AssociationKind, "kind")
    uscc = (uscc or "").strip().upper()
    if uscc:
        uscc = _identifier(validate_uscc, uscc, "uscc")
    with transaction.atomic():
        if Association.objects.filter(name=name).exists():
            raise ConflictError(
                _("%(name)s is already recorded."), code="duplicate", field="name", params={"name": name}
            )
        association = _create(Association, name=name, kind=kind, uscc=uscc)
        audit.record_event(actor=actor, action=Action.ASSOCIATION_CREATE, instance=association, before=None)
    return association


def association_member_add(*, user, association: Association, actor) -> AssociationMembership:
    """Let a login account act for the federation or a chamber (its staff)."""
    with transaction.atomic():
        if AssociationMembership.objects.filter(user=user, association=association).exists():
            raise ConflictError(
                _("This account already acts for this organisation."),
                code="duplicate_membership",
                field="user",
            )
        membership = _create(AssociationMembership, user=user, association=association)
        audit.record_event(
            actor=actor, action=Action.ASSOCIATION_MEMBER_ADD, instance=membership, before=None
        )
    return membership


# --- bulk forms (importer, demo generator) ------------------------------------------------------
# The same rules and action names as the single-row services above, applied to a batch: the
# per-row rules in Python, the uniqueness and share-total rules as one query per batch, the
# rows inserted with ``bulk_create`` and audited with ``record_bulk_events``. ``*_check``
# runs the rules without writing (the importer uses it to refuse a row before writing
# anything for it); ``*_create_bulk`` runs them again inside its transaction and writes.
# Without ``reject`` the first broken rule raises its ServiceError and nothing is written.
def _insert(model, rows: list, *, actor, action: str, details: dict | None) -> None:
    if rows:
        model.objects.bulk_create(rows)
        audit.record_bulk_events(
            actor=actor, action=action, model=model, pks=[row.pk for row in rows], details=details
        )


def units_check(units: list[Unit], *, reject: Reject | None = None) -> list[Unit]:
    return _units_unique(_screen(units, _unit_rules, reject), reject)


def units_create_bulk(
    units: list[Unit], *, actor, details: dict | None = None, reject: Reject | None = None
) -> list[Unit]:
    """Create units (parents before, or in an earlier call than, their children)."""
    with transaction.atomic():
        kept = units_check(units, reject=reject)
        _insert(Unit, kept, actor=actor, action=Action.UNIT_CREATE, details=details)
    return kept


def persons_check(
    persons: list[Person], *, reject: Reject | None = None, today: datetime.date | None = None
) -> list[Person]:
    today = today or clock.today()
    return _persons_unique(
        _screen(persons, lambda person: _person_rules(person, today=today), reject), reject
    )


def persons_create_bulk(
    persons: list[Person], *, actor, details: dict | None = None, reject: Reject | None = None
) -> list[Person]:
    """Create persons: the ID decides gender, date of birth and the blind index, as in ``person_create``."""
    with transaction.atomic():
        kept = persons_check(persons, reject=reject)
        _insert(Person, kept, actor=actor, action=Action.PERSON_CREATE, details=details)
    return kept


def officials_check(officials: list[Official], *, reject: Reject | None = None) -> list[Official]:
    return _officials_unique(_screen(officials, _official_rules, reject), reject)


def officials_create_bulk(
    officials: list[Official],
    *,
    actor,
    start_date: datetime.date | Callable[[Official], datetime.date] | None = None,
    details: dict | None = None,
    reject: Reject | None = None,
) -> list[Official]:
    """Create officials and open each one's first position, as ``official_create`` does.

    ``start_date`` (default today) is the first position's start, or a function giving it
    per official. Supervising leaders must already be saved."""
    today = clock.today()
    start = start_date if callable(start_date) else (lambda official: start_date or today)
    with transaction.atomic():
        kept = officials_check(officials, reject=reject)
        _insert(Official, kept, actor=actor, action=Action.OFFICIAL_CREATE, details=details)
        positions = [_position_held(official, start(official)) for official in kept]
        for position in positions:
            _clean(position)
        _insert(OfficialPosition, positions, actor=actor, action=Action.POSITION_OPEN, details=details)
    return kept


def enterprises_check(enterprises: list[Enterprise], *, reject: Reject | None = None) -> list[Enterprise]:
    return _enterprises_unique(_screen(enterprises, _enterprise_rules, reject), reject)


def enterprises_create_bulk(
    enterprises: list[Enterprise], *, actor, details: dict | None = None, reject: Reject | None = None
) -> list[Enterprise]:
    with transaction.atomic():
        kept = enterprises_check(enterprises, reject=reject)
        _insert(Enterprise, kept, actor=actor, action=Action.ENTERPRISE_CREATE, details=details)
    return kept


def enterprise_links_check(
    links: list[EnterpriseLink], *, reject: Reject | None = None
) -> list[EnterpriseLink]:
    """The link rules, then the share totals per enterprise (stored shares included)."""
    return _check_share_totals(_screen(links, _link_rules, reject), reject)


def enterprise_links_create_bulk(
    links: list[EnterpriseLink], *, actor, details: dict | None = None, reject: Reject | None = None
) -> list[EnterpriseLink]:
    with transaction.atomic():
        kept = enterprise_links_check(links, reject=reject)
        _insert(EnterpriseLink, kept, actor=actor, action=Action.LINK_CREATE, details=details)
    return kept


def related_persons_check(
    relateds: list[RelatedPerson], *, reject: Reject | None = None
) -> list[RelatedPerson]:
    today = clock.today()
    unknown = {r.official_id for r in relateds if not RelatedPerson.official.is_cached(r)}
    person_of = (
        dict(Official.objects.filter(pk__in=unknown).values_list("pk", "person_id")) if unknown else {}
    )

    def rule(related: RelatedPerson) -> None:
        official_person = (
            related.official.person_id
            if RelatedPerson.official.is_cached(related)
            else person_of.get(related.official_id)
        )
        _related_rules(related, official_person, today=today)

    return _related_unique(_screen(relateds, rule, reject), reject)


def related_persons_create_bulk(
    relateds: list[RelatedPerson], *, actor, details: dict | None = None, reject: Reject | None = None
) -> list[RelatedPerson]:
    with transaction.atomic():
        kept = related_persons_check(relateds, reject=reject)
        _insert(RelatedPerson, kept, actor=actor, action=Action.RELATED_CREATE, details=details)
    return kept
