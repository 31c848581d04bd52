"""Directory records are audited: edits outside the services are found by verification."""

import pytest
from django.db import connection

from qinqing.core import audit
from qinqing.core.crypto import encrypt_text
from qinqing.directory.tests.factories import make_enterprise, make_person

pytestmark = pytest.mark.django_db


def test_resident_ids_are_stored_encrypted_not_in_clear():
    person = make_person(resident_id="11010519491231002X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM directory_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4gcm:") and "11010519491231002X" not in stored


def test_swapping_in_another_ciphertext_is_found():
    person = make_person(resident_id="11010519491231002X")
    forged = encrypt_text("110105194912310021")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_person SET resident_id = %s WHERE id = %s", [forged, person.pk])
    result = audit.verify_chain()
    assert not result.ok
    assert any("directory.Person" in problem for problem in result.problems)


def test_garbled_ciphertext_is_reported_not_crashed_on():
    person = make_person()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directory_person SET resident_id = %s WHERE id = %s",
            ["sm4gcm:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", person.pk],
        )
    result = audit.verify_chain()
    assert not result.ok
    assert any("cannot be read" in problem for problem in result.problems)


def test_enterprise_renamed_by_sql_breaks_verification_at_its_last_event():
    enterprise = make_enterprise()
    last = audit.trail_for(enterprise)[0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_enterprise SET name = %s WHERE id = %s", ["改名公司", enterprise.pk])
    result = audit.verify_chain()
    assert not result.ok and result.first_broken_seq == last.seq
