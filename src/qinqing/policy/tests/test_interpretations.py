"""Policy-interpretation library (articles 4, 8, 19): audited upkeep by the right roles, a public page
of published answers. Reply drafts for consultation appeals: appeals/tests/test_answer_suggestions.py."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

from ..interpretations import library as knowledge
from ..models import PolicyInterpretation

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def policy(db):
    call_command("policy", "import", "--seed", verbosity=0)


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


# --- upkeep: services and pages -------------------------------------------------------------
def test_department_handler_creates_a_draft_through_the_page_and_it_is_audited(client, make_user):
    handler = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(handler)

    response = client.post(reverse("appeals:knowledge_manage"), _form())

    interpretation = PolicyInterpretation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "appeals:knowledge_edit", args=[interpretation.pk]
    )
    assert (
        not interpretation.is_published
        and interpretation.author == handler
        and interpretation.article_key_list == ["8"]
    )
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

    response = client.post(
        reverse("appeals:knowledge_edit", args=[interpretation.pk]),
        _form(article_keys="8 6", keywords="渠道"),
    )
    assert response.status_code == 302
    response = client.post(reverse("appeals:knowledge_publish", args=[interpretation.pk]), {"published": "1"})
    assert response.status_code == 302

    interpretation.refresh_from_db()
    assert (
        interpretation.article_keys == "8 6"
        and interpretation.is_published
        and interpretation.published_at is not None
    )
    update = AuditEvent.objects.get(action="appeals.policyinterpretation.update")
    assert update.changes["article_keys"] == ["8", "8 6"]
    assert _events("appeals.policyinterpretation.publish") == 1
    page = client.get(reverse("appeals:knowledge_edit", args=[interpretation.pk])).content.decode()
    assert 'data-testid="audit-trail"' in page
    assert audit.verify_chain().ok


def test_keywords_are_typed_and_shown_as_a_chinese_list(client, make_user):
    """Keywords separated by 、 (as a Chinese list is written), commas or spaces are the same keywords; the
    edit form shows them separated by 、, not by gaps."""
    administrator = make_user(Role.ADMINISTRATOR)
    interpretation = knowledge.interpretation_create(
        actor=administrator, **_form(keywords="渠道、区长信箱，短信 热线")
    )
    assert interpretation.keywords == "渠道 区长信箱 短信 热线"
    client.force_login(administrator)
    page = client.get(reverse("appeals:knowledge_edit", args=[interpretation.pk])).content.decode()
    assert 'value="渠道、区长信箱、短信、热线"' in page
    assert "<dd>渠道、区长信箱、短信、热线</dd>" in page  # the audit trail shows them so too
    response = client.post(
        reverse("appeals:knowledge_edit", args=[interpretation.pk]),
        _form(keywords="渠道、区长信箱、短信、热线"),
    )
    assert response.status_code == 302
    interpretation.refresh_from_db()
    assert interpretation.keywords == "渠道 区长信箱 短信 热线"  # saved as shown: the keywords unchanged
    assert "keywords" not in AuditEvent.objects.get(action="appeals.policyinterpretation.update").changes


def test_an_official_may_not_publish_or_edit_and_nothing_changes(client, make_user):
    interpretation = knowledge.interpretation_create(actor=make_user(Role.ADMINISTRATOR), **_form())
    client.force_login(make_user(Role.OFFICIAL))

    assert (
        client.post(
            reverse("appeals:knowledge_publish", args=[interpretation.pk]), {"published": "1"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("appeals:knowledge_edit", args=[interpretation.pk]), _form(question="改过的问题")
        ).status_code
        == 403
    )

    interpretation.refresh_from_db()
    assert not interpretation.is_published and interpretation.question == _form()["question"]
    assert (
        _events("appeals.policyinterpretation.publish") == 0
        and _events("appeals.policyinterpretation.update") == 0
    )


def test_services_refuse_a_wrong_role(make_user):
    with pytest.raises(PermissionDeniedError):
        knowledge.interpretation_create(actor=make_user(Role.ENTERPRISE_USER), **_form())


def test_withdrawing_hides_it_again(make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    interpretation = knowledge.interpretation_create(actor=administrator, **_form())
    knowledge.interpretation_publish(interpretation=interpretation, published=True, actor=administrator)

    knowledge.interpretation_publish(interpretation=interpretation, published=False, actor=administrator)

    assert (
        not knowledge.published_interpretations().exists()
        and _events("appeals.policyinterpretation.withdraw") == 1
    )


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        ("", "required"),
        ("八", "invalid_article_key"),
        ("99", "unknown_article_key"),
        ("14.9", "unknown_article_key"),
    ],
)
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


def test_public_page_shows_only_published_interpretations_with_links_to_the_articles(
    client, seeded, make_user
):
    knowledge.interpretation_create(
        actor=make_user(Role.ADMINISTRATOR), **_form(question="尚未发布的草稿问题")
    )

    response = client.get(reverse("appeals:knowledge"))  # no login

    page = response.content.decode()
    assert response.status_code == 200
    assert "企业诉求多久办结？" in page and "尚未发布的草稿问题" not in page
    assert page.count('data-testid="interpretation"') == 5
    assert 'href="/policy/#article-8"' in page and 'href="/policy/#item-14.2"' in page


def test_public_page_search_narrows_the_list(client, seeded):
    page = client.get(reverse("appeals:knowledge"), {"q": "年会"}).content.decode()

    assert "领导干部可以参加企业年会吗？" in page and "公职人员的亲属能否持有企业股份？" not in page


# --- moved from appeals: events recorded before the move ----------------------------------------
def _recorded_before_the_move(actor) -> PolicyInterpretation:
    """A row with the event appeals recorded for it (object type appeals.PolicyInterpretation)."""
    from django.utils import timezone

    now = timezone.now()
    row = PolicyInterpretation.objects.create(
        question="旧问题", answer="旧答案", article_keys="8", created_at=now, updated_at=now
    )
    audit.record_event(actor=actor, action="appeals.policyinterpretation.create", instance=row,
                       object_type="appeals.PolicyInterpretation")
    return row


def test_the_chain_verifies_with_events_recorded_under_the_appeals_label(make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    old = _recorded_before_the_move(administrator)
    untouched = _recorded_before_the_move(administrator)
    assert AuditEvent.objects.filter(object_type="appeals.PolicyInterpretation").count() == 2
    assert audit.verify_chain().ok

    knowledge.interpretation_update(
        interpretation=old, question="新问题", answer="新答案", article_keys="8", actor=administrator
    )
    assert audit.verify_chain().ok
    trail = list(audit.trail_for(old))
    assert [event.object_type for event in trail] == [
        "policy.PolicyInterpretation",
        "appeals.PolicyInterpretation",
    ]

    # The old event's digest is still what the row is checked against: an edit outside the services shows.
    PolicyInterpretation.objects.filter(pk=untouched.pk).update(answer="改过")
    result = audit.verify_chain()
    assert not result.ok and any(f"policy.PolicyInterpretation {untouched.pk} was changed outside" in problem
                                 for problem in result.problems)


def test_the_edit_page_shows_the_events_from_before_the_move(client, make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    old = _recorded_before_the_move(administrator)
    client.force_login(administrator)
    page = client.get(reverse("appeals:knowledge_edit", args=[old.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert (
        content.count('data-testid="audit-event"') == 1
        and "<code>appeals.policyinterpretation.create</code>" in content
    )
    assert "旧问题" in content  # the old event's changes shown with the model's field labels


def test_a_20000_character_answer_is_refused_on_the_form_and_not_stored(client, make_user):
    """Issue 20: lengths by purpose (core.limits.REPORT for an answer)."""
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.post(reverse("appeals:knowledge_manage"), _form(answer="答" * 20_000))
    assert response.status_code == 400
    assert "最多 5000 个字符（当前 20000 个）" in response.content.decode()
    assert not PolicyInterpretation.objects.exists()
