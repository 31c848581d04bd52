"""Article 16's main responsibility (主体责任): an organ's yearly list drawn up, filed, performed and reported
by its own staff; the discipline office's review; what falls due told to the unit's staff."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qinqing.appeals.models import Notification
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.supervision.duties import selectors, services
from qinqing.supervision.duties.models import DutyList, DutyNotice, DutyNoticeKind, DutyStatus, TaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(make_user, workday_calendar, frozen_clock, settings):
    frozen_clock("2026-02-10 10:00")
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    bureau = directory.make_unit(name="区发展改革局")
    other = directory.make_unit(name="区市场监管局")
    handler = make_user(Role.DEPARTMENT_HANDLER, username="duty_handler")
    leader = make_user(Role.SUPERVISING_LEADER, username="duty_leader")
    stranger = make_user(Role.DEPARTMENT_HANDLER, username="duty_stranger")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="duty_inspector")
    head = directory.make_official(
        unit=bureau, name="局长甲", position="局长", user=leader, phone="13900001111"
    )
    clerk = directory.make_official(unit=bureau, name="办公室乙", user=handler)
    directory.make_official(unit=other, name="他局丙", user=stranger)
    directory.make_official(unit=directory.make_unit(name="区纪委监委"), name="纪检丁", user=inspector)
    return {
        "bureau": bureau,
        "other": other,
        "handler": handler,
        "leader": leader,
        "stranger": stranger,
        "inspector": inspector,
        "head": head,
        "clerk": clerk,
    }


def _filed(d):
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    task = services.task_add(
        duty_list=row,
        task="每季度走访重点企业不少于一次",
        measures="局领导分片包联",
        owner=d["clerk"],
        due_on=datetime.date(2026, 12, 20),
        actor=d["handler"],
    )
    services.duty_set_responsible(duty_list=row, first_responsible=d["head"], actor=d["handler"])
    services.duty_file(duty_list=row, actor=d["leader"])
    return row, task


def test_a_unit_draws_up_files_performs_and_reports_and_the_office_gives_its_opinion(district):
    d = district
    row, task = _filed(d)
    row.refresh_from_db()
    assert row.status == DutyStatus.FILED and row.filed_at is not None
    with pytest.raises(ServiceError) as refused:
        services.duty_report(duty_list=row, report="全年履责情况", actor=d["leader"])
    assert (refused.value.code, refused.value.field) == ("tasks_open", "report")
    with pytest.raises(ServiceError) as refused:
        services.task_progress(task=task, state=TaskState.DONE, performance="", actor=d["handler"])
    assert refused.value.field == "performance"
    services.task_progress(
        task=task, state=TaskState.DONE, performance="全年走访企业42家次", actor=d["handler"]
    )
    services.duty_report(duty_list=row, report="全年履责情况良好，问题已整改。", actor=d["leader"])
    told = DutyNotice.objects.get(kind=DutyNoticeKind.REVIEW_DUE)  # the discipline office is told
    assert (told.recipient, told.duty_list) == (d["inspector"], row)
    with pytest.raises(PermissionDeniedError):
        services.duty_review(duty_list=row, rating="fulfilled", opinion="履责到位", actor=d["handler"])
    with pytest.raises(ServiceError) as refused:
        services.duty_review(duty_list=row, rating="", opinion="履责到位", actor=d["inspector"])
    assert refused.value.field == "rating"
    services.duty_review(
        duty_list=row, rating="largely", opinion="基本到位，走访记录需完善。", actor=d["inspector"]
    )
    row.refresh_from_db()
    assert (row.status, row.rating, row.reviewed_by) == (DutyStatus.REVIEWED, "largely", d["inspector"])
    actions = list(
        AuditEvent.objects.filter(action__startswith="supervision.duty").values_list("action", flat=True)
    )
    for action in (
        "supervision.duty.create",
        "supervision.dutytask.create",
        "supervision.duty.responsible",
        "supervision.duty.file",
        "supervision.dutytask.progress",
        "supervision.duty.report",
        "supervision.duty.review",
    ):
        assert action in actions, action
    assert AuditEvent.objects.filter(action="supervision.duty.review", details__article="16").exists()


def test_only_the_units_own_staff_draw_it_up_and_one_list_a_year(district):
    d = district
    with pytest.raises(PermissionDeniedError):
        services.duty_create(unit=d["bureau"], year=2026, actor=d["stranger"])
    with pytest.raises(PermissionDeniedError):
        services.duty_create(unit=d["bureau"], year=2026, actor=d["inspector"])
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    with pytest.raises(ConflictError) as refused:
        services.duty_create(unit=d["bureau"], year=2026, actor=d["leader"])
    assert refused.value.field == "year"
    with pytest.raises(ServiceError) as refused:
        services.duty_create(unit=d["bureau"], year=2030, actor=d["handler"])
    assert refused.value.field == "year"
    with pytest.raises(PermissionDeniedError):
        services.task_add(duty_list=row, task="任务", due_on=datetime.date(2026, 6, 1), actor=d["stranger"])
    assert [r.pk for r in selectors.lists_for(d["stranger"])] == []
    assert [r.pk for r in selectors.lists_for(d["inspector"])] == [row.pk]


def test_tasks_are_dated_in_the_lists_year_and_answered_for_by_the_units_officials(district):
    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    with pytest.raises(ServiceError) as refused:
        services.task_add(duty_list=row, task="任务", due_on=datetime.date(2027, 1, 5), actor=d["handler"])
    assert (refused.value.code, refused.value.field) == ("date_out_of_range", "due_on")
    outsider = directory.make_official(unit=d["other"], name="外单位人员")
    with pytest.raises(ServiceError) as refused:
        services.task_add(
            duty_list=row, task="任务", owner=outsider, due_on=datetime.date(2026, 5, 1), actor=d["handler"]
        )
    assert refused.value.field == "owner"
    with pytest.raises(ServiceError) as refused:
        services.duty_file(duty_list=row, actor=d["handler"])
    assert refused.value.field == "first_responsible"
    assert DutyList.objects.get(pk=row.pk).status == DutyStatus.DRAFT


def test_a_returned_report_goes_back_with_its_reason_and_the_units_staff_are_told(
    district, django_capture_on_commit_callbacks
):
    d = district
    row, task = _filed(d)
    services.task_progress(task=task, state=TaskState.NOT_DONE, performance="因疫情推迟", actor=d["handler"])
    services.duty_report(duty_list=row, report="履责情况", actor=d["handler"])
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_return(duty_list=row, reason="未说明未完成任务的整改措施", actor=d["inspector"])
    row.refresh_from_db()
    assert (row.status, row.returned_reason) == (DutyStatus.FILED, "未说明未完成任务的整改措施")
    notices = DutyNotice.objects.filter(kind=DutyNoticeKind.RETURNED)
    assert {n.recipient for n in notices} == {d["handler"], d["leader"]}
    sms = Notification.objects.get()  # only the leader has a mobile number on record
    assert sms.recipient == "13900001111" and "区发展改革局" in sms.text and "【" not in sms.text


def test_the_daily_job_tells_each_unit_once_what_falls_due(district, frozen_clock):
    d = district
    frozen_clock("2026-03-25 08:00")  # within five working days of 31 March
    result = services.due_notices()
    kinds = {(n.unit_id, n.kind, n.recipient_id) for n in DutyNotice.objects.all()}
    assert (d["bureau"].pk, DutyNoticeKind.LIST_DUE, d["handler"].pk) in kinds
    assert (d["other"].pk, DutyNoticeKind.LIST_DUE, d["stranger"].pk) in kinds
    assert "3" in str(result)  # the two units' three staff; the inspector keeps no list of theirs
    count = DutyNotice.objects.count()
    services.due_notices()
    assert DutyNotice.objects.count() == count  # once per person and item
    row, task = _filed(d)
    frozen_clock("2026-12-21 08:00")  # the task's date has passed; the report is due in January
    services.due_notices()
    overdue = DutyNotice.objects.filter(kind=DutyNoticeKind.TASK_OVERDUE, task=task)
    assert {n.recipient for n in overdue} == {d["handler"], d["leader"]}
    assert DutyNotice.objects.filter(kind=DutyNoticeKind.REPORT_DUE, duty_list=row).count() == 2


def test_the_units_are_told_as_many_working_days_ahead_as_the_administrator_set(
    district, frozen_clock, make_user
):
    """The notice's working days are data (core.time_limits, default 5): set to 10, the list due on 31 March
    is announced on 17 March."""
    from qinqing.core import calendar, time_limits

    frozen_clock("2026-03-17 08:00")
    assert calendar.workdays_between(datetime.date(2026, 3, 17), datetime.date(2026, 3, 31)) == 10
    services.due_notices()
    assert not DutyNotice.objects.exists()  # the default: five working days
    time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="supervision.duty_warning", value=10)
    services.due_notices()
    assert DutyNotice.objects.filter(kind=DutyNoticeKind.LIST_DUE, recipient=district["handler"]).exists()


def test_the_pages_draw_up_a_list_refuse_bad_input_on_its_field_and_export_the_ledger(client, district):
    d = district
    client.force_login(d["handler"])
    page = client.get(reverse("supervision:duties"))
    assert page.status_code == 200 and "区发展改革局" in page.content.decode()
    answer = client.post(reverse("supervision:duties"), {"unit": d["bureau"].pk, "year": 2026})
    row = DutyList.objects.get(unit=d["bureau"], year=2026)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "supervision:duty_detail", args=[row.pk]
    )
    refused = client.post(
        reverse("supervision:duty_task_add", args=[row.pk]), {"task": "走访企业", "due_on": "2027-02-01"}
    )
    assert refused.status_code == 400 and "2026-12-31" in refused.content.decode()
    client.post(
        reverse("supervision:duty_task_add", args=[row.pk]), {"task": "走访企业", "due_on": "2026-06-30"}
    )
    client.post(reverse("supervision:duty_responsible", args=[row.pk]), {"first_responsible": d["head"].pk})
    assert client.post(reverse("supervision:duty_act", args=[row.pk, "file"])).status_code == 302
    task = row.tasks.get()
    refused = client.post(reverse("supervision:duty_task_progress", args=[task.pk]), {"state": "done"})
    assert refused.status_code == 400 and 'data-field="performance"' in refused.content.decode()
    refused = client.post(reverse("supervision:duty_act", args=[row.pk, "report"]), {"report": ""})
    assert refused.status_code == 400 and 'data-field="report"' in refused.content.decode()
    assert client.get(reverse("supervision:duties") + "?year=1999").status_code == 400
    client.force_login(d["stranger"])
    assert client.get(reverse("supervision:duty_detail", args=[row.pk])).status_code == 404
    client.force_login(d["inspector"])
    page = client.get(reverse("supervision:duties")).content.decode()
    assert "区市场监管局" in page and "区发展改革局" in page
    export = client.get(reverse("supervision:duties_export") + "?year=2026")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    values = [[cell for cell in line] for line in sheet.iter_rows(values_only=True)]
    assert any("走访企业" in [str(v) for v in line] for line in values)
    assert any("区市场监管局" in [str(v) for v in line] for line in values)


def test_leading_cadres_with_signals_come_first_for_the_discipline_office(client, district, make_user):
    from qinqing.supervision import services as supervision
    from qinqing.supervision.duties import cadres

    d = district
    quiet = directory.make_official(
        unit=d["bureau"], name="副局长静", position="副局长", is_leading_cadre=True
    )
    noted = directory.make_official(unit=d["other"], name="局长提醒", position="局长", is_leading_cadre=True)
    directory.make_official(unit=d["other"], name="科员不计", is_leading_cadre=False)
    supervision.reminder_create(official=noted, concern="多次与服务对象非工作场合接触", actor=d["inspector"])
    rows = cadres.key_minority(12)
    assert [row.official for row in rows] == [noted, quiet]
    assert (rows[0].reminders, rows[0].reminders_open, rows[0].signals) == (1, 1, 1)
    # a cadre who recorded two red envelopes from an enterprise, one still not handed in, comes first
    import decimal

    from qinqing.conduct import services as conduct
    from qinqing.core.roles import Role as Roles

    gifted_user = make_user(Roles.OFFICIAL, username="duty_gifted")
    gifted = directory.make_official(
        unit=d["bureau"], name="副局长礼", position="副局长", is_leading_cadre=True, user=gifted_user
    )
    firm = directory.make_enterprise(name="某某实业有限公司")
    for disposition in ("pending", "pending"):
        conduct.gift_record(
            official=gifted,
            direction="received",
            kind="red_envelope",
            value=decimal.Decimal("500"),
            occurred_on=datetime.date(2026, 1, 20),
            disposition=disposition,
            giver_enterprise=firm,
            actor=gifted_user,
        )
    first = cadres.key_minority(12)[0]
    assert (first.official, first.gifts, first.gifts_pending, first.signals) == (gifted, 2, 2, 2)
    assert cadres.key_minority(3)[0].gifts == 2  # within three months of 10 February
    client.force_login(d["inspector"])
    page = client.get(reverse("supervision:key_minority"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("局长提醒") < html.index("副局长静") and "科员不计" not in html
    assert client.get(reverse("supervision:key_minority") + "?months=5").status_code == 400
    client.force_login(d["handler"])
    assert client.get(reverse("supervision:key_minority")).status_code == 403


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_a_draft_lists_tasks_are_imported_from_a_spreadsheet_row_by_row(client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    data = _workbook(
        [
            ["任务", "措施", "责任人", "完成时限"],
            ["每季度走访重点企业", "分片包联", "局长甲", "2026-12-31"],
            ["开展警示教育", "", "局长甲（局长）", "2026/06/30"],
            ["超出年度的任务", "", "", "2027-01-05"],
            ["外单位的人负责", "", "他局丙", "2026-05-01"],
            ["", "没有任务", "", "2026-05-01"],
        ]
    )
    client.force_login(d["handler"])
    url = reverse("supervision:duty_task_import", args=[row.pk])
    checked = client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data), "dry_run": "on"})
    assert checked.status_code == 200 and row.tasks.count() == 0  # a dry run adds nothing
    page = client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data)})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="import-report"' in html
    assert sorted(row.tasks.values_list("task", flat=True)) == ["开展警示教育", "每季度走访重点企业"]
    assert set(row.tasks.values_list("owner", flat=True)) == {d["head"].pk}
    from qinqing.supervision.duties import importing

    report = importing.import_tasks(data, filename="tasks.xlsx", duty_list=row, actor=d["handler"])
    assert (report.imported, report.unchanged) == (0, 2)  # the same file again changes nothing
    assert {(r.row, r.field) for r in report.rejected} == {(4, "due_on"), (5, "owner"), (6, "task")}
    assert client.post(url, {}).status_code == 400  # no file: the form says so on its field
    client.force_login(d["stranger"])
    assert client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data)}).status_code == 404


def test_the_api_gives_each_bodys_list_for_the_year_to_those_who_see_it(client, district):
    d = district
    row, task = _filed(d)
    services.task_progress(task=task, state=TaskState.DONE, performance="已完成", actor=d["handler"])
    client.force_login(d["inspector"])
    answer = client.get("/api/v1/supervision/duties?year=2026")
    assert answer.status_code == 200
    rows = {r["unit"]: r for r in answer.json()}
    assert rows["区发展改革局"] == {
        "unit_code": d["bureau"].code,
        "unit": "区发展改革局",
        "year": 2026,
        "status": "filed",
        "first_responsible": "局长甲",
        "tasks": 1,
        "done": 1,
        "past_their_date": 0,
        "opinion": "",
    }
    assert rows["区市场监管局"]["status"] == ""  # no list drawn up
    refused = client.get("/api/v1/supervision/duties?year=2030")
    assert refused.status_code == 400 and refused.json()["field"] == "year"
    client.force_login(d["stranger"])
    assert [r["unit"] for r in client.get("/api/v1/supervision/duties").json()] == ["区市场监管局"]


def test_the_exported_ledger_reads_back_in_as_tasks(client, district):
    from qinqing.supervision.duties import importing

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    services.task_add(
        duty_list=row,
        task="每季度走访重点企业",
        owner=d["head"],
        due_on=datetime.date(2026, 12, 31),
        actor=d["handler"],
    )
    client.force_login(d["handler"])
    export = client.get(reverse("supervision:duties_export") + "?year=2026")
    data = b"".join(export.streaming_content)
    report = importing.import_tasks(
        data, filename="ledger.xlsx", duty_list=row, actor=d["handler"], dry_run=True
    )
    assert (report.unchanged, report.rejected) == (1, [])  # every header understood, the task recognised


def test_a_dry_run_refuses_the_rows_past_the_lists_limit_as_the_import_does(district):
    """A dry run rolled each row back on its own, so the list never filled: 20,000 rows 'imported' in the dry
    run, and the real import refused everything past the hundredth."""
    from qinqing.supervision.duties import importing
    from qinqing.supervision.duties.services import MAX_TASKS

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    data = _workbook(
        [["任务", "完成时限"], *([f"第{index}项任务", "2026-12-31"] for index in range(MAX_TASKS + 10))]
    )

    dry = importing.import_tasks(
        data, filename="tasks.xlsx", duty_list=row, actor=d["handler"], dry_run=True
    )
    assert row.tasks.count() == 0
    real = importing.import_tasks(data, filename="tasks.xlsx", duty_list=row, actor=d["handler"])

    assert (dry.imported, dry.unchanged, dry.rejected_rows) == (MAX_TASKS, 0, 10)
    assert (real.imported, real.unchanged) == (dry.imported, dry.unchanged)
    assert [r.as_dict() for r in dry.rejected] == [r.as_dict() for r in real.rejected]
    assert {r.row for r in dry.rejected} == set(range(MAX_TASKS + 2, MAX_TASKS + 12))
    assert row.tasks.count() == MAX_TASKS


def test_a_file_whose_header_names_no_column_of_the_list_is_refused_on_its_field(client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    data = "工作要点,负责领导,日期\n每季度走访重点企业,局长甲,2026-12-31\n".encode()
    client.force_login(d["handler"])
    url = reverse("supervision:duty_task_import", args=[row.pk])
    page = client.post(url, {"file": SimpleUploadedFile("tasks.csv", data)})
    assert page.status_code == 400
    errors = page.context["import_form"].errors
    assert list(errors) == ["file"]
    message = errors["file"][0]
    assert "工作要点、负责领导、日期" in message and "任务、措施、责任人、完成时限" in message
    assert row.tasks.count() == 0


def test_the_blank_template_filled_in_imports_as_is_and_the_exported_ledger_reads_back(client, district):
    """The task import offered no template: a clerk had to copy the column names from the page. The template
    is written from the import's own columns; filled in, it imports; the list's exported ledger (its headers
    事项, 责任人, 应办结 and the rest) imports back into the list as unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.supervision.duties import importing

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    client.force_login(d["handler"])
    page = client.get(reverse("supervision:duty_detail", args=[row.pk])).content.decode()
    assert reverse("supervision:duty_task_template") in page
    download = client.get(reverse("supervision:duty_task_template"))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert [c.value for c in book.active[1]] == ["任务*", "措施", "责任人", "完成时限*"]
    book.active.append(["每季度走访重点企业", "分片包联", "局长甲", "2026年12月31日"])
    filled = io.BytesIO()
    book.save(filled)
    url = reverse("supervision:duty_task_import", args=[row.pk])
    assert client.post(url, {"file": SimpleUploadedFile("模板.xlsx", filled.getvalue())}).status_code == 200
    added = list(row.tasks.values_list("task", "due_on"))
    assert added == [("每季度走访重点企业", datetime.date(2026, 12, 31))]

    exported = b"".join(client.get(reverse("supervision:duties_export") + "?year=2026").streaming_content)
    report = importing.import_tasks(exported, filename="ledger.xlsx", duty_list=row, actor=d["handler"])
    assert (report.imported, report.unchanged, report.rejected) == (0, 1, [])
    client.force_login(d["inspector"])  # who keeps no list has no template to fill in
    assert client.get(reverse("supervision:duty_task_template")).status_code == 403


def test_a_row_of_another_units_list_is_refused_not_added_to_this_one(district):
    """The ledger's export holds every unit's tasks with its 单位; imported into one list, the import read no
    unit and added the other units' tasks to it. A row naming another unit is refused naming the column; the
    list's own unit, however its brackets and spaces are typed, is read."""
    from qinqing.supervision.duties import importing

    d = district
    row = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    book = Workbook()
    book.active.append(["单位", "任务", "完成时限"])
    book.active.append(["区发展改革局", "走访重点企业", "2026-12-31"])
    book.active.append([" 区发展 改革局", "清理涉企收费", "2026-11-30"])
    book.active.append(["区市场监管局", "双随机抽查", "2026-12-31"])
    data = io.BytesIO()
    book.save(data)
    report = importing.import_tasks(data.getvalue(), filename="ledger.xlsx", duty_list=row,
                                    actor=d["handler"])
    assert report.imported == 2
    assert [(r.row, r.column) for r in report.rejected] == [(4, "单位")]
    assert "区市场监管局" in report.rejected[0].error
    assert set(row.tasks.values_list("task", flat=True)) == {"走访重点企业", "清理涉企收费"}


def test_a_leading_cadre_who_never_confirmed_last_year_is_a_signal_until_it_is_confirmed_late(
    client, district, make_user, frozen_clock
):
    """The cadres' view shows the earlier years a cadre never confirmed (article 15), as the red flags do:
    from 2027, a 2026 gap must not hide behind "not yet confirmed for 2027"."""
    from qinqing.conduct import services as conduct
    from qinqing.supervision.duties import cadres

    d = district
    user = make_user(Role.OFFICIAL, username="duty_unconfirmed")
    gap = directory.make_official(unit=d["bureau"], name="局长未确认", position="局长", is_leading_cadre=True,
                                  user=user)
    kept_user = make_user(Role.OFFICIAL, username="duty_confirmed")
    kept = directory.make_official(unit=d["other"], name="局长已确认", position="局长", is_leading_cadre=True,
                                   user=kept_user)
    conduct.annual_confirm(official=kept, actor=kept_user, year=2026)
    assert {row.official: row.unconfirmed_before for row in cadres.key_minority(12)} == {gap: [], kept: []}
    frozen_clock("2027-02-10 10:00")
    rows = {row.official: row for row in cadres.key_minority(12)}
    assert (rows[gap].unconfirmed_before, rows[gap].confirmed, rows[gap].signals) == ([2026], False, 1)
    assert (rows[kept].unconfirmed_before, rows[kept].signals) == ([], 0)
    assert cadres.key_minority(12)[0].official == gap
    client.force_login(d["inspector"])
    html = client.get(reverse("supervision:key_minority")).content.decode()
    assert 'data-testid="unconfirmed-before"' in html and "以往年度未确认：2026" in html
    conduct.annual_confirm(official=gap, actor=user, year=2026)  # late
    assert {row.official: row.unconfirmed_before for row in cadres.key_minority(12)}[gap] == []


def test_on_the_provisional_years_last_days_the_job_tells_what_falls_due_without_counting_past_it(
        district, frozen_clock):
    """2024–2026 loaded, 2027 provisional: on Wednesday 2027-12-29 five working days ahead run into 2028,
    which nothing covers, and the job failed whole, telling nobody. What it tells is dated within the
    countable years or told regardless (this year's report from December, a task past its date, a list
    due by 31 March), so each is told and the run succeeds — nothing had to be skipped."""
    d = district
    frozen_clock("2027-02-10 10:00")
    row = services.duty_create(unit=d["bureau"], year=2027, actor=d["handler"])
    task = services.task_add(duty_list=row, task="每季度走访重点企业不少于一次", measures="局领导分片包联",
                             owner=d["clerk"], due_on=datetime.date(2027, 12, 20), actor=d["handler"])
    services.duty_set_responsible(duty_list=row, first_responsible=d["head"], actor=d["handler"])
    services.duty_file(duty_list=row, actor=d["leader"])

    frozen_clock("2027-12-29 08:00")
    services.due_notices()
    told = {(n.unit_id, n.kind) for n in DutyNotice.objects.all()}
    assert told == {
        (d["bureau"].pk, DutyNoticeKind.REPORT_DUE),
        (d["bureau"].pk, DutyNoticeKind.TASK_OVERDUE),
        (d["other"].pk, DutyNoticeKind.LIST_DUE),
    }
    assert DutyNotice.objects.filter(kind=DutyNoticeKind.TASK_OVERDUE, task=task).count() == 2
