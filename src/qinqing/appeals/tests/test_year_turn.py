"""Appeals at the year's turn, on real schedules only (nothing invented for a year whose notice is
not published): the year after the last loaded one is provisional, the one after that is covered
by nothing until a schedule is loaded."""

import datetime

import pytest

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.services import calendar_seed_years
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import make_user

from ..models import Complexity, Level, Track
from ..workflow import services as workflow_services
from ..workflow.deadlines import ACTION
from ..workflow.sweep import run_sweep
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def published_until_2025(db):
    """2024 and 2025 loaded: 2026 is the provisional year, 2027 covered by nothing."""
    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025], actor=SystemActor("test"))
    calendar.invalidate()
    yield
    calendar.invalidate()


def test_an_appeal_filed_without_a_date_on_new_years_eve_gets_one_when_the_year_is_loaded(
        frozen_clock, published_until_2025):
    """Filed on 31 December of the provisional year, its acknowledgement falls in a year no calendar
    covers: filed without a date (never refused). Loading that year's schedule recounts the deadlines;
    the appeal without a date was left out, so it never had a deadline, was never urged or overdue."""
    frozen_clock("2026-12-31 23:50")
    appeal = factories.file_appeal(received_at=D(2026, 12, 31))
    assert appeal.due_at is None and appeal.tracking_number.startswith("SQ20261231")

    frozen_clock("2027-01-01 00:10")
    calendar_seed_years(years=[2026], actor=SystemActor("test"))  # the real 2026 schedule; 2027 provisional
    appeal.refresh_from_db()
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 1, 4), True)
    step = appeal.steps.get(kind="deadline_recount")
    assert "2026-12-31" in step.text and "2027-01-04" in step.text
    told = appeal.notifications.order_by("-pk").first()
    assert appeal.tracking_number in told.text and "2027-01-04" in told.text
    event = AuditEvent.objects.filter(action=ACTION, object_id=str(appeal.pk)).get()
    assert event.details["due_before"] is None and event.details["due_after"] == "2027-01-04"


def test_the_sweep_urges_and_moves_appeals_when_the_urging_horizon_runs_off_the_calendar(
        frozen_clock, workday_calendar):
    """2024–2026 loaded, 2027 provisional, urging 3 working days ahead: on Wednesday 2027-12-29 that
    horizon runs into 2028, which nothing covers. The sweep failed whole, naming 2028, and urged nothing.
    Every open appeal's due date was counted on the calendar, so none lies past 2027: an appeal due
    2027-12-31 is two working days away and urged, one overdue since earlier in December is moved to
    supervision, and the run succeeds (core.calendar.LookAhead: nothing had to be skipped)."""
    from ..models import LimitKey
    from ..services import track_limit_set

    supervisor = make_user(Role.SUPERVISING_LEADER)
    track_limit_set(key=LimitKey.URGE_BEFORE, value=3, actor=make_user(Role.ADMINISTRATOR))
    unit = factories.make_unit("区市场监管局")

    def assigned(day):
        frozen_clock(f"{day} 10:00")
        appeal = factories.file_appeal(received_at=D.fromisoformat(day))
        workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, complexity=Complexity.SIMPLE,
                                        actor=supervisor)
        return workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)

    overdue, near = assigned("2027-12-01"), assigned("2027-12-24")
    assert overdue.due_at < D(2027, 12, 29) and near.due_at == D(2027, 12, 31)

    frozen_clock("2027-12-29 10:00")
    result = run_sweep()
    assert (result.supervised, result.urged) == ([overdue.pk], [near.pk])
    overdue.refresh_from_db()
    near.refresh_from_db()
    assert (overdue.level, overdue.supervised_on) == (Level.SUPERVISION, D(2027, 12, 29))
    assert (near.level, near.urged_on) == (Level.UNIT, D(2027, 12, 29))


def test_the_sweep_skips_an_appeal_it_cannot_count_and_says_which_year_to_load(
        frozen_clock, workday_calendar):
    """The services never count a due date into a year nothing covers (the test above), but a row dated in
    2028 — written outside them — may or may not be within the urging horizon of 2027-12-31: it is left
    unurged, the appeal due today is flagged, and the run fails after committing that, saying one appeal
    was skipped and that 2028's notice must be loaded."""
    supervisor = make_user(Role.SUPERVISING_LEADER)
    unit = factories.make_unit("区市场监管局")
    frozen_clock("2027-12-24 10:00")
    appeals = []
    for _number in range(2):
        appeal = factories.file_appeal(received_at=D(2027, 12, 24))
        workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, complexity=Complexity.SIMPLE,
                                        actor=supervisor)
        appeals.append(workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor))
    today, later = appeals
    assert today.due_at == later.due_at == D(2027, 12, 31)
    type(later).objects.filter(pk=later.pk).update(due_at=D(2028, 1, 4))

    frozen_clock("2027-12-31 10:00")
    with pytest.raises(ServiceError) as refused:
        run_sweep()
    assert refused.value.code == "calendar_year_not_loaded"
    assert (refused.value.params["count"], refused.value.params["year"]) == (1, 2028)
    said = str(refused.value)
    assert "另有 1 条记录无法按工作日计算" in said and "2028 年工作日历尚未载入" in said
    assert "标记当日到期 1 件" in said  # what the sweep did, then what it skipped
    today.refresh_from_db()
    later.refresh_from_db()
    assert today.due_flagged_on == D(2027, 12, 31) and later.urged_on is None


def test_tracking_numbers_restart_at_midnight_beijing_not_at_midnight_utc(frozen_clock, workday_calendar):
    """SQ + the district's day: a filing at 00:01 on 1 January (16:01 UTC on 31 December) opens
    2027's first day; midnight UTC (08:00 Beijing) starts nothing."""
    numbers = []
    for moment in ("2026-12-31 23:59", "2027-01-01 00:01", "2027-01-01 08:01"):
        frozen_clock(moment)
        numbers.append(factories.file_appeal().tracking_number)
    assert numbers == ["SQ20261231000001", "SQ20270101000001", "SQ20270101000002"]


def test_a_provisional_due_date_is_never_printed_or_shown_as_fact(client, frozen_clock, workday_calendar):
    """Recorded on New Year's Eve, a letter's acknowledgement is due on 2027-01-04, counted on the
    provisional 2027: the printed acknowledgement gave the date as fact; the portal said "next year's
    schedule" — wrong once 2027 has begun, when the unpublished schedule is this year's."""
    from django.urls import reverse

    from ..models import Channel

    frozen_clock("2026-12-31 16:00")
    operator = make_user(Role.ADMINISTRATOR)
    client.force_login(operator)
    appeal = factories.file_appeal(channel=Channel.LETTER, contact_name="王某", contact_address="人民路1号",
                                   contact_phone="13800138000", actor=operator)
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 1, 4), True)
    letter = client.get(reverse("appeals_channels:operator_acknowledgement", args=[appeal.tracking_number]),
                        {"print": "1"}).content.decode()
    assert "我们将于2027年1月4日前确认受理并交办。" in letter
    assert "（暂定：2027 年节假日安排尚未发布；日期如有变动将通知您）" in letter

    frozen_clock("2027-01-04 09:00")
    client.logout()
    lookup = {"tracking_number": appeal.tracking_number, "contact_phone": "13800138000"}
    page = client.post(reverse("appeals_channels:portal_status"), lookup).content.decode()
    assert "2027-01-04</time> （暂定：2027 年节假日安排尚未发布" in page and "下一年度" not in page
