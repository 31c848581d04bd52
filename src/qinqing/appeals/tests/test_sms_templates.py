"""Every SMS template and the values we put in it keep to Tencent Cloud SMS's variable rules
(sms_templates: links never in a variable, text at most 12 characters, numbers letters/digits/-
only at most 32, no line breaks nor 【】, the whole message within 500 characters)."""

import re

import pytest

from qinqing.appeals.intake.channels.sms import templates as sms_templates
from qinqing.appeals.intake.channels.sms.templates import (
    FREE,
    FREE_TEXT_TEMPLATE,
    MAX_LENGTH,
    TEMPLATES,
    TemplateValueRefused,
    Variable,
    check_value,
    check_values,
    values_for,
)
from qinqing.appeals.models import Channel, Status

from . import factories


@pytest.mark.parametrize("kind", [*sorted(TEMPLATES), FREE_TEXT_TEMPLATE.kind])
def test_every_template_has_fixed_text_numbered_variables_and_fits_the_provider(kind):
    template = TEMPLATES.get(kind, FREE_TEXT_TEMPLATE)
    placeholders = re.findall(r"\{(\d+)\}", template.content)
    # {1}..{n} in order, each once, one per declared variable, never continuous variables.
    assert placeholders == [str(i) for i in range(1, len(template.variables) + 1)]
    assert "}{" not in template.content
    fixed = re.sub(r"\{\d+\}", "", template.content)
    assert len(fixed) >= 10  # never a template of variables only
    assert "【" not in template.content and "】" not in template.content  # the signature's brackets
    assert not sms_templates.LINK.search(template.content)
    assert all(variable.type in MAX_LENGTH for variable in template.variables)
    if any(variable.type == FREE for variable in template.variables):
        return  # a free text's length is the message's own limit, checked with the signature at every send
    # The longest values allowed still make a message within 500 characters with a long signature.
    longest = ["9" * MAX_LENGTH[variable.type] for variable in template.variables]
    assert (
        len("【某某市某某区人民政府办公室】") + len(template.render(longest))
        <= sms_templates.MESSAGE_MAX_LENGTH
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@pytest.mark.parametrize("status", [Status.RECEIVED, Status.IN_PROGRESS, Status.REPLIED, Status.CLOSED])
def test_the_values_we_send_for_every_status_keep_to_the_rules(kind, status, workday_calendar):
    appeal = factories.file_appeal(channel=Channel.SMS, contact_phone="13800138000")
    type(appeal).objects.filter(pk=appeal.pk).update(status=status)
    appeal.refresh_from_db()
    values = values_for(kind, appeal)
    check_values(TEMPLATES[kind], values, sign_name="某某区人民政府")
    assert values[0] == appeal.tracking_number


@pytest.mark.parametrize(("variable", "value"), [
    (Variable("status", "text"), "请访问 https://example.gov.cn/a 查看"),
    (Variable("status", "text"), "www.example.cn"),
    (Variable("status", "text"), "答复内容超过了十二个字符的长度限制"),
    (Variable("status", "text"), "致电13800138000"),
    (Variable("status", "text"), "第一行\n第二行"),
    (Variable("status", "text"), "【假签名】"),
    (Variable("status", "text"), ""),
    (Variable("number", "number"), "SQ 2026"),
    (Variable("number", "number"), "X" * 33),
    (Variable("due", "date"), "下周五"),
])
def test_values_outside_the_rules_are_refused_before_sending(variable, value):
    with pytest.raises(TemplateValueRefused):
        check_value(variable, value)


def test_a_wrong_number_of_values_is_refused():
    with pytest.raises(TemplateValueRefused):
        check_values(TEMPLATES["status_answer"], ["SQ20261130000001"])


def test_every_notice_sms_is_worded_as_the_provider_takes_it():
    """The notices not about an appeal (to staff, to a listed party) go whole as the free-text template's
    value: their Chinese wording carries no 【】 (the provider refuses them: they mark the signature,
    which the provider adds), however the district's office is named."""
    import gettext

    from django.conf import settings

    with open(settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    notices = {msgid: text for msgid, text in catalogue.items() if str(msgid).startswith("[%(office)s]")}
    assert len(notices) >= 6  # legal, tolerance, liaison, supervision, policy, integrity
    for msgid, text in notices.items():
        assert text and "【" not in text and "】" not in text, msgid
    with pytest.raises(TemplateValueRefused):
        check_values(FREE_TEXT_TEMPLATE, ["【示范区纪委监委】政策提醒：配套措施已超期。"])
    check_values(FREE_TEXT_TEMPLATE, ["示范区纪委监委政策提醒：配套措施已超期。"], sign_name="亲清平台")
    # an amount is not a phone number; a mobile number or a landline is
    check_values(FREE_TEXT_TEMPLATE, ["法治环境提醒：裁判义务逾期未履行。退还罚款5000000元（2026-10-01）。"])
    for contact in ("请致电13800138000。", "请致电0571-87654321。"):
        with pytest.raises(TemplateValueRefused):
            check_values(FREE_TEXT_TEMPLATE, [contact])
    with pytest.raises(TemplateValueRefused):  # the whole message, signature included, within 500
        check_values(FREE_TEXT_TEMPLATE, ["提醒" * 245], sign_name="亲清平台")


@pytest.mark.django_db
def test_a_notice_the_provider_would_refuse_is_marked_failed_not_sent(sms):
    from qinqing.appeals.models import NotificationStatus
    from qinqing.appeals.tests.sms_backends import SENT
    from qinqing.appeals.workflow import notify

    sms("RecordingSms")
    row = notify.queue_sms("13800138000", "【某办】请登录平台查看。")
    notify.deliver_report()
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED and "bracket" in row.last_error and SENT == []
