import pytest

from qinqing.core import audit
from qinqing.core.audit import SystemActor
from qinqing.directory.models import LinkKind, Relationship
from qinqing.directory.tests import factories

from .. import services
from ..conflicts import find_conflicts, screen
from ..models import AssignmentCheck, CheckOutcome, Lead, MatchMethod, Recusal, RecusalStatus

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def test_spouse_shareholding_is_found_with_its_evidence_chain(people):
    conflicts = find_conflicts(official=people.official, enterprise=people.enterprise)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.relationship == Relationship.SPOUSE
    assert conflict.match == MatchMethod.RESIDENT_ID
    assert conflict.link_kind == LinkKind.SHAREHOLDER
    assert "张三" in conflict.evidence() and "李四" in conflict.evidence() and "12.5%" in conflict.evidence()
    assert "某某科技有限公司" in conflict.evidence()


def test_no_conflict_with_an_unlinked_enterprise(people):
    assert find_conflicts(official=people.official, enterprise=people.clean_enterprise) == []
    services.check_assignment(
        official=people.official,
        enterprise=people.clean_enterprise,
        matter_type="appeals.appeal",
        matter_id="1",
        actor=ACTOR,
    )
    assert not AssignmentCheck.objects.exists()


def test_conflict_through_spouse_shareholding_blocks_the_assignment(people):
    with pytest.raises(services.RecusalRequired) as raised:
        services.check_assignment(
            official=people.official,
            enterprise=people.enterprise,
            matter_type="appeals.appeal",
            matter_id="7",
            actor=ACTOR,
        )
    error = raised.value
    assert error.code == "recusal_required" and error.status == 409 and error.field == "official"
    assert error.conflicts and error.conflicts[0].person_name == "李四"
    assert "15" in error.text()
    check = AssignmentCheck.objects.get()
    assert check.outcome == CheckOutcome.BLOCKED and check.article == "15.7"
    assert check.conflicts[0]["evidence"]
    assert audit.verify_chain().ok  # the record's audit digest is of what the database holds
    # Another official without a link can take the matter.
    services.check_assignment(
        official=people.other,
        enterprise=people.enterprise,
        matter_type="appeals.appeal",
        matter_id="7",
        actor=ACTOR,
    )


def test_a_blocked_assignment_inside_the_callers_transaction_saves_nothing(people):
    from django.db import transaction

    before = Recusal.objects.count()
    with pytest.raises(services.RecusalRequired), transaction.atomic():
        services.check_assignment(
            official=people.official,
            enterprise=people.enterprise,
            matter_type="appeals.appeal",
            matter_id="8",
            actor=ACTOR,
        )
        Recusal.objects.create(
            official=people.official, matter_type="x", matter_id="y", origin="reported", status="reported"
        )
    assert Recusal.objects.count() == before
    assert not AssignmentCheck.objects.exists()


def test_name_and_birth_date_match_a_person_without_resident_id(people):
    twin_record = factories.make_person(name="李四", resident_id="")
    # Directory writes only through services; birth date comes from the resident ID, so set it via a second
    # person's ID.
    from qinqing.directory.models import Person

    spouse = Person.objects.get(pk=people.spouse.pk)
    with audit_write():
        before = audit.snapshot(twin_record)
        twin_record.birth_date = spouse.birth_date
        twin_record.save(update_fields=["birth_date"])
        audit.record_event(actor=ACTOR, action="directory.person.update", instance=twin_record, before=before)
    other_enterprise = factories.make_enterprise(name="旁证贸易有限公司")
    factories.make_link(person=twin_record, enterprise=other_enterprise, kind=LinkKind.EXECUTIVE, role="监事")
    conflicts = find_conflicts(official=people.official, enterprise=other_enterprise)
    assert [c.match for c in conflicts] == [MatchMethod.NAME_BIRTH_DATE]
    assert [c.match for c in screen() if c.enterprise_id == other_enterprise.pk] == [
        MatchMethod.NAME_BIRTH_DATE
    ]


def test_same_name_alone_is_not_a_conflict(people):
    stranger = factories.make_person(name="李四")  # different resident ID: a different person
    other_enterprise = factories.make_enterprise()
    factories.make_link(person=stranger, enterprise=other_enterprise)
    assert find_conflicts(official=people.official, enterprise=other_enterprise) == []


def test_exemption_by_the_supervisor_lets_the_assignment_through(people):
    exemption = services.exemption_grant(
        official=people.official,
        enterprise=people.enterprise,
        matter_type="appeals.appeal",
        matter_id="9",
        reason="唯一具备资质的审核人员",
        actor=people.leader_user,
    )
    services.check_assignment(
        official=people.official,
        enterprise=people.enterprise,
        matter_type="appeals.appeal",
        matter_id="9",
        actor=ACTOR,
    )
    assert AssignmentCheck.objects.get().outcome == CheckOutcome.EXEMPTED
    assert exemption.reason
    assert audit.verify_chain().ok


def test_an_exemption_does_not_lift_an_ordered_recusal(people):
    services.exemption_grant(
        official=people.official,
        enterprise=people.enterprise,
        matter_type="appeals.appeal",
        matter_id="10",
        reason="唯一具备资质的审核人员",
        actor=people.leader_user,
    )
    services.recusal_order(
        official=people.official,
        matter_type="appeals.appeal",
        matter_id="10",
        reason="配偶持股",
        actor=people.leader_user,
        enterprise=people.enterprise,
    )
    with pytest.raises(services.RecusalRequired):
        services.check_assignment(
            official=people.official,
            enterprise=people.enterprise,
            matter_type="appeals.appeal",
            matter_id="10",
            actor=ACTOR,
        )
    assert AssignmentCheck.objects.get().outcome == CheckOutcome.BLOCKED
    # The exemption is for its own matter only.
    with pytest.raises(services.RecusalRequired):
        services.check_assignment(
            official=people.official,
            enterprise=people.enterprise,
            matter_type="appeals.appeal",
            matter_id="11",
            actor=ACTOR,
        )


def test_the_official_cannot_exempt_themselves(people):
    from qinqing.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.exemption_grant(
            official=people.official,
            enterprise=people.enterprise,
            matter_type="appeals.appeal",
            matter_id="9",
            reason="x",
            actor=people.official_user,
        )


def test_ordered_recusal_keeps_the_official_off_the_matter(people):
    recusal = services.recusal_order(
        official=people.other,
        matter_type="appeals.appeal",
        matter_id="11",
        reason="曾任该企业顾问",
        actor=people.leader_user,
        enterprise=people.clean_enterprise,
    )
    assert recusal.status == RecusalStatus.ORDERED
    with pytest.raises(services.RecusalRequired):
        services.check_assignment(
            official=people.other,
            enterprise=people.clean_enterprise,
            matter_type="appeals.appeal",
            matter_id="11",
            actor=ACTOR,
        )


def test_approved_recusal_lets_a_different_official_be_assigned(people):
    recusal = services.recusal_report(
        official=people.official,
        matter_type="appeals.appeal",
        matter_id="12",
        apply=True,
        enterprise=people.enterprise,
        description="配偶持股",
        actor=people.official_user,
    )
    services.recusal_decide(recusal=recusal, approve=True, reason="同意回避", actor=people.leader_user)
    services.check_assignment(
        official=people.other,
        enterprise=people.enterprise,
        matter_type="appeals.appeal",
        matter_id="12",
        actor=ACTOR,
    )


def test_refused_recusal_becomes_a_lead_for_the_discipline_office(people):
    recusal = services.recusal_order(
        official=people.official,
        matter_type="appeals.appeal",
        matter_id="13",
        reason="配偶持股",
        actor=people.leader_user,
        enterprise=people.enterprise,
    )
    lead = services.recusal_refuse(recusal=recusal, reason="我认为无冲突", actor=people.official_user)
    assert Lead.objects.get() == lead and lead.article == "15.7"
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.REFUSED
    assert audit.verify_chain().ok


def test_screening_finds_the_spouse_conflict(people):
    conflicts = screen()
    assert [(c.official_name, c.person_name, c.enterprise_name) for c in conflicts] == [
        ("张三", "李四", "某某科技有限公司")
    ]


def set_birth_date(person, birth_date):
    from qinqing.directory.models import Person

    with audit_write():
        person = Person.objects.get(pk=person.pk)
        before = audit.snapshot(person)
        person.birth_date = birth_date
        person.save(update_fields=["birth_date"])
        audit.record_event(actor=ACTOR, action="directory.person.update", instance=person, before=before)


def test_related_person_without_resident_id_is_matched_by_name_and_birth_date(people):
    child = factories.make_person(name="张小明", resident_id="")
    factories.make_related_person(official=people.official, person=child, relationship=Relationship.CHILD)
    registered = factories.make_person(name="张小明")  # the registry's record, with a resident ID
    set_birth_date(child, registered.birth_date)
    enterprise = factories.make_enterprise(name="小明咨询有限公司")
    factories.make_link(person=registered, enterprise=enterprise, kind=LinkKind.EXECUTIVE, role="执行董事")
    assert [c.match for c in find_conflicts(official=people.official, enterprise=enterprise)] == [
        MatchMethod.NAME_BIRTH_DATE
    ]
    found = [c for c in screen() if c.enterprise_id == enterprise.pk]
    assert [(c.match, c.relationship, c.person_name) for c in found] == [
        (MatchMethod.NAME_BIRTH_DATE, Relationship.CHILD, "张小明")
    ]


def test_incremental_screening_sees_only_links_changed_since(people):
    from django.utils import timezone

    since = timezone.now()
    assert screen(since=since) == []
    new_enterprise = factories.make_enterprise(name="新设投资有限公司")
    factories.make_link(
        person=people.spouse, enterprise=new_enterprise, kind=LinkKind.SHAREHOLDER, share_percent="30"
    )
    assert [(c.person_name, c.enterprise_name) for c in screen(since=since)] == [("李四", "新设投资有限公司")]
    assert len(screen()) == 2


def test_name_and_phone_match_a_person_without_resident_id(people):
    spouse_with_phone = factories.make_person(name="王芳", phone="13800138000")
    factories.make_related_person(
        official=people.official, person=spouse_with_phone, relationship=Relationship.OTHER
    )
    registry_record = factories.make_person(name="王芳", resident_id="", phone="13800138000")
    stranger = factories.make_person(name="王芳", resident_id="", phone="13900139000")
    enterprise = factories.make_enterprise(name="同名验证有限公司")
    factories.make_link(person=registry_record, enterprise=enterprise, kind=LinkKind.EMPLOYEE)
    factories.make_link(person=stranger, enterprise=enterprise, kind=LinkKind.EMPLOYEE)
    conflicts = find_conflicts(official=people.official, enterprise=enterprise)
    assert [(c.match, c.person_name) for c in conflicts] == [(MatchMethod.NAME_PHONE, "王芳")]


class audit_write:
    """A test-only direct write, with its audit event, inside a transaction."""

    def __enter__(self):
        from django.db import transaction

        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)
