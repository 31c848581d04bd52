"""Article 15 item 7 wired into appeal assignment: the real conflict check, no stand-ins."""

import datetime

import pytest

from qinqing.conduct.models import AssignmentCheck
from qinqing.conduct.services import RecusalRequired
from qinqing.core import audit
from qinqing.core.roles import Role
from qinqing.directory.models import LinkKind, Relationship
from qinqing.directory.tests import factories as directory_factories

from ..models import Complexity, Status, Track
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def _assigned_appeal(enterprise, unit, supervisor):
    appeal = factories.file_appeal(enterprise=enterprise, received_at=datetime.date(2025, 9, 30))
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, complexity=Complexity.SIMPLE, actor=supervisor)
    return services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)


def test_spouse_shareholding_blocks_the_handler_assignment_and_nothing_is_saved(make_user):
    supervisor = make_user(Role.SUPERVISING_LEADER)
    unit = factories.make_unit("区住房和城乡建设局")
    user, official = factories.make_handler(unit)
    enterprise = factories.make_enterprise("某某建设有限公司")
    spouse = directory_factories.make_person(name="李四")
    directory_factories.make_related_person(
        official=official, person=spouse, relationship=Relationship.SPOUSE
    )
    directory_factories.make_link(
        person=spouse, enterprise=enterprise, kind=LinkKind.SHAREHOLDER, share_percent="12.5"
    )
    appeal = _assigned_appeal(enterprise, unit, supervisor)
    events_before = audit.AuditEvent.objects.filter(
        object_type="appeals.Appeal", object_id=str(appeal.pk)
    ).count()

    with pytest.raises(RecusalRequired) as raised:
        services.appeal_assign_handler(appeal=appeal, official=official, actor=supervisor)

    error = raised.value
    assert error.code == "recusal_required" and error.field == "official"
    evidence = " ".join(conflict.evidence() for conflict in error.conflicts)
    assert "李四" in evidence and "某某建设有限公司" in evidence and "12.5" in evidence
    appeal.refresh_from_db()
    assert appeal.handler is None and appeal.status == Status.ASSIGNED, "the assignment was not saved"
    assert (
        audit.AuditEvent.objects.filter(object_type="appeals.Appeal", object_id=str(appeal.pk)).count()
        == events_before
    )
    assert AssignmentCheck.objects.filter(official=official).exists(), "the blocked check is on record (15.7)"

    colleague_user, colleague = factories.make_handler(unit)
    appeal = services.appeal_assign_handler(appeal=appeal, official=colleague, actor=supervisor)
    assert appeal.handler == colleague, "an official without a conflict takes the matter"
    assert audit.verify_chain().ok
