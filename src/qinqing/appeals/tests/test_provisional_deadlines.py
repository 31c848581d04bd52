"""Deadlines past the last published schedule (issue #10): counted on the provisional year,
marked provisional everywhere, recounted — audited, on the timeline, the submitter told —
when the official schedule is loaded.

The test calendar is the real 2024–2026; 2027 is provisional. The 2027 notice below is in the
real notice's format but its content is hypothetical (the real one is not published on
2026-11-30): it follows the 2025 principles except that its Spring Festival make-up days are
Saturdays 2月13日 and 2月20日, where the provisional schedule has Sunday 1月31日 and Saturday 2月13日.
"""

import datetime

import pytest
from django.urls import reverse

from qinqing.core import audit, calendar
from qinqing.core.calendar.services import calendar_notice_load
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import NOTICE_2027

from .. import services
from ..models import Complexity, LimitKey, Notification, Track
from ..workflow import services as workflow_services
from ..workflow.deadlines import ACTION
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date



@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()
    yield
    calendar.invalidate()


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISING_LEADER)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


def test_an_appeal_filed_on_2026_12_20_gets_a_provisional_deadline_that_the_2027_notice_moves(
        frozen_clock, supervisor, admin, client):
    frozen_clock("2026-12-20 10:00")
    services.track_limit_set(key=LimitKey.RESOLVE_COMPLEX, value=30, actor=admin)
    moved = factories.file_appeal(received_at=D(2026, 12, 20))
    assert moved.due_at == D(2026, 12, 21) and not moved.due_provisional, (
        "the acknowledgement date is in 2026"
    )
    moved = workflow_services.appeal_triage(
        appeal=moved, track=Track.RESOLVE, complexity=Complexity.COMPLEX, actor=supervisor
    )
    # 30 working days from Sunday 2026-12-20: ... 2027-01-29 is the 29th, Sunday 01-31 (a provisional make-up
    # day) the 30th.
    assert (moved.due_at, moved.due_provisional, moved.due_start, moved.due_days) == (
        D(2027, 1, 31),
        True,
        D(2026, 12, 20),
        30,
    )
    frozen_clock("2026-12-28 10:00")  # an appeal is received on a day that has come (issue 20)
    confirmed = workflow_services.appeal_triage(
        appeal=factories.file_appeal(received_at=D(2026, 12, 28)), track=Track.RESOLVE, actor=supervisor
    )
    assert (confirmed.due_at, confirmed.due_provisional) == (D(2027, 1, 5), True)
    untouched = workflow_services.appeal_triage(
        appeal=factories.file_appeal(received_at=D(2026, 12, 20)), track=Track.RESOLVE, actor=supervisor
    )
    assert (untouched.due_at, untouched.due_provisional) == (D(2026, 12, 25), False)

    client.force_login(supervisor)
    page = client.get(reverse("appeals:detail", args=[moved.pk])).content.decode()
    assert 'data-testid="deadline-provisional"' in page
    assert (
        'data-testid="deadline-provisional"'
        not in client.get(reverse("appeals:detail", args=[untouched.pk])).content.decode()
    )
    step = moved.steps.filter(kind="triage").get()
    assert "2027-01-31" in step.text and "2027" in step.text

    told_before = Notification.objects.filter(appeal=moved).count()
    confirmed_told_before = Notification.objects.filter(appeal=confirmed).count()
    calendar_notice_load(text=NOTICE_2027, actor=admin)

    moved.refresh_from_db()
    assert (moved.due_at, moved.due_provisional) == (D(2027, 2, 1), False), (
        "Sunday 01-31 is not worked in the notice"
    )
    event = AuditEvent.objects.get(action=ACTION, object_id=str(moved.pk))
    assert event.actor_label == admin.username
    assert event.details["reason"] == "calendar_year_loaded" and event.details["calendar_year"] == 2027
    assert (event.details["due_before"], event.details["due_after"], event.details["told"]) == (
        "2027-01-31",
        "2027-02-01",
        True,
    )
    assert "due_at" in event.changes and "due_provisional" in event.changes
    messages = list(Notification.objects.filter(appeal=moved).order_by("pk"))
    assert len(messages) == told_before + 1
    assert (
        "2027-01-31" in messages[-1].text
        and "2027-02-01" in messages[-1].text
        and moved.tracking_number in messages[-1].text
    )
    assert moved.steps.filter(kind="deadline_recount").count() == 1

    assert Notification.objects.filter(appeal=confirmed).count() == confirmed_told_before
    confirmed.refresh_from_db()
    assert (confirmed.due_at, confirmed.due_provisional) == (D(2027, 1, 5), False)
    assert "2027-01-05" in confirmed.steps.get(kind="deadline_recount").text, "a line says it is confirmed"
    assert (
        AuditEvent.objects.get(action=ACTION, object_id=str(confirmed.pk)).details["told"] is False
    )
    assert not AuditEvent.objects.filter(action=ACTION, object_id=str(untouched.pk)).exists()
    assert (
        'data-testid="deadline-provisional"'
        not in client.get(reverse("appeals:detail", args=[moved.pk])).content.decode()
    )
    assert audit.verify_chain().ok


def test_an_extension_on_a_provisional_deadline_is_kept_when_it_is_recounted(frozen_clock, supervisor, admin):
    frozen_clock("2026-12-20 10:00")
    services.track_limit_set(key=LimitKey.RESOLVE_COMPLEX, value=25, actor=admin)
    appeal = workflow_services.appeal_triage(
        appeal=factories.file_appeal(received_at=D(2026, 12, 20)),
        track=Track.RESOLVE,
        complexity=Complexity.COMPLEX,
        actor=supervisor,
    )
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 1, 25), True)
    unit = factories.make_unit()
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    user, _official = factories.make_handler(unit)
    request = workflow_services.extension_request(appeal=appeal, days=5, reason="需要现场核查", actor=user)
    workflow_services.extension_decide(request=request, approve=True, actor=supervisor)
    appeal.refresh_from_db()
    assert (appeal.due_at, appeal.due_provisional, appeal.due_days) == (D(2027, 1, 31), True, 30)
    calendar_notice_load(text=NOTICE_2027, actor=admin)
    appeal.refresh_from_db()
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 2, 1), False), (
        "the 5 extra days survive the recount"
    )


def test_an_appeal_filed_in_the_provisional_year_is_marked_and_the_api_says_so(
    frozen_clock, supervisor, api_key, client
):
    frozen_clock("2026-12-31 16:00")
    appeal = factories.file_appeal(received_at=D(2026, 12, 31))
    assert (appeal.due_at, appeal.due_provisional) == (D(2027, 1, 4), True)
    acknowledgement = appeal.notifications.order_by("pk").first()
    assert "2027-01-04" in acknowledgement.text and "2027" in acknowledgement.text
    _key, raw = api_key("appeals:read")
    body = client.get(f"/api/v1/appeals/{appeal.tracking_number}", headers={"X-API-Key": raw}).json()
    assert body["due_at"] == "2027-01-04" and body["due_provisional"] is True


def test_years_beyond_the_provisional_one_are_still_refused(frozen_clock, supervisor):
    frozen_clock("2027-12-28 10:00")
    appeal = factories.file_appeal(received_at=D(2027, 12, 28))
    assert appeal.due_at == D(2027, 12, 29) and appeal.due_provisional
    with pytest.raises(services.ServiceError) as raised:
        workflow_services.appeal_triage(
            appeal=appeal, track=Track.RESOLVE, complexity=Complexity.COMPLEX, actor=supervisor
        )
    assert raised.value.code == "calendar_year_not_loaded" and "2028" in raised.value.text()
