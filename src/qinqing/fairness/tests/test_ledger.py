"""The review ledger (审查台账, article 5): the reviews page filters and pages every review the office sees,
counts each one's findings by decision, and exports the same rows as .xlsx; a refused filter is a 400 that
names the field."""

import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.core.roles import Role
from qinqing.core.testing import make_user
from qinqing.fairness import services
from qinqing.fairness.models import Conclusion, Decision, Review

pytestmark = pytest.mark.django_db

TENDER = "\n".join(
    [
        "第一章 投标人资格要求",
        "1. 投标人须具有独立承担民事责任的能力；",
        "2. 投标人须在本市注册并设立分支机构；",
        "3. 投标人注册资本不低于5000万元；",
    ]
)
LAWFUL = "第一条 投标人须具有独立承担民事责任的能力。\n第二条 近三年内无重大违法记录。"


@pytest.fixture
def handler(client):
    user = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the Chinese is checked once, below
    return user


def _review(actor, title, text, kind="procurement") -> Review:
    return services.review_create(
        actor=actor, title=title, document_kind=kind, data=b"", filename="", text=text
    )


def _xlsx(response) -> list[list]:
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]  # trailing empty cells are not stored


def test_the_ledger_counts_findings_filters_and_exports_the_same_rows(client, handler):
    tender = _review(handler, "物业服务采购招标文件", TENDER)
    findings = list(tender.findings.order_by("position"))
    assert len(findings) >= 2  # the local-branch and the registered-capital clauses
    services.finding_decide(actor=handler, finding=findings[0], decision=Decision.CONFIRMED, note="")
    services.finding_decide(actor=handler, finding=findings[1], decision=Decision.DISMISSED, note="不适用")
    pending = len(findings) - 2
    lawful = _review(handler, "政策措施（无问题）", LAWFUL, kind="policy")
    services.review_conclude(actor=handler, review=lawful, conclusion=Conclusion.PASS, note="")

    page = client.get(reverse("fairness:reviews"))
    assert page.status_code == 200
    counts = page.content.decode()
    assert f"1 confirmed, 1 dismissed, {pending} to decide" in counts
    assert "0 confirmed, 0 dismissed, 0 to decide" in counts

    # filters: kind, status, conclusion, text; the export carries them
    only_policy = client.get(reverse("fairness:reviews"), {"document_kind": "policy"}).content.decode()
    assert lawful.number in only_policy and tender.number not in only_policy
    concluded = client.get(reverse("fairness:reviews"), {"conclusion": "pass"}).content.decode()
    assert lawful.number in concluded and tender.number not in concluded
    by_text = client.get(reverse("fairness:reviews"), {"q": "物业"}).content.decode()
    assert tender.number in by_text and lawful.number not in by_text
    assert 'href="/fairness/ledger.xlsx?q=%E7%89%A9%E4%B8%9A"' in by_text

    rows = _xlsx(client.get(reverse("fairness:ledger")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Number", "Document", "Document kind"]
    assert [row[0] for row in body] == [lawful.number, tender.number]  # newest first, as the page
    tender_row = dict(zip(header, body[1], strict=True))
    assert tender_row["Confirmed findings"] == 1
    assert tender_row["Dismissed findings"] == 1
    assert tender_row["Findings not decided"] == pending
    assert tender_row["Kinds confirmed"] == str(findings[0].rule.get_kind_display())
    assert tender_row["Status"] == "Under review"
    # times in the district's wall time, as the page shows them
    assert tender_row["Uploaded"] == timezone.localtime(tender.created_at).replace(tzinfo=None, microsecond=0)
    lawful_row = dict(zip(header, body[0], strict=True))
    assert lawful_row["Conclusion"] == "Passed" and lawful_row["Signed off"] is not None

    filtered = _xlsx(client.get(reverse("fairness:ledger"), {"q": "物业"}))
    assert [row[0] for row in filtered[1:]] == [tender.number]


def test_dates_filter_by_the_district_day_and_a_reversed_period_is_a_400_naming_the_field(client, handler):
    review = _review(handler, "招标文件", TENDER)
    day = timezone.localdate(review.created_at)
    inside = client.get(reverse("fairness:reviews"), {"since": day.isoformat(), "until": day.isoformat()})
    assert review.number in inside.content.decode()
    after = client.get(reverse("fairness:reviews"), {"since": (day + datetime.timedelta(days=1)).isoformat()})
    assert review.number not in after.content.decode()

    reversed_period = {"since": day.isoformat(), "until": (day - datetime.timedelta(days=1)).isoformat()}
    for name in ("fairness:reviews", "fairness:ledger"):
        refused = client.get(reverse(name), reversed_period)
        assert refused.status_code == 400
        assert 'data-testid="error-until"' in refused.content.decode()
        assert "The end of the period is before its start." in refused.content.decode()
    for bad in ({"since": "2026-13-01"}, {"status": "nonsense"}, {"q": "x" * 101}):
        refused = client.get(reverse("fairness:reviews"), bad)
        assert refused.status_code == 400
        assert f'data-testid="error-{next(iter(bad))}"' in refused.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("fairness:reviews"), reversed_period).content.decode()
    assert "截止日期早于起始日期" in chinese and "上传日期至" in chinese
    header = _xlsx(client.get(reverse("fairness:ledger")))[0]
    assert header[:3] == ["编号", "文件", "文件类型"] and "确认问题数" in header


def test_the_page_is_paged_with_its_filters_kept_and_another_office_sees_none(client, handler):
    for index in range(53):
        _review(handler, f"采购文件{index:02d}", LAWFUL)
    first = client.get(reverse("fairness:reviews"), {"document_kind": "procurement"}).content.decode()
    assert "Page 1 of 2 (53 records)" in first
    assert "?document_kind=procurement&amp;page=2" in first
    second = client.get(
        reverse("fairness:reviews"), {"document_kind": "procurement", "page": 2}
    ).content.decode()
    assert second.count('data-testid="review-') == 3
    # the export is not paged
    assert len(_xlsx(client.get(reverse("fairness:ledger")))) == 1 + 53

    other = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(other)
    assert 'data-testid="review-' not in client.get(reverse("fairness:reviews")).content.decode()
    assert len(_xlsx(client.get(reverse("fairness:ledger")))) == 1


def test_the_page_and_the_export_read_in_a_fixed_number_of_queries(client, handler):
    def queries(count: int) -> tuple[int, int]:
        while Review.objects.count() < count:
            review = _review(handler, "招标文件", TENDER)
            first = review.findings.order_by("position").first()
            services.finding_decide(actor=handler, finding=first, decision=Decision.CONFIRMED, note="")
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("fairness:reviews")).status_code == 200
        with CaptureQueriesContext(connection) as export:
            _xlsx(client.get(reverse("fairness:ledger")))
        return len(page), len(export)

    assert queries(1) == queries(4)
