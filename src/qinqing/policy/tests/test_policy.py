"""The policy library: import, versions, show, the public page, citations and the API."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.utils import translation

from qinqing.core import audit
from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.policy import selectors
from qinqing.policy.citations import citation_label
from qinqing.policy.management.commands.policy import seed_files
from qinqing.policy.models import Article, Chapter, Item, PolicyDocument
from qinqing.policy.services import policy_import

pytestmark = pytest.mark.django_db


def _seed_text() -> str:
    return seed_files()[0].read_text(encoding="utf-8")


@pytest.fixture
def seeded(db):
    call_command("policy", "import", "--seed", verbosity=0)
    return selectors.current_policy()


def _run(*args) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def test_importing_the_seed_gives_eight_chapters_and_twenty_three_articles_with_items(seeded):
    assert seeded.version == 1 and seeded.is_current
    assert seeded.chapters.count() == 8
    assert seeded.articles.count() == 23
    items_per_article = {a.key: a.items.count() for a in seeded.articles.all()}
    assert items_per_article["15"] == 13
    assert [i.key for i in selectors.article("15").items.all()][:7] == [f"15.{n}" for n in range(1, 8)]
    assert Item.objects.filter(article__key="15", key__startswith="15.b").count() == 6
    assert items_per_article["14"] == 3
    assert items_per_article["5"] == 4
    assert items_per_article["1"] == 0
    assert "回避" in selectors.item("15.7").text
    assert selectors.article("15").chapter.number == 4
    assert audit.verify_chain().ok


def test_every_imported_row_has_an_audit_event(seeded):
    rows = 1 + Chapter.objects.count() + Article.objects.count() + Item.objects.count()
    assert AuditEvent.objects.filter(action__startswith="policy.").count() == rows


def test_reimporting_the_same_text_changes_nothing(seeded):
    events = AuditEvent.objects.count()
    document, created = policy_import(
        raw_text=_seed_text(), source_name="again.txt", actor=SystemActor("test")
    )
    assert (document, created) == (seeded, False)
    assert "unchanged" in _run("import", "--seed")
    assert AuditEvent.objects.count() == events
    assert PolicyDocument.objects.count() == 1


def test_a_modified_text_becomes_version_two_and_version_one_is_kept(seeded, tmp_path):
    modified = tmp_path / "policy-v2.txt"
    modified.write_text(_seed_text().rstrip() + "本辦法自印發之日起施行。\n", encoding="utf-8")
    assert modified.read_text(encoding="utf-8") != _seed_text()
    assert "imported as version 2" in _run("import", str(modified))
    first, second = PolicyDocument.objects.order_by("version")
    assert (first.version, first.is_current, second.version, second.is_current) == (1, False, 2, True)
    assert first.articles.count() == 23 and second.articles.count() == 23
    assert selectors.current_policy() == second
    assert selectors.article("1").document == second
    assert selectors.article("23").text.endswith("本办法自印发之日起施行。")
    assert not first.articles.get(key="23").text.endswith("施行。")
    assert AuditEvent.objects.filter(
        action="policy.policydocument.supersede", object_id=str(first.pk)
    ).exists()
    versions = _run("versions")
    assert "* v2" in versions and "  v1" in versions
    assert audit.verify_chain().ok


def test_a_text_without_articles_is_refused(db, tmp_path):
    empty = tmp_path / "note.txt"
    empty.write_text("会议通知\n请准时参加。\n", encoding="utf-8")
    with pytest.raises(CommandError, match="note.txt"):
        _run("import", str(empty))
    assert not PolicyDocument.objects.exists()


def test_show_json_for_an_article_an_item_and_the_outline(seeded):
    article = json.loads(_run("show", "15", "--json"))
    assert article["key"] == "15"
    assert article["label"] == "第十五条 / Art. 15"
    assert article["chapter"]["number"] == 4
    assert len(article["items"]) == 13
    item = json.loads(_run("show", "15.7", "--json"))
    assert item["key"] == "15.7" and item["article"] == "15"
    assert item["label"] == "第十五条第（七）项 / Art. 15 (7)"
    outline = json.loads(_run("show", "--json"))
    assert len(outline["chapters"]) == 8
    assert sum(len(chapter["articles"]) for chapter in outline["chapters"]) == 23
    assert "15.7" in _run("show")
    with pytest.raises(CommandError, match="99"):
        _run("show", "99")


def test_show_before_any_import_says_what_to_do(db):
    with pytest.raises(CommandError, match="policy import --seed"):
        _run("show")


def test_citation_labels():
    assert citation_label("15.7") == "第十五条第（七）项 / Art. 15 (7)"
    assert citation_label("23") == "第二十三条 / Art. 23"
    assert citation_label("15.b2") == "第十五条第二部分第（二）项 / Art. 15 (b2)"
    assert citation_label("15.7", language="zh-hans") == "第十五条第（七）项"
    assert citation_label("15.7", language="en") == "Art. 15 (7)"


def test_the_public_reads_the_policy_page_with_anchors(client, seeded):
    response = client.get("/policy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="article-15"' in html and 'id="item-15.7"' in html and 'id="item-15.b6"' in html
    assert 'id="article-23"' in html
    detail = client.get("/policy/article/15/")
    assert detail.status_code == 200
    assert (
        "第十五条" in detail.content.decode() and "Art. 15" not in detail.content.decode()
    )  # one language a page
    assert client.get("/policy/article/99/").status_code == 404


def test_policy_page_without_an_import_is_still_public(client, db):
    assert client.get("/policy/").status_code == 200


def test_cite_tag_and_article_url_link_to_the_anchor(seeded):
    html = Template(
        '{% load policy_tags qinqing %}{% cite "15.7" %}|{{ "15"|article_url }}|{{ "15.7"|article_url }}'
    ).render(Context())
    assert '<a class="cite" href="/policy/#item-15.7"' in html
    assert ">第十五条第（七）项</a>" in html  # the page's language only, not "… / Art. 15 (7)"
    assert "|/policy/#article-15|/policy/#item-15.7" in html
    with translation.override("en"):
        assert ">Art. 15 (7)</a>" in Template('{% load policy_tags %}{% cite "15.7" %}').render(Context())


@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.OFFICIAL, Role.ADMINISTRATOR])
def test_every_role_has_the_policy_tile(client, make_user, role):
    client.force_login(make_user(role))
    assert 'data-testid="tile-policy"' in client.get("/").content.decode()


def test_api_reads_articles_with_the_scope(client, api_key, seeded):
    _key, raw = api_key("policy:read")
    listing = client.get("/api/v1/policy/articles", headers={"X-API-Key": raw})
    assert listing.status_code == 200
    assert [a["key"] for a in listing.json()][:3] == ["1", "2", "3"] and len(listing.json()) == 23
    article = client.get("/api/v1/policy/articles/15", headers={"X-API-Key": raw}).json()
    assert article["items"][6]["key"] == "15.7"
    missing = client.get("/api/v1/policy/articles/99", headers={"X-API-Key": raw})
    assert missing.status_code == 404 and missing.json()["code"] == "policy_article_not_found"


def test_api_refuses_without_the_scope_or_without_any_key(client, api_key, make_user, seeded):
    _key, raw = api_key("calendar:read")
    assert client.get("/api/v1/policy/articles", headers={"X-API-Key": raw}).status_code == 403
    assert client.get("/api/v1/policy/articles").status_code == 401
    client.force_login(make_user(Role.ENTERPRISE_USER))
    assert client.get("/api/v1/policy/articles/15").status_code == 200, (
        "a logged-in session reads the public policy"
    )


def test_a_placeholder_of_the_source_is_marked_as_a_gap_not_printed_as_policy(client, seeded):
    html = client.get("/policy/article/1/").content.decode()
    assert 'data-testid="policy-gap"' in html  # 新时代的新xx: the published text has a placeholder there
    assert "原文此处缺字" in html
    rendered = Template("{% load policy_tags %}{{ text|policy_text }}").render(
        Context({"text": "新xx，<b>box 2xx"})
    )
    assert (
        rendered.count("policy-gap-note") == 1 and "&lt;b&gt;" in rendered
    )  # escaped; "box", "2xx" untouched


def test_a_text_without_a_title_is_refused_not_made_a_version_of_every_untitled_text(db):
    """Untitled, two different texts of one level would have been one series: the second superseding
    the first."""
    with pytest.raises(ServiceError) as raised:
        policy_import(raw_text="第一条 为了促进民营经济发展，制定本办法。\n第二条 本办法自印发之日起施行。\n",
                      source_name="无标题.txt", actor=SystemActor("test"))
    assert (raised.value.code, raised.value.field) == ("policy_no_title", "raw_text")
    assert "无标题.txt 没有标题" in raised.value.text()
    assert not PolicyDocument.objects.exists()
