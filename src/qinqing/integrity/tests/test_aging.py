"""Time alone changes evaluations: the daily job (core.jobs ``integrity.recompute``) stores the new result
when a record expires, leaves its rule's window or a listing's restrictions end, keeping the history;
restrictions end on their own by the clock, with no job at all."""

import datetime

import pytest

from qinqing.core import jobs
from qinqing.core.audit import SystemActor
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.models import Evaluation
from qinqing.integrity.services.evaluation import DAILY_TRIGGER, recompute_aged

from .factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date
ACTOR = SystemActor("test")


def history(enterprise) -> list[tuple[int, str, str]]:
    return list(
        Evaluation.objects.filter(enterprise=enterprise)
        .order_by("computed_at", "pk")
        .values_list("score", "grade", "trigger")
    )


def test_the_job_is_registered_daily():
    job = jobs.get("integrity.recompute")
    assert job.daily_at is not None and job.func == "qinqing.integrity.services.evaluation.recompute_aged"


def test_an_expiring_record_and_an_old_negative_record_leaving_its_window_change_the_stored_evaluation(
    frozen_clock,
):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    untouched = directory.make_enterprise()
    services.record_add(enterprise=enterprise, kind="external_list", external_list="dishonest_debtor",
                        title="失信被执行人", source="信用中国", occurred_on=D(2026, 1, 5),
                        expires_on=D(2026, 12, 2), actor=ACTOR)
    # A broken pledge counts 36 months by the default rules: until 2026-12-03.
    services.record_add(enterprise=enterprise, kind="pledge_broken", title="违反承诺宴请", source="区纪委",
                        occurred_on=D(2023, 12, 3), actor=ACTOR)
    services.record_add(enterprise=untouched, kind="honour", title="诚信示范企业", source="区工商联",
                        occurred_on=D(2026, 1, 1), actor=ACTOR)
    assert history(enterprise)[-1][:2] == (100 - 20 - 20, "D")
    before_untouched = history(untouched)

    frozen_clock("2026-12-01 01:30")
    assert "0 evaluations changed" in in_english(recompute_aged)  # nothing aged yet: no new row
    frozen_clock("2026-12-03 01:30")
    recompute_aged()
    assert history(enterprise)[-1] == (80, "C", DAILY_TRIGGER)  # the outside list expired on 12-02
    frozen_clock("2026-12-04 01:30")
    recompute_aged()
    assert history(enterprise)[-1] == (100, "B", DAILY_TRIGGER)  # the broken pledge left its window
    assert [row[0] for row in history(enterprise)] == [80, 60, 80, 100]  # every change kept
    frozen_clock("2026-12-05 01:30")
    assert "0 evaluations changed" in in_english(recompute_aged)  # run again: no duplicate rows
    assert history(untouched) == before_untouched
    latest = Evaluation.objects.filter(enterprise=enterprise).latest("computed_at", "pk")
    assert all(not c["counts"] for c in latest.contributions)


def test_a_listing_ending_by_the_clock_lifts_the_cap_and_the_head_s_listing_counts_for_the_enterprise(
    frozen_clock,
):
    frozen_clock("2026-11-30 10:00")
    head = directory.make_person(name="周老板")
    enterprise = directory.make_enterprise(legal_representative=head)
    make_listing(person=head, activities=("honour",), start=D(2026, 1, 1), end=D(2026, 12, 1))
    assert not services.eligibility(enterprise=enterprise, activity="honour", log=False).eligible
    assert history(enterprise)[-1][1] == "D"
    frozen_clock("2026-12-02 00:00")
    # The restriction ended yesterday: over by itself, whether or not the job has run.
    assert services.eligibility(enterprise=enterprise, activity="honour", log=False).eligible
    frozen_clock("2026-12-02 01:30")
    recompute_aged()
    assert history(enterprise)[-1][2] == DAILY_TRIGGER and history(enterprise)[-1][1] != "D"


def test_a_worker_down_for_days_catches_up_within_the_lookback(frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    services.record_add(enterprise=enterprise, kind="requirement_breach", title="违反六要求", source="区纪委",
                        occurred_on=D(2026, 1, 1), expires_on=D(2026, 12, 1), actor=ACTOR)
    frozen_clock("2026-12-06 01:30")  # no run since 11-30
    recompute_aged()
    assert history(enterprise)[-1] == (100, "B", DAILY_TRIGGER)


def test_a_recompute_from_an_english_page_is_no_change(frozen_clock):
    """The stored explanations are in the district's language: a record added from an English page, or
    the daily job read in English, stores no second evaluation that differs only in its words."""
    from django.utils import translation

    from qinqing.integrity.services.evaluation import recompute

    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    services.record_add(enterprise=enterprise, kind="honour", title="诚信示范企业", source="区工商联",
                        occurred_on=D(2026, 1, 1), actor=ACTOR)
    stored = history(enterprise)
    with translation.override("en"):
        assert recompute(enterprise, trigger="test") is None
        assert "0 evaluations changed" in recompute_aged()
    assert history(enterprise) == stored
    assert Evaluation.objects.filter(enterprise=enterprise).last().contributions[0]["whose"] == "企业的记录"
