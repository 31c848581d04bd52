"""The listing notice (article 21) goes out on the project's real channels, its state says what happened:
SMS through the outbox and the SMS sender (queued, sent, failed), a letter on the district's paper
when there is no mobile number (printed, then delivered when someone records it)."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from qinqing.appeals.models import Notification
from qinqing.appeals.tests.sms_backends import SENT
from qinqing.appeals.workflow import notify
from qinqing.core import district
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity import services
from qinqing.integrity.letters import render_notice_html
from qinqing.integrity.models import ListingNotice, NoticeChannel, NoticeState

from .factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit(make_user):
    return make_user(Role.CREDIT_ADMINISTRATOR)


def test_a_head_with_a_mobile_number_gets_an_sms_that_is_sent_only_when_the_provider_accepts_it(
    sms, credit, frozen_clock
):
    frozen_clock("2026-11-30 10:00")
    sms("RecordingSms")
    head = directory.make_person(name="钱老板", phone="13800138000")
    enterprise = directory.make_enterprise(name="钱氏建材有限公司", legal_representative=head)
    listing = make_listing(enterprise=enterprise, actor=credit)
    notice = listing.notices.get()
    assert notice.channel == NoticeChannel.SMS and notice.state == NoticeState.QUEUED  # written, not sent
    assert SENT == []
    assert notify.deliver_report().sent == 1
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT and notice.notification.sent_at is not None
    assert SENT[0][0] == "13800138000" and listing.number in SENT[0][1]
    assert notice.delivered_on is None  # accepted by the provider is not "delivered"
    assert AuditEvent.objects.filter(action="integrity.notice.write", object_id=str(notice.pk)).exists()


def test_a_refused_sms_is_retried_and_then_marked_failed_never_sent(sms, credit, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    sms("RefusingSms")
    person = directory.make_person(name="孙某", phone="13900139000")
    listing = make_listing(person=person, actor=credit)
    notice = listing.notices.get()
    notify.deliver_report()
    notice.refresh_from_db()
    assert notice.state == NoticeState.QUEUED and notice.notification.attempts == 1  # to retry
    Notification.objects.filter(pk=notice.notification_id).update(attempts=notify.MAX_ATTEMPTS - 1)
    frozen_clock("2026-11-30 12:00")
    notify.deliver_report()
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED and notice.notification.sent_at is None


def test_without_a_mobile_number_a_letter_on_the_districts_paper_is_printed_then_delivery_recorded(
    client, credit, frozen_clock
):
    frozen_clock("2026-11-30 10:00")
    district.district_update(actor=credit, district_name="青山区", seal_text="青山区社会信用体系建设领导小组",
                             issuing_office="青山区社会信用体系建设领导小组办公室")
    enterprise = directory.make_enterprise(name="无电话贸易有限公司")
    listing = make_listing(enterprise=enterprise, actor=credit)
    notice = listing.notices.get()
    assert notice.channel == NoticeChannel.LETTER and notice.state == NoticeState.TO_PRINT
    assert notice.notification is None
    html = render_notice_html(notice)
    assert "青山区社会信用体系建设领导小组办公室" in html and "青山区社会信用体系建设领导小组" in html
    assert listing.number in html and "某区" not in html

    client.force_login(credit)
    waiting = client.get(reverse("integrity:listings")).content.decode()
    assert 'data-testid="notices-waiting"' in waiting and listing.number in waiting
    page = client.get(reverse("integrity:listing_detail", args=[listing.pk])).content.decode()
    assert 'data-testid="notice-state-letter"' in page and f'data-testid="print-notice-{notice.pk}"' in page
    response = client.post(reverse("integrity:notice_letter", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler-utils is optional; the %PDF check always runs
        text = subprocess.run([pdftotext, "-", "-"], input=response.content, capture_output=True,
                              check=True).stdout.decode()
        assert "青山区社会信用体系建设领导小组办公室" in text and listing.number in text
    notice.refresh_from_db()
    assert notice.state == NoticeState.PRINTED
    assert AuditEvent.objects.filter(action="integrity.notice.print", object_id=str(notice.pk)).count() == 1
    client.post(reverse("integrity:notice_letter", args=[notice.pk]))  # a reprint is not a new event
    assert AuditEvent.objects.filter(action="integrity.notice.print", object_id=str(notice.pk)).count() == 1
    services.notice_delivered(notice=notice, delivered_on=datetime.date(2026, 11, 30),
                              note="邮寄送达，挂号信签收", actor=credit)
    notice.refresh_from_db()
    assert notice.state == NoticeState.DELIVERED


def test_an_enterprise_with_an_account_also_sees_the_notice_in_its_account(make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    enterprise = directory.make_enterprise()
    directory.make_membership(user=make_user(Role.ENTERPRISE_USER), enterprise=enterprise)
    listing = make_listing(enterprise=enterprise)
    channels = sorted(listing.notices.values_list("channel", flat=True))
    assert channels == [NoticeChannel.LETTER, NoticeChannel.SYSTEM]
    system = listing.notices.get(channel=NoticeChannel.SYSTEM)
    assert system.state == NoticeState.IN_ACCOUNT  # shown there; reading is not claimed


def test_only_the_credit_administrator_prints_and_letters_without_district_settings_show_the_gap(
    client, make_user, frozen_clock
):
    frozen_clock("2026-11-30 10:00")
    listing = make_listing(enterprise=directory.make_enterprise())
    notice = ListingNotice.objects.get(listing=listing)
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    page = client.get(reverse("integrity:listing_detail", args=[listing.pk])).content.decode()
    assert f'data-testid="print-notice-{notice.pk}"' not in page
    assert client.post(reverse("integrity:notice_letter", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.printed_at is None
    assert "[not set]" in render_notice_html(notice) or "未设置" in render_notice_html(notice)
