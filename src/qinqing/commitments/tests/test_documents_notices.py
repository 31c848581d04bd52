"""Documents and attachments (article 10: a commitment's "documents", fund applications "with attachments"):
cleaned by core.attachments (no metadata; a password-protected PDF refused), stored in the project's file
storage, each read permission-checked (the enterprise its own, a reviewer only past the conflict gate, the
public only a public document of a published commitment) and audited. Deadline notices: the responsible
unit's handlers and leader told in the application and by SMS through the outbox, the state honest."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from qinqing.appeals.intake.channels.sms import SmsBackend, SmsSendResult
from qinqing.appeals.workflow import notify
from qinqing.commitments import documents, funds, services
from qinqing.commitments.models import Attachment, DeadlineNotice, Scope, SmsState
from qinqing.core import attachments
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english, photo_with_place
from qinqing.directory.models import LinkKind, Relationship
from qinqing.directory.tests import factories as directory

pytestmark = pytest.mark.django_db
D = datetime.date
SENT: list[tuple[str, str]] = []


class RecordingSms(SmsBackend):
    def send(self, *, phone, text):
        SENT.append((phone, text))
        return SmsSendResult(accepted=True, provider_message_id="m1")


def _pdf(*, password: str = "", author: str = "张某") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.APPEALS_DELIVER_ON_COMMIT = False
    frozen_clock("2026-09-22 10:00")
    bureau = directory.make_unit(name="区科技局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler, phone="13800138000")
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="局长", user=leader)
    reviewer = make_user(Role.DEPARTMENT_HANDLER)
    reviewer_official = directory.make_official(unit=bureau, name="张三", user=reviewer)
    other = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=directory.make_unit(name="区税务局"), name="周敏", user=other)
    firm = directory.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=firm)
    stranger = make_user(Role.ENTERPRISE_USER)
    elsewhere = directory.make_enterprise(name="示范区远航物流有限公司")
    directory.make_membership(user=stranger, enterprise=elsewhere)
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    commitment = services.commitment_register(
        enterprise=firm,
        unit=bureau,
        kind="investment",
        title="落实用地指标",
        content="三个月内完成项目用地供应",
        made_on=D(2026, 9, 1),
        deadline=D(2026, 10, 12),
        scope=Scope.PUBLIC,
        actor=handler,
    )
    programme = funds.programme_create(
        unit=bureau,
        title="2026年科技创新专项资金",
        rules="研发投入500万元以上的企业，按投入的10%补助。",
        budget="1000000",
        opens_on=D(2026, 9, 1),
        closes_on=D(2026, 9, 30),
        actor=handler,
    )
    return locals()


def test_the_cleaner_strips_metadata_and_refuses_a_password_protected_pdf():
    name, data = attachments.clean("现场.jpg", "image/jpeg", photo_with_place())
    assert b"SecretCam" not in data and Image.open(io.BytesIO(data)).format == "JPEG"
    _name, clean = attachments.clean("协议.pdf", "application/pdf", _pdf())
    assert "张某".encode("utf-16-be") not in clean and b"/Author" not in clean
    with pytest.raises(ServiceError) as error:
        attachments.clean("协议.pdf", "application/pdf", _pdf(password="123"))
    assert error.value.code == "attachment_type" and error.value.field == "attachments"
    assert "密码" in error.value.text()  # zh-Hans by default
    with pytest.raises(ServiceError) as error:
        attachments.clean("a.exe", "application/x-msdownload", b"MZ")
    assert error.value.code == "attachment_type"
    with pytest.raises(ServiceError) as error:
        attachments.clean("big.txt", "text/plain", b"a" * (attachments.MAX_BYTES + 1))
    assert error.value.code == "attachment_size"
    with pytest.raises(ServiceError) as error:
        attachments.clean("fake.png", "image/png", photo_with_place())
    assert error.value.code == "attachment_type"


def test_commitment_documents_stored_read_by_who_may_and_public_only_when_marked(world):
    w = world
    upload = SimpleUploadedFile("投资协议.pdf", _pdf(), content_type="application/pdf")
    [doc] = documents.commitment_attach(commitment=w["commitment"], uploads=[upload], actor=w["handler"])
    assert doc.file.startswith("commitments/2026/09/") and "投资协议" not in doc.file
    assert (w["tmp_path"] / doc.file).exists() and b"/Author" not in (w["tmp_path"] / doc.file).read_bytes()
    with pytest.raises(PermissionDeniedError):
        documents.commitment_attach(commitment=w["commitment"], uploads=[upload], actor=w["other"])
    url = reverse("commitments:attachment", args=[doc.pk])
    for user, status in (
        (w["handler"], 200),
        (w["inspector"], 200),
        (w["firm_user"], 200),
        (w["other"], 404),
        (w["stranger"], 404),
    ):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join([response.content]).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="commitments.attachment.read", object_id=str(doc.pk)).count() == 3
    public_url = reverse("commitments:public_attachment", args=[doc.pk])
    anonymous = Client()
    assert anonymous.get(public_url).status_code == 404  # not marked public
    assert anonymous.get(url).status_code in (302, 403, 404)  # the staff URL is never the public's
    documents.mark_public(attachment=doc, public=True, actor=w["handler"])
    assert anonymous.get(public_url).status_code == 200
    page = anonymous.get(reverse("commitments:public_detail", args=[w["commitment"].pk])).content.decode()
    assert "投资协议.pdf" in page
    services.commitment_publish(commitment=w["commitment"], scope=Scope.INTERNAL, actor=w["handler"])
    assert anonymous.get(public_url).status_code == 404  # the item is no longer published
    assert AuditEvent.objects.filter(action="commitments.attachment.publish").exists()

    note = [("说明.txt", "text/plain", "说明".encode())]
    for _batch in range(3):  # 1 + 3 × 5 + 4 = 20 files on one commitment: the most it takes
        documents.commitment_attach(commitment=w["commitment"], uploads=note * 5, actor=w["handler"])
    documents.commitment_attach(commitment=w["commitment"], uploads=note * 4, actor=w["handler"])
    assert w["commitment"].attachments.count() == 20
    with pytest.raises(ServiceError) as error:
        documents.commitment_attach(
            commitment=w["commitment"], uploads=[("多余.txt", "text/plain", b"x")], actor=w["handler"]
        )
    assert error.value.code == "attachment_count" and error.value.field == "attachments"


def test_upload_through_the_page_refuses_a_locked_pdf_naming_the_field(world):
    client = Client()
    client.force_login(world["handler"])
    url = reverse("commitments:act", args=[world["commitment"].pk])
    locked = SimpleUploadedFile("加密.pdf", _pdf(password="x"), content_type="application/pdf")
    response = client.post(url, {"step": "attach", "attachments": [locked]})
    assert response.status_code == 400 and not Attachment.objects.exists()
    picture = SimpleUploadedFile("现场.jpg", photo_with_place(), content_type="image/jpeg")
    response = client.post(url, {"step": "attach", "attachments": [picture], "public": "on"})
    assert response.status_code == 302
    doc = Attachment.objects.get()
    assert doc.public and b"SecretCam" not in (world["tmp_path"] / doc.file).read_bytes()


def test_application_attachments_enterprise_own_reviewer_after_the_gate_public_never(world):
    w = world
    picture = SimpleUploadedFile("研发费用.png", b"not a picture", content_type="image/png")
    with pytest.raises(ServiceError) as error:
        funds.apply(
            programme=w["programme"],
            enterprise=w["firm"],
            amount="1000",
            description="申请",
            actor=w["firm_user"],
            attachments=[picture],
        )
    assert error.value.field == "attachments"
    application = funds.apply(
        programme=w["programme"],
        enterprise=w["firm"],
        amount="300000",
        description="研发投入600万元",
        actor=w["firm_user"],
        attachments=[SimpleUploadedFile("审计报告.pdf", _pdf(), content_type="application/pdf")],
    )
    [file] = application.attachments.all()
    url = reverse("commitments:attachment", args=[file.pk])

    def get(user):
        client = Client()
        client.force_login(user)
        return client.get(url)

    assert get(w["firm_user"]).status_code == 200
    assert get(w["stranger"]).status_code == 404
    assert get(w["other"]).status_code == 404
    assert get(w["inspector"]).status_code == 200
    assert get(w["handler"]).status_code == 200  # a reviewer of the unit cleared by the conflict gate
    # the other reviewer's spouse holds shares in the applicant: the gate stops him before the file
    spouse = directory.make_person(name="李四")
    directory.make_related_person(
        official=w["reviewer_official"], person=spouse, relationship=Relationship.SPOUSE
    )
    directory.make_link(person=spouse, enterprise=w["firm"], kind=LinkKind.SHAREHOLDER, share_percent="20")
    stopped = get(w["reviewer"])
    assert stopped.status_code == 409 and not stopped.content.startswith(b"%PDF-")
    reads = AuditEvent.objects.filter(action="commitments.attachment.read", object_id=str(file.pk))
    assert reads.count() == 3  # the enterprise, the inspector, the cleared reviewer — not the stopped one
    assert Client().get(reverse("commitments:public_attachment", args=[file.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="commitments.attachment.add", object_id=str(file.pk)).exists()


def test_deadline_notices_reach_the_unit_in_the_application_and_by_sms(world, settings, frozen_clock):
    SENT.clear()
    settings.APPEAL_CHANNELS = {
        **settings.APPEAL_CHANNELS,
        "SMS_BACKEND": "qinqing.commitments.tests.test_documents_notices.RecordingSms",
    }
    w = world
    # 30 September: 8, 9, 10 (make-up Saturday) and 12 October are the 4 working days left, over National Day
    result = in_english(services.deadline_alerts, D(2026, 9, 30))
    assert result == "1 deadline alert(s) recorded, 3 notice(s) to the responsible units"
    notices = {n.recipient_id: n for n in DeadlineNotice.objects.select_related("notification")}
    assert set(notices) == {w["handler"].pk, w["leader"].pk, w["reviewer"].pk}  # not the other unit's
    handler_notice, leader_notice = notices[w["handler"].pk], notices[w["leader"].pk]
    assert handler_notice.sms_state == SmsState.QUEUED  # written, not yet sent
    assert leader_notice.sms_state == SmsState.NO_NUMBER  # no mobile number: told in the application only
    assert w["commitment"].number in handler_notice.text
    # one notice per person and alert (core.notices.deliver_once): the key names the alert, the kind is its
    assert {n.key for n in notices.values()} == {f"alert:{handler_notice.alert_id}"}
    assert handler_notice.kind == handler_notice.alert.kind
    assert notify.deliver_report().sent == 1
    handler_notice.refresh_from_db()
    assert handler_notice.sms_state == SmsState.SENT and SENT[0][0] == "13800138000"
    # once per kind
    assert in_english(services.deadline_alerts, D(2026, 10, 8)).startswith("0 deadline alert(s)")
    client = Client()
    client.force_login(w["leader"])
    page = client.get(reverse("commitments:list")).content.decode()
    assert w["commitment"].number in page and str(SmsState.NO_NUMBER.label) in page
    assert AuditEvent.objects.filter(action="commitments.deadlinenotice.create").count() == 3


def test_a_second_application_to_one_programme_is_refused_and_leaves_no_file_behind(world, tmp_path):
    w = world

    def apply():
        return funds.apply(
            programme=w["programme"], enterprise=w["firm"], amount="300000", description="研发投入600万元",
            actor=w["firm_user"],
            attachments=[SimpleUploadedFile("审计报告.pdf", _pdf(), content_type="application/pdf")],
        )

    apply()
    stored = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    with pytest.raises(ConflictError) as refused:
        apply()
    assert refused.value.code == "duplicate"
    assert sorted(path for path in tmp_path.rglob("*") if path.is_file()) == stored  # the second's removed
