"""Policy-interpretation library: audited upkeep by the right roles, a public page of published answers,
and reply drafts for consultation appeals (article 8)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

from .. import knowledge
from ..models import Category, PolicyInterpretation, Status, Track
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
    values = {"question": "企业可以通过哪些渠道反映诉求？", "answer": "可以通过区长信箱、短信平台、微信公众号和热线电话反映。",
              "article_keys": "8", "keywords": "渠道 区长信箱 短信"}
    values.update(changes)
    return values


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


# --- upkeep: services and pages -------------------------------------------------------------
def test_department_handler_creates_a_draft_through_the_page_and_it_is_audited(client, make_user):
    handler = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(handler)

    response = client.post(reverse("appeals:knowledge_manage"), _form())

    interpretation = PolicyInterpretation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appeals:knowledge_edit", args=[interpretation.pk])
    assert not interpretation.is_published and interpretation.author == handler and interpretation.article_key_list == ["8"]
    event = AuditEvent.objects.get(action="appeals.policyinterpretation.create")
    assert event.actor_user == handler and event.object_id == str(interpretation.pk)


@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.OFFICIAL, Role.DISTRICT_LEADER])
def test_other_roles_may_not_create_interpretations(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(reverse("appeals:knowledge_manage")).status_code == 403
    assert client.post(reverse("appeals:knowledge_manage"), _form()).status_code == 403
    assert PolicyInterpretation.objects.count() == 0 and _events("appeals.policyinterpretation.create") == 0


def test_administrator_edits_and_publishes_and_each_change_is_audited(client, make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    interpretation = knowledge.interpretation_create(actor=administrator, **_form())
    client.force_login(administrator)

    response = client.post(reverse("appeals:knowledge_edit", args=[interpretation.pk]), _form(article_keys="8 6", keywords="渠道"))
    assert response.status_code == 302
    response = client.post(reverse("appeals:knowledge_publish", args=[interpretation.pk]), {"published": "1"})
    assert response.status_code == 302

    interpretation.refresh_from_db()
    assert interpretation.article_keys == "8 6" and interpretation.is_published and interpretation.published_at is not None
    update = AuditEvent.objects.get(action="appeals.policyinterpretation.update")
    assert update.changes["article_keys"] == ["8", "8 6"]
    assert _events("appeals.policyinterpretation.publish") == 1
    page = client.get(reverse("appeals:knowledge_edit", args=[interpretation.pk])).content.decode()
    assert 'data-testid="audit-trail"' in page
    assert audit.verify_chain().ok


def test_an_official_may_not_publish_or_edit_and_nothing_changes(client, make_user):
    interpretation = knowledge.interpretation_create(actor=make_user(Role.ADMINISTRATOR), **_form())
    client.force_login(make_user(Role.OFFICIAL))

    assert client.post(reverse("appeals:knowledge_publish", args=[interpretation.pk]), {"published": "1"}).status_code == 403
    assert client.post(reverse("appeals:knowledge_edit", args=[interpretation.pk]), _form(question="改过的问题")).status_code == 403

    interpretation.refresh_from_db()
    assert not interpretation.is_published and interpretation.question == _form()["question"]
    assert _events("appeals.policyinterpretation.publish") == 0 and _events("appeals.policyinterpretation.update") == 0


def test_services_refuse_a_wrong_role(make_user):
    with pytest.raises(PermissionDeniedError):
        knowledge.interpretation_create(actor=make_user(Role.ENTERPRISE_USER), **_form())


def test_withdrawing_hides_it_again(make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    interpretation = knowledge.interpretation_create(actor=administrator, **_form())
    knowledge.interpretation_publish(interpretation=interpretation, published=True, actor=administrator)

    knowledge.interpretation_publish(interpretation=interpretation, published=False, actor=administrator)

    assert not knowledge.published_interpretations().exists() and _events("appeals.policyinterpretation.withdraw") == 1


@pytest.mark.parametrize(("keys", "code"), [("", "required"), ("八", "invalid_article_key"), ("99", "unknown_article_key"), ("14.9", "unknown_article_key")])
def test_linked_articles_must_exist_in_the_current_policy(make_user, keys, code):
    with pytest.raises(ServiceError) as raised:
        knowledge.interpretation_create(actor=make_user(Role.ADMINISTRATOR), **_form(article_keys=keys))

    assert raised.value.code == code and raised.value.field == "article_keys"
    assert PolicyInterpretation.objects.count() == 0


def test_the_page_names_the_broken_field_and_keeps_what_was_typed(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))

    response = client.post(reverse("appeals:knowledge_manage"), _form(article_keys="99"))

    assert response.status_code == 400 and 'data-testid="errors"' in response.content.decode()
    assert _form()["answer"] in response.content.decode() and PolicyInterpretation.objects.count() == 0


# --- seed and public page -------------------------------------------------------------------
def test_seed_command_adds_the_interpretations_once(seeded):
    assert set(seeded) == {"14", "8", "14.2", "15.3", "6"}
    assert all(item.is_published for item in seeded.values())
    out = StringIO()
    call_command("appeals_kb_seed", stdout=out)
    assert "added: 0" in out.getvalue() and PolicyInterpretation.objects.count() == 5


def test_public_page_shows_only_published_interpretations_with_links_to_the_articles(client, seeded, make_user):
    knowledge.interpretation_create(actor=make_user(Role.ADMINISTRATOR), **_form(question="尚未发布的草稿问题"))

    response = client.get(reverse("appeals:knowledge"))  # no login

    page = response.content.decode()
    assert response.status_code == 200
    assert "企业诉求多久办结？" in page and "尚未发布的草稿问题" not in page
    assert page.count('data-testid="interpretation"') == 5
    assert 'href="/policy/#article-8"' in page and 'href="/policy/#item-14.2"' in page


def test_public_page_search_narrows_the_list(client, seeded):
    page = client.get(reverse("appeals:knowledge"), {"q": "年会"}).content.decode()

    assert "领导干部可以参加企业年会吗？" in page and "公职人员的亲属能否持有企业股份？" not in page


# --- answers for consultation appeals -----------------------------------------------------
def _consultation(content, title="咨询"):
    appeal = factories.file_appeal(content=content, title=title, received_at=D(2025, 9, 1))
    appeal.category = Category.CONSULTATION
    return appeal


def test_a_consultation_about_time_limits_gets_the_article_8_interpretation_first(seeded):
    appeal = _consultation("我们公司上周通过区长信箱提交了一个诉求，想问一下一般多久能办结？有没有时限规定？", "诉求办理时限")

    suggestions = knowledge.suggest_answers(appeal)

    assert suggestions[0].interpretation == seeded["8"] and suggestions[0].score > knowledge.MINIMUM_SCORE


def test_a_question_about_relatives_holding_shares_gets_article_15_3(seeded):
    appeal = _consultation("区里一位科长的配偶想入股我们这家非上市企业，这样可以吗？", "公职人员配偶入股")

    assert knowledge.suggest_answers(appeal)[0].interpretation == seeded["15.3"]


def test_other_categories_and_drafts_are_not_offered(seeded, make_user):
    appeal = _consultation("诉求一般多久能办结？")
    appeal.category = Category.COMPLAINT
    assert knowledge.suggest_answers(appeal) == []

    knowledge.interpretation_publish(interpretation=seeded["8"], published=False, actor=make_user(Role.ADMINISTRATOR))
    appeal.category = Category.CONSULTATION
    assert seeded["8"] not in [found.interpretation for found in knowledge.suggest_answers(appeal)]


def test_handler_prefills_the_reply_from_the_library_and_nothing_is_sent_until_they_send_it(client, seeded, make_user):
    unit = factories.make_unit("区行政审批局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(content="我们提交的诉求多久能办结？有时限要求吗？", title="诉求办结时限", received_at=D(2025, 9, 1))
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, category=Category.CONSULTATION, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    client.force_login(handler)
    url = reverse("appeals:detail", args=[appeal.pk])

    page = client.get(url).content.decode()
    assert 'data-testid="answer-suggestions"' in page and "企业诉求多久办结？" in page
    assert f"?prefill=answer&amp;answer={seeded['8'].pk}" in page

    prefilled = client.get(url, {"prefill": "answer", "answer": seeded["8"].pk}).content.decode()
    assert 'data-testid="prefilled-reply"' in prefilled and "限时办结" in prefilled and "政策依据" in prefilled and "第八条" in prefilled
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED and appeal.reply == ""

    client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": knowledge.reply_text(seeded["8"])})
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and "限时办结" in appeal.reply


def test_the_enterprise_sees_no_answer_suggestions(client, seeded):
    user, enterprise = factories.make_enterprise_user()
    appeal = factories.file_appeal(enterprise=enterprise, content="诉求多久能办结？", title="时限", actor=user, category=Category.CONSULTATION)
    client.force_login(user)

    page = client.get(reverse("appeals:detail", args=[appeal.pk]), {"prefill": "answer", "answer": seeded["8"].pk}).content.decode()

    assert 'data-testid="answer-suggestions"' not in page and 'data-testid="prefilled-reply"' not in page
