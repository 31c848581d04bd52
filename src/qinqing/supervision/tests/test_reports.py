"""Reports (article 17): sealed at rest, read only by assigned inspectors, the priority queue and
the 100% rule, deadlines in working days, rate limits, the public API."""

import datetime
import logging

import pytest
from django.db import connection
from django.test import override_settings

from qinqing.core import audit, calendar
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english, remote_assets
from qinqing.directory.tests import factories as directory
from qinqing.supervision import keys, selectors, services
from qinqing.supervision.models import Assignment, Attachment, Message, Report, Status

pytestmark = pytest.mark.django_db

NAME, CONTACT, TEXT, SUBJECT = (
    "举报人李秘密",
    "13912345678",
    "王局长收受某公司购物卡十张独特文本XYZ",
    "王局长独特主体",
)


def _raw_rows(*models) -> str:
    out = []
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 (model metadata)
            out.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(out)


def _submit(**extra):
    values = {
        "text": TEXT,
        "category": "collusion",
        "real_name": True,
        "reporter_name": NAME,
        "reporter_contact": CONTACT,
        "subject_text": SUBJECT,
        "rate_limited": False,
    }
    values.update(extra)
    return services.report_submit(**values)


@pytest.fixture
def office(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    unit = directory.make_unit(name="区纪委监委")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR, username="insp1")
    other = make_user(Role.DISCIPLINE_INSPECTOR, username="insp2")
    directory.make_official(unit=unit, name="赵磊", user=inspector)
    directory.make_official(unit=unit, name="钱多", user=other)
    return inspector, other


def test_nothing_in_clear_in_the_database_the_logs_or_the_audit_trail(office, client, caplog):
    inspector, _other = office
    caplog.set_level(logging.DEBUG)
    report, code = _submit(attachments=[("证据.txt", "text/plain", "附件独特内容QQQ".encode())])
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    services.message_send(report=report, kind="reply", body="答复独特内容RRR", actor=inspector)
    services.reporter_add(code=code, body="补充独特内容SSS", client="1.2.3.4")
    client.force_login(inspector)
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert TEXT in page and NAME in page  # the assigned inspector reads it
    secrets_ = [
        NAME,
        CONTACT,
        TEXT,
        SUBJECT,
        "附件独特内容QQQ",
        "答复独特内容RRR",
        "补充独特内容SSS",
        "证据.txt",
        code,
    ]
    raw = _raw_rows(Report, Message, Attachment, Assignment)
    trail = _raw_rows(AuditEvent)
    for secret in secrets_:
        assert secret not in raw, secret
        assert secret not in trail, secret
        assert secret not in caplog.text, secret
    assert "sv1:demo:" in raw
    # every read is an audit event, without the content
    reads = AuditEvent.objects.filter(action="supervision.report.read", object_id=str(report.pk))
    assert reads.count() == 1
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_grep_of_the_sqlite_database_file_finds_nothing(office, tmp_path):
    """The issue's own test: copy the committed SQLite database to a file and search its bytes."""
    if connection.vendor != "sqlite":
        pytest.skip("the database file is SQLite's; PostgreSQL is checked through the raw rows above")
    inspector, _other = office
    report, code = _submit(attachments=[("证据.txt", "text/plain", "附件独特内容QQQ".encode())])
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    services.message_send(report=report, kind="reply", body="答复独特内容RRR", actor=inspector)
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    data = copy.read_bytes()
    assert report.number.encode() in data  # the file is the database, with the report's row in it
    for secret in (NAME, CONTACT, TEXT, SUBJECT, "附件独特内容QQQ", "答复独特内容RRR", "证据.txt", code):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in data, (secret, encoding)


def test_a_wrong_or_missing_key_fails_loudly(office):
    report, _code = _submit()
    with (
        override_settings(SUPERVISION_KEYS="demo:" + "11" * 16),
        pytest.raises(keys.SealError),
    ):  # same id, another key
        Report.objects.get(pk=report.pk)
    with (
        override_settings(SUPERVISION_KEYS="k2:" + "22" * 16),
        pytest.raises(keys.KeyRingError),
    ):  # the row's key is gone
        Report.objects.get(pk=report.pk)
    with (
        override_settings(MODE="production", SUPERVISION_KEYS="", SUPERVISION_KEY_FILE=""),
        pytest.raises(keys.KeyRingError),
    ):
        _submit()
    with override_settings(SUPERVISION_KEYS="bad:xyz"), pytest.raises(keys.KeyRingError):
        keys.seal("x")


def test_rotation_keeps_old_reports_readable(office, tmp_path):
    key_file = tmp_path / "supervision.keys"
    key_file.write_text("# supervision keys\nk1=" + "33" * 16 + "\n")
    with override_settings(SUPERVISION_KEY_FILE=str(key_file)):
        old, _ = _submit()
    key_file.write_text("k1=" + "33" * 16 + "\nk2=" + "44" * 16 + "\n")
    with override_settings(SUPERVISION_KEY_FILE=str(key_file), SUPERVISION_KEY_ID="k2"):
        new, _ = _submit(text="新密钥下的举报")
        assert Report.objects.get(pk=old.pk).text == TEXT
        assert Report.objects.get(pk=new.pk).text == "新密钥下的举报"
        raw = _raw_rows(Report)
        assert "sv1:k1:" in raw and "sv1:k2:" in raw
        assert services.rekey() == {"report": 1, "message": 0, "attachment": 0}
        assert "sv1:k1:" not in _raw_rows(Report)
    key_file.write_text("k2=" + "44" * 16 + "\n")  # the old key removed after the rekey
    with override_settings(SUPERVISION_KEY_FILE=str(key_file), SUPERVISION_KEY_ID=""):
        assert Report.objects.get(pk=old.pk).text == TEXT
        assert audit.verify_chain().ok


def test_only_assigned_inspectors_read_and_the_reported_official_never_sees_it(office, client, make_user):
    inspector, other = office
    subject_user = make_user(Role.DISCIPLINE_INSPECTOR, username="subject")
    subject = directory.make_official(
        unit=directory.make_unit(name="区住建局"), name="王局长", user=subject_user
    )
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.link_subject(report=report, official=subject, actor=inspector)
    linked = AuditEvent.objects.get(action="supervision.report.link_subject")
    assert linked.changes["subject_official_id"] == [None, "[sealed]"]
    for user in (other, subject_user):
        client.force_login(user)
        assert client.get(f"/supervision/reports/{report.pk}/").status_code == 404
        assert client.post(f"/supervision/reports/{report.pk}/act/accept/").status_code == 404
        with pytest.raises(NotFound):
            selectors.report_for(user, report.pk)
    client.force_login(subject_user)
    assert report.number not in client.get("/supervision/").content.decode()  # not even in the queue
    assert (
        client.post(f"/supervision/reports/{report.pk}/assign/", {"inspector": subject_user.pk}).status_code
        == 404
    )
    with pytest.raises(ServiceError) as refused:
        services.assign(report=report, inspector=subject_user, actor=inspector)
    assert refused.value.code == "conflict_of_interest"
    client.force_login(other)
    assert report.number in client.get("/supervision/").content.decode()  # metadata only
    assert TEXT not in client.get("/supervision/").content.decode()


def test_an_inspector_tied_to_the_reported_enterprise_cannot_be_assigned(office):
    from qinqing.conduct.models import AssignmentCheck
    from qinqing.conduct.services import RecusalRequired
    from qinqing.directory.models import Official

    inspector, other = office
    enterprise = directory.make_enterprise(name="勾结实业有限公司")
    directory.make_link(
        person=Official.objects.get(user=other).person,
        enterprise=enterprise,
        kind="shareholder",
        share_percent="10",
    )
    report, _code = _submit(subject_enterprise=enterprise)
    with pytest.raises(RecusalRequired):
        services.assign(report=report, inspector=other, actor=inspector)
    assert AssignmentCheck.objects.filter(
        matter_type="supervision.report", matter_id=str(report.pk), outcome="blocked"
    ).exists()
    assert not Assignment.objects.filter(report=report).exists()
    services.assign(report=report, inspector=inspector, actor=inspector)
    # a handover to the tied inspector is refused the same way
    with pytest.raises(RecusalRequired):
        services.handover(report=report, from_inspector=inspector, to_inspector=other, actor=inspector)
    assert Assignment.objects.get(report=report, active=True).inspector == inspector


def test_priority_queue_and_the_100_percent_rule(office, frozen_clock):
    inspector, _other = office
    priority, _ = _submit()
    anonymous, _ = _submit(real_name=False, reporter_name="", reporter_contact="")
    other_kind, _ = _submit(category="extortion")
    assert (priority.priority, anonymous.priority, other_kind.priority) == (True, False, False)
    assert [r.pk for r in selectors.queue(inspector, priority_only=True)] == [priority.pk]
    for report in (priority, anonymous):
        services.assign(report=report, inspector=inspector, actor=inspector)
    with pytest.raises(ServiceError) as refused:
        services.report_decline(report=priority, reason="不属于受理范围", actor=inspector)
    assert refused.value.code == "priority_must_verify"
    services.report_decline(report=anonymous, reason="内容不具体", actor=inspector)
    services.report_accept(report=priority, actor=inspector)
    priority.refresh_from_db()
    assert priority.verify_due == calendar.deadline(datetime.date(2026, 11, 30), 60)
    figures = selectors.figures()
    assert (figures["priority_total"], figures["priority_verified"], figures["verification_rate"]) == (
        1,
        0,
        0.0,
    )
    frozen_clock(priority.verify_due + datetime.timedelta(days=1))
    assert [r.pk for r in selectors.figures()["priority_overdue"]] == [priority.pk]
    assert any(row.what == "verify" and row.report.pk == priority.pk for row in selectors.overdue())
    services.report_dispose(report=priority, disposal="preliminary", actor=inspector)
    with pytest.raises(ServiceError) as missing:
        services.report_conclude(report=priority, finding="substantiated", conclusion="", actor=inspector)
    assert missing.value.code == "required" and missing.value.field == "conclusion"
    services.report_conclude(
        report=priority, finding="substantiated", conclusion="查实收受购物卡", actor=inspector
    )
    assert selectors.figures()["verification_rate"] == 1.0


def test_deadlines_count_working_days_across_national_day(office, frozen_clock):
    inspector, _other = office
    frozen_clock(
        "2026-09-25 10:00"
    )  # a Friday before the 2026 National Day holiday (1–7 October, 10 October worked)
    report, _ = _submit()
    assert report.accept_due == datetime.date(
        2026, 10, 22
    )  # 15 working days; without the holiday it would be 16 October
    assert not report.accept_provisional
    services.deadlines_update(accept_days=5, result_days=3, verify_days=30, actor=inspector)
    report2, _ = _submit()
    assert report2.accept_due == datetime.date(2026, 10, 9)  # 28, 29, 30 September, 8, 9 October
    services.assign(report=report2, inspector=inspector, actor=inspector)
    services.report_accept(report=report2, actor=inspector)
    frozen_clock("2026-09-30 10:00")
    services.report_close(report=report2, conclusion="经核实不属实，予以了结", actor=inspector)
    report2.refresh_from_db()
    assert report2.status == Status.CONCLUDED and report2.disposal == "closed"
    assert report2.result_due == datetime.date(2026, 10, 10)  # 8, 9 and the make-up Saturday 10 October


def test_the_whole_path_to_a_case_in_the_four_forms(office):
    inspector, other = office
    report, code = _submit()
    services.assign(report=report, inspector=inspector, actor=other)
    services.report_accept(report=report, actor=inspector)
    services.report_dispose(report=report, disposal="talk_inquiry", actor=inspector)
    services.report_set_aside(report=report, reason="待补充材料", actor=inspector)
    services.message_send(report=report, kind="question", body="请提供购物卡照片", actor=inspector)
    services.reporter_add(code=code, body="照片已附", answer=True, client="9.9.9.9")
    services.report_resume(report=report, disposal="preliminary", actor=inspector)
    services.report_conclude(report=report, finding="substantiated", conclusion="查实", actor=inspector)
    services.report_open_case(report=report, actor=inspector)
    with pytest.raises(ServiceError) as refused:
        services.report_close_case(report=report, actor=inspector)
    assert refused.value.code == "outcome_required"
    with pytest.raises(ServiceError):
        services.outcome_record(report=report, form="2", measure="党内警告", behaviours=[], actor=inspector)
    services.outcome_record(report=report, form="2", measure="党内警告", behaviours=["18.4"], actor=inspector)
    services.report_close_case(report=report, actor=inspector)
    services.report_send_result(report=report, text="经查属实，已给予党内警告处分", actor=inspector)
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.result_sent_on is not None
    seen = services.report_by_code(code, client="9.9.9.9")
    kinds = [m.kind for m in seen.messages.all()]
    assert kinds == ["notice", "question", "answer", "notice"]
    assert selectors.figures()["by_form"] == {"2": 1}
    assert audit.verify_chain().ok


def test_receipt_codes_are_stored_only_as_hashes_and_wrong_codes_find_nothing(office):
    report, code = _submit(real_name=False, reporter_name="", reporter_contact="")
    row = Report.objects.get(pk=report.pk)
    assert code not in row.receipt_hash and code.replace("-", "") not in row.receipt_hash
    assert row.receipt_hash.startswith("$argon2")
    assert services.report_by_code(code.lower(), client="c").pk == report.pk
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(NotFound):
        services.report_by_code(wrong, client="c")


@override_settings(SUPERVISION_RATE_LIMITS={"per_client": 2, "overall": 3, "lookups_per_client": 3})
def test_rate_limits_per_client_and_overall(office, client):
    from django.core.cache import cache

    cache.clear()
    body = {"text": "有人吃拿卡要", "category": "extortion"}
    for _ in range(2):
        assert (
            client.post(
                "/api/v1/supervision/reports", body, content_type="application/json", REMOTE_ADDR="10.0.0.1"
            ).status_code
            == 200
        )
    refused = client.post(
        "/api/v1/supervision/reports", body, content_type="application/json", REMOTE_ADDR="10.0.0.1"
    )
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert (
        client.post(
            "/api/v1/supervision/reports", body, content_type="application/json", REMOTE_ADDR="10.0.0.2"
        ).status_code
        == 200
    )
    overall = client.post(
        "/api/v1/supervision/reports", body, content_type="application/json", REMOTE_ADDR="10.0.0.3"
    )
    assert overall.status_code == 429
    assert Report.objects.count() == 3
    page = client.post(
        "/supervision/report/", {"text": "x", "category": "other", "real_name": "0"}, REMOTE_ADDR="10.0.0.1"
    )
    assert page.status_code == 429 and "data-testid=\"form-error\"" in page.content.decode()
    for _ in range(3):
        client.get(
            "/api/v1/supervision/reports/status",
            HTTP_X_RECEIPT_CODE="AAAA-BBBB-CCCC-DDDD-EEEE",
            REMOTE_ADDR="10.0.0.9",
        )
    assert (
        client.get(
            "/api/v1/supervision/reports/status", HTTP_X_RECEIPT_CODE="AAAA", REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 429
    )
    cache.clear()


def test_the_api_answers_the_code_once_and_the_status_with_replies(office, client):
    from django.core.cache import cache

    cache.clear()
    inspector, _other = office
    response = client.post(
        "/api/v1/supervision/reports",
        {"text": "某科长为官不为", "category": "inaction"},
        content_type="application/json",
    )
    assert response.status_code == 200
    code = response.json()["receipt_code"]
    report = Report.objects.get(number=response.json()["number"])
    assert not report.priority  # anonymous
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.message_send(report=report, kind="reply", body="已转相关部门核查", actor=inspector)
    status = client.get("/api/v1/supervision/reports/status", HTTP_X_RECEIPT_CODE=code)
    assert status.status_code == 200
    data = status.json()
    assert data["status"] == "received" and [m["body"] for m in data["messages"]] == ["已转相关部门核查"]
    assert client.get("/api/v1/supervision/reports/status", {"code": "NOPE"}).status_code == 404
    real = client.post(
        "/api/v1/supervision/reports",
        {"text": "x", "category": "collusion", "real_name": True},
        content_type="application/json",
    )
    assert real.status_code == 400 and real.json()["field"] == "reporter_name"
    cache.clear()


def test_picture_metadata_is_stripped_and_types_are_limited(office):
    import io

    from PIL import Image

    image = Image.new("RGB", (4, 4), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"SecretCameraMaker" in buffer.getvalue()
    report, _ = _submit(attachments=[("p.jpg", "image/jpeg", buffer.getvalue())])
    stored = services.attachment_bytes(report.attachments.get())
    assert b"SecretCameraMaker" not in stored and stored.startswith(b"\xff\xd8")
    with pytest.raises(ServiceError) as refused:
        _submit(attachments=[("x.exe", "application/x-msdownload", b"MZ")])
    assert refused.value.code == "attachment_type"


def _pdf_with_metadata() -> bytes:
    """A real PDF with text on its page, document information, an XMP packet and a signed comment."""
    import io

    from pypdf import PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 20 100 Td (Evidence page one) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_annotation(0, Text(text="note", rect=(10, 10, 30, 30)))
    page["/Annots"][0].get_object()[NameObject("/T")] = TextStringObject("CommentAuthorZhou")
    writer.add_metadata(
        {"/Author": "AuthorLiMimi", "/Producer": "SecretProducer 9.1", "/Creator": "LiLaptop"}
    )
    xmp = DecodedStreamObject()
    xmp.set_data(
        b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>XmpAuthorLi</dc:creator>'
        b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_metadata_is_stripped_and_the_pages_kept(office):
    import io

    from pypdf import PdfReader

    original = _pdf_with_metadata()
    for marker in (b"AuthorLiMimi", b"SecretProducer", b"XmpAuthorLi", b"CommentAuthorZhou", b"LiLaptop"):
        assert marker in original, marker
    report, _ = _submit(attachments=[("证据.pdf", "application/pdf", original)])
    stored = services.attachment_bytes(report.attachments.get())
    for marker in (b"AuthorLiMimi", b"SecretProducer", b"XmpAuthorLi", b"CommentAuthorZhou", b"LiLaptop"):
        assert marker not in stored, marker
    reader = PdfReader(io.BytesIO(stored))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert len(reader.pages) == 1 and "Evidence page one" in reader.pages[0].extract_text()
    assert report.attachments.get().size == len(stored)
    from pypdf import PdfWriter

    locked = PdfWriter()
    locked.add_blank_page(100, 100)
    locked.encrypt("secret")
    buffer = io.BytesIO()
    locked.write(buffer)
    with pytest.raises(ServiceError) as refused:
        _submit(attachments=[("locked.pdf", "application/pdf", buffer.getvalue())])
    assert refused.value.code == "attachment_type" and "密码" in refused.value.text()
    for broken in (b"%PDF-1.7\nnot really a pdf", b"GIF89a"):
        with pytest.raises(ServiceError) as refused:
            _submit(attachments=[("x.pdf", "application/pdf", broken)])
        assert refused.value.code == "attachment_type" and refused.value.field == "attachments"


def test_conduct_leads_arrive_once(office):
    from qinqing.conduct.models import Lead, LeadSource

    official = directory.make_official(unit=directory.make_unit(name="区商务局"), name="孙科长")
    Lead.objects.create(
        official=official, source=LeadSource.RECUSAL_REFUSED, summary="拒不回避", article="15.7"
    )
    assert in_english(services.leads_take_over) == "1 lead(s) taken over"
    assert in_english(services.leads_take_over) == "0 lead(s) taken over"
    report = Report.objects.get(channel="conduct")
    assert report.subject_official == official and report.lead is not None


def test_recategorising_moves_a_real_name_report_into_the_priority_queue_and_not_out(office):
    inspector, _other = office
    report, _ = _submit(category="other")
    assert not report.priority
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    report = services.report_recategorise(report=report, category="inaction", actor=inspector)
    assert report.priority and report.verify_due == calendar.deadline(datetime.date(2026, 11, 30), 60)
    with pytest.raises(ServiceError) as refused:
        services.report_recategorise(report=report, category="other", actor=inspector)
    assert refused.value.code == "priority_must_verify"


def test_an_early_reminder_is_due_for_follow_up_in_working_days(office, frozen_clock, client):
    inspector, _other = office
    official = directory.make_official(unit=directory.make_unit(name="区商务局"), name="孙科长")
    reminder = services.reminder_create(
        official=official, concern="与企业负责人多次非工作场合接触", follow_up_days=3, actor=inspector
    )
    assert reminder.follow_up_due == datetime.date(2026, 12, 3)
    assert not selectors.reminders_due().exists()
    frozen_clock("2026-12-03 09:00")
    assert list(selectors.reminders_due()) == [reminder]
    client.force_login(inspector)
    assert "与企业负责人多次非工作场合接触" in client.get("/supervision/figures/").content.decode()
    services.reminder_follow_up(reminder=reminder, note="已整改", actor=inspector)
    assert not selectors.reminders_due().exists()


def test_the_site_refuses_to_start_without_a_supervision_key():
    from qinqing.supervision.checks import supervision_keys

    assert supervision_keys(None) == []
    with override_settings(MODE="production", SUPERVISION_KEYS="", SUPERVISION_KEY_FILE=""):
        errors = supervision_keys(None)
    assert [error.id for error in errors] == ["supervision.E001"]


def test_the_figures_and_the_export_carry_no_reporter_identity(office, client):
    import io

    from openpyxl import load_workbook

    inspector, _other = office
    report, _ = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    services.report_accept(report=report, actor=inspector)
    client.force_login(inspector)
    page = client.get("/supervision/figures/").content.decode()
    assert 'data-testid="rate"' in page and 'data-testid="acceptance-on-time">100%' in page
    response = client.get("/supervision/figures/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert report.number in cells
    for secret in (NAME, CONTACT, TEXT, SUBJECT):
        assert secret not in cells


def test_the_figures_page_has_titled_charts_with_whole_ticks_and_the_same_numbers_as_tables(office, client):
    import re

    inspector, _other = office
    for index in range(7):
        report, _ = _submit(text=f"举报{index}", category="collusion" if index < 3 else "other")
        if index == 0:
            services.assign(report=report, inspector=inspector, actor=inspector)
            services.report_accept(report=report, actor=inspector)
            services.report_dispose(report=report, disposal="preliminary", actor=inspector)
            services.report_conclude(
                report=report, finding="substantiated", conclusion="属实", actor=inspector
            )
    client.force_login(inspector)
    page = client.get("/supervision/figures/").content.decode()
    for chart in ("chart-months", "chart-channels", "chart-categories", "chart-forms"):
        svg = re.search(rf'<svg class="chart" id="{chart}".*?</svg>', page, re.S)
        assert svg, chart
        svg = svg.group(0)
        assert f'<title id="{chart}-title">' in svg and f'<desc id="{chart}-desc">' in svg
        ticks = re.findall(r'font-size="10" fill="#333">([^<]*)</text>', svg)
        numeric = [tick for tick in ticks if re.fullmatch(r"[\d.]+", tick)]
        assert numeric and all(tick.isdigit() for tick in numeric), (chart, ticks)  # whole numbers only
        assert "#0072B2" in svg  # Okabe–Ito: told apart by colour-blind readers
    months = re.search(r'<svg class="chart" id="chart-months".*?</svg>', page, re.S).group(0)
    assert 'class="legend-item"' in months and "举报数（件）" in months  # legend and the axis unit
    # the month's bars carry the same figures as the table: 7 reports, 3 priority, 1 verified
    assert "2026-11 · " in months and ": 7</title>" in months and ": 3</title>" in months
    assert ": 1</title>" in months
    table = re.search(r'data-testid="table-months".*?</table>', page, re.S).group(0)
    assert re.search(r"<td>2026-11</td><td class=\"number\">7</td><td class=\"number\">3</td>"
                     r"<td class=\"number\">1</td>", table)
    assert remote_assets(page) == []
    assert "要求100%" in page and "expected" not in page
    for secret in (NAME, CONTACT, TEXT):
        assert secret not in page


def test_the_subject_is_named_in_text_not_chosen_from_a_list_of_every_official_and_enterprise(office, client):
    """The report's official and enterprise are typed (name, name（unit）, credit code), so the 501st
    official of the district can be named; a name two officials share asks for the unit."""
    inspector, _other = office
    housing, water = directory.make_unit(name="区住建局"), directory.make_unit(name="区水务局")
    subject = directory.make_official(unit=housing, name="王局长")
    directory.make_official(unit=water, name="王局长")
    enterprise = directory.make_enterprise(name="示范区建工有限公司")
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    client.force_login(inspector)
    url = f"/supervision/reports/{report.pk}/subject/"
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert "示范区建工有限公司" not in page and 'data-testid="subject-official"' in page

    response = client.post(url, {"official": "王局长", "enterprise": ""})
    refused = response.content.decode()
    assert response.status_code == 400 and 'data-field="official"' in refused and 'value="王局长"' in refused
    assert "名为 王局长 的公职人员不止一位，请注明单位" in refused
    report.refresh_from_db()
    assert report.subject_official_id is None

    client.post(url, {"official": "王局长（区住建局）", "enterprise": enterprise.uscc})
    report.refresh_from_db()
    assert (report.subject_official_id, report.subject_enterprise_id) == (subject.pk, enterprise.pk)
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert 'value="王局长（区住建局）"' in page and f'value="{enterprise.uscc}"' in page


def test_the_report_form_redirects_to_its_receipt_and_a_second_send_files_nothing(office, client):
    """Post/Redirect/Get: the receipt page was the POST's own answer (200), so a reload, or Back and send
    again, filed a second report, and a double click showed the second report's code, the first one's lost.
    Now the form answers a redirect to the receipt (the code held sealed in this browser's session, never in
    a URL) and its one-time token (core.idempotency) answers a second send with the same redirect."""
    import re

    page = client.get("/supervision/report/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    values = {"text": TEXT, "category": "collusion", "real_name": "0", "form_token": token}
    first = client.post("/supervision/report/", values)
    assert first.status_code == 302 and first["Location"] == "/supervision/report/filed/"
    again = client.post("/supervision/report/", values)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Report.objects.count() == 1
    receipt = client.get(first["Location"]).content.decode()
    code = re.search(r'data-testid="receipt-code"><strong>([^<]+)</strong>', receipt).group(1)
    assert services.report_by_code(code, client="1.2.3.4").pk == Report.objects.get().pk
    assert code in client.get(first["Location"]).content.decode(), "a reload shows the same receipt"
    assert code not in repr(dict(client.session)), "the session holds the code sealed"
    from django.test import Client

    assert Client().get("/supervision/report/filed/")["Location"] == "/supervision/report/"


def test_the_staff_intake_redirects_to_the_receipt_too(office, client):
    inspector, _other = office
    client.force_login(inspector)
    values = {"text": TEXT, "category": "collusion", "channel": "letter", "form_token": "intake-once-1"}
    first = client.post("/supervision/intake/", values)
    again = client.post("/supervision/intake/", values)
    assert first.status_code == 302 == again.status_code and Report.objects.count() == 1
    receipt = client.get(first["Location"]).content.decode()
    assert 'data-testid="receipt-code"' in receipt  # the staff's wording: no link to follow it
    assert 'href="/supervision/report/status/"' not in receipt


def test_a_refused_report_comes_back_as_typed_and_says_to_choose_the_files_again(office, client):
    """The unit chosen was lost (the select was drawn without it), the refusal was only at the top of the
    form, and nothing said that the files chosen must be chosen again."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.directory.models import Unit

    unit = Unit.objects.get(name="区纪委监委")
    long_text = "某局长收受购物卡，" * 334  # past 3,000 characters
    response = client.post("/supervision/report/", {
        "real_name": "1", "reporter_name": "", "reporter_contact": CONTACT, "category": "collusion",
        "unit": str(unit.pk), "subject_text": SUBJECT, "text": long_text,
        "attachments": SimpleUploadedFile("证据.txt", "证据".encode(), content_type="text/plain"),
    })
    assert response.status_code == 400 and not Report.objects.exists()
    page = response.content.decode()
    assert f'<option value="{unit.pk}" selected>' in page and long_text in page and SUBJECT in page
    assert 'value="1" checked data-testid="real-name"' in page
    assert 'data-testid="error-reporter_name"' in page and 'data-testid="form-error"' in page
    assert 'data-testid="files-again"' in page


def test_a_reporters_addition_redirects_and_a_refused_one_keeps_what_was_typed(office, client):
    """Adding information answered 200 (a reload added it again), and a refused addition showed the
    look-up form alone: the text typed was gone."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    report, code = _submit()
    long_text = "补充情况：" * 600
    refused = client.post("/supervision/report/status/", {
        "code": code, "body": long_text, "answer": "1",
        "attachments": SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
    })
    assert refused.status_code == 400
    page = refused.content.decode()
    assert long_text in page and 'name="answer" value="1" checked' in page
    assert 'data-testid="error-attachments"' in page and 'data-testid="files-again"' in page
    assert not report.messages.exists()
    values = {"code": code, "body": long_text, "form_token": "add-once"}
    added = client.post("/supervision/report/status/", values)
    assert added.status_code == 302 and added["Location"] == "/supervision/report/status/?added=1"
    assert client.post("/supervision/report/status/", values)["Location"] == added["Location"]
    assert report.messages.count() == 1
    shown = client.get(added["Location"]).content.decode()
    assert 'data-testid="added"' in shown and long_text in shown
    assert code not in added["Location"]
