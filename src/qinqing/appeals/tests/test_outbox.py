"""The outbox delivers each notification once — the on-commit delivery and two workers racing
for the same rows — and says honestly what was not sent; two workers sweeping at the same
moment change each appeal once. Concurrent for real on PostgreSQL (threads, each with its
own connection); SQLite has one writer at a time, so there the same threads take turns."""

import contextlib
import datetime
import threading
import time

import pytest
from django.db import connection, connections

from qinqing.core import clock
from qinqing.core.models import AuditEvent
from qinqing.core.testing import at_once

from ..models import Appeal, Channel, Notification, NotificationStatus
from ..workflow import notify
from ..workflow.sweep import run_sweep
from . import factories

D = datetime.date


class RecordingSender:
    """An SMS provider that counts what it was asked to send (slow enough to overlap)."""

    def __init__(self, pause: float = 0.0):
        self.sent: list[int] = []
        self.pause = pause
        self._lock = threading.Lock()

    def __call__(self, notification) -> None:
        time.sleep(self.pause)
        with self._lock:
            self.sent.append(notification.pk)


@pytest.fixture
def recording_sms():
    previous = notify.sender_for("sms")
    sender = RecordingSender()
    notify.register_sender("sms", sender)
    yield sender
    if previous is not None:
        notify.register_sender("sms", previous)
    else:
        notify.unregister_sender("sms")


def _turns():
    """A lock on SQLite (one writer at a time), nothing on PostgreSQL."""
    return threading.Lock() if connection.vendor != "postgresql" else contextlib.nullcontext()


# --- claims ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_notification_is_claimed_by_one_sender_and_an_old_claim_expires(
    settings, workday_calendar, recording_sms, frozen_clock
):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    frozen_clock("2026-11-30 10:00")
    appeal = factories.file_appeal(channel=Channel.SMS, contact_phone="13900139000")
    row = Notification.objects.get(appeal=appeal)

    token = notify.claim(row.pk)
    assert token and notify.claim(row.pk) is None  # a second sender gets nothing
    assert notify.deliver_pending() == 0 and recording_sms.sent == []
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING and row.claim_token == token

    frozen_clock("2026-11-30 10:11")  # that sender died mid-send: its claim (10 minutes) has expired
    assert notify.deliver_pending() == 1 and recording_sms.sent == [row.pk]
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.claim_token == "" and row.attempts == 1


# --- honest statuses -----------------------------------------------------------------------
@pytest.mark.django_db
def test_what_no_channel_reaches_is_not_counted_as_sent(settings, workday_calendar, caplog, capsys):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_BACKEND": "console",
    }  # the real SMS sender, printing
    portal = factories.file_appeal(channel=Channel.WEB_PORTAL, contact_phone="13700137000")
    hotline = factories.file_appeal(channel=Channel.HOTLINE, contact_phone="13600136000")
    mobile = factories.file_appeal(channel=Channel.SMS, contact_phone="13900139001")
    landline = factories.file_appeal(channel=Channel.API, contact_phone="13900139002")
    # A message for an SMS recipient that is no mobile number (as a gateway may pass on): no SMS can reach it.
    notify.queue(appeal=landline, channel="sms", recipient="02088886666", text="答复")
    Notification.objects.filter(appeal=landline, channel="api").delete()

    with caplog.at_level("INFO", logger="qinqing.appeals.notify"):
        report = notify.deliver_report()

    # The mailbox and the hotline answer by SMS to the number the submitter gave (issue 11).
    assert (report.sent, report.manual) == (3, 1)
    statuses = {row.appeal_id: row.status for row in Notification.objects.all()}
    assert statuses == {portal.pk: "sent", hotline.pk: "sent", landline.pk: "manual", mobile.pk: "sent"}
    # the reason is recorded in the district's language: the administrators read it on the jobs page
    assert Notification.objects.get(appeal=landline).last_error == "没有可发送的有效手机号码"
    assert (
        capsys.readouterr().out.count("[sms] to ") == 3
    )  # every mobile number got an SMS, the landline none
    assert Notification.objects.filter(sent_at__isnull=False).count() == 3
    counts = notify.outbox_counts()
    assert counts["sent"] == 3 and counts["manual"] == 1
    assert notify.manual_counts_by_channel() == {"sms": 1}
    assert {row.appeal_id for row in notify.to_pass_on_by_hand()} == {landline.pk}
    assert (
        "13700137000" not in caplog.text and "02088886666" not in caplog.text
    )  # the log never has the number
    assert notify.deliver_report().manual == 0  # marked once, not again every round


# --- delivered once, however many senders race -------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_each_notification_is_delivered_once_with_the_on_commit_path_and_two_workers(
    settings, workday_calendar
):
    settings.APPEALS_DELIVER_ON_COMMIT = True
    sender = RecordingSender(pause=0.01)
    previous = notify.sender_for("sms")
    notify.register_sender("sms", sender)
    turns = _turns()
    filing_done = threading.Event()
    errors: list[str] = []

    def worker() -> None:
        try:
            while True:
                with turns:
                    notify.deliver_pending()
                if (
                    filing_done.is_set()
                    and not Notification.objects.filter(status=NotificationStatus.QUEUED).exists()
                ):
                    return
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for thread in workers:
            thread.start()
        for number in range(12):  # each filing queues its acknowledgement and delivers it on commit
            with turns:
                factories.file_appeal(channel=Channel.SMS, contact_phone=f"139{number:08d}")
        filing_done.set()
        for thread in workers:
            thread.join(timeout=60)
    finally:
        filing_done.set()
        if previous is not None:
            notify.register_sender("sms", previous)

    assert errors == []
    rows = list(Notification.objects.filter(channel="sms"))
    assert len(rows) == 12
    assert sorted(sender.sent) == sorted(row.pk for row in rows), "a notification was sent twice or never"
    assert {(row.status, row.attempts) for row in rows} == {(NotificationStatus.SENT, 1)}


# --- the sweep: once per day, however many workers ----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_change_each_appeal_once(workday_calendar, frozen_clock):
    frozen_clock("2026-11-02 10:00")
    for received in (
        D(2026, 10, 9),
        D(2026, 10, 12),
        D(2026, 10, 20),
        D(2026, 10, 27),
        D(2026, 10, 28),
        D(2026, 10, 29),
    ):
        factories.file_appeal(received_at=received)
    today = clock.today()
    outcomes = at_once(2, lambda _index: run_sweep(today=today))
    errors = [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
    results = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]

    assert errors == [] and len(results) == 2
    changes = [
        (kind, pk)
        for result in results
        for kind in ("raised", "supervised", "flagged", "urged")
        for pk in getattr(result, kind)
    ]
    assert changes, "the sweep had nothing to do: the test proves nothing"
    assert len(changes) == len(set(changes)), "an appeal was changed twice"
    assert (
        min(len(result.supervised) + len(result.flagged) + len(result.urged) for result in results) == 0
    )  # the later one: nothing left
    sweep_actions = (
        "appeals.appeal.supervise",
        "appeals.appeal.flag_due",
        "appeals.appeal.urge_before_deadline",
        "appeals.appeal.raise_to_district_leader",
    )
    events = list(AuditEvent.objects.filter(action__in=sweep_actions).values_list("action", "object_id"))
    assert len(events) == len(set(events)) == len(changes)
    assert Appeal.objects.filter(supervised_on=today).count() == sum(
        len(result.supervised) for result in results
    )
