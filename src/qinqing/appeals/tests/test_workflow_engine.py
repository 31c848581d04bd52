"""The appeals workflow on core.workflow (article 8): who may act is declared per transition,
the status is re-checked under the lock, and the submitter's notification is written to the
outbox with the change but sent only after the commit (never when the change rolls back)."""

import pytest
from django.db import transaction

from qinqing.core import workflow
from qinqing.core.errors import ConflictError, PermissionDeniedError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

from ..intake import services as intake_services
from ..models import AppealStep, Channel, Notification, Status, Track
from ..workflow import notify
from ..workflow import services as workflow_services
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


@pytest.fixture
def sent(settings):
    settings.APPEALS_DELIVER_ON_COMMIT = True
    delivered = []
    installed = (
        notify.sender_for(Channel.SMS) if notify.has_sender(Channel.SMS) else None
    )  # the app's own, put back after
    notify.register_sender(Channel.SMS, lambda notification: delivered.append(notification.text))
    yield delivered
    if installed is not None:
        notify.register_sender(Channel.SMS, installed)
    else:
        notify.unregister_sender(Channel.SMS)


def _in_progress(make_user):
    supervisor = make_user(Role.SUPERVISING_LEADER)
    unit = factories.make_unit("区住建局")
    handler, _official = factories.make_handler(unit)
    appeal = factories.file_appeal(channel=Channel.SMS)
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return appeal, supervisor, handler


def test_every_action_is_declared_with_its_article_and_the_supervision_office_may_take_it_but_rate():
    rows = {row["action"]: row for row in workflow.declared([workflow_services.APPEAL_WORKFLOW])}
    assert set(rows) == set(workflow_services.TRANSITIONS)
    # Every action but the rating: only who filed rates the answer, or a rating given by phone or
    # letter is relayed (issue 20: a district leader is not offered the rating form).
    assert all(
        row["article"] == "8" and workflow_services.SUPERVISION in row["who"]
        for action, row in rows.items()
        if action != "rate"
    )
    assert rows["reply"]["who"] == [workflow_services.UNIT, workflow_services.SUPERVISION] and rows["reply"][
        "requires"
    ] == ["text"]
    assert rows["rate"]["who"] == [workflow_services.ENTERPRISE, workflow_services.RELAY]
    assert str(Role.DISTRICT_LEADER) not in rows["rate"]["roles"]
    assert rows["triage"]["api_key"] is True and str(Role.DISTRICT_LEADER) in rows["triage"]["roles"]


def test_the_reply_notification_is_in_the_outbox_with_the_change_and_sent_after_the_commit(
    make_user, sent, django_capture_on_commit_callbacks
):
    appeal, _supervisor, handler = _in_progress(make_user)
    before = Notification.objects.filter(appeal=appeal).count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow_services.appeal_reply(appeal=appeal, text="已协调供电公司，三日内完成增容。", actor=handler)
    assert Notification.objects.filter(appeal=appeal).count() == before + 1
    assert AppealStep.objects.filter(appeal=appeal, kind="reply").exists()
    assert AuditEvent.objects.filter(
        action="appeals.appeal.reply", object_id=str(appeal.pk)
    ).get().details == {"article": "8"}
    assert sent == []  # not before the commit
    for callback in callbacks:
        callback()
    assert any("三日内完成增容" in text for text in sent)


def test_a_reply_rolled_back_with_its_caller_leaves_no_notification_and_sends_nothing(
    make_user, sent, django_capture_on_commit_callbacks
):
    appeal, _supervisor, handler = _in_progress(make_user)
    before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow_services.appeal_reply(appeal=appeal, text="答复", actor=handler)
        raise RuntimeError("the caller fails")
    assert callbacks == [] and sent == [] and Notification.objects.count() == before
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED and not appeal.reply


def test_a_reply_to_an_appeal_answered_meanwhile_is_refused(make_user):
    appeal, supervisor, handler = _in_progress(make_user)
    stale = type(appeal).objects.get(pk=appeal.pk)
    workflow_services.appeal_reply(appeal=appeal, text="第一次答复", actor=handler)
    with pytest.raises(ConflictError) as raised:
        workflow_services.appeal_reply(appeal=stale, text="第二次答复", actor=supervisor)
    assert (raised.value.code, raised.value.field, raised.value.status) == (
        "invalid_transition",
        "status",
        409,
    )
    appeal.refresh_from_db()
    assert appeal.reply == "第一次答复"
    assert AuditEvent.objects.filter(action="appeals.appeal.reply").count() == 1


@pytest.mark.django_db(transaction=True)
def test_migration_0008_moves_the_daily_counters_so_numbers_continue():
    """The per-day counters of the old table become core.Counter rows: the next filing of a day
    that already had numbers continues after them. (The migration's function runs on the old
    table as it stood before 0008; other apps' migrations are left alone.)"""
    import datetime
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from qinqing.core.models import Counter

    migration = importlib.import_module("qinqing.appeals.migrations.0008_tracking_numbers_in_core_counter")
    before_0008 = (
        MigrationLoader(connection)
        .project_state(("appeals", "0008_tracking_numbers_in_core_counter"), at_end=False)
        .apps
    )
    old_counter = before_0008.get_model("appeals", "TrackingCounter")
    day = datetime.date(2025, 10, 9)
    with connection.schema_editor() as editor:
        editor.create_model(old_counter)
    try:
        old_counter.objects.create(day=day, last=41)
        Counter.objects.filter(series=intake_services.TRACKING_NUMBERS.name).delete()
        with transaction.atomic():
            migration.move_counters(before_0008, None)
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(old_counter)
    assert Counter.objects.get(series="appeals.tracking", period="20251009").last == 41
    received = datetime.datetime(2025, 10, 9, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    filed = factories.file_appeal(received_at=received)
    assert filed.tracking_number == "SQ20251009000042"


def test_only_who_filed_rates_the_answer_and_a_phone_rating_is_relayed_not_made_up(make_user):
    """Issue 20: a district leader was offered the rating form on a citizen's appeal."""
    from qinqing.core.testing import make_api_key

    appeal, supervisor, handler = _in_progress(make_user)  # filed by SMS: rated by SMS, not by staff
    workflow_services.appeal_reply(appeal=appeal, text="已答复", actor=handler)
    appeal.refresh_from_db()
    district_leader = make_user(Role.DISTRICT_LEADER)
    for user in (supervisor, district_leader, handler):
        assert "rate" not in workflow_services.allowed_actions(user, appeal)
        with pytest.raises(PermissionDeniedError):
            workflow_services.appeal_rate(appeal=appeal, satisfaction="satisfied", actor=user)
    assert not appeal.ratings.exists()
    # A letter has no way to rate online: the supervision office records what the filer said on
    # the phone, but a district leader still does not.
    letter = factories.file_appeal(channel=Channel.LETTER)
    workflow_services.appeal_triage(appeal=letter, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=letter, unit=appeal.handling_unit, actor=supervisor)
    workflow_services.appeal_reply(appeal=letter, text="已答复", actor=supervisor)
    letter.refresh_from_db()
    assert "rate" not in workflow_services.allowed_actions(district_leader, letter)
    assert "rate" in workflow_services.allowed_actions(supervisor, letter)  # the supervising leader's office
    workflow_services.appeal_rate(appeal=letter, satisfaction="satisfied", actor=supervisor)
    # An external system (API key) relays the rating given there.
    workflow_services.appeal_rate(
        appeal=appeal, satisfaction="satisfied", actor=make_api_key("appeals:write")[0]
    )
    assert appeal.ratings.count() == 1
