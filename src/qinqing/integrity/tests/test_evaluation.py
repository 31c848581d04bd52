"""The evaluation: the published rule set, every contribution explained, recomputed on change, history kept."""  # noqa: E501

import datetime

import pytest

from qinqing.core.audit import SystemActor
from qinqing.core.errors import PermissionDeniedError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import Evaluation

from .factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date
ACTOR = SystemActor("test")


def test_records_contribute_by_the_rule_set_and_each_contribution_is_explained(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    head = directory.make_person(name="李总")
    enterprise = directory.make_enterprise(legal_representative=head)
    services.record_add(
        enterprise=enterprise,
        kind="honour",
        title="区级诚信示范企业",
        source="区工商联",
        occurred_on=D(2025, 6, 1),
        actor=ACTOR,
    )
    services.record_add(
        person=head,
        kind="pledge_broken",
        title="违反承诺宴请",
        source="区纪委",
        occurred_on=D(2026, 3, 1),
        actor=ACTOR,
    )
    services.record_add(
        enterprise=enterprise,
        kind="clean_record",
        title="廉洁记录证明",
        source="区纪委",
        occurred_on=D(2024, 1, 1),
        actor=ACTOR,
    )  # 12 months: counted until 2025-01-01
    result = services.evaluate(enterprise)
    assert result.score == 100 + 5 - 20 and result.grade == "C"
    by_title = {c["title"]: c for c in result.contributions}
    assert by_title["违反承诺宴请"]["points"] == -20 and by_title["违反承诺宴请"]["whose"]
    assert by_title["廉洁记录证明"]["counts"] is False and "2025-01-01" in by_title["廉洁记录证明"]["why"]
    history = list(
        Evaluation.objects.filter(enterprise=enterprise)
        .order_by("computed_at", "pk")
        .values_list("score", flat=True)
    )
    assert history == [
        105,
        85,
        85,
    ]  # a row per change: the third record is listed (explained as no longer counting)
    assert (
        len(Evaluation.objects.filter(enterprise=enterprise).latest("computed_at", "pk").contributions) == 3
    )


def test_a_listing_in_force_caps_the_grade_and_the_administrator_edits_the_rules(make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    for n in range(5):
        services.record_add(
            enterprise=enterprise,
            kind="honour",
            title=f"荣誉{n}",
            source="区政府",
            occurred_on=D(2026, 1, 1 + n),
            actor=ACTOR,
        )
    assert services.evaluate(enterprise).grade == "A"
    make_listing(enterprise=enterprise, activities=("honour",), start=D(2026, 11, 1), end=D(2027, 10, 31))
    listed = services.evaluate(enterprise)
    assert (
        listed.score == 75 and listed.capped and listed.grade == "D"
    )  # 75 would be C: a listing in force caps it
    admin = make_user(Role.ADMINISTRATOR)
    with pytest.raises(PermissionDeniedError):
        services.rules_update(values={"honour": (20, 36)}, actor=make_user(Role.ENTERPRISE_USER))
    services.rules_update(values={"honour": (20, 36), "listing": (-50, 0)}, actor=admin)
    assert (
        AuditEvent.objects.filter(action="integrity.rule.change").count() == 1
    )  # the unchanged listing rule is not an event
    assert (
        services.evaluate(enterprise).score == 100 + 100 - 50 and services.evaluate(enterprise).grade == "D"
    )
    frozen_clock("2027-11-01 10:00")  # the restriction ended by itself: no cap any more
    assert services.evaluate(enterprise).grade == "A"
