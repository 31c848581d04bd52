"""Every role's pages as a browser shows them, and the public pages a visitor sees (issue 20):
axe-core (vendored, offline) finds no violation of serious or critical impact, the Chinese reads as
Chinese (``core.zh_text`` on the rendered page), and no link shown answers 4xx or 5xx.

The demo district is loaded as ``./qinqing serve`` loads it (smaller); for each demo account
(and a visitor who is not signed in) the walk opens the pages of its menus and home tiles, then
one page of each kind linked from them (as tests/test_chinese_text.py does), and checks that each
opens. axe-core and the Chinese run once per kind of page over all roles: the markup of a kind of page
is one template whoever opens it, and tests/test_chinese_text.py reads every role's pages as served
(on PostgreSQL too); here the Chinese is read from the page as the browser shows it, scripts run.
Every same-site link shown is requested: each distinct address once, by the first role shown it, and
for every role at least ``LINKS_PER_KIND`` of each kind it is shown (so each role's right to open each
kind of page is tried, and each object's page opens once), not the same page again for every role.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from qinqing.core import zh_text
from qinqing.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.demo_district import load_demo_district

pytestmark = [pytest.mark.browser, pytest.mark.runs_long, pytest.mark.django_db(transaction=True)]

AXE = (
    Path(__file__).resolve().parents[2] / "src" / "qinqing" / "static" / "vendor" / "axe-core" / "axe.min.js"
)
# Links a page shows that are not pages to open: downloads, feeds (tests/test_portal.py parses them), the
# API, the language switch.
NOT_CHECKED = (".pdf", ".xlsx", ".csv", ".tsv", ".atom", "/api/", "/i18n/", "/logout/")
MAX_PAGES_PER_ROLE = 60
LINKS_PER_KIND = 2


@pytest.fixture
def demo_district(transactional_db, settings):
    from qinqing.core import calendar

    settings.DEMO = True
    load_demo_district()
    yield
    calendar.invalidate()


@pytest.fixture
def page(browser, live_server):
    """Like conftest's page, with the page's CSP bypassed so the test may inject axe-core (the
    site itself allows no inline script)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)


def _same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).netloc != urlsplit(base).netloc or any(part in url for part in NOT_CHECKED):
            continue
        found.append(urlsplit(url)._replace(fragment="").geturl())
    return found


def _axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
            `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")  # noqa: E501
    return list(result)


def _to_check(shown: set[str], checked: set[str]) -> list[str]:
    """Of the links one role is shown, those it requests: each address no earlier role requested,
    and the first ``LINKS_PER_KIND`` of each kind of page (``_key``) whatever was requested before."""
    from tests.test_chinese_text import _key

    per_kind: dict[str | None, int] = {}
    chosen = []
    for link in sorted(shown):
        parts = urlsplit(link)
        kind = _key(parts.path + (f"?{parts.query}" if parts.query else ""))
        per_kind[kind] = per_kind.get(kind, 0) + 1
        if link not in checked or per_kind[kind] <= LINKS_PER_KIND:
            chosen.append(link)
    return chosen


def _walk(page, live_server_url: str, username: str | None, seen_kinds_all: set[str], checked: set[str],
          walked: dict[str | None, int]) -> dict[str, list[str]]:
    """One role's walk (``username`` None: a visitor who is not signed in, on the public pages)."""
    from tests.test_chinese_text import _key

    if username is None:
        page.context.clear_cookies()
    else:
        _log_in(page, username)
    page.goto("/")
    home_links = page.eval_on_selector_all(
        "[data-testid^=menu-link-], [data-testid^=tile-]",
        "links => links.map(link => link.getAttribute('href'))",
    )
    frontier = ["/", *home_links]
    seen_kinds, shown_links, problems = set(), set(), {}
    for depth in range(2):
        following = []
        for href in frontier:
            key = _key(href)
            if key is None or key in seen_kinds or len(seen_kinds) >= MAX_PAGES_PER_ROLE:
                continue
            seen_kinds.add(key)
            response = page.goto(href)
            here = []
            if response is None or response.status >= 400:
                problems[href] = [f"opens with {response.status if response else 'no answer'}"]
                continue
            if key not in seen_kinds_all:
                seen_kinds_all.add(key)
                here += _axe_problems(page)
                here += [f"zh: {snippet}" for snippet in zh_text.page_problems(page.content())]
            links = _same_site_links(page, page.url)
            shown_links.update(links)
            if depth == 0:
                following.extend(
                    urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "")
                    for link in links
                )
            if here:
                problems[href] = here
        frontier = following
    walked[username] = len(seen_kinds)
    for link in _to_check(shown_links, checked):
        checked.add(link)
        status = page.request.get(link, max_redirects=5).status
        if status >= 400:
            problems.setdefault(link, []).append(f"link answers {status}")
    return problems


def test_every_roles_pages_are_accessible_read_as_chinese_and_link_nowhere_broken(
    page, live_server, demo_district
):
    report, seen_kinds, checked, walked = {}, set(), set(), {}
    for username in [None, *(account[0] for account in DEMO_ACCOUNTS)]:
        problems = _walk(page, live_server.url, username, seen_kinds, checked, walked)
        if problems:
            report[username or "(not signed in)"] = problems
    # Every role was walked through more than its home page (a failed log-in would walk nothing).
    assert len(walked) == len(DEMO_ACCOUNTS) + 1 and all(count >= 3 for count in walked.values()), walked
    lines = [
        f"{user} {url}: {problem}"
        for user, pages in report.items()
        for url, found in pages.items()
        for problem in found
    ]
    assert not lines, f"{len(lines)} problem(s):\n" + "\n".join(lines[:150])


def test_the_links_a_role_requests_are_new_addresses_and_a_few_of_each_kind():
    base = "http://testserver"
    shown = {f"{base}/policy/article/{number}/" for number in range(1, 8)} | {f"{base}/policy/"}
    first = _to_check(shown, set())
    assert first == sorted(shown)  # nothing requested yet: every address
    again = _to_check(shown, set(first))
    assert again == [f"{base}/policy/", f"{base}/policy/article/1/", f"{base}/policy/article/2/"]
    assert _to_check(shown | {f"{base}/policy/article/9/"}, set(first))[-1] == f"{base}/policy/article/9/"
