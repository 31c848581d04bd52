"""The pages enterprises and citizens open on a phone (a link in an SMS or a WeChat message), at 375 px
(iPhone SE) with touch: zoom is not disabled, nothing makes the page wider than the screen (a wide table
scrolls inside itself, a menu opens within the screen), and no input is below 16 px (iOS zooms into
smaller ones); a refused public report says why next to the field. The narrow-screen rules are at
the end of ``static/qinqing/qinqing.css``."""

import pytest
from playwright.sync_api import expect

from qinqing.appeals.tests.factories import file_appeal, make_enterprise
from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory import services as directory_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375
PUBLIC_PAGES = ["/portal/", "/portal/appeals/", "/supervision/report/", "/transparency/receipt/", "/login/"]
ENTERPRISE_PAGES = ["/appeals/mine/", "/integrity/mine/", "/commitments/mine/"]

MEASURE = """() => ({
  viewport: document.querySelector('meta[name=viewport]')?.content || '',
  width: document.scrollingElement.scrollWidth,
  smallInputs: [...document.querySelectorAll(
      'input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea')]
    .filter(e => e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < 16)
    .map(e => e.name || e.id),
})"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def _problems(page) -> list[str]:
    # A mobile browser widens its layout viewport to a page that overflows (innerWidth grows with it),
    # so the page's width is compared with the screen's.
    measured = page.evaluate(MEASURE)
    problems = []
    viewport = measured["viewport"].replace(" ", "")
    if (
        "width=device-width" not in viewport
        or "user-scalable=no" in viewport
        or "maximum-scale=1" in viewport
    ):
        problems.append(f"viewport {measured['viewport']!r}")
    if measured["width"] > WIDTH:
        problems.append(f"{measured['width']} px wide")
    if measured["smallInputs"]:
        problems.append(f"inputs below 16 px: {measured['smallInputs']}")
    return [f"{page.url}: {problem}" for problem in problems]


def test_public_and_enterprise_pages_fit_a_phone(phone, log_in, loaded_calendar):
    enterprise = make_enterprise(name="明光照明电器有限公司")
    user = make_user(Role.ENTERPRISE_USER, username="firm", password=TEST_PASSWORD, full_name="赵经理")
    directory_services.enterprise_membership_add(user=user, enterprise=enterprise, actor=SystemActor("test"))
    file_appeal(enterprise=enterprise, title="关于园区东门道路积水的诉求")

    problems = []
    for path in PUBLIC_PAGES:
        phone.goto(path)
        problems += _problems(phone)

    # the public report filled by touch: a real-name report without a name is refused next to the name
    phone.goto("/supervision/report/")
    phone.tap("[data-testid=real-name]")
    phone.get_by_test_id("category").select_option(index=1)
    phone.tap("[data-testid=report-text]")
    phone.fill("[data-testid=report-text]", "窗口工作人员索要好处费。")
    with phone.expect_navigation():
        phone.tap("[data-testid=report-submit]")
    expect(phone.get_by_test_id("error-reporter_name")).to_be_visible()
    expect(phone.get_by_test_id("reporter-name")).to_have_attribute("aria-invalid", "true")
    problems += _problems(phone)

    log_in(phone, "firm")
    for path in ENTERPRISE_PAGES:
        phone.goto(path)
        problems += _problems(phone)
    menus = phone.locator(".menubar summary")
    for index in range(menus.count()):
        menus.nth(index).tap()
        problems += [f"{problem} with menu {index + 1} open" for problem in _problems(phone)]
    assert not problems, "\n".join(problems)


# every ISO date in a table cell: its first and last characters on the same line ("2026-12-\n04" is not)
BROKEN_DATES = r"""() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
        const first = document.createRange(), last = document.createRange();
        first.setStart(node, match.index); first.setEnd(node, match.index + 1);
        last.setStart(node, match.index + 9); last.setEnd(node, match.index + 10);
        const drop = Math.abs(first.getBoundingClientRect().top - last.getBoundingClientRect().top);
        if (drop > 4) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def test_a_date_in_a_narrow_table_cell_stays_on_one_line_on_a_phone(phone, log_in, screenshot):
    """A staff list on a phone squeezes its columns: a date (rendered in a ``<time>``, which does not
    wrap) reads "2026-12-04", never "2026-12-" over "04"."""
    from qinqing.integrity.tests.factories import make_listing

    make_user(Role.CREDIT_ADMINISTRATOR, username="credit", password=TEST_PASSWORD)
    for name in ["明光照明电器有限公司", "鑫博腾飞科技有限公司", "富蕙超市有限公司"]:
        make_listing(enterprise=make_enterprise(name=name), activities=("procurement", "honour"))
    log_in(phone, "credit")
    phone.goto("/integrity/")
    expect(phone.locator("main table time").first).to_be_visible()
    screenshot("mobile-integrity-dates")
    assert phone.evaluate(BROKEN_DATES) == []


def test_a_filter_form_with_a_text_box_fits_a_phone(phone, log_in):
    """A filter's text box takes its own width (20 characters, CJK-wide at 16 px: wider than a phone):
    it shrinks to the screen instead of widening the page."""
    make_user(Role.ADMINISTRATOR, username="admin", password=TEST_PASSWORD)
    log_in(phone, "admin")
    phone.goto("/fairness/")
    expect(phone.get_by_test_id("ledger-filter").locator("input[name=q]")).to_be_visible()
    assert _problems(phone) == []
