"""Reply drafts for consultation appeals (article 8) from the policy-interpretation library
(policy.interpretations; its upkeep and public page: policy/tests/test_interpretations.py)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.policy.interpretations import library as knowledge
from qinqing.policy.models import PolicyInterpretation

from ..models import Category, Status, Track
from ..routing.answers import suggest_answers
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def policy_and_calendar(db):
    call_command("policy", "import", "--seed", verbosity=0)
    factories.load_calendar()


@pytest.fixture
def seeded():
    call_command("appeals_kb_seed", stdout=StringIO())
    return {item.article_keys: item for item in PolicyInterpretation.objects.all()}


def _form(**changes):
    values = {
        "question": "企业可以通过哪些渠道反映诉求？",
        "answer": "可以通过区长信箱、短信平台、微信公众号和热线电话反映。",
        "article_keys": "8",
        "keywords": "渠道 区长信箱 短信",
    }
    values.update(changes)
    return values


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


# --- answers for consultation appeals -----------------------------------------------------
def _consultation(content, title="咨询"):
    appeal = factories.file_appeal(content=content, title=title, received_at=D(2025, 9, 1))
    appeal.category = Category.CONSULTATION
    return appeal


def test_a_consultation_about_time_limits_gets_the_article_8_interpretation_first(seeded):
    appeal = _consultation(
        "我们公司上周通过区长信箱提交了一个诉求，想问一下一般多久能办结？有没有时限规定？", "诉求办理时限"
    )

    suggestions = suggest_answers(appeal)

    assert suggestions[0].interpretation == seeded["8"] and suggestions[0].score > knowledge.MINIMUM_SCORE


def test_a_question_about_relatives_holding_shares_gets_article_15_3(seeded):
    appeal = _consultation("区里一位科长的配偶想入股我们这家非上市企业，这样可以吗？", "公职人员配偶入股")

    assert suggest_answers(appeal)[0].interpretation == seeded["15.3"]


def test_other_categories_and_drafts_are_not_offered(seeded, make_user):
    appeal = _consultation("诉求一般多久能办结？")
    appeal.category = Category.COMPLAINT
    assert suggest_answers(appeal) == []

    knowledge.interpretation_publish(
        interpretation=seeded["8"], published=False, actor=make_user(Role.ADMINISTRATOR)
    )
    appeal.category = Category.CONSULTATION
    assert seeded["8"] not in [found.interpretation for found in suggest_answers(appeal)]


def test_handler_prefills_the_reply_from_the_library_and_nothing_is_sent_until_they_send_it(
    client, seeded, make_user
):
    unit = factories.make_unit("区行政审批局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(
        content="我们提交的诉求多久能办结？有时限要求吗？", title="诉求办结时限", received_at=D(2025, 9, 1)
    )
    services.appeal_triage(
        appeal=appeal, track=Track.RESOLVE, category=Category.CONSULTATION, actor=supervisor
    )
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    client.force_login(handler)
    url = reverse("appeals:detail", args=[appeal.pk])

    page = client.get(url).content.decode()
    assert 'data-testid="answer-suggestions"' in page and "企业诉求多久办结？" in page
    assert f"?prefill=answer&amp;answer={seeded['8'].pk}" in page

    prefilled = client.get(url, {"prefill": "answer", "answer": seeded["8"].pk}).content.decode()
    assert (
        'data-testid="prefilled-reply"' in prefilled
        and "限时办结" in prefilled
        and "政策依据" in prefilled
        and "第八条" in prefilled
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED and appeal.reply == ""

    client.post(
        reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": knowledge.reply_text(seeded["8"])}
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and "限时办结" in appeal.reply


def test_the_enterprise_sees_no_answer_suggestions(client, seeded):
    user, enterprise = factories.make_enterprise_user()
    appeal = factories.file_appeal(
        enterprise=enterprise,
        content="诉求多久能办结？",
        title="时限",
        actor=user,
        category=Category.CONSULTATION,
    )
    client.force_login(user)

    page = client.get(
        reverse("appeals:detail", args=[appeal.pk]), {"prefill": "answer", "answer": seeded["8"].pk}
    ).content.decode()

    assert 'data-testid="answer-suggestions"' not in page and 'data-testid="prefilled-reply"' not in page
