"""Review numbers (公审〔year〕NNNN号) at the year's turn: the year is Beijing's, not UTC's."""

import pytest

from qinqing.core.roles import Role
from qinqing.core.testing import make_user
from qinqing.fairness import services

pytestmark = pytest.mark.django_db


def _review(handler, title):
    return services.review_create(actor=handler, title=title, document_kind="procurement",
                                  text="投标人须在本市注册登记并具有本地纳税记录。")


def test_a_review_filed_just_after_midnight_beijing_is_numbered_in_the_new_year(frozen_clock):
    """00:05 on 1 January in Beijing is still 31 December in UTC (16:05): the number's year was
    UTC's, so the first review of 2027 was 公审〔2026〕0002号 and 2027's series began only at 08:00."""
    handler = make_user(Role.DEPARTMENT_HANDLER)
    frozen_clock("2026-12-31 23:55")
    assert _review(handler, "年末审查").number == "公审〔2026〕0001号"
    frozen_clock("2027-01-01 00:05")
    assert _review(handler, "新年第一份审查").number == "公审〔2027〕0001号"
    frozen_clock("2027-01-01 08:05")
    assert _review(handler, "新年第二份审查").number == "公审〔2027〕0002号"
