"""Conduct's status workflows on core.workflow (article 14, 15.1, 15.7): the status is re-checked
after the row is locked, so a decision taken meanwhile (or at the same moment on another
connection) is not taken twice; letter and receipt numbers come from core.numbering and stay
unique under concurrent hand-ins."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qinqing.core import audit, numbering, workflow
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import at_once

from .. import services
from ..models import ActivityStatus, ApprovalLetter, GiftDisposition, GiftRecord, Recusal, RecusalStatus
from .test_activities import draft

pytestmark = pytest.mark.django_db


def _application(people, matter_id="21") -> Recusal:
    return services.recusal_report(
        official=people.official,
        matter_type="appeals.appeal",
        matter_id=matter_id,
        apply=True,
        enterprise=people.enterprise,
        description="配偶持股",
        actor=people.official_user,
    )


def _pending_gift(people, value="300") -> GiftRecord:
    return services.gift_record(
        official=people.official,
        direction="received",
        kind="gift",
        value=Decimal(value),
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        disposition="pending",
        giver_enterprise=people.enterprise,
        actor=people.official_user,
    )


def test_a_recusal_decided_meanwhile_is_not_decided_again(people, make_user):
    recusal = _application(people)
    stale = Recusal.objects.get(pk=recusal.pk)  # a page opened before the decision
    services.recusal_decide(recusal=recusal, approve=True, reason="同意回避", actor=people.leader_user)
    district_leader = make_user(Role.DISTRICT_LEADER)
    assert stale.status == RecusalStatus.PENDING
    with pytest.raises(ConflictError) as raised:
        services.recusal_decide(recusal=stale, approve=False, reason="无需回避", actor=district_leader)
    assert (raised.value.status, raised.value.code, raised.value.field) == (
        409,
        "invalid_transition",
        "status",
    )
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.APPROVED and recusal.decision_reason == "同意回避"
    assert (
        AuditEvent.objects.filter(action__in=["conduct.recusal.approve", "conduct.recusal.reject"]).count()
        == 1
    )


def test_only_the_supervisor_decides_and_a_refusal_needs_an_order(people):
    recusal = _application(people)
    with pytest.raises(PermissionDeniedError):
        services.recusal_decide(recusal=recusal, approve=True, reason="", actor=people.other_user)
    with pytest.raises(ConflictError):
        services.recusal_refuse(recusal=recusal, reason="不同意", actor=people.official_user)
    recusal.refresh_from_db()
    assert (
        recusal.status == RecusalStatus.PENDING
        and not AuditEvent.objects.filter(
            action__in=["conduct.recusal.approve", "conduct.recusal.refuse"]
        ).exists()
    )


def test_the_recusal_workflow_is_declared_as_data(people):
    approve = services.RECUSAL_WORKFLOW.transitions["approve"]
    assert approve.article == "15.7" and set(approve.who) == {services.SUPERVISING_LEADER, services.OVERSIGHT}
    assert services.RECUSAL_WORKFLOW.transitions["refuse"].who == (services.OWNER,)
    assert services.GIFT_WORKFLOW.transitions["hand_in"].who == (services.DISCIPLINE_OFFICE,)
    recusal = _application(people)
    assert workflow.allowed_actions(services.RECUSAL_WORKFLOW, people.leader_user, recusal) == [
        "approve",
        "reject",
    ]
    assert workflow.allowed_actions(services.RECUSAL_WORKFLOW, people.official_user, recusal) == []
    names = {row["workflow"] for row in workflow.declared()}
    assert {"conduct.recusal", "conduct.activity", "conduct.gift", "appeals.appeal"} <= names


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_the_same_recusal_at_once_decide_it_once(people, make_user):
    recusal = _application(people)
    deciders = [(people.leader_user, True, "同意回避"), (make_user(Role.DISTRICT_LEADER), False, "无需回避")]

    def decide(index: int):
        actor, approve, reason = deciders[index]
        # Each reads the recusal first, as its page did: both see it pending.
        mine = Recusal.objects.get(pk=recusal.pk)
        return services.recusal_decide(recusal=mine, approve=approve, reason=reason, actor=actor)

    outcomes = at_once(2, decide)
    decided = [outcome for outcome in outcomes if isinstance(outcome, Recusal)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert len(decided) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "invalid_transition"
    recusal.refresh_from_db()
    assert recusal.status == decided[0].status and recusal.decision_reason == decided[0].decision_reason
    assert (
        AuditEvent.objects.filter(action__in=["conduct.recusal.approve", "conduct.recusal.reject"]).count()
        == 1
    )
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_hand_ins_at_once_get_unique_receipt_numbers(people):
    gifts = [_pending_gift(people, value=str(100 + index)) for index in range(6)]

    outcomes = at_once(6, lambda index: services.gift_hand_in(gift=gifts[index], actor=people.inspector))
    assert all(isinstance(outcome, GiftRecord) for outcome in outcomes), outcomes
    year = timezone.localdate().year
    numbers = sorted(GiftRecord.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"亲清收〔{year}〕{sequence:04d}号" for sequence in range(1, 7)]
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_one_item_handed_in_twice_at_once_gets_one_receipt(people):
    gift = _pending_gift(people)
    outcomes = at_once(
        2,
        lambda index: services.gift_hand_in(gift=GiftRecord.objects.get(pk=gift.pk), actor=people.inspector),
    )
    assert sum(isinstance(outcome, GiftRecord) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, ConflictError) for outcome in outcomes) == 1, outcomes
    assert GiftRecord.objects.exclude(receipt_number="").count() == 1
    assert numbering.last_values(services.RECEIPT_NUMBERS) == {str(timezone.localdate().year): 1}


def test_the_database_refuses_a_second_gift_with_the_same_receipt_number(people):
    first = services.gift_hand_in(gift=_pending_gift(people), actor=people.inspector)
    other = _pending_gift(people, value="50")
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftRecord.objects.filter(pk=other.pk).update(receipt_number=first.receipt_number)
    # Items without a receipt (the empty number) are not affected.
    assert GiftRecord.objects.filter(receipt_number="").count() == 1


def test_a_handed_in_item_cannot_be_handed_in_again(people):
    gift = _pending_gift(people)
    stale = GiftRecord.objects.get(pk=gift.pk)
    services.gift_hand_in(gift=gift, actor=people.inspector)
    with pytest.raises(ConflictError) as raised:
        services.gift_hand_in(gift=stale, actor=people.inspector)
    assert raised.value.field == "disposition"
    assert GiftRecord.objects.get(pk=gift.pk).disposition == GiftDisposition.HANDED_IN
    assert AuditEvent.objects.filter(action="conduct.gift.hand_in").count() == 1


def test_an_activity_decided_meanwhile_is_not_decided_again_and_only_an_approved_one_is_reported(people):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    stale = type(activity).objects.get(pk=activity.pk)
    services.activity_decide(activity=activity, approve=False, reason="不符合规定", actor=people.leader_user)
    with pytest.raises(ConflictError):
        services.activity_decide(activity=stale, approve=True, reason="同意", actor=people.leader_user)
    assert not ApprovalLetter.objects.exists()
    with pytest.raises(ConflictError):
        services.activity_report(
            activity=activity,
            actual_cost_per_head="80",
            actual_participants="张三",
            actor=people.official_user,
        )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.REFUSED


def test_a_refusal_names_the_missing_reason(people):
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    with pytest.raises(ServiceError) as raised:
        services.activity_decide(activity=activity, approve=False, reason=" ", actor=people.leader_user)
    assert (raised.value.code, raised.value.field) == ("required", "reason")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_letter_and_receipt_numbers_continue_from_the_numbers_already_issued(people):
    """Conduct migration 0003 starts the counters after the highest numbers issued before it."""
    import importlib

    from django.apps import apps

    from qinqing.core.models import Counter

    migration = importlib.import_module("qinqing.conduct.migrations.0003_numbering")
    year = timezone.localdate().year
    activity = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=activity, approve=True, reason="同意", actor=people.leader_user)
    gift = services.gift_hand_in(gift=_pending_gift(people), actor=people.inspector)
    # As if issued before the counters existed, by the old numbering:
    ApprovalLetter.objects.filter(activity=activity).update(sequence=7, number=f"亲清批〔{year}〕0007号")
    GiftRecord.objects.filter(pk=gift.pk).update(receipt_number=f"亲清收〔{year}〕0012号")
    Counter.objects.filter(series__startswith="conduct.").delete()

    migration.continue_counters(apps, None)

    later = services.activity_submit(actor=people.official_user, **draft(people))
    services.activity_decide(activity=later, approve=True, reason="同意", actor=people.leader_user)
    assert ApprovalLetter.objects.get(activity=later).number == f"亲清批〔{year}〕0008号"
    assert (
        services.gift_hand_in(gift=_pending_gift(people), actor=people.inspector).receipt_number
        == f"亲清收〔{year}〕0013号"
    )


@pytest.mark.django_db(transaction=True)
def test_migration_0003_renumbers_receipts_issued_twice_before_the_constraint(people):
    """Before the unique constraint, two hand-ins at once could get the same number; the
    migration keeps the first, gives the later one the next free number (audited) and the
    counter continues after it. (Its functions run on a table without the constraint, as the
    migration finds it; other apps' migrations are left alone.)"""
    import importlib

    from django.apps import apps

    from qinqing.core.models import Counter

    migration = importlib.import_module("qinqing.conduct.migrations.0003_numbering")
    constraint = next(
        c for c in GiftRecord._meta.constraints if c.name == "conduct_gift_receipt_number_unique"
    )
    year = timezone.localdate().year
    first = services.gift_hand_in(gift=_pending_gift(people), actor=people.inspector)
    second = services.gift_hand_in(gift=_pending_gift(people, value="80"), actor=people.inspector)
    with connection.schema_editor() as editor:
        editor.remove_constraint(GiftRecord, constraint)
    try:
        with transaction.atomic():  # the old race, as the service would have recorded it
            before = audit.snapshot(second)
            GiftRecord.objects.filter(pk=second.pk).update(receipt_number=first.receipt_number)
            second.refresh_from_db()
            audit.record_event(
                actor=people.inspector, action="conduct.gift.hand_in", instance=second, before=before
            )
        Counter.objects.filter(series=services.RECEIPT_NUMBERS.name).delete()
        with transaction.atomic():
            migration.renumber_duplicate_receipts(apps, None)
            migration.continue_counters(apps, None)
    finally:
        with connection.schema_editor() as editor:
            editor.add_constraint(GiftRecord, constraint)

    second.refresh_from_db()
    assert GiftRecord.objects.get(pk=first.pk).receipt_number == f"亲清收〔{year}〕0001号"
    assert second.receipt_number == f"亲清收〔{year}〕0002号"
    assert (
        AuditEvent.objects.filter(action="conduct.gift.renumber_receipt", object_id=str(second.pk)).count()
        == 1
    )
    third = services.gift_hand_in(gift=_pending_gift(people, value="60"), actor=people.inspector)
    assert third.receipt_number == f"亲清收〔{year}〕0003号"
    assert audit.verify_chain().ok
