import io

import openpyxl
import pytest
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.models import Enterprise, EnterpriseLink, Official, Person, RelatedPerson, Unit

from .factories import (
    make_enterprise,
    make_link,
    make_membership,
    make_official,
    make_person,
    make_resident_id,
    make_unit,
    make_uscc,
)

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the API honours it; pages follow the language switch (cookie)


def logged_in(client, make_user, *roles):
    user = make_user(*roles)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url_name",
    ["directory:index", "directory:unit_tree", "directory:official_list", "directory:enterprise_list"],
)
def test_directory_pages_open_for_an_administrator(client, make_user, url_name):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "directory:index",
        "directory:unit_tree",
        "directory:official_list",
        "directory:enterprise_list",
        "directory:official_export",
    ],
)
def test_an_auditor_is_denied_the_directory(client, make_user, url_name):
    logged_in(client, make_user, Role.AUDITOR)
    assert client.get(reverse(url_name)).status_code == 403


def test_enterprise_user_cannot_list_officials_or_units(client, make_user):
    logged_in(client, make_user, Role.ENTERPRISE_USER)
    assert client.get(reverse("directory:official_list")).status_code == 403
    assert client.get(reverse("directory:unit_tree")).status_code == 403


def test_lists_and_detail_pages_mask_resident_ids_and_phones(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    number = make_resident_id()
    official = make_official(resident_id=number, phone="13812345678")
    for url in (reverse("directory:official_list"), reverse("directory:official_detail", args=[official.pk]),
                reverse("directory:person_detail", args=[official.person.pk])):
        html = client.get(url).content.decode()
        assert number not in html and "13812345678" not in html
        assert official.person.masked_resident_id in html
    assert (
        'data-testid="audit-trail"'
        in client.get(reverse("directory:official_detail", args=[official.pk])).content.decode()
    )


def test_discipline_inspector_reveals_a_full_id_and_the_look_is_recorded(client, make_user):
    inspector = logged_in(client, make_user, Role.DISCIPLINE_INSPECTOR)
    person = make_person()
    response = client.post(reverse("directory:person_reveal_id", args=[person.pk]))
    assert response.status_code == 200
    assert person.resident_id in response.content.decode()
    event = AuditEvent.objects.get(action="directory.person.reveal_id")
    assert event.actor_user == inspector and event.object_id == str(person.pk)
    assert audit.verify_chain().ok


def test_a_supervising_leader_cannot_reveal_a_full_id(client, make_user):
    logged_in(client, make_user, Role.SUPERVISING_LEADER)
    person = make_official().person
    response = client.post(reverse("directory:person_reveal_id", args=[person.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="directory.person.reveal_id").exists()


def test_official_of_unit_a_gets_404_for_unit_b_official(client, make_user):
    user = logged_in(client, make_user, Role.OFFICIAL)
    unit_a, unit_b = make_unit(), make_unit()
    make_official(unit=unit_a, user=user)
    colleague, stranger = make_official(unit=unit_a), make_official(unit=unit_b)
    assert client.get(reverse("directory:official_detail", args=[colleague.pk])).status_code == 200
    assert client.get(reverse("directory:official_detail", args=[stranger.pk])).status_code == 404
    listing = client.get(reverse("directory:official_list")).content.decode()
    assert colleague.person.name in listing and stranger.person.name not in listing
    assert "<th>姓名</th>" in listing  # a person's name (姓名), not a thing's (名称)


def test_enterprise_user_sees_own_enterprise_and_gets_404_for_another(client, make_user):
    user = logged_in(client, make_user, Role.ENTERPRISE_USER)
    own, other = make_enterprise(name="自家公司"), make_enterprise(name="别家公司")
    make_membership(user=user, enterprise=own)
    assert client.get(reverse("directory:my_enterprises")).url == reverse(
        "directory:enterprise_detail", args=[own.pk]
    )
    page = client.get(reverse("directory:enterprise_detail", args=[own.pk]))
    assert page.status_code == 200 and 'data-testid="audit-trail"' in page.content.decode()
    assert client.get(reverse("directory:enterprise_detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("directory:enterprise_list")).content.decode()
    assert "自家公司" in listing and "别家公司" not in listing


def test_enterprise_detail_shows_shareholders_with_shares_and_the_article(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    enterprise = make_enterprise(ownership_type="state_owned")
    make_link(enterprise=enterprise, person=make_person(name="股东甲"), share_percent="40.5")
    chinese = client.get(reverse("directory:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "股东甲" in chinese and "40.5" in chinese
    assert "第二十三条" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("directory:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "Article 23" in english


def test_official_export_is_an_xlsx_with_masked_ids(client, make_user):
    logged_in(client, make_user, Role.DISTRICT_LEADER)
    number = make_resident_id()
    official = make_official(resident_id=number)
    response = client.get(reverse("directory:official_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert official.person.masked_resident_id in rows[1]
    assert number not in [str(cell) for row in rows for cell in row]


def test_enterprise_export_lists_only_what_the_enterprise_user_may_see(client, make_user):
    user = logged_in(client, make_user, Role.ENTERPRISE_USER)
    own = make_enterprise()
    make_enterprise()
    make_membership(user=user, enterprise=own)
    response = client.get(reverse("directory:enterprise_export"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [row[0] for row in rows[1:]] == [own.uscc]


def test_administrator_creates_an_enterprise_through_the_form(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    code = make_uscc()
    response = client.post(
        reverse("directory:enterprise_create"),
        {"uscc": code, "name": "新公司", "ownership_type": "private", "is_active": "on"},
    )
    enterprise = Enterprise.objects.get(uscc=code)
    assert response.status_code == 302 and response.url == reverse(
        "directory:enterprise_detail", args=[enterprise.pk]
    )
    assert AuditEvent.objects.filter(
        action="directory.enterprise.create", object_id=str(enterprise.pk)
    ).exists()


def test_a_bad_uscc_in_the_form_is_shown_next_to_the_field_and_values_are_kept(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    code = make_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        reverse("directory:enterprise_create"),
        {"uscc": wrong, "name": "坏码公司", "ownership_type": "private"},
        **ENGLISH,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-uscc"' in html and "check" in html.lower()
    assert "坏码公司" in html and wrong in html
    assert not Enterprise.objects.exists()


def test_a_non_administrator_cannot_create_an_enterprise(client, make_user):
    logged_in(client, make_user, Role.DISCIPLINE_INSPECTOR)
    response = client.post(
        reverse("directory:enterprise_create"),
        {"uscc": make_uscc(), "name": "越权公司", "ownership_type": "private"},
    )
    assert response.status_code == 403
    assert not Enterprise.objects.exists()


def test_administrator_creates_an_official_with_a_new_person(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    unit = make_unit()
    number = make_resident_id()
    response = client.post(
        reverse("directory:official_create"),
        {
            "name": "孙八",
            "resident_id": number,
            "phone": "",
            "unit": unit.pk,
            "position": "科员",
            "rank": "clerk",
            "is_active": "on",
        },
    )
    official = Official.objects.get(person__name="孙八")
    assert response.status_code == 302
    assert official.person.resident_id == number and official.positions.count() == 1


def test_a_bad_resident_id_in_the_official_form_leaves_nothing_behind(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    unit = make_unit()
    response = client.post(
        reverse("directory:official_create"),
        {
            "name": "周九",
            "resident_id": "11010119900101001",
            "unit": unit.pk,
            "position": "科员",
            "rank": "clerk",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="error-resident_id"' in response.content.decode()
    assert not Person.objects.filter(name="周九").exists()


def test_an_official_cannot_create_officials(client, make_user):
    logged_in(client, make_user, Role.OFFICIAL)
    unit = make_unit()
    response = client.post(
        reverse("directory:official_create"),
        {
            "name": "吴十",
            "resident_id": make_resident_id(),
            "unit": unit.pk,
            "position": "科员",
            "rank": "clerk",
        },
    )
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_unit_form_refuses_a_cycle_naming_the_parent(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    top = make_unit()
    below = make_unit(parent=top)
    response = client.post(
        reverse("directory:unit_edit", args=[top.pk]),
        {
            "code": top.code,
            "name": top.name,
            "kind": "organ",
            "organ_type": top.organ_type,
            "parent": below.pk,
        },
    )
    # The form offers no sub-unit as parent, so the choice itself is refused.
    assert response.status_code == 400 and 'data-testid="error-parent"' in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_administrator_sets_a_units_seal_text_and_its_page_shows_it(client, make_user):
    """The words on the unit's seal, printed on the letters it decides (core.letters); blank, its name."""
    logged_in(client, make_user, Role.ADMINISTRATOR)
    unit = make_unit(name="区自然资源局")
    page = client.get(reverse("directory:unit_detail", args=[unit.pk])).content.decode()
    assert 'data-testid="seal-text">区自然资源局' in page  # blank: the seal bears the name
    fields = {"code": unit.code, "name": unit.name, "kind": "organ", "organ_type": unit.organ_type,
              "is_active": "on"}
    url = reverse("directory:unit_edit", args=[unit.pk])
    assert client.post(url, {**fields, "seal_text": " 示范区自然资源局 "}).status_code == 302
    unit.refresh_from_db()
    assert unit.seal_text == "示范区自然资源局"
    assert audit.trail_for(unit)[0].changes["seal_text"] == ["", "示范区自然资源局"]
    page = client.get(reverse("directory:unit_detail", args=[unit.pk])).content.decode()
    assert 'data-testid="seal-text">示范区自然资源局<' in page
    response = client.post(url, {**fields, "seal_text": "章" * 41})
    assert response.status_code == 400 and 'data-testid="error-seal_text"' in response.content.decode()


def test_administrator_adds_and_ends_a_link_and_a_related_person(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    enterprise, official = make_enterprise(), make_official()
    response = client.post(
        reverse("directory:enterprise_link_create", args=[enterprise.pk]),
        {"name": "高管甲", "kind": "executive", "role": "总经理"},
    )
    assert response.status_code == 302
    link = EnterpriseLink.objects.get(enterprise=enterprise)
    client.post(reverse("directory:enterprise_link_end", args=[link.pk]))
    link.refresh_from_db()
    assert link.end_date is not None
    response = client.post(
        reverse("directory:related_person_create", args=[official.pk]),
        {"name": "配偶乙", "relationship": "spouse"},
    )
    assert response.status_code == 302
    related = RelatedPerson.objects.get(official=official)
    client.post(reverse("directory:related_person_end", args=[related.pk]))
    related.refresh_from_db()
    assert related.end_date is not None
    assert audit.verify_chain().ok


def test_ending_twice_answers_400_on_the_page_naming_the_field(client, make_user):
    logged_in(client, make_user, Role.ADMINISTRATOR)
    link = make_link()
    assert client.post(reverse("directory:enterprise_link_end", args=[link.pk])).status_code == 302
    response = client.post(reverse("directory:enterprise_link_end", args=[link.pk]))
    assert response.status_code == 400  # was: a redirect with a flash message
    page = response.content.decode()
    assert 'data-testid="end-error" data-field="end_date"' in page
    official = make_official()
    related = RelatedPerson.objects.create(
        official=official, person=Person.objects.create(name="配偶丙"), relationship="spouse"
    )
    assert client.post(reverse("directory:related_person_end", args=[related.pk])).status_code == 302
    response = client.post(reverse("directory:related_person_end", args=[related.pk]))
    assert response.status_code == 400
    assert 'data-testid="end-error" data-field="end_date"' in response.content.decode()
    assert "配偶丙" in response.content.decode()


def test_a_handler_cannot_end_a_link(client, make_user):
    logged_in(client, make_user, Role.DEPARTMENT_HANDLER)
    link = make_link()
    assert client.post(reverse("directory:enterprise_link_end", args=[link.pk])).status_code == 403
    link.refresh_from_db()
    assert link.end_date is None


def test_unit_tree_shows_sub_units_under_their_organ(client, make_user):
    logged_in(client, make_user, Role.DEPARTMENT_HANDLER)
    organ = make_unit(name="区发改委")
    make_unit(name="综合科", parent=organ)
    html = client.get(reverse("directory:unit_tree")).content.decode()
    assert html.index("区发改委") < html.index("综合科")
    assert Unit.objects.count() == 2


def test_home_shows_directory_tile_to_staff_and_my_enterprise_to_enterprise_users(client, make_user):
    logged_in(client, make_user, Role.DISCIPLINE_INSPECTOR)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="tile-directory"' in html and 'data-testid="tile-my_enterprise"' not in html
    client.logout()
    logged_in(client, make_user, Role.ENTERPRISE_USER)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="tile-my_enterprise"' in html and 'data-testid="tile-directory"' not in html
