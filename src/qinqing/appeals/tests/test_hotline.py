"""12345 hotline work orders (issue 11): the platform's export imported as hotline appeals,
idempotent by 工单编号; handled; results exported back in the platform's shape; re-import
changes nothing. The same through the API (a pushing platform), the command and the page."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import make_api_key

from ..hotline import services as hotline
from ..hotline.models import HotlineOrder
from ..models import Appeal, Channel, Notification, Satisfaction, Status, Track
from ..workflow import services as workflow_services
from . import factories

pytestmark = pytest.mark.django_db
ACTOR = audit.SystemActor("test")
# The columns as a 12345 platform exports them (extra columns are kept out of the way).
EXPORT_HEADERS = [
    "工单编号",
    "来电时间",
    "来电人",
    "联系电话",
    "诉求内容",
    "诉求类型",
    "承办单位",
    "办理时限",
    "工单状态",
]


@pytest.fixture(autouse=True)
def calendar_loaded(db, frozen_clock):
    factories.load_calendar()
    frozen_clock("2025-11-20 10:00")


def export_rows():
    return [
        EXPORT_HEADERS,
        [
            "GD20251118000123",
            "2025-11-18 09:12:45",
            "王先生",
            "13812345678",
            "企业开办后税务登记一直无法办理，请尽快协调。",
            "求助",
            "区市场监管局",
            "2025-11-25",
            "已派单",
        ],
        [
            "GD20251118000456",
            "2025-11-18 14:03:10",
            "李女士",
            "0571-87654321",
            "咨询小微企业社保补贴的申请条件和材料。",
            "咨询",
            "区人社局",
            "2025-11-21 17:30:00",
            "已派单",
        ],
        ["GD20251119000789", "2025/11/19 08:30", "", "", "", "投诉", "", "", "已派单"],  # no content
        [
            "GD20251118000123",
            "2025-11-18 09:12:45",
            "王先生",
            "13812345678",
            "重复行",
            "求助",
            "",
            "",
            "已派单",
        ],  # repeats row 2
    ]


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_a_12345_export_round_trip(tmp_path, make_user):
    path = write_xlsx(tmp_path / "12345工单导出.xlsx", export_rows())
    report = hotline.import_file(path, actor=ACTOR)
    assert (report.imported, report.updated, report.unchanged) == (2, 0, 0)
    assert [(r.row, r.column) for r in report.rejected] == [(4, "诉求内容"), (5, "工单编号")]
    assert "诉求内容" in report.rejected[0].error
    first = HotlineOrder.objects.get(order_number="GD20251118000123")
    appeal = first.appeal
    # One pool, the hotline as the channel, numbered and acknowledged at intake.
    assert appeal.channel == Channel.HOTLINE and appeal.tracking_number.startswith("SQ")
    assert (
        appeal.contact_name == "王先生"
        and appeal.contact_phone == "13812345678"
        and appeal.category == "demand"
    )
    assert appeal.received_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2025-11-18 09:12"
    assert Notification.objects.filter(appeal=appeal).exists()
    assert str(first.time_limit) == "2025-11-25" and first.platform_unit == "区市场监管局"
    landline = HotlineOrder.objects.get(order_number="GD20251118000456")
    assert landline.caller_phone == "0571-87654321" and landline.appeal.contact_phone == ""
    assert landline.appeal.category == "consultation"
    assert AuditEvent.objects.filter(action=hotline.RECEIVE).count() == 2
    assert AuditEvent.objects.filter(action="appeals.appeal.file").count() == 2

    # Nothing finished yet: nothing to send back.
    assert list(hotline.result_rows()) == []

    # Handled: triaged, assigned, replied, rated by phone through the rating relay.
    supervisor = make_user(Role.SUPERVISING_LEADER)
    unit = factories.make_unit("区市场监管局")
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    workflow_services.appeal_reply(
        appeal=Appeal.objects.get(pk=appeal.pk), text="已协调税务部门，11月20日完成登记。", actor=supervisor
    )
    workflow_services.appeal_rate(
        appeal=Appeal.objects.get(pk=appeal.pk),
        satisfaction=Satisfaction.SATISFIED,
        actor=make_api_key("appeals:write")[0],
    )

    rows = list(hotline.result_rows())
    assert rows == [{"工单编号": "GD20251118000123", "办理结果": "已协调税务部门，11月20日完成登记。",
                     "办结时间": "2025-11-20 10:00:00", "满意度": "满意"}]
    # The same rows in the platform's shape, as .csv and .xlsx.
    text = hotline.results_csv(rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [hotline.RESULT_HEADERS, list(rows[0].values())]
    sheet = openpyxl.load_workbook(io.BytesIO(hotline.results_xlsx(rows))).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        hotline.RESULT_HEADERS,
        list(rows[0].values()),
    ]
    assert len(list(hotline.result_rows(finished_only=False))) == 2

    # Re-importing the same export changes nothing: no appeal, no event, no notification.
    counts = (
        Appeal.objects.count(),
        HotlineOrder.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )
    again = hotline.import_file(path, actor=ACTOR)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        Appeal.objects.count(),
        HotlineOrder.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RATED
    # The platform extended a time limit: the order is updated (one event), the appeal kept.
    changed = export_rows()
    changed[2][7] = "2025-11-28"
    updated = hotline.import_file(write_xlsx(tmp_path / "changed.xlsx", changed), actor=ACTOR)
    assert (updated.imported, updated.updated, updated.unchanged) == (0, 1, 1)
    assert str(HotlineOrder.objects.get(order_number="GD20251118000456").time_limit) == "2025-11-28"
    assert AuditEvent.objects.count() == counts[2] + 1
    assert audit.verify_chain().ok


def test_dry_run_and_the_command(tmp_path, capsys):
    path = tmp_path / "12345.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_rows())
    path.write_bytes(buffer.getvalue().encode("gb18030"))  # the platform's CSV saved by Excel on Windows
    call_command("import", "hotline", str(path), "--dry-run", "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["imported"], result["unchanged"]) == (2, 0)
    assert [(r["row"], r["column"]) for r in result["rejected"]] == [(4, "诉求内容"), (5, "工单编号")]
    assert not HotlineOrder.objects.exists() and not Appeal.objects.exists()
    call_command("import", "hotline", str(path))
    assert "hotline: 2 imported" in capsys.readouterr().out
    assert HotlineOrder.objects.count() == 2


def test_a_platform_pushes_orders_through_the_api_idempotently(client):
    key = make_api_key("appeals:hotline")[1]
    order = {
        "order_number": "GD20251119000001",
        "called_at": "2025-11-19T16:20:00+08:00",
        "caller": "张先生",
        "phone": "13900001111",
        "content": "厂区门前道路施工影响货车进出，请协调。",
        "demand_type": "求助",
        "platform_unit": "区建设局",
        "time_limit": "2025-11-26",
    }
    url = "/api/v1/appeals/hotline/orders"
    first = client.post(url, order, content_type="application/json", HTTP_X_API_KEY=key)
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "imported" and first.json()["tracking_number"].startswith("SQ")
    again = client.post(url, order, content_type="application/json", HTTP_X_API_KEY=key)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert Appeal.objects.filter(channel=Channel.HOTLINE).count() == 1
    missing = client.post(
        url,
        {**order, "order_number": "GD2", "content": ""},
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )
    assert missing.status_code == 400 and missing.json()["field"] == "content"
    # A call time beyond the calendar in Beijing time, or decades back, is a wrong date: 400 naming
    # the field, never a 500 (0001-01-01 at +08:00 is still year 0 in UTC).
    for when in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00", "1900-01-01T00:00:00",
                 "0001-01-01T00:00:00"):
        wrong = client.post(url, {**order, "order_number": "GD3", "called_at": when},
                            content_type="application/json", HTTP_X_API_KEY=key)
        assert wrong.status_code == 400 and wrong.json()["field"] == "called_at", (when, wrong.content)
    # A key without the scope is refused.
    other = make_api_key("appeals:write")[1]
    assert client.post(url, order, content_type="application/json", HTTP_X_API_KEY=other).status_code == 403
    results = client.get("/api/v1/appeals/hotline/results?all=true", HTTP_X_API_KEY=key)
    assert results.status_code == 200
    assert results.json() == [{"工单编号": "GD20251119000001", "办理结果": "", "办结时间": "", "满意度": ""}]
    # ``since`` without a zone is the district's local time (the platform's export is in Beijing
    # time); the order was called in at 16:20 local time on 19 November 2025 (08:20 UTC).
    for since, count in (("2025-11-19T16:20:00", 1), ("2025-11-19T16:21:00", 0),
                         ("2025-11-19T08:20:00Z", 1), ("2025-11-19T08:21:00Z", 0),
                         ("0001-01-01T00:00:00", 1), ("9999-12-31T23:59:59", 0)):
        answer = client.get(f"/api/v1/appeals/hotline/results?all=true&since={since}", HTTP_X_API_KEY=key)
        assert answer.status_code == 200 and len(answer.json()) == count, (since, answer.content)


def test_the_supervision_office_uploads_and_downloads(client, make_user, tmp_path):
    client.force_login(make_user(Role.SUPERVISING_LEADER))
    page = reverse("appeals:hotline")
    assert client.get(page).status_code == 200
    path = write_xlsx(tmp_path / "12345.xlsx", export_rows())
    with open(path, "rb") as upload:
        response = client.post(page, {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].imported == 2
    assert "诉求内容" in response.content.decode()
    download = client.get(reverse("appeals:hotline_results_csv") + "?all=1")
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.decode("utf-8-sig").splitlines()[0] == ",".join(hotline.RESULT_HEADERS)
    assert client.get(reverse("appeals:hotline_results_xlsx")).status_code == 200
    enterprise_user, _enterprise = factories.make_enterprise_user()
    client.force_login(enterprise_user)
    assert client.get(page).status_code in (403, 404)


def test_the_results_csv_carries_no_formula():
    """A reply (or a platform's order number) starting with "=", "+", "-", "@" went into the .csv as it was:
    opened in Excel, a formula."""
    rows = [{"工单编号": "=GD1", "办理结果": '=HYPERLINK("http://evil","查看")',
             "办结时间": "2025-11-20 10:00:00", "满意度": "满意"},
            {"工单编号": "GD2", "办理结果": "-5", "办结时间": "", "满意度": ""}]
    text = hotline.results_csv(rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["'=GD1", '\'=HYPERLINK("http://evil","查看")', "2025-11-20 10:00:00", "满意"],
        ["GD2", "-5", "", ""],
    ]


def test_call_times_written_as_a_clerk_or_the_platform_writes_them_are_read(tmp_path):
    """"2025年11月18日 09:12" and "2025/11/18 9:12" were refused as no date and time (the reader knew
    only 2025-11-18 09:12:45 and three other forms); the import reads them through
    ``core.tabular.parse_moment``."""
    rows = [EXPORT_HEADERS]
    typed = ["2025年11月18日 09:12", "2025/11/18 9:12", "2025年11月18日9时12分",
             "２０２５－１１－１８　０９：１２"]
    for number, called in enumerate(typed):
        rows.append([f"GD2025111800{number}", called, "王先生", "13812345678",
                     f"诉求{number}：厂区道路积水。", "求助", "", "2025年11月25日", "已派单"])
    rows.append(["GD20251118009", "昨天上午", "王先生", "13812345678", "诉求：路灯不亮。", "求助", "", "",
                 ""])
    report = hotline.import_file(write_xlsx(tmp_path / "工单.xlsx", rows), actor=ACTOR)
    assert report.imported == 4
    assert [(r.row, r.column) for r in report.rejected] == [(6, "来电时间")]
    called = {timezone.localtime(order.called_at).strftime("%Y-%m-%d %H:%M")
              for order in HotlineOrder.objects.all()}
    assert called == {"2025-11-18 09:12"}
