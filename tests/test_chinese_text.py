"""Chinese that reads as Chinese (issue 20): on every page a demo role can reach, no ASCII
punctuation right after a Chinese character and no space between two Chinese words.

The demo district is loaded as ``./qinqing serve`` loads it (``tests.test_navigation``); for each
demo account the pages of its menus and home tiles are rendered in zh-Hans, then every page
those link to (one of each URL name, so each detail, form and list is seen once per role),
and the visible text is checked with ``qinqing.core.zh_text``.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from qinqing.core import zh_text
from qinqing.core.demo import DEMO_ACCOUNTS
from tests.test_navigation import _links, _shared_client, demo_district  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

_HREF = re.compile(r'<a [^>]*href="([^"#]+)"')
_NOT_PAGES = (".pdf", ".xlsx", ".csv", ".atom", "/logout/", "/i18n/", "/api/", "/static/", "/admin/")


def _page_links(html: str) -> list[str]:
    return sorted({unescape(href) for href in _HREF.findall(html)})


def _key(url: str) -> str | None:
    """One page per URL name (and per query-less/query form): the walk sees each kind of page once."""
    parts = urlsplit(url)
    if (
        parts.scheme
        or parts.netloc
        or not parts.path.startswith("/")
        or any(bad in parts.path for bad in _NOT_PAGES)
    ):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return f"{match.view_name}{'?' if parts.query else ''}"


def walk_pages(client):
    """(URL, response) of every page (one per URL name) reached from the home page in two steps,
    following the links of the first step's pages that open as HTML."""
    home = client.get("/")
    seen = set()
    frontier = ["/", *_links(home.content.decode())]
    for depth in range(2):
        following = []
        for url in frontier:
            key = _key(url)
            if key is None or key in seen:
                continue
            seen.add(key)
            response = client.get(url, follow=True)
            yield url, response
            if depth == 0 and response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                following.extend(_page_links(response.content.decode()))
        frontier = following


def reachable_pages(client) -> dict[str, str]:
    """URL → HTML of every page (one per URL name) reached from the home page in two steps."""
    return {
        url: response.content.decode()
        for url, response in walk_pages(client)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", "")
    }


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_no_ascii_punctuation_or_gaps_in_the_chinese_of_any_page_a_role_reaches(_shared_client, username):  # noqa: F811
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = "zh-hans"
    pages = reachable_pages(client)
    assert len(pages) > 3, f"{username} reaches only {sorted(pages)}"
    found = {url: problems for url, html in pages.items() if (problems := zh_text.page_problems(html))}
    report = "\n".join(f"{url}: {' | '.join(problems[:8])}" for url, problems in found.items())
    assert not found, (
        f"{username}: ASCII punctuation, a gap or English left untranslated on {len(found)} page(s):"
        f"\n{report}"
    )


def test_the_rule_itself():
    lines = zh_text.visible_text(
        "<p>签署人: <strong>张三</strong></p><p>身份为 <b>系统管理员</b>。</p><code>名称: x</code>"
        "<p>下载台账.xlsx，见 https://example.cn/路径:1</p><p>第8条。办理期限：2026-12-07</p>"
        '<input placeholder="请输入, 谢谢"><table><tr><td>企业</td><td>名称</td></tr></table>'
    )
    assert zh_text.problems(lines) == ["签署人: 张三", "身份为 系统管理员。", "请输入, 谢谢"]
    left = zh_text.visible_text(
        "<p>提醒：Written each working day for you.</p><p>区(qū)政府、OK 好的、HTTP API v1</p>"
    )
    assert zh_text.problems(left) == ["untranslated: Written each working day for you"]
    # a clause quoted verbatim from a reviewed document is the author's text, not ours
    quoted = zh_text.visible_text("<blockquote>第五条 入驻基地的企业可直接申报</blockquote><p>理由: 见上</p>")
    assert zh_text.problems(quoted) == ["理由: 见上"]
