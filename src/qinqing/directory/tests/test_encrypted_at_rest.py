"""Issue 18: a person's date of birth and gender are not in clear in the database."""

import datetime
import importlib

import pytest
from django.db import connection

from qinqing.core import audit
from qinqing.directory.models import Gender, Person
from qinqing.directory.tests.factories import make_person, make_resident_id

pytestmark = pytest.mark.django_db

_MIGRATION = importlib.import_module("qinqing.directory.migrations.0002_person_birth_date_gender_encrypted")


def _stored(pk: int) -> tuple[str | None, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date, gender FROM directory_person WHERE id = %s", [pk])
        return cursor.fetchone()


def test_birth_date_and_gender_are_stored_encrypted_and_read_back_plain():
    person = make_person(resident_id="11010519491231002X")
    birth, gender = _stored(person.pk)
    assert birth.startswith("sm4gcm:") and "1949" not in birth
    assert gender.startswith("sm4gcm:") and gender != Gender.FEMALE
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.birth_date == datetime.date(1949, 12, 31)
    assert fresh.gender == Gender.FEMALE
    listed = Person.objects.filter(pk=person.pk).values_list("birth_date", flat=True).get()
    assert listed == datetime.date(1949, 12, 31)


def test_equal_dates_of_birth_give_equal_tokens_so_sql_can_match_them_and_different_ones_do_not():
    first = make_person(resident_id=make_resident_id(2, birth="19491231"))
    second = make_person(resident_id=make_resident_id(4, birth="19491231"))
    third = make_person(resident_id=make_resident_id(6, birth="19500101"))
    assert _stored(first.pk)[0] == _stored(second.pk)[0]
    assert _stored(first.pk)[0] != _stored(third.pk)[0]
    # Gender is encrypted with a random nonce: two women do not share a token.
    assert Person.objects.get(pk=first.pk).gender == Person.objects.get(pk=second.pk).gender == Gender.FEMALE
    assert _stored(first.pk)[1] != _stored(second.pk)[1]


def test_a_person_without_an_id_has_neither_and_stores_null():
    person = make_person(resident_id="")
    assert _stored(person.pk) == (None, "")
    assert Person.objects.get(pk=person.pk).birth_date is None


class _Editor:
    connection = connection


def test_the_migration_encrypts_plain_rows_in_place_and_the_audit_trail_still_verifies():
    person = make_person(resident_id="11010519491231002X")
    with connection.cursor() as cursor:  # as the rows were before the migration
        cursor.execute(
            "UPDATE directory_person SET birth_date = %s, gender = %s WHERE id = %s",
            ["1949-12-31", "F", person.pk],
        )
    _MIGRATION._encrypt(None, _Editor())
    birth, gender = _stored(person.pk)
    assert birth.startswith("sm4gcm:") and gender.startswith("sm4gcm:")
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.birth_date, fresh.gender) == (datetime.date(1949, 12, 31), "F")
    # The record digest is over decrypted values, which did not change: no event needed.
    assert audit.verify_chain().ok
    _MIGRATION._decrypt(None, _Editor())
    assert _stored(person.pk) == ("1949-12-31", "F")


def test_the_audit_trail_shows_neither_in_clear():
    person = make_person(resident_id="11010519491231002X")
    event = audit.trail_for(person)[0]
    assert "1949-12-31" not in str(event.changes)
    assert event.changes["gender"][1] == "*"
