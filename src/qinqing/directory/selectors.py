"""Directory reads, already narrowed to what the actor may see. Other apps scope their work with these.

- administrators, discipline inspectors, district and supervising leaders: every official;
- officials and department handlers: officials of their own unit and its sub-units;
- enterprise users: no officials; only the enterprises they act for (``EnterpriseMembership``);
- other staff roles see enterprises and persons by permission (``directory.view_*``);
- an API key (already checked for its scope by ``authorize``) sees the whole directory.

``access_*`` answer ``NotFound`` alike for a missing and a forbidden object.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from qinqing.core.errors import NotFound
from qinqing.core.models import ApiKey
from qinqing.core.roles import Role, has_role

from .models import Enterprise, Official, Person, Unit

# Roles that oversee the whole district's officials.
ALL_OFFICIALS_ROLES = (
    Role.ADMINISTRATOR,
    Role.DISCIPLINE_INSPECTOR,
    Role.DISTRICT_LEADER,
    Role.SUPERVISING_LEADER,
)
# Roles that see the officials of their own unit and its sub-units.
UNIT_SCOPED_ROLES = (Role.OFFICIAL, Role.DEPARTMENT_HANDLER)
# Roles that may see the full resident ID on a detail page (each look is audited).
REVEAL_ID_ROLES = (Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR)


def _is_api_key(actor) -> bool:
    return isinstance(actor, ApiKey)


def _is_authenticated(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _sees_all_officials(user) -> bool:
    return _is_api_key(user) or (
        _is_authenticated(user) and (user.is_superuser or has_role(user, *ALL_OFFICIALS_ROLES))
    )


def official_for_user(user) -> Official | None:
    """The official record behind a login account, if any."""
    if not _is_authenticated(user):
        return None
    return Official.objects.select_related("person", "unit").filter(user=user, is_active=True).first()


def mobile_for_user(user) -> str:
    """The mobile number on the directory record behind a login account, if valid, else "" (never
    logged): where a notice to a named official also goes as an SMS."""
    from qinqing.core.identifiers import is_valid_mobile_phone

    official = official_for_user(user)
    phone = (getattr(getattr(official, "person", None), "phone", "") or "").strip()
    return phone if phone and is_valid_mobile_phone(phone) else ""


def officials_with_accounts(unit_ids, roles) -> dict[int, list[Official]]:
    """Per unit: its own officials in office whose active login holds one of ``roles`` (user and person
    loaded) — who a notice about the unit goes to."""
    found: dict[int, list[Official]] = {}
    rows = (
        Official.objects.filter(
            unit_id__in=list(unit_ids), is_active=True, user__is_active=True, user__groups__name__in=roles
        )
        .select_related("user", "person")
        .distinct()
        .order_by("unit_id", "pk")
    )
    for official in rows:
        found.setdefault(official.unit_id, []).append(official)
    return found


def unit_for_user(user) -> Unit | None:
    """The unit of the official behind a login account (the body it acts for), if any."""
    official = official_for_user(user)
    return official.unit if official else None


def descendant_unit_ids(unit_id: int) -> set[int]:
    """The unit and every unit below it (walked level by level; the tree is shallow)."""
    found = {unit_id}
    frontier = {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def unit_scope_ids(user) -> set[int]:
    """The ids of the user's own unit and its sub-units (empty if the user is no official)."""
    cached = getattr(user, "_qinqing_unit_scope", None)
    if cached is not None:
        return cached
    official = official_for_user(user)
    scope = descendant_unit_ids(official.unit_id) if official else set()
    if _is_authenticated(user):
        user._qinqing_unit_scope = scope
    return scope


def can_reveal_resident_id(user) -> bool:
    return _is_authenticated(user) and (user.is_superuser or has_role(user, *REVEAL_ID_ROLES))


def sees_record_names(user) -> bool:
    """Whether ``user`` sees, beside the name an official declared a related person under, the name of
    record of the person holding that resident ID (``RelatedPerson.name_differs``): those who may reveal the
    ID (the discipline office, which resolves the difference, and the directory's keeper). Anyone else is
    shown the declared name only — the name of record would confirm whose a guessed number is."""
    return can_reveal_resident_id(user)


# --- units ---------------------------------------------------------------------------------
def units_visible_to(user) -> QuerySet[Unit]:
    """Units are public bodies (article 2): every staff role and enterprise users (who choose
    a handling unit) see them; an account without a role sees none."""
    units = Unit.objects.select_related("parent")
    if _is_api_key(user):
        return units
    if not _is_authenticated(user):
        return units.none()
    if user.is_superuser or user.has_perm("directory.view_unit") or has_role(user, *Role.values):
        return units
    return units.none()


def access_unit(user, pk) -> Unit:
    try:
        return units_visible_to(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


# --- officials -----------------------------------------------------------------------------
def officials_visible_to(user) -> QuerySet[Official]:
    officials = Official.objects.select_related("person", "unit", "supervising_leader__person")
    if _sees_all_officials(user):
        return officials
    if _is_authenticated(user) and has_role(user, *UNIT_SCOPED_ROLES):
        return officials.filter(unit_id__in=unit_scope_ids(user))
    return officials.none()


def access_official(user, pk) -> Official:
    try:
        return officials_visible_to(user).get(pk=pk)
    except (Official.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


# --- enterprises ---------------------------------------------------------------------------
def enterprises_for_user(user) -> QuerySet[Enterprise]:
    """The enterprises this account acts for (an enterprise user's own)."""
    if not _is_authenticated(user):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user).select_related("legal_representative").distinct()


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("legal_representative")
    if _is_api_key(user):
        return enterprises
    if not _is_authenticated(user):
        return enterprises.none()
    if user.is_superuser or user.has_perm("directory.view_enterprise"):
        return enterprises
    return enterprises.filter(pk__in=enterprises_for_user(user).values("pk"))


def access_enterprise(user, pk) -> Enterprise:
    try:
        return enterprises_visible_to(user).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def access_enterprise_by_uscc(user, uscc: str) -> Enterprise:
    enterprise = enterprises_visible_to(user).filter(uscc=(uscc or "").strip().upper()).first()
    if enterprise is None:
        raise NotFound()
    return enterprise


# --- persons --------------------------------------------------------------------------------
def persons_visible_to(user) -> QuerySet[Person]:
    """With ``directory.view_person``: everyone. Otherwise the officials one may see and their
    related persons (one person may be both)."""
    persons = Person.objects.all()
    if _is_api_key(user) or (
        _is_authenticated(user) and (user.is_superuser or user.has_perm("directory.view_person"))
    ):
        return persons
    officials = officials_visible_to(user)
    if not _is_authenticated(user) or not officials.exists():
        return persons.none()
    official_ids = officials.values("pk")
    # A related person declared under a name that is not the name of record is not opened through that
    # relation (``sees_record_names``): their page names them.
    declared_as_recorded = Q(related_to_officials__declared_name="") | Q(
        related_to_officials__declared_name=F("name")
    )
    return persons.filter(
        Q(official__in=official_ids)
        | (Q(related_to_officials__official__in=official_ids) & declared_as_recorded)
    ).distinct()


def access_person(user, pk) -> Person:
    try:
        return persons_visible_to(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


# --- search ---------------------------------------------------------------------------------
def search_officials(officials: QuerySet[Official], query: str, *, actor) -> QuerySet[Official]:
    """By name, position or unit name/code; by the full resident ID (exact, through the blind index) only
    for those who may reveal it. For anyone else a match on a guessed number would confirm the guess next
    to the masked number the list shows: an oracle for the full ID without the audited reveal."""
    query = (query or "").strip()
    if not query:
        return officials
    matches = (
        Q(person__name__icontains=query)
        | Q(position__icontains=query)
        | Q(unit__name__icontains=query)
        | Q(unit__code__iexact=query)
    )
    if can_reveal_resident_id(actor):
        from qinqing.core.crypto import blind_index

        matches |= Q(person__resident_id_index=blind_index(query))
    return officials.filter(matches)


def search_enterprises(enterprises: QuerySet[Enterprise], query: str) -> QuerySet[Enterprise]:
    query = (query or "").strip()
    if not query:
        return enterprises
    return enterprises.filter(
        Q(name__icontains=query) | Q(uscc__icontains=query.upper()) | Q(industry__icontains=query)
    )


def search_units(units: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    query = (query or "").strip()
    if not query:
        return units
    return units.filter(Q(name__icontains=query) | Q(code__icontains=query))
