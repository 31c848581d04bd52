"""Who a record or listing is about: resolved to identifiers kept on the row, linked to the directory when known."""  # noqa: E501

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qinqing.core.crypto import blind_index
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import validate_resident_id, validate_uscc
from qinqing.directory.models import Enterprise, Person

from ..names import name_key


def clean_uscc(value: str, field: str = "uscc") -> str:
    try:
        return validate_uscc(value)
    except ValidationError as error:
        raise ServiceError(error.messages[0], code="invalid_uscc", field=field) from None


def clean_id_number(value: str, field: str = "id_number") -> str:
    try:
        return validate_resident_id(value)
    except ValidationError as error:
        raise ServiceError(error.messages[0], code="invalid_id_number", field=field) from None


def party_fields(
    *,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    uscc: str = "",
    id_number: str = "",
    name: str = "",
) -> dict:
    """The party columns (enterprise, person, uscc, id_number, id_index, name, name_key)."""
    uscc, id_number, name = (uscc or "").strip(), (id_number or "").strip(), (name or "").strip()
    if enterprise is None and uscc:
        uscc = clean_uscc(uscc)
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if person is None and id_number:
        id_number = clean_id_number(id_number)
        person = Person.objects.filter(resident_id_index=blind_index(id_number)).first()
    if enterprise is not None:
        if person is not None:
            raise ServiceError(
                _("Name either an enterprise or a person, not both."), code="two_parties", field="id_number"
            )
        uscc, name = enterprise.uscc, name or enterprise.name
        return {
            "enterprise": enterprise,
            "person": None,
            "uscc": uscc,
            "id_number": "",
            "id_index": "",
            "name": name,
            "name_key": name_key(name),
        }
    if person is not None:
        id_number = id_number or person.resident_id
        if not id_number:
            raise ServiceError(
                _("This person has no resident ID number in the directory; give it."),
                code="required",
                field="id_number",
            )
        name = name or person.name
        return {
            "enterprise": None,
            "person": person,
            "uscc": "",
            "id_number": id_number,
            "id_index": blind_index(id_number),
            "name": name,
            "name_key": name_key(name),
        }
    if uscc:
        if not name:
            raise ServiceError(
                _("The name is required for an enterprise outside the directory."),
                code="required",
                field="name",
            )
        return {
            "enterprise": None,
            "person": None,
            "uscc": uscc,
            "id_number": "",
            "id_index": "",
            "name": name,
            "name_key": name_key(name),
        }
    if id_number:
        if not name:
            raise ServiceError(
                _("The name is required for a person outside the directory."), code="required", field="name"
            )
        return {
            "enterprise": None,
            "person": None,
            "uscc": "",
            "id_number": id_number,
            "id_index": blind_index(id_number),
            "name": name,
            "name_key": name_key(name),
        }
    raise ServiceError(
        _(
            "Name the party: an enterprise by its unified social credit code or a person by "
            "resident ID number."
        ),
        code="required",
        field="uscc",
    )
