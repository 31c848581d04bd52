"""The officials list shows a resident ID masked (first 3 + last 4). Searching it by a full number must
not confirm a guess for someone who may not reveal the number: the 11 hidden digits are a division
code, a birth date a colleague knows and a sequence, so a few dozen searches would give the full ID
without the audited reveal."""

import io
import zipfile

import pytest
from django.urls import reverse

from qinqing.core.roles import Role

from .factories import make_official, make_resident_id

pytestmark = pytest.mark.django_db


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return " ".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def test_a_leader_who_may_not_reveal_ids_cannot_confirm_a_guessed_id_by_searching(client, make_user):
    number = make_resident_id(birth="19810617")
    official = make_official(name="胡小红", resident_id=number)
    client.force_login(make_user(Role.DISTRICT_LEADER))
    listed = client.get(reverse("directory:official_list")).content.decode()
    assert official.person.masked_resident_id in listed and number not in listed

    found = client.get(reverse("directory:official_list"), {"q": number}).content.decode()
    exported = client.get(reverse("directory:official_export"), {"q": number})
    assert "胡小红" not in found
    assert exported.status_code == 200 and "胡小红" not in _xlsx_text(b"".join(exported.streaming_content))


def test_those_who_may_reveal_the_id_still_find_an_official_by_it(client, make_user):
    number = make_resident_id(birth="19810617")
    make_official(name="胡小红", resident_id=number)
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    found = client.get(reverse("directory:official_list"), {"q": number}).content.decode()
    assert "胡小红" in found
    wrong_guess = client.get(reverse("directory:official_list"), {"q": number[:-4] + "0000"})
    assert "胡小红" not in wrong_guess.content.decode()
