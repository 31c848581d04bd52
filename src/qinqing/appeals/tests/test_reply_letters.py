"""A letter writer's reply reaches them as a printed letter: numbered, the address kept
(encrypted) with the appeal, queued for the mail room, printed in a batch (PDF) and marked
posted; the timeline says which. A mailbox or hotline submitter with a phone gets it by SMS."""

import pytest
from django.db import connection
from django.urls import reverse

from qinqing.appeals.intake.channels import register_senders
from qinqing.appeals.models import Appeal, Channel, Notification, NotificationStatus, ReplyLetter, Track
from qinqing.appeals.workflow import notify
from qinqing.appeals.workflow import services as workflow_services
from qinqing.core.roles import Role
from qinqing.core.testing import pdf_pages

from . import factories

pytestmark = pytest.mark.django_db
ADDRESS = "浙江省杭州市西湖区文三路 100 号 某某科技有限公司"


@pytest.fixture
def replied(settings, workday_calendar, make_user):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": "console"}
    register_senders()
    unit = factories.make_unit("区市场监管局")
    handler, _official = factories.make_handler(unit)
    supervisor = make_user(Role.SUPERVISING_LEADER)

    def reply(appeal, text):
        workflow_services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
        workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
        workflow_services.appeal_reply(appeal=appeal, text=text, actor=handler)
        return Notification.objects.filter(appeal=appeal).order_by("-pk").first()

    return {"reply": reply, "supervisor": supervisor}


def test_the_operator_form_keeps_the_letter_writers_address_encrypted_with_the_appeal(
    client, make_user, workday_calendar
):
    operator = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(operator)
    response = client.post(reverse("appeals_channels:operator_record"), {
        "channel": "letter", "received_on": "2026-11-30", "contact_name": "王某", "contact_address": ADDRESS,
        "title": "来信反映厂房租金补贴", "content": "来信反映厂房租金补贴至今没有发放，请协调。"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.contact_address == ADDRESS
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_address FROM appeals_appeal WHERE id = %s", [appeal.pk])
        stored = cursor.fetchone()[0]
    assert "文三路" not in stored  # encrypted at rest
    client.logout()
    client.force_login(operator)  # a new session: the address can only come from the appeal
    page = client.get(reverse("appeals_channels:operator_acknowledgement", args=[appeal.tracking_number]))
    assert ADDRESS in page.content.decode()  # from the appeal, not the operator's session
    # the acknowledgement letter printed for the writer dates as an official letter does, without spaces
    assert "我们已于2026年11月30日收到您的诉求" in page.content.decode()


def test_a_letter_writers_reply_is_printed_in_a_batch_and_marked_posted(client, replied):
    appeal = factories.file_appeal(channel=Channel.LETTER, contact_name="王某", contact_address=ADDRESS)
    notification = replied["reply"](appeal, "租金补贴已于本月拨付到位。")
    notify.deliver_pending()
    notification.refresh_from_db()
    letter = ReplyLetter.objects.get()
    assert notification.status == NotificationStatus.MANUAL and letter.number in notification.last_error
    assert letter.address == ADDRESS and letter.status == "queued" and letter.number.startswith("HF")
    assert "租金补贴已于本月拨付到位" in letter.text
    notify.deliver_pending()
    assert ReplyLetter.objects.count() == 1  # one letter per reply
    assert appeal.steps.filter(kind="reply_letter_queued").exists()

    client.force_login(replied["supervisor"])
    page = client.get(reverse("appeals:mail_room"))
    assert letter.number in page.content.decode()
    printed = client.post(reverse("appeals:mail_room"), {"action": "print"})
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    letter.refresh_from_db()
    assert letter.status == "printed" and letter.batch and letter.printed_at
    posted = client.post(reverse("appeals:mail_room"), {"action": "posted", "batch": letter.batch})
    assert posted.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "posted" and letter.posted_at
    kinds = list(appeal.steps.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["reply_letter_queued", "reply_letter_printed", "reply_letter_posted"]
    # Nothing left to print: the page says so instead of an empty PDF.
    again = client.post(reverse("appeals:mail_room"), {"action": "print"})
    assert again.status_code == 400


def test_each_letter_of_a_batch_numbers_its_own_pages_and_names_itself_on_the_next_ones(
    client, replied, frozen_clock
):
    """A batch goes into envelopes letter by letter: a letter's pages are numbered from 1 (GB/T 9704's
    "— 1 —"), a page after its first carries the letter's number, and the date is written 2026年12月3日."""
    frozen_clock("2026-12-03 10:00")
    long_reply = "\n".join(
        f"{n}. 经核查，贵司提交的消防验收申请材料齐全，区住建局已完成第{n}轮现场踏勘。" for n in range(1, 60)
    )
    first = factories.file_appeal(channel=Channel.LETTER, contact_name="王某", contact_address=ADDRESS)
    second = factories.file_appeal(channel=Channel.LETTER, contact_name="李某", contact_address=ADDRESS)
    replied["reply"](first, long_reply)
    replied["reply"](second, "租金补贴已于本月拨付到位。")
    notify.deliver_pending()
    long_letter, short_letter = ReplyLetter.objects.order_by("pk")
    client.force_login(replied["supervisor"])
    pages = pdf_pages(client.post(reverse("appeals:mail_room"), {"action": "print"}).content)
    assert len(pages) >= 3
    *long_pages, short_page = pages
    assert long_pages[0].endswith("—1—") and long_letter.number in long_pages[0]
    for number, page in enumerate(long_pages[1:], start=2):
        assert long_letter.number in page and page.endswith(f"—{number}—")
    assert short_letter.number in short_page and short_page.endswith("—1—")  # counted again from 1
    assert long_letter.number not in short_page
    assert "2026年12月3日" in short_page


@pytest.mark.parametrize("channel", [Channel.WEB_PORTAL, Channel.HOTLINE])
def test_a_mailbox_or_hotline_submitter_with_a_phone_gets_the_reply_by_sms(replied, channel, capsys):
    appeal = factories.file_appeal(channel=channel, contact_phone="13700137000")
    notification = replied["reply"](appeal, "您反映的问题已处理。")
    notify.deliver_pending()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    out = capsys.readouterr().out
    assert "137****7000" in out and appeal.tracking_number in out
    assert appeal.steps.filter(kind="reply_sms").exists()


def test_a_batch_printed_by_a_handler_working_in_english_is_in_the_districts_language(replied, frozen_clock):
    """A letter is in the district's language whoever prints it (core.letters): the mail room's batch was
    rendered in the printing user's language (English title and date) before it went through it."""
    from django.utils import translation

    from qinqing.appeals.workflow.letters import render_batch_pdf

    frozen_clock("2026-12-03 10:00")
    appeal = factories.file_appeal(channel=Channel.LETTER, contact_name="王某", contact_address=ADDRESS)
    replied["reply"](appeal, "租金补贴已于本月拨付到位。")
    notify.deliver_pending()
    with translation.override("en"):
        (page,) = pdf_pages(render_batch_pdf(list(ReplyLetter.objects.all())))
    assert "关于您所反映诉求的答复" in page and "2026年12月3日" in page
    assert "Reply to your appeal" not in page
