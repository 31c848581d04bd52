"""Intake shared by every channel: tracking number, acknowledgement, duplicates merged (articles 6, 8)."""

import datetime

import pytest
from django.utils import timezone

from qinqing.core import audit
from qinqing.core.errors import NotFound, ServiceError

from ..intake import services
from ..models import Appeal, Channel, Notification, Status
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_filing_assigns_a_daily_tracking_number_and_an_acknowledgement_deadline(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.appeal_file(
            channel=Channel.SMS,
            title="",
            content="厂房消防验收迟迟没有结果",
            actor=None,
            contact_phone="138 0013 8000",
            received_at=_at(D(2025, 9, 30)),
        )
    second = services.appeal_file(
        channel=Channel.HOTLINE,
        title="用地",
        content="另一件事：用地指标",
        actor=None,
        contact_phone="13900139000",
        received_at=_at(D(2025, 9, 30)),
    )
    assert first.appeal.tracking_number == "SQ20250930000001"
    assert second.appeal.tracking_number == "SQ20250930000002"
    assert first.appeal.due_at == D(2025, 10, 9), "one working day after 09-30 skips the National Day week"
    assert first.appeal.channel == Channel.SMS and first.appeal.status == Status.RECEIVED
    note = Notification.objects.get(appeal=first.appeal)
    assert note.channel == Channel.SMS and note.recipient == "13800138000"
    assert "SQ20250930000001" in note.text and note.status == "sent"
    assert audit.verify_chain().ok


def test_near_identical_repeat_from_the_same_phone_is_merged_and_nothing_is_lost():
    first = factories.file_appeal(
        content="我公司的厂房消防验收已经等了两个月，请尽快安排。", contact_phone="13800138000"
    )
    repeat = services.appeal_file(
        channel=Channel.SMS,
        title="办理许可证",
        content="我公司的厂房消防验收已经等了两个月,请尽快安排!",
        actor=None,
        contact_phone="13800138000",
    )
    assert repeat.merged
    assert repeat.tracking_number == first.tracking_number
    assert repeat.appeal.merged_into == first and repeat.appeal.status == Status.MERGED
    assert Appeal.objects.count() == 2
    assert first.steps.filter(kind="duplicate_merged").exists()


def test_same_enterprise_similar_text_is_merged_but_not_after_the_window():
    enterprise = factories.make_enterprise()
    text = "申请退还多缴的城镇土地使用税，已提交材料一个月未答复"
    first = factories.file_appeal(
        enterprise=enterprise, content=text, contact_phone="", received_at=D(2025, 9, 1)
    )
    again = services.appeal_file(
        channel=Channel.ENTERPRISE_WEB,
        title="办理许可证",
        content=text + "。",
        actor=None,
        enterprise=enterprise,
        received_at=_at(D(2025, 9, 2)),
    )
    later = services.appeal_file(channel=Channel.ENTERPRISE_WEB, title="办理许可证", content=text, actor=None,
                                 enterprise=enterprise, received_at=_at(D(2025, 9, 10)))
    assert again.merged and again.appeal.merged_into == first
    assert not later.merged


def test_different_text_from_the_same_phone_is_not_merged():
    factories.file_appeal(content="企业开办手续太繁琐")
    other = services.appeal_file(
        channel=Channel.SMS,
        title="",
        content="希望增加公交线路到产业园",
        actor=None,
        contact_phone="13800138000",
    )
    assert not other.merged


def test_status_query_needs_the_matching_phone_or_wechat_id():
    appeal = factories.file_appeal(contact_phone="13800138000")
    assert (
        services.appeal_status_for(tracking_number=appeal.tracking_number, contact_phone="+86 138-0013-8000")
        == appeal
    )
    with pytest.raises(NotFound):
        services.appeal_status_for(tracking_number=appeal.tracking_number, contact_phone="13900139000")
    with pytest.raises(NotFound):
        services.appeal_status_for(tracking_number="SQ19990101000001", contact_phone="13800138000")
    wechat = services.appeal_file(
        channel=Channel.WECHAT, title="", content="咨询稳岗补贴", actor=None, external_user_id="openid-1"
    ).appeal
    assert (
        services.appeal_status_for(tracking_number=wechat.tracking_number, external_user_id="openid-1")
        == wechat
    )


def test_empty_content_and_bad_phone_name_the_field():
    with pytest.raises(ServiceError) as error:
        services.appeal_file(channel=Channel.SMS, title="", content=" ", actor=None)
    assert error.value.field == "content"
    with pytest.raises(ServiceError) as error:
        services.appeal_file(channel=Channel.SMS, title="", content="x", actor=None, contact_phone="12345")
    assert error.value.field == "contact_phone"


def test_the_same_words_from_one_phone_for_two_enterprises_are_two_appeals():
    """An agent who speaks for two enterprises: the second's appeal is its own, not merged into the first's
    (merged, its text and files went to the other enterprise's file)."""
    text = "我公司的厂房消防验收已经等了两个月，请尽快安排。"
    first_firm, second_firm = factories.make_enterprise(), factories.make_enterprise()
    first = factories.file_appeal(enterprise=first_firm, content=text, contact_phone="13800138000")
    second = services.appeal_file(channel=Channel.ENTERPRISE_WEB, title="办理许可证", content=text,
                                  actor=None, enterprise=second_firm, contact_phone="13800138000")
    assert not second.merged and second.appeal.enterprise == second_firm
    again = services.appeal_file(channel=Channel.ENTERPRISE_WEB, title="办理许可证", content=text,
                                 actor=None, enterprise=first_firm, contact_phone="13800138000")
    assert again.merged and again.appeal.merged_into == first  # the first enterprise's repeat still is one
