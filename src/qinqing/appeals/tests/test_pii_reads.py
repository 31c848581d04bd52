"""Pages that show a sender's name and postal address in clear put the read on record (issue 19)."""

import pytest
from django.urls import reverse

from qinqing.appeals.models import Channel, ReplyLetter
from qinqing.appeals.workflow import notify
from qinqing.core import audit
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role

from . import factories
from .test_reply_letters import ADDRESS, replied  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_operator_acknowledgement_records_that_the_contact_was_read(client, make_user, workday_calendar):
    operator = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(operator)
    client.post(reverse("appeals_channels:operator_record"), {
        "channel": "letter", "received_on": "2026-11-30", "contact_name": "王某", "contact_address": ADDRESS,
        "title": "来信反映厂房租金补贴", "content": "来信反映厂房租金补贴至今没有发放，请协调。"})
    event = AuditEvent.objects.filter(action="appeals.appeal.contact_read").order_by("seq").last()
    assert event is None  # not yet shown
    number = AuditEvent.objects.filter(action="appeals.appeal.file").last().object_id
    from qinqing.appeals.models import Appeal

    appeal = Appeal.objects.get(pk=number)
    page = client.get(reverse("appeals_channels:operator_acknowledgement", args=[appeal.tracking_number]))
    assert ADDRESS in page.content.decode()
    event = AuditEvent.objects.get(action="appeals.appeal.contact_read")
    assert event.actor_user_id == operator.pk
    assert (event.object_type, event.object_id) == ("appeals.Appeal#read", str(appeal.pk))
    assert "文三路" not in str(event.details) and "王某" not in str(event.details)  # no values
    assert audit.verify_chain().ok


def test_the_mail_room_list_records_which_addresses_were_shown(client, replied):  # noqa: F811
    appeal = factories.file_appeal(channel=Channel.LETTER, contact_name="王某", contact_address=ADDRESS)
    replied["reply"](appeal, "租金补贴已于本月拨付到位。")
    notify.deliver_pending()
    letter = ReplyLetter.objects.get()
    client.force_login(replied["supervisor"])
    assert letter.number in client.get(reverse("appeals:mail_room")).content.decode()
    event = AuditEvent.objects.get(action="appeals.reply_letter.addresses_read")
    assert event.details == {"letters": [letter.number]}
    assert event.actor_user_id == replied["supervisor"].pk
    assert audit.verify_chain().ok
