"""Demo data that does not contradict itself (issue 20): each answer is about its question and
comes from the unit that handles the topic; the enterprise's timeline names the channel, not the
loader ("demo-appeals")."""

import datetime

import pytest

from qinqing.appeals.demo import REPLY_TEXTS, TOPIC_REPLIES, TOPICS, generate_appeals
from qinqing.appeals.models import Appeal, AppealStep, Track
from qinqing.directory.demo import generate_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(workday_calendar):
    generate_demo(scale=40, seed=7)


def test_every_answer_is_about_its_question_and_from_the_topics_unit(district):
    generate_appeals(count=300, seed=5, as_of=datetime.date(2026, 6, 10))
    assert set(TOPIC_REPLIES) == {topic for topic, _code, _text in TOPICS}  # every topic has its own answers
    replied = Appeal.objects.filter(track=Track.RESOLVE).exclude(reply="").select_related("handling_unit")
    assert replied.count() > 50
    for appeal in replied:
        topic = next(topic for topic, _code, _text in TOPICS if f"关于{topic}的" in appeal.title)
        assert appeal.reply in TOPIC_REPLIES[topic] and appeal.reply not in REPLY_TEXTS, (
            appeal.title,
            appeal.reply,
        )
        code = next(code for name, code, _text in TOPICS if name == topic)
        assert appeal.handling_unit is not None and appeal.handling_unit.code.endswith(code), (
            appeal.title,
            appeal.handling_unit,
        )
    assert not AppealStep.objects.filter(actor_label="demo-appeals").exists()


def test_the_demo_accounts_find_open_appeals_in_their_units(workday_calendar, settings):
    """The handler and the official who sign in to the demo have appeals to handle (issue 20: the
    handler's queue was empty, so the 经办人 select and the reply form were never seen)."""
    from qinqing.appeals.models import OPEN_STATUSES, Status
    from qinqing.core.demo import create_demo_accounts
    from qinqing.directory.models import Official

    settings.DEMO = True
    create_demo_accounts()
    generate_demo(scale=40, seed=7)
    as_of = datetime.date(2026, 6, 10)
    generate_appeals(count=400, seed=5, as_of=as_of)
    for username in ("handler", "official"):
        unit = Official.objects.get(user__username=username).unit
        open_here = Appeal.objects.filter(handling_unit=unit, status__in=OPEN_STATUSES)
        assert open_here.filter(status__in=[Status.ASSIGNED, Status.IN_PROGRESS]).exists(), (username, unit)
