"""An appeal's attachments (articles 6, 8): taken through the platform's one cleaner (``core.attachments``)
like every other form — hostile files refused on the ``attachments`` field with a 400, pictures stripped of
their metadata —, downloadable from the appeal's page by whoever may open the appeal (another enterprise
and another unit get 404), and a merged repeat's files filed on the appeal it was merged into.

The hostile files are those posted from outside to /appeals/mine/, each answered 200 "诉求已提交" before."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qinqing.core import attachments as core_attachments
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import docx_unpacking_to, in_english, photo_with_place, png_of

from ..intake import services
from ..models import Appeal, Attachment, Track
from ..workflow import services as workflow_services
from . import factories

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.APPEALS_DELIVER_ON_COMMIT = False
    factories.load_calendar()
    return tmp_path


def _stored_files(root) -> list[str]:
    return [os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names]


def _png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


HOSTILE = {
    "png-named-pdf": ("x.pdf", "application/pdf", _png_bytes),
    "random-named-png": ("x.png", "image/png", lambda: os.urandom(4096)),
    "garbage-pdf": ("x.pdf", "application/pdf", lambda: b"%PDF-1.7\n" + os.urandom(2048)),
    "empty-pdf": ("x.pdf", "application/pdf", lambda: b""),
    "png-named-docx": ("x.docx", DOCX, _png_bytes),
    "random-named-xlsx": ("x.xlsx", XLSX, lambda: os.urandom(4096)),
    "docx-of-150-mb": ("x.docx", DOCX, lambda: docx_unpacking_to(150)),
    "png-of-200-million-pixels": ("x.png", "image/png", lambda: png_of(20_000, 10_000)),
    "exe": ("run.exe", "application/octet-stream", lambda: b"MZ" + os.urandom(64)),
}


@pytest.fixture
def firm():
    user, enterprise = factories.make_enterprise_user()
    return user, enterprise


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_refused_on_the_page_with_400_naming_the_field_and_nothing_kept(
    client, firm, media, kind
):
    name, content_type, make = HOSTILE[kind]
    user, _enterprise = firm
    client.force_login(user)
    before = Appeal.objects.count()
    response = client.post(
        reverse("appeals:mine"),
        {"title": "电力增容", "content": "申请电力增容，已等待三个月",
         "attachments": [SimpleUploadedFile(name, make(), content_type=content_type)]},
    )
    assert response.status_code == 400, kind
    assert 'data-testid="error-attachments"' in response.text
    assert 'data-testid="files-again"' in response.text  # the form says to choose the files again
    assert "申请电力增容，已等待三个月" in response.text and "诉求已提交" not in response.text
    assert Appeal.objects.count() == before and not Attachment.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_refused_by_the_intake_service_naming_field_and_rule(kind):
    name, content_type, make = HOSTILE[kind]
    with pytest.raises(ServiceError) as raised:
        services.appeal_file(
            channel="enterprise_web", title="", content="附件", actor=factories.SYSTEM,
            contact_phone="13700137000",
            attachments=[SimpleUploadedFile(name, make(), content_type=content_type)],
        )
    error = raised.value
    assert (error.field, error.status) == ("attachments", 400)
    assert error.code in {"attachment_type", "attachment_size", "attachment_empty"}
    english = in_english(error.text)
    assert any(word in english for word in ("picture", "PDF", "JPEG", "pixels", "empty")), english
    assert error.text() != english  # Chinese by default


def test_too_many_files_and_a_file_over_5_mb_are_refused_on_the_field(client, firm):
    user, _enterprise = firm
    client.force_login(user)
    six = [factories.pdf_upload(f"{n}.pdf") for n in range(6)]
    response = client.post(reverse("appeals:mine"), {"content": "六个附件", "attachments": six})
    assert response.status_code == 400 and 'data-testid="error-attachments"' in response.text
    big = SimpleUploadedFile("大.txt", b"a" * (core_attachments.MAX_BYTES + 1), content_type="text/plain")
    response = client.post(reverse("appeals:mine"), {"content": "大附件", "attachments": [big]})
    assert response.status_code == 400 and 'data-testid="error-attachments"' in response.text
    assert not Appeal.objects.exists()


def test_pictures_lose_their_exif_pdfs_their_metadata_and_text_is_kept(client, firm):
    user, enterprise = firm
    client.force_login(user)
    photo = SimpleUploadedFile("现场.jpg", photo_with_place(), content_type="image/jpeg")
    assert b"SecretCam" in photo.read() and photo.seek(0) == 0
    # a browser that does not know the type: the extension names it (core.attachments.content_type_of)
    letter = SimpleUploadedFile("说明.pdf", factories.pdf_bytes(author="张某"),
                                content_type="application/octet-stream")
    note = SimpleUploadedFile("说明.txt", "企业说明".encode(), content_type="text/plain")
    response = client.post(reverse("appeals:mine"), {"title": "道路施工", "content": "道路施工影响门店经营",
                                                      "attachments": [photo, letter, note]})
    assert response.status_code == 302
    appeal = Appeal.objects.get(title="道路施工", enterprise=enterprise)
    rows = {row.original_name: row for row in appeal.attachments.all()}
    assert set(rows) == {"现场.jpg", "说明.pdf", "说明.txt"}
    picture = core_attachments.read(rows["现场.jpg"].file)
    assert b"SecretCam" not in picture
    with Image.open(io.BytesIO(picture)) as opened:
        assert opened.format == "JPEG" and opened.size == (32, 24) and not opened.getexif()
    assert rows["现场.jpg"].size == len(picture) and rows["现场.jpg"].content_type == "image/jpeg"
    pdf = core_attachments.read(rows["说明.pdf"].file)
    assert pdf.startswith(b"%PDF-") and b"/Author" not in pdf
    assert rows["说明.pdf"].content_type == "application/pdf"
    assert core_attachments.read(rows["说明.txt"].file) == "企业说明".encode()
    # stored under a generated name, never the uploader's
    assert all("现场" not in row.file and row.file.startswith("appeals/") for row in rows.values())
    assert AuditEvent.objects.filter(action="appeals.attachment.add").count() == 3


@pytest.fixture
def handled(make_user, firm):
    """An enterprise's appeal with a file, dispatched to a unit; the people around it."""
    user, enterprise = firm
    unit = factories.make_unit("区发改局")
    handler, _official = factories.make_handler(unit)
    other_handler, _other = factories.make_handler(factories.make_unit("区税务局"))
    supervisor = make_user(Role.DISTRICT_LEADER)
    stranger, _elsewhere = factories.make_enterprise_user()
    appeal = factories.file_appeal(
        enterprise=enterprise, actor=user, attachments=[factories.pdf_upload("合同.pdf")]
    )
    workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return {"user": user, "handler": handler, "other_handler": other_handler, "supervisor": supervisor,
            "stranger": stranger, "appeal": appeal, "file": appeal.attachments.get()}


def test_the_appeal_page_links_its_files_and_those_who_may_open_it_download_them(client, handled):
    row = handled["file"]
    url = reverse("appeals:attachment", args=[row.pk])
    for who in ("user", "handler", "supervisor"):
        client.force_login(handled[who])
        page = client.get(reverse("appeals:detail", args=[handled["appeal"].pk]))
        assert page.status_code == 200 and f'href="{url}"' in page.text, who
        response = client.get(url)
        assert response.status_code == 200, who
        assert response.content == core_attachments.read(row.file)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    reads = AuditEvent.objects.filter(action="appeals.attachment.read", object_id=str(row.pk))
    assert reads.count() == 3


@pytest.mark.parametrize("who", ["stranger", "other_handler"])
def test_another_enterprise_or_unit_gets_404_for_the_file_and_nothing_is_recorded(client, handled, who):
    client.force_login(handled[who])
    before = AuditEvent.objects.count()
    response = client.get(reverse("appeals:attachment", args=[handled["file"].pk]))
    assert response.status_code == 404 and handled["file"].original_name not in response.text
    assert AuditEvent.objects.count() == before
    assert client.get(reverse("appeals:attachment", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_a_file(client, handled):
    response = client.get(reverse("appeals:attachment", args=[handled["file"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_merged_repeats_files_are_filed_on_the_original_and_shown_there(client, firm):
    user, enterprise = firm
    client.force_login(user)
    content = "厂房消防验收迟迟没有结果，已经等待两个月，影响投产"
    first = client.post(reverse("appeals:mine"), {"title": "消防验收", "content": content,
                                                  "attachments": [factories.pdf_upload("申请书.pdf")]})
    assert first.status_code == 302
    original = Appeal.objects.get(enterprise=enterprise, merged_into__isnull=True)
    photo = SimpleUploadedFile("现场.jpg", photo_with_place(), content_type="image/jpeg")
    again = client.post(reverse("appeals:mine"), {"title": "消防验收", "content": content + "。",
                                                  "attachments": [factories.pdf_upload("补充.pdf"), photo]})
    assert again.status_code == 302 and again["Location"] == reverse("appeals:detail", args=[original.pk])
    repeat = Appeal.objects.get(merged_into=original)
    assert not repeat.attachments.exists()
    assert [row.original_name for row in original.attachments.all()] == ["申请书.pdf", "补充.pdf", "现场.jpg"]
    added = AuditEvent.objects.filter(action="appeals.attachment.add").order_by("seq").last()
    assert added.details == {"repeat": repeat.tracking_number}
    page = client.get(reverse("appeals:detail", args=[original.pk]))
    for row in original.attachments.all():
        assert f'href="{reverse("appeals:attachment", args=[row.pk])}"' in page.text
        assert client.get(reverse("appeals:attachment", args=[row.pk])).status_code == 200
    step = original.steps.filter(kind="duplicate_merged").get()
    assert repeat.tracking_number in step.text and "2 个附件已归入本诉求" in step.text


def test_files_left_on_a_repeat_merged_before_are_shown_and_served_on_the_original(client, firm):
    """Repeats merged before this change kept their files on the repeat's row: the original shows them."""
    user, enterprise = firm
    original = factories.file_appeal(enterprise=enterprise, actor=user)
    repeat = factories.file_appeal(enterprise=enterprise, actor=user, content=original.content)
    assert repeat.merged_into_id == original.pk
    _name, _type, data = core_attachments.clean_uploads([factories.pdf_upload("旧.pdf")])[0]
    path = core_attachments.store("appeals", "application/pdf", data)
    row = Attachment.objects.create(appeal=repeat, file=path, original_name="旧.pdf", size=len(data),
                                    content_type="application/pdf")
    client.force_login(user)
    url = reverse("appeals:attachment", args=[row.pk])
    assert f'href="{url}"' in client.get(reverse("appeals:detail", args=[original.pk])).text
    assert client.get(url).content == data


def test_a_rolled_back_filing_leaves_no_file_behind(firm, media, monkeypatch):
    user, enterprise = firm
    from qinqing.core import audit

    def failing(events, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "record_events", failing)
    with pytest.raises(RuntimeError):
        services.appeal_file(channel="enterprise_web", title="", content="回滚的诉求", actor=user,
                             enterprise=enterprise, attachments=[factories.pdf_upload()])
    assert not Appeal.objects.filter(content="回滚的诉求").exists() and _stored_files(media) == []


def test_files_cross_between_the_appeals_pool_and_supervision_both_ways(make_user, client):
    """Both sides take the same types now: a report's text and picture files arrive on the appeal (a .txt
    was refused by the appeals' extension list before), and an appeal's files pass supervision's cleaner."""
    from qinqing.directory.tests import factories as directory
    from qinqing.supervision import services as supervision
    from qinqing.supervision import transfer

    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    directory.make_official(unit=directory.make_unit(name="区纪委监委"), name="赵磊", user=inspector)
    report, _code = supervision.report_submit(
        text="园区道路积水，希望尽快修缮", category="other", real_name=True, reporter_name="王五",
        reporter_contact="13900001111", rate_limited=False,
        attachments=[("说明.txt", "text/plain", "积水照片说明".encode()),
                     ("积水.jpg", "image/jpeg", photo_with_place())],
    )
    supervision.assign(report=report, inspector=inspector, actor=inspector)
    appeal = transfer.transfer_to_appeals(report=report, actor=inspector)
    assert sorted(row.original_name for row in appeal.attachments.all()) == ["积水.jpg", "说明.txt"]
    supervisor = make_user(Role.DISTRICT_LEADER)
    client.force_login(supervisor)
    for row in appeal.attachments.all():
        assert client.get(reverse("appeals:attachment", args=[row.pk])).status_code == 200

    misfiled = factories.file_appeal(content="某科长索要好处费才肯办理竣工验收", contact_name="甲",
                                     attachments=[factories.pdf_upload("录音文字.pdf")])
    Appeal.objects.filter(pk=misfiled.pk).update(category="not_ours")
    moved = transfer.transfer_from_appeal(tracking_number=misfiled.tracking_number, category="extortion",
                                          actor=inspector)
    assert [row.name for row in moved.attachments.all()] == ["录音文字.pdf"]
