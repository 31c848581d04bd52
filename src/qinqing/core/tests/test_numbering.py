"""The numbering service (core.numbering): numbers per series and period, unique under
concurrent writers (truly concurrent on PostgreSQL, in turns on SQLite), gap-free inside a
transaction, and counters that bulk loaders move forward but never back."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from qinqing.core import numbering
from qinqing.core.models import Counter
from qinqing.core.testing import at_once

DAY = datetime.date(2026, 11, 30)
TRACKING = numbering.Series("tests.tracking", "T{period}{number:05d}", numbering.daily)
LETTERS = numbering.Series("tests.letter", "函〔{period}〕{number:04d}号")


@pytest.mark.django_db
def test_numbers_count_per_series_and_period_and_are_written_out():
    assert [numbering.take(TRACKING, DAY).text for _ in range(3)] == [
        "T2026113000001",
        "T2026113000002",
        "T2026113000003",
    ]
    assert numbering.take(TRACKING, DAY + datetime.timedelta(days=1)).text == "T2026120100001"
    first = numbering.take(LETTERS, DAY)
    assert (first.value, first.period, str(first)) == (1, "2026", "函〔2026〕0001号")
    assert numbering.last_values(TRACKING) == {"20261130": 3, "20261201": 1}


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    numbering.take(LETTERS, DAY)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.take(LETTERS, DAY).value == 2
        raise RuntimeError("the letter was not issued")
    assert numbering.take(LETTERS, DAY).value == 2


@pytest.mark.django_db
def test_bulk_loaders_move_counters_forward_never_back():
    numbering.take(LETTERS, DAY)
    numbering.raise_to(LETTERS, {"2026": 40, "2027": 5})
    numbering.raise_to(LETTERS, {"2026": 10})
    assert numbering.last_values(LETTERS) == {"2026": 40, "2027": 5}
    assert numbering.take(LETTERS, DAY).value == 41


@pytest.mark.django_db
def test_one_counter_row_per_series_and_period():
    Counter.objects.create(series="tests.x", period="2026", last=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Counter.objects.create(series="tests.x", period="2026", last=2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_get_the_same_number():
    """Six connections take numbers at once: first the first number of a new day (the row does
    not exist yet), then 20 each, half of them inside transactions that hold the row lock."""
    taken: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        for round_ in range(20):
            if round_ % 2:
                with transaction.atomic():
                    number = numbering.take(TRACKING, DAY)
            else:
                number = numbering.take(TRACKING, DAY)
            with lock:
                taken.append((number.text, number.value))

    assert [repr(outcome) for outcome in at_once(6, work) if isinstance(outcome, Exception)] == []
    values = sorted(value for _text, value in taken)
    assert values == list(range(1, 121)), "unique, and without gaps since nothing rolled back"
    assert len({text for text, _value in taken}) == 120
    assert Counter.objects.get(series=TRACKING.name, period="20261130").last == 120


@pytest.mark.django_db
def test_next_ids_take_keys_without_the_counter_and_a_rollback_still_returns_the_number():
    """PostgreSQL (the sequences): the keys of rows to be written come first, without touching
    the counter; the number taken after them is gap-free (a rollback gives it back), the keys
    are not (keys are not numbers people see)."""
    if connection.vendor != "postgresql":
        pytest.skip("next_ids reads PostgreSQL sequences")
    from qinqing.core import db
    from qinqing.core.models import AuditEvent

    with transaction.atomic():
        counter_id, event_id = db.next_ids((Counter, AuditEvent))
        first = numbering.take(TRACKING, DAY)
    assert first.text == "T2026113000001"  # the period's first number created its row
    with pytest.raises(RuntimeError), transaction.atomic():
        ids = db.next_ids((Counter, AuditEvent))
        assert numbering.take(TRACKING, DAY).value == 2 and ids[0] > counter_id and ids[1] > event_id
        raise RuntimeError("the filing failed")
    assert numbering.take(TRACKING, DAY).text == "T2026113000002"


@pytest.mark.django_db(transaction=True)
def test_release_before_flush_commits_asynchronously_and_waits_for_the_disk_before_going_on():
    """PostgreSQL: ``release_before_flush`` makes only this transaction's commit asynchronous
    (the counter row is released without waiting for the disk flush), and the first hook after
    the commit waits until the WAL is on disk up to the commit — before any later hook (the
    acknowledgement) runs. A rollback still gives the number back."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit and the WAL are PostgreSQL's")
    from qinqing.core import db

    def setting() -> str:
        return db.execute("SELECT current_setting('synchronous_commit')")[0][0]

    session_setting = setting()
    seen: dict[str, object] = {}

    def after_commit() -> None:  # registered after the wait: runs once the WAL is flushed
        seen["flushed"], seen["written"] = db.execute(
            "SELECT pg_current_wal_flush_lsn(), pg_current_wal_insert_lsn()")[0]

    def right_after_commit() -> None:  # registered before the take: runs before the wait
        seen["commit_lsn"] = db.execute("SELECT pg_current_wal_insert_lsn()")[0][0]

    with transaction.atomic():
        transaction.on_commit(right_after_commit)
        first = numbering.take(TRACKING, DAY, release_before_flush=True)
        seen["inside"] = setting()
        transaction.on_commit(after_commit)
    assert first.text == "T2026113000001"
    assert seen["inside"] == "off" and setting() == session_setting  # this transaction's only
    lsn = db.execute("SELECT %s::pg_lsn <= %s::pg_lsn", [str(seen["commit_lsn"]), str(seen["flushed"])])
    assert lsn[0][0], seen  # on disk up to the commit before the later hook ran
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.take(TRACKING, DAY, release_before_flush=True)
        raise RuntimeError("the filing failed")
    assert numbering.take(TRACKING, DAY).value == 2


@pytest.mark.django_db
def test_release_before_flush_is_a_plain_take_where_there_is_no_wal():
    """SQLite (one writer at a time anyway): the option takes the number as ``take`` does."""
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL behaviour is tested above")
    with transaction.atomic():
        assert numbering.take(TRACKING, DAY, release_before_flush=True).text == "T2026113000001"
    assert numbering.take(TRACKING, DAY).value == 2
