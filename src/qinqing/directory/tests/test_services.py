import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from qinqing.core import audit
from qinqing.core.crypto import blind_index
from qinqing.core.errors import ConflictError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.directory import services
from qinqing.directory.models import (
    Enterprise,
    LinkKind,
    OfficialPosition,
    OrganType,
    OwnershipType,
    Person,
    UnitKind,
)

from .factories import (
    ACTOR,
    make_enterprise,
    make_link,
    make_official,
    make_person,
    make_resident_id,
    make_unit,
    make_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- persons ------------------------------------------------------------------------------
def test_person_resident_id_is_encrypted_indexed_and_tells_gender_and_birth_date():
    number = make_resident_id(sequence=13, birth="19850612")  # digit 17 = 3: male
    person = services.person_create(
        name="张三", resident_id=number.lower(), phone="138 0013 8000", actor=ACTOR
    )
    person.refresh_from_db()
    assert person.resident_id == number
    assert person.resident_id_index == blind_index(number)
    assert person.gender == "M"
    assert person.birth_date == datetime.date(1985, 6, 12)
    assert person.phone == "13800138000"
    assert events("directory.person.create") == 1


def test_a_wrong_resident_id_check_character_names_the_field():
    number = make_resident_id(sequence=5)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ServiceError) as caught:
        services.person_create(name="李四", resident_id=wrong, actor=ACTOR)
    assert caught.value.field == "resident_id"
    assert "check" in caught.value.code
    assert Person.objects.count() == 0


def test_a_bad_mobile_phone_names_the_field():
    with pytest.raises(ServiceError) as caught:
        services.person_create(name="王五", phone="12345", actor=ACTOR)
    assert caught.value.field == "phone"


def test_the_same_resident_id_cannot_be_recorded_twice():
    number = make_resident_id()
    make_person(resident_id=number)
    with pytest.raises(ConflictError) as caught:
        services.person_create(name="另一人", resident_id=number, actor=ACTOR)
    assert caught.value.field == "resident_id"


def test_get_or_create_by_resident_id_finds_the_one_person_and_records_nothing_when_unchanged():
    number = make_resident_id()
    first, created = services.person_get_or_create_by_resident_id(
        name="赵六", resident_id=number, actor=ACTOR
    )
    assert created
    before = AuditEvent.objects.count()
    again, created_again = services.person_get_or_create_by_resident_id(
        name="赵六", resident_id=number, actor=ACTOR
    )
    assert not created_again and again.pk == first.pk
    assert AuditEvent.objects.count() == before
    renamed, _ = services.person_get_or_create_by_resident_id(name="赵六六", resident_id=number, actor=ACTOR)
    assert renamed.pk == first.pk and renamed.name == "赵六六"
    assert events("directory.person.update") == 1


# --- units ----------------------------------------------------------------------------------
def test_a_department_inherits_its_organs_type():
    organ = make_unit(organ_type=OrganType.PEOPLES_CONGRESS)
    department = services.unit_create(
        code="D1", name="办公室", kind=UnitKind.DEPARTMENT, parent=organ, actor=ACTOR
    )
    assert department.organ_type == OrganType.PEOPLES_CONGRESS


def test_an_organ_needs_an_organ_type():
    with pytest.raises(ServiceError) as caught:
        services.unit_create(code="X1", name="无类型", actor=ACTOR)
    assert caught.value.field == "organ_type"


def test_a_unit_cannot_move_under_its_own_sub_unit():
    top = make_unit()
    middle = make_unit(parent=top)
    bottom = make_unit(parent=middle)
    with pytest.raises(ServiceError) as caught:
        services.unit_update(unit=top, parent=bottom, actor=ACTOR)
    assert caught.value.field == "parent" and caught.value.code == "unit_cycle"
    top.refresh_from_db()
    assert top.parent is None


def test_a_seal_text_longer_than_its_column_is_refused_naming_the_field_by_the_service():
    """The form bounds it too; the service is what the API, the shell and imports reach."""
    unit = make_unit()
    for call in (
        lambda: services.unit_update(unit=unit, seal_text="章" * 41, actor=ACTOR),
        lambda: services.unit_create(code="SEAL1", name="印章过长局", organ_type=OrganType.GOVERNMENT,
                                     seal_text="章" * 41, actor=ACTOR),
    ):
        with pytest.raises(ServiceError) as caught:
            call()
        assert (caught.value.field, caught.value.code) == ("seal_text", "too_long")
    updated = services.unit_update(unit=unit, seal_text=" 示范区自然资源局 ", actor=ACTOR)
    assert updated.seal_text == "示范区自然资源局"


def test_duplicate_unit_code_is_a_conflict_on_code():
    make_unit(code="SAME")
    with pytest.raises(ConflictError) as caught:
        make_unit(code="SAME")
    assert caught.value.field == "code"


# --- officials -------------------------------------------------------------------------------
def test_new_official_opens_a_position_and_a_transfer_closes_it():
    first_unit, second_unit = make_unit(), make_unit()
    official = make_official(unit=first_unit, position="科员")
    assert official.positions.count() == 1
    transfer_day = datetime.date(2030, 3, 1)
    services.official_update(
        official=official, unit=second_unit, position="副科长", effective_date=transfer_day, actor=ACTOR
    )
    positions = list(OfficialPosition.objects.filter(official=official).order_by("pk"))
    assert len(positions) == 2
    assert positions[0].unit == first_unit and positions[0].end_date == transfer_day
    assert (
        positions[1].unit == second_unit
        and positions[1].position == "副科长"
        and positions[1].end_date is None
    )


def test_changing_only_the_leading_cadre_flag_keeps_the_position_open():
    official = make_official()
    services.official_update(official=official, is_leading_cadre=True, actor=ACTOR)
    assert official.positions.filter(end_date__isnull=True).count() == 1
    assert official.positions.count() == 1


def test_an_official_cannot_supervise_themselves():
    official = make_official()
    with pytest.raises(ServiceError) as caught:
        services.official_update(official=official, supervising_leader=official, actor=ACTOR)
    assert caught.value.field == "supervising_leader"


def test_official_upsert_is_idempotent_and_follows_a_transfer():
    unit, other_unit = make_unit(), make_unit()
    number = make_resident_id()
    official, created = services.official_upsert(
        resident_id=number, name="钱七", unit=unit, position="科员", actor=ACTOR
    )
    assert created
    count = AuditEvent.objects.count()
    again, created_again = services.official_upsert(
        resident_id=number, name="钱七", unit=unit, position="科员", actor=ACTOR
    )
    assert not created_again and again.pk == official.pk
    assert AuditEvent.objects.count() == count, "an unchanged row records no event"
    moved, _ = services.official_upsert(
        resident_id=number, name="钱七", unit=other_unit, position="科员", actor=ACTOR
    )
    assert moved.unit == other_unit
    assert Person.objects.count() == 1
    assert moved.positions.count() == 2


# --- enterprises -------------------------------------------------------------------------------
def test_a_wrong_uscc_check_character_names_the_field_and_rule():
    code = make_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ServiceError) as caught:
        services.enterprise_create(
            uscc=wrong, name="坏码公司", ownership_type=OwnershipType.PRIVATE, actor=ACTOR
        )
    assert caught.value.field == "uscc"
    assert caught.value.code == "uscc_check"
    assert "check" in caught.value.text().lower()
    assert Enterprise.objects.count() == 0


def test_a_duplicate_uscc_is_a_conflict():
    code = make_uscc()
    make_enterprise(uscc=code)
    with pytest.raises(ConflictError) as caught:
        make_enterprise(uscc=code.lower())
    assert caught.value.field == "uscc"


def test_enterprise_upsert_updates_never_duplicates_and_unchanged_records_nothing():
    code = make_uscc()
    enterprise, created = services.enterprise_upsert(
        uscc=code, name="甲公司", ownership_type=OwnershipType.PRIVATE, industry="制造", actor=ACTOR
    )
    assert created
    count = AuditEvent.objects.count()
    same, created_again = services.enterprise_upsert(
        uscc=code, name="甲公司", ownership_type=OwnershipType.PRIVATE, industry="制造", actor=ACTOR
    )
    assert not created_again and same.pk == enterprise.pk
    assert AuditEvent.objects.count() == count
    renamed, _ = services.enterprise_upsert(
        uscc=code, name="甲有限公司", ownership_type=OwnershipType.PRIVATE, actor=ACTOR
    )
    assert renamed.name == "甲有限公司" and renamed.industry == "制造"
    assert Enterprise.objects.count() == 1


def test_ownership_decides_article_2_or_article_23():
    assert make_enterprise(ownership_type=OwnershipType.INDIVIDUAL_BUSINESS).is_non_public
    assert not make_enterprise(ownership_type=OwnershipType.STATE_OWNED).is_non_public


# --- links and related persons ---------------------------------------------------------------------
def test_shareholder_shares_cannot_exceed_one_hundred_percent():
    enterprise = make_enterprise()
    make_link(enterprise=enterprise, share_percent=Decimal("60"))
    with pytest.raises(ServiceError) as caught:
        make_link(enterprise=enterprise, share_percent=Decimal("50"))
    assert caught.value.field == "share_percent"


def test_an_ended_link_is_kept_with_its_end_date():
    link = make_link(kind=LinkKind.EXECUTIVE)
    services.enterprise_link_end(link=link, end_date=datetime.date(2031, 1, 1), actor=ACTOR)
    link.refresh_from_db()
    assert link.end_date == datetime.date(2031, 1, 1)
    with pytest.raises(ServiceError):
        services.enterprise_link_end(link=link, actor=ACTOR)


def test_one_person_can_be_spouse_shareholder_and_executive():
    official = make_official()
    spouse = make_person()
    enterprise = make_enterprise()
    services.related_person_add(official=official, person=spouse, relationship="spouse", actor=ACTOR)
    make_link(person=spouse, enterprise=enterprise, kind=LinkKind.SHAREHOLDER, share_percent=Decimal("30"))
    make_link(person=spouse, enterprise=enterprise, kind=LinkKind.EXECUTIVE)
    assert spouse.enterprise_links.count() == 2
    assert spouse.related_to_officials.get().official == official


def test_an_official_cannot_be_their_own_related_person():
    official = make_official()
    with pytest.raises(ServiceError) as caught:
        services.related_person_add(
            official=official, person=official.person, relationship="spouse", actor=ACTOR
        )
    assert caught.value.field == "person"


def test_link_and_related_person_upserts_are_idempotent():
    official, person, enterprise = make_official(), make_person(), make_enterprise()
    services.related_person_upsert(official=official, person=person, relationship="child", actor=ACTOR)
    services.enterprise_link_upsert(
        person=person, enterprise=enterprise, kind="shareholder", share_percent="10", actor=ACTOR
    )
    count = AuditEvent.objects.count()
    _, created_relation = services.related_person_upsert(
        official=official, person=person, relationship="child", actor=ACTOR
    )
    _, created_link = services.enterprise_link_upsert(
        person=person, enterprise=enterprise, kind="shareholder", share_percent="10.000", actor=ACTOR
    )
    assert not created_relation and not created_link
    assert AuditEvent.objects.count() == count


def test_audit_chain_verifies_after_every_kind_of_directory_write():
    official = make_official()
    services.official_update(official=official, unit=make_unit(), actor=ACTOR)
    person = make_person()
    related = services.related_person_add(
        official=official, person=person, relationship="spouse", actor=ACTOR
    )
    services.related_person_end(related=related, actor=ACTOR)
    enterprise = make_enterprise()
    link = make_link(person=person, enterprise=enterprise, share_percent="12.5")
    services.enterprise_link_end(link=link, actor=ACTOR)
    services.enterprise_update(enterprise=enterprise, is_key_enterprise=True, actor=ACTOR)
    services.person_update(person=person, phone="13912345678", actor=ACTOR)
    services.person_reveal_resident_id(person=person, actor=ACTOR)
    result = audit.verify_chain()
    assert result.ok, result.problems
