"""Issue 9, item 8, as a person meets it in the browser: the public landing page at ``/``,
an action refused on the appeal page shown in place next to its field (htmx swaps the 400
in; the page does not move), and the audit trail kept inside its card on a narrow screen."""

import pytest
from playwright.sync_api import expect

from qinqing.appeals.models import Appeal, Status, Track
from qinqing.appeals.tests import factories
from qinqing.appeals.workflow import services
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assigned(loaded_calendar):
    unit = factories.make_unit("区住房和城乡建设局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit, user=handler)
    supervisor = make_user(Role.DISTRICT_LEADER, username="leader", password=TEST_PASSWORD)
    _user, enterprise = factories.make_enterprise_user()
    appeal = factories.file_appeal(enterprise=enterprise,
                                   content="园区东门道路每逢下雨严重积水，请求改造排水管网。")
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return appeal


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_the_public_lands_on_the_mailbox_portal_not_a_login_page(page, screenshot):
    page.goto("/")
    assert "/login/" not in page.url
    expect(page.get_by_test_id("landing")).to_be_visible()
    screenshot("ux-landing")
    page.get_by_test_id("landing-write").click()
    page.wait_for_url("**/portal/appeals/")
    expect(page.locator("h1")).to_contain_text("区长信箱")


def test_an_empty_reply_is_refused_next_to_the_reply_box_without_leaving_the_page(page, screenshot, assigned):
    log_in(page, "handler")
    page.goto(f"/appeals/{assigned.pk}/")
    form = page.get_by_test_id("form-reply")
    url = page.url
    form.locator("button[type=submit]").click()
    error = page.get_by_test_id("error-reply-text")
    expect(error).to_have_text("答复内容为必填项（第8条）。")
    reply_box = page.get_by_test_id("form-reply").locator("textarea[name=text]")
    expect(reply_box).to_have_attribute("aria-invalid", "true")
    assert page.url == url  # swapped in place by htmx, not a new page
    screenshot("ux-reply-error")
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ASSIGNED
    # Correcting it goes through: the page reloads with the reply and the status.
    page.get_by_test_id("form-reply").locator("textarea[name=text]").fill(
        "已安排市政养护单位本周疏通排水管网。"
    )
    page.get_by_test_id("form-reply").locator("button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text("已答复")
    expect(page.get_by_test_id("reply")).to_contain_text("疏通排水管网")


def test_the_audit_trail_stays_inside_its_card_on_a_narrow_screen(page, screenshot, assigned):
    log_in(page, "leader")
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"/appeals/{assigned.pk}/")
    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("区住房和城乡建设局")
    box = page.evaluate("""() => {
        const card = document.querySelector('[data-testid=audit-trail]').getBoundingClientRect();
        const table = document.querySelector('[data-testid=audit-trail] table').getBoundingClientRect();
        return {card: [card.left, card.right], table: [table.left, table.right],
                page: document.documentElement.scrollWidth, view: window.innerWidth, height: table.height};
    }""")
    assert box["card"][0] <= box["table"][0] and box["table"][1] <= box["card"][1], box
    assert box["page"] <= box["view"], box  # no sideways scrolling of the page
    assert box["height"] < 2000, box  # events stack as blocks, not a ribbon of one-word lines
    screenshot("ux-audit-trail-narrow")


def test_an_action_refused_with_404_or_403_tells_the_user_instead_of_doing_nothing(
    page, screenshot, assigned
):
    """Refusals without a form to swap in (htmx does not swap 403/404) show a translated notice."""
    from django.contrib.auth import get_user_model

    log_in(page, "handler")
    page.goto(f"/appeals/{assigned.pk}/")
    notice = page.get_by_test_id("request-notice")
    expect(notice).to_be_hidden()
    # Meanwhile the district passes the appeal to another unit: the handler's reply answers 404.
    other = factories.make_unit("区市场监督管理局")
    leader = get_user_model().objects.get(username="leader")
    services.appeal_assign(appeal=Appeal.objects.get(pk=assigned.pk), unit=other, actor=leader)
    form = page.get_by_test_id("form-reply")
    form.locator("textarea[name=text]").fill("已安排疏通。")
    form.locator("button[type=submit]").click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("已不在您的办理范围内")
    screenshot("ux-refused-404")
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ASSIGNED
    # And when the handler's role is withdrawn meanwhile, the gate's 403 is told too.
    page.goto(f"/appeals/{assigned.pk}/")
    services.appeal_assign(
        appeal=Appeal.objects.get(pk=assigned.pk), unit=assigned.handling_unit, actor=leader
    )
    page.reload()
    get_user_model().objects.get(username="handler").groups.clear()
    form = page.get_by_test_id("form-reply")
    form.locator("textarea[name=text]").fill("已安排疏通。")
    form.locator("button[type=submit]").click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("无权执行此操作")


def _look(page, selector: str) -> dict:
    return page.eval_on_selector(selector, """element => {
        const style = getComputedStyle(element);
        return {border: style.borderTopWidth + ' ' + style.borderTopStyle, padding: style.paddingTop,
                width: element.getBoundingClientRect().width, collapse: style.borderCollapse,
                background: style.backgroundColor};
    }""")


def test_a_bare_input_and_a_table_without_its_class_look_like_every_other_on_a_desktop(page):
    """Half the pages write ``<input name=…>`` without a type and ``<table>`` without the ``table`` class:
    on a desktop both must look as the typed inputs and classed tables do (a bordered field the form's
    width, a white table with collapsed borders and shaded headings), not the browser's defaults."""
    user, _enterprise = factories.make_enterprise_user()
    user.set_password(TEST_PASSWORD)
    user.save(update_fields=["password"])
    log_in(page, user.username)
    page.goto("/integrity/bribery/")
    form = "[data-testid=bribery-form]"
    purpose = _look(page, f"{form} input[name=purpose]")
    enterprise = _look(page, f"{form} select[name=enterprise]")
    assert purpose["border"] == enterprise["border"] == "1px solid"
    assert purpose["padding"] == enterprise["padding"]
    assert purpose["width"] == enterprise["width"]  # both the form's width
    page.goto("/legal/mine/")
    table, heading = _look(page, "table[data-testid=actions]"), _look(page, "table[data-testid=actions] th")
    assert table["collapse"] == "collapse" and table["background"] == "rgb(255, 255, 255)"
    assert heading["background"] not in ("rgba(0, 0, 0, 0)", "transparent")


def test_a_filter_row_and_its_link_buttons_look_like_the_rest_of_the_form(page):
    """The ledger's filters put each control inside its bold label: the chosen value reads in the normal
    weight and a select is white like the text box beside it (not the browser's grey); a link drawn as
    a button (the export, "review a document") is not underlined, and a primary one is red as a
    primary button is."""
    make_user(Role.ADMINISTRATOR, username="admin", password=TEST_PASSWORD)
    log_in(page, "admin")
    page.goto("/fairness/")
    form = "[data-testid=ledger-filter]"
    text, select = _look(page, f"{form} input[name=q]"), _look(page, f"{form} select")
    assert select["background"] == text["background"] == "rgb(255, 255, 255)"
    weights = page.eval_on_selector_all(f"{form} :is(input, select)",
                                        "els => els.map(e => getComputedStyle(e).fontWeight)")
    assert set(weights) == {"400"}
    export = page.get_by_test_id("ledger-xlsx")
    assert export.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"
    review = page.locator("main a.button.primary").first
    assert review.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(179, 38, 30)"
    assert review.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"


def test_a_checkbox_before_its_label_has_the_label_beside_it(page, loaded_calendar, settings, tmp_path):
    """The commitment's upload form writes the "public with the item" checkbox and then its
    ``<label for>``: the label reads on the checkbox's line, not alone on the next one."""
    import datetime

    from qinqing.commitments import services as commitments
    from qinqing.commitments.models import Scope
    from qinqing.core import clock

    settings.MEDIA_ROOT = tmp_path
    unit = factories.make_unit("区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit, user=handler)
    _user, firm = factories.make_enterprise_user()
    today = clock.today()
    commitment = commitments.commitment_register(
        enterprise=firm, unit=unit, kind="investment", title="项目用地指标落实", content="六个月内完成供地。",
        made_on=today - datetime.timedelta(days=30), deadline=today, scope=Scope.PUBLIC, actor=handler,
    )
    log_in(page, "handler")
    page.goto(f"/commitments/{commitment.pk}/")
    box = page.locator("#doc-public").bounding_box()
    label = page.locator("label[for=doc-public]").bounding_box()
    assert label["x"] > box["x"] + box["width"] - 1  # to its right …
    assert label["y"] < box["y"] + box["height"]  # … on its line


def test_the_audit_trail_names_its_time_zone_in_chinese(page, assigned):
    """The trail's time column says which clock it is read on: 北京时间, not the zone's English id."""
    log_in(page, "leader")
    page.goto(f"/appeals/{assigned.pk}/")
    heading = page.get_by_test_id("audit-trail").locator("thead th").nth(1)
    expect(heading).to_have_text("时间 (北京时间)")


def test_a_year_picker_is_a_compact_row_and_a_records_facts_read_label_beside_value(page):
    """A report's year picker (one field and its button) is a compact filter row, not a page-wide
    select with the button below it; the figures under it (``<dl class="facts">``, as on every detail
    page) put each label beside its value."""
    make_user(Role.ADMINISTRATOR, username="admin", password=TEST_PASSWORD)
    log_in(page, "admin")
    for path in ["/liaison/frequency/", "/tolerance/statistics/"]:
        page.goto(path)
        field = page.locator("main form #year").bounding_box()
        button = page.locator("main form #year").locator("xpath=ancestor::form//button").bounding_box()
        main = page.locator("main").bounding_box()
        assert field["width"] < main["width"] / 3, path
        assert abs((button["y"] + button["height"]) - (field["y"] + field["height"])) < 4, path  # one row
    label = page.get_by_test_id("figures").locator("dt").first.bounding_box()
    value = page.get_by_test_id("figures").locator("dd").first.bounding_box()
    assert value["x"] > label["x"] + label["width"] - 1 and abs(value["y"] - label["y"]) < 4


def test_the_figures_line_up_at_the_right_on_the_discipline_offices_dashboard_too(page):
    """``class="number"`` right-aligns counts and rates: on the appeals dashboard (its own stylesheet had
    the rule) and on the discipline office's figures, which load only the main one."""
    make_user(Role.DISCIPLINE_INSPECTOR, username="inspector", password=TEST_PASSWORD)
    log_in(page, "inspector")
    page.goto("/supervision/figures/")
    cells = page.get_by_test_id("table-channels").locator(".number")
    assert cells.count() >= 1  # the heading, and a cell per channel with reports
    aligns = cells.evaluate_all("els => els.map(e => getComputedStyle(e).textAlign)")
    assert set(aligns) == {"right"}


def test_a_filter_rows_choice_stays_beside_its_search_box_on_a_desktop(page):
    """A select in a filter row is as wide as its choices, not the form's width: the blacklist's state
    choice sits beside the search box and the button on one row (it took a row of its own)."""
    make_user(Role.CREDIT_ADMINISTRATOR, username="credit", password=TEST_PASSWORD)
    log_in(page, "credit")
    page.goto("/integrity/")
    form = "[data-testid=listing-filter]"
    search = page.locator(f"{form} input[name=q]").bounding_box()
    state = page.locator(f"{form} select[name=state]").bounding_box()
    button = page.locator(f"{form} button[type=submit]").bounding_box()
    assert state["width"] < 400
    assert abs(state["y"] - search["y"]) < 10 and abs(button["y"] - search["y"]) < 20
