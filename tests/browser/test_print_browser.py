"""Lists and the dashboard print cleanly (issue 20, "lists and letters print cleanly").

In print media, on a page as wide as A4 less its margins, a leader's dashboard and lists show no
menu, navigation, pager, form or button, and nothing sticks out past the page's width (a table
cut at the right edge, a chart wider than the paper). The PDF Chromium prints has the content.
Letters and receipts are PDFs made by WeasyPrint (conduct/tests: the district's particulars).
"""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility_browser import _log_in, demo_district, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.runs_long, pytest.mark.django_db(transaction=True)]

# A4 is 210 mm wide; the print stylesheet's @page leaves 10 mm each side: 190 mm at 96 px per inch.
PRINT_WIDTH = round(190 / 25.4 * 96)

HIDDEN_IN_PRINT = ".topbar, .menubar, nav, .pager, .no-print, form, button, .demo-banner, .footer, .skip-link"

SHOWN = """selector => [...document.querySelectorAll(selector)]
    .filter(element => element.getClientRects().length > 0)
    .map(element => element.outerHTML.slice(0, 120))"""

OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('main *')].filter(element => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1;
    });
    return {scroll: document.documentElement.scrollWidth, width,
            wide: wide.slice(0, 5).map(element => element.outerHTML.slice(0, 120))};
}"""

PAGES = [  # (user, page, test id of its list or None)
    ("district", "/appeals/dashboard/", None),
    ("district", "/appeals/all/", "appeal-list"),
    ("district", "/appeals/supervision/", "appeal-list"),
    ("handler", "/appeals/queue/", "appeal-list"),
    ("leader", "/conduct/approvals/", None),
    ("inspector", "/supervision/duties/", "duties"),  # every body's main-responsibility list (article 16)
    ("inspector", "/supervision/duties/key-minority/", "cadres"),  # eleven columns
    ("enterprise", "/integrity/mine/", None),  # the enterprise's own integrity record
]


def test_the_dashboard_and_lists_print_without_menus_and_within_the_paper(  # noqa: F811
    page, live_server, demo_district  # noqa: F811
):
    problems = []
    for username, url, table in PAGES:
        page.emulate_media(media="screen")
        _log_in(page, username)
        page.set_viewport_size({"width": PRINT_WIDTH, "height": 1100})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.evaluate(SHOWN, ".topbar, .menubar"), "the screen shows menus (else it proves nothing)"

        page.emulate_media(media="print")
        shown = page.evaluate(SHOWN, HIDDEN_IN_PRINT)
        if shown:
            problems.append(f"{url}: printed on paper: {shown}")
        overflow = page.evaluate(OVERFLOWING)
        if overflow["scroll"] > overflow["width"] or overflow["wide"]:
            problems.append(f"{url}: wider than the paper: {overflow}")
        if table and not page.locator(f"[data-testid={table}]").first.is_visible():
            problems.append(f"{url}: the list is not printed")
        if page.locator("thead").count() and page.evaluate(
            "() => getComputedStyle(document.querySelector('thead')).display"
        ) != "table-header-group":
            problems.append(f"{url}: the header row does not repeat on each printed page")
        if not page.locator("main h1").first.is_visible():
            problems.append(f"{url}: the page's title is not printed")
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 5_000, url
    assert not problems, "\n".join(problems)
