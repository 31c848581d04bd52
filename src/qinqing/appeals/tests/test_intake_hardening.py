"""Issue 18: duplicate detection is linear and runs outside the write lock; a failed filing
gives its tracking number back."""

import random
import time

import pytest
from django.db import connection

from qinqing.core import audit

from ..intake import services
from ..models import Appeal, Channel
from . import factories

pytestmark = pytest.mark.django_db

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def _text(length, seed=1):
    rng = random.Random(seed)
    return "".join(rng.choice(CHARS) for _ in range(length))


def test_similarity_is_linear_in_the_text_length():
    long = _text(200_000)
    edited = long[:100_000] + "改" + long[100_000:]
    started = time.perf_counter()
    ratio = services.text_similarity(long, edited)
    assert time.perf_counter() - started < 3, "a quadratic comparison takes minutes here"
    assert ratio > 0.99
    assert services.text_similarity(_text(5000, 1), _text(5000, 2)) < 0.9


def test_near_identical_long_texts_are_merged_and_detected_outside_the_transaction(monkeypatch):
    depth = len(connection.atomic_blocks)
    seen = []
    original_find = services._find_original

    def find(**kwargs):
        seen.append(len(connection.atomic_blocks))
        return original_find(**kwargs)

    monkeypatch.setattr(services, "_find_original", find)
    text = _text(4900)
    first = services.appeal_file(channel=Channel.SMS, title="消防", content=text, actor=None,
                                 contact_phone="13800138000")
    again = services.appeal_file(channel=Channel.SMS, title="消防", content=text[:2000] + "，" + text[2000:],
                                 actor=None, contact_phone="13800138000")
    assert not first.merged and again.merged and again.appeal.merged_into == first.appeal
    assert seen == [depth, depth], "duplicate detection must not run inside the filing's transaction"


def test_a_failed_filing_gives_its_tracking_number_back(monkeypatch):
    def broken(events, at=None):
        if any(event.action == "appeals.appeal.file" for event in events):
            raise RuntimeError("disk full")
        return real(events, at)

    # The audit write fails after the number was taken (both paths: record_events and, on
    # PostgreSQL, prepare_events hash the events through _hashed; the appeal's own event is
    # prepared after the number on both).
    real = audit._hashed
    monkeypatch.setattr(audit, "_hashed", broken)
    with pytest.raises(RuntimeError):
        services.appeal_file(channel=Channel.SMS, title="", content="第一件事", actor=None,
                             contact_phone="13800138000")
    monkeypatch.setattr(audit, "_hashed", real)
    assert not Appeal.objects.exists()
    filed = services.appeal_file(channel=Channel.SMS, title="", content="第二件事", actor=None,
                                 contact_phone="13900139000")
    assert filed.tracking_number.endswith("000001")
