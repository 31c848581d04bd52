"""Article 10 end to end: an enterprise sees a commitment the government made to it on its own page and
flags a breach, which is filed as an appeal in the one pool and linked on the commitment."""

import datetime

import pytest

from qinqing.appeals.models import Appeal
from qinqing.commitments import services
from qinqing.commitments.models import BreachFlag
from qinqing.core import clock
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD, make_user
from qinqing.directory.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_flags_a_breach_which_becomes_an_appeal(page, screenshot, loaded_calendar, log_in):
    unit = factories.make_unit(name="区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="handler", password=TEST_PASSWORD)
    factories.make_official(unit=unit, name="杨帆", user=handler)
    firm = factories.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER, username="enterprise", password=TEST_PASSWORD)
    factories.make_membership(user=firm_user, enterprise=firm)
    today = clock.today()
    commitment = services.commitment_register(
        enterprise=firm, unit=unit, kind="investment", title="项目用地指标落实", content="六个月内完成供地。",
        made_on=today - datetime.timedelta(days=200), deadline=today - datetime.timedelta(days=20),
        actor=handler,
    )

    log_in(page, "enterprise")
    page.goto("/")
    page.get_by_test_id("tile-commitments_mine").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=commitment.number).click()
    page.wait_for_load_state()
    assert "项目用地指标落实" in page.content()
    form = page.get_by_test_id("flag-form")
    form.locator("#flag-text").fill("承诺的用地指标逾期未落实，项目无法开工。")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    flag = BreachFlag.objects.get(commitment=commitment)
    appeal = Appeal.objects.get(pk=flag.appeal_id)
    assert appeal.enterprise_id == firm.pk and commitment.number in appeal.content
    assert appeal.tracking_number in page.get_by_test_id("flag-appeal").inner_text()
    screenshot("commitments-breach-flagged")
    page.goto("/appeals/mine/")
    page.wait_for_load_state()
    assert appeal.tracking_number in page.content()
