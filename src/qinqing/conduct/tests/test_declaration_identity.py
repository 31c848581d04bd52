"""An official declaring a related person is not the directory's keeper (articles 15.2–15.4). A
resident ID already on record keeps its name: a declaration with another person's number renamed that
person (any official could rename a colleague or a leader), and the new name showing beside the
masked number in the officials list confirmed a guessed number."""

import pytest
from django.urls import reverse

from qinqing.core.models import AuditEvent
from qinqing.directory.models import Person, RelatedPerson

pytestmark = pytest.mark.django_db


def _declare(client, people, *, name: str, resident_id: str):
    client.force_login(people.official_user)
    return client.post(
        reverse("conduct:my_related_persons"),
        {"name": name, "relationship": "other", "resident_id": resident_id, "occupation": "职员"},
    )


def test_a_declaration_with_a_colleagues_number_and_another_name_renames_nobody(people, client):
    colleague = people.other.person
    before = AuditEvent.objects.count()
    response = _declare(client, people, name="张冒名", resident_id=colleague.resident_id)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-name"' in page and "赵六" not in page
    assert Person.objects.get(pk=colleague.pk).name == "赵六"
    assert not RelatedPerson.objects.filter(official=people.official, person=colleague).exists()
    assert AuditEvent.objects.count() == before


def test_a_relative_already_on_record_under_the_same_name_is_declared(people, client):
    colleague = people.other.person
    response = _declare(client, people, name="赵六", resident_id=colleague.resident_id)
    assert response.status_code == 302
    assert RelatedPerson.objects.filter(official=people.official, person=colleague).exists()
    assert Person.objects.get(pk=colleague.pk).name == "赵六"
