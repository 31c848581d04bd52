"""Issue 18: a masked resident ID (first 3 + last 4) next to the plain date of birth gave 15 of
18 digits. No page shows the date of birth beside the masked number: only with the full number,
after the audited reveal. (Gender is digit 17, already inside the mask's last four.)"""

import pytest
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

from .factories import make_official, make_resident_id

pytestmark = pytest.mark.django_db
BIRTH = "19760923"
SHOWN = ("1976-09-23", "19760923", "1976年9月23日", "Sept. 23, 1976", "1976/09/23")


def _leaks(html: str) -> list[str]:
    return [form for form in SHOWN if form in html]


def test_person_official_and_audit_pages_never_show_the_birth_date_beside_the_masked_id(client, make_user):
    official = make_official(resident_id=make_resident_id(birth=BIRTH))
    person = official.person
    client.force_login(make_user(Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.AUDITOR))
    urls = [
        reverse("directory:person_detail", args=[person.pk]),
        reverse("directory:official_detail", args=[official.pk]),
        reverse("directory:official_list"),
        f"/audit/?object_type=directory.Person&object_id={person.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not _leaks(html), (url, _leaks(html))
    assert AuditEvent.objects.filter(object_type="directory.Person", object_id=str(person.pk)).exists()


def test_the_audit_trail_masks_birth_dates_recorded_before_the_mask_existed(client, make_user):
    from qinqing.core.audit.display import describe

    official = make_official(resident_id=make_resident_id(birth=BIRTH))
    person_events = AuditEvent.objects.filter(object_type="directory.Person",
                                              object_id=str(official.person.pk))
    event = person_events.first()
    # An event as recorded before issue 18: the birth date in plain.
    event.changes = {**event.changes, "birth_date": [None, "1976-09-23"]}
    rows = describe([event])
    shown = " ".join(f"{change.before} {change.after}" for row in rows for change in row.changes)
    assert "1976-09-23" not in shown


def test_the_birth_date_is_shown_with_the_full_number_after_the_recorded_reveal(client, make_user):
    official = make_official(resident_id=make_resident_id(birth=BIRTH))
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    html = client.post(reverse("directory:person_reveal_id", args=[official.person.pk])).content.decode()
    assert official.person.resident_id in html and "1976-09-23" in html
    assert AuditEvent.objects.filter(action="directory.person.reveal_id").count() == 1
    assert audit.verify_chain().ok


def test_the_admin_shows_no_birth_date_beside_the_masked_id(client, make_user):
    from django.contrib.auth import get_user_model

    official = make_official(resident_id=make_resident_id(birth=BIRTH))
    admin = make_user(Role.ADMINISTRATOR)
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/django-admin/directory/person/"
    for url in (base, f"{base}{official.person.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _leaks(response.content.decode()), url
