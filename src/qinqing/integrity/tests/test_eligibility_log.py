"""The eligibility log (article 21: every check logged, verifiable later): group commit of concurrent checks,
a check outside any transaction, a large batch in one statement."""

import importlib
import threading

import pytest
from django.db import DatabaseError

from qinqing.directory.tests import factories as directory
from qinqing.integrity import selectors, services
from qinqing.integrity.models import EligibilityCheck

from .factories import make_listing

eligibility_module = importlib.import_module("qinqing.integrity.services.eligibility")


class _SlowInsert:
    """Stands in for the INSERT: records each call's rows; the first call blocks until released."""

    def __init__(self, fail_on_call: int | None = None):
        self.calls: list[list] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        self.fail_on_call = fail_on_call

    def __call__(self, rows):
        self.calls.append(list(rows))
        if len(self.calls) == 1:
            self.first_started.set()
            assert self.release.wait(10)
        if self.fail_on_call == len(self.calls):
            raise DatabaseError("disk full")


def _writers(group, rows, outcomes):
    def write(row):
        try:
            group.write([row])
            outcomes[row] = "written"
        except DatabaseError as error:
            outcomes[row] = f"failed: {error}"

    return [threading.Thread(target=write, args=(row,)) for row in rows]


def _run_group(monkeypatch, fail_on_call=None):
    insert = _SlowInsert(fail_on_call)
    monkeypatch.setattr(eligibility_module, "_insert_log", insert)
    group = eligibility_module._GroupCommit()
    outcomes: dict = {}
    leader = _writers(group, ["first"], outcomes)[0]
    leader.start()
    assert insert.first_started.wait(10)
    followers = _writers(group, ["a", "b", "c"], outcomes)
    for thread in followers:
        thread.start()
    # The three queue their rows while the first commit is under way; none of them returns before its own row
    # is written.
    for _ in range(200):
        if len(group._queue) == 3:
            break
        threading.Event().wait(0.01)
    assert len(group._queue) == 3 and outcomes == {}
    insert.release.set()
    for thread in [leader, *followers]:
        thread.join(10)
    return insert, outcomes


def test_concurrent_checks_share_one_insert_and_none_returns_before_its_row_is_written(monkeypatch):
    insert, outcomes = _run_group(monkeypatch)
    assert insert.calls[0] == ["first"]
    assert sorted(insert.calls[1]) == ["a", "b", "c"] and len(insert.calls) == 2  # one statement for three
    assert outcomes == {"first": "written", "a": "written", "b": "written", "c": "written"}


def test_when_a_group_insert_fails_every_check_in_it_fails(monkeypatch):
    insert, outcomes = _run_group(monkeypatch, fail_on_call=2)
    assert outcomes["first"] == "written"
    # The one that wrote the group sees the database's error, the others that their check was not logged.
    assert sorted(outcomes[row] for row in "abc") == [
        "failed: disk full", *["failed: the eligibility check was not logged"] * 2
    ]


@pytest.fixture
def listed(frozen_clock):
    frozen_clock("2026-11-30 10:02")
    enterprise = directory.make_enterprise(name="杭州围猎建设（集团）有限公司")
    make_listing(enterprise=enterprise, activities=("procurement",))
    return enterprise


@pytest.mark.django_db(transaction=True)
def test_a_check_outside_a_transaction_is_committed_and_verifies(listed):
    answer = services.eligibility(uscc=listed.uscc, activity="procurement", purpose="api")
    assert answer.eligible is False and answer.json_text
    row, intact = selectors.check(answer.check_id)
    assert intact and row.eligible is False and row.answer["restrictions"][0]["activity"] == "procurement"


@pytest.mark.django_db
def test_a_large_batch_is_logged_in_one_statement_and_every_row_verifies(
    listed, django_assert_max_num_queries
):
    clean = [directory.make_enterprise() for _ in range(40)]
    parties = [{"uscc": listed.uscc}, *({"uscc": e.uscc} for e in clean)]
    with django_assert_max_num_queries(3):  # the directory, the restrictions, the log
        batch_id, answers = services.eligibility_batch(parties=parties, activity="procurement")
    rows = EligibilityCheck.objects.filter(batch_id=batch_id)
    assert rows.count() == 41 and [a.eligible for a in answers].count(False) == 1
    for answer in answers:
        row, intact = selectors.check(answer.check_id)
        assert intact and row.eligible == answer.eligible and row.query == answer.query
