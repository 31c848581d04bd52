"""SMS body templates, one per notification kind, with typed, length-limited variables.

Mainland SMS goes only through templates the provider approved (Tencent Cloud SMS: 正文模板,
type 通知短信). Its published rules for the variables, which the approval checks and which
we check before every send (``check_values``) and in the test of every template:

- a variable never carries a link (short links included): a link may only be fixed text;
- a template is never only variables: fixed text says what the message is about;
- a variable's value is at most 12 characters for the strictest accounts (汉字、字母、数字、
  标点 and spaces each count one; a certified organisation's account has no per-variable cap,
  we keep to 12 for text anyway so a template passes for any account); a number variable
  (其他号码: tracking numbers) letters, digits and ``-`` only, at most 32; a date variable a
  date as written in Chinese text (``2026-11-30``);
- no line breaks and no 【】 (the brackets mark the signature) inside a variable; no phone
  number in a text variable (phone numbers are their own variable type);
- the whole message, signature and variables included, at most 500 characters.

The administrator writes each template at Tencent Cloud exactly as ``content`` below (``{1}``,
``{2}``… in order), waits for approval, and enters the approved template id in
``APPEAL_CHANNELS["TENCENTCLOUD_SMS_TEMPLATES"]`` (environment
``QINQING_TENCENTCLOUD_SMS_TEMPLATE_<KIND>``), see docs/OPERATIONS.md.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

NUMBER, DATE, TEXT, FREE = "number", "date", "text", "free"
MESSAGE_MAX_LENGTH = 500
# FREE: a whole notice in one variable — only an organisation-certified account (企业认证) may have it, whose
# variables have no length cap of their own; the message stays within MESSAGE_MAX_LENGTH.
MAX_LENGTH = {NUMBER: 32, DATE: 10, TEXT: 12, FREE: MESSAGE_MAX_LENGTH}
LINK = re.compile(r"(https?://|www\.|\.(?:cn|com|net|org|gov)\b)", re.IGNORECASE)
PHONE_IN_TEXT = re.compile(r"\d{7,}")
# In a whole sentence (FREE) a run of digits is often an amount (罚款5000000元); what may not be there is a
# contact: a mobile number, or a landline with its area code.
PHONE_IN_SENTENCE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")
NUMBER_VALUE = re.compile(r"^[A-Za-z0-9\-]+$")
DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ACKNOWLEDGEMENT, REPLY_READY, URGE, STATUS_ANSWER = "acknowledgement", "reply_ready", "urge", "status_answer"
FREE_TEXT = "free_text"


class TemplateValueRefused(ValueError):
    """A value does not fit its variable's rules (the provider would refuse the message)."""


@dataclass(frozen=True)
class Variable:
    name: str
    type: str


@dataclass(frozen=True)
class SmsTemplate:
    kind: str
    content: str  # as entered at the provider: Chinese fixed text with {1}, {2}...
    variables: tuple[Variable, ...]

    def render(self, values: list[str]) -> str:
        text = self.content
        for index, value in enumerate(values, start=1):
            text = text.replace(f"{{{index}}}", value)
        return text


TEMPLATES: dict[str, SmsTemplate] = {
    # {3}: the filing's receipt code (issue 19, core.transparency.receipts) — a code, never a link
    # (links are refused in variables); the page that checks it is named in the fixed text.
    ACKNOWLEDGEMENT: SmsTemplate(
        ACKNOWLEDGEMENT, "您的诉求已受理，编号{1}，告知办理意见的期限：{2}。回复“查询”加编号可查看进度。"
                         "收录回执码{3}，可在本区政务平台“审计日志公开—核验回执”页核验。",
        (Variable("tracking_number", NUMBER), Variable("due", TEXT), Variable("receipt", NUMBER))),
    REPLY_READY: SmsTemplate(
        REPLY_READY, "您的诉求{1}已有答复，请回复“查询”加编号查看，或登录区长信箱查询。如不满意可提出异议。",
        (Variable("tracking_number", NUMBER),)),
    URGE: SmsTemplate(
        URGE, "您的诉求{1}有新进展：{2}。我们将督促承办单位按期办结，回复“查询”加编号可查看详情。",
        (Variable("tracking_number", NUMBER), Variable("status", TEXT))),
    STATUS_ANSWER: SmsTemplate(
        STATUS_ANSWER, "您查询的诉求{1}当前状态：{2}，办理期限{3}。",
        (Variable("tracking_number", NUMBER), Variable("status", TEXT), Variable("due", TEXT))),
}

# The notices that are not about an appeal (to staff: deadlines, flags, reminders; to a real-name reporter;
# to a listed party) are worded by their app, each a whole sentence: they go through one template whose
# fixed text says what they are — a template is never only a variable (不支持全变量模板) —, registered as
# ``APPEAL_CHANNELS["TENCENTCLOUD_SMS_TEMPLATE_ID"]``. The text is checked like any variable's value: no
# 【】 (the provider refuses them: they mark the signature), no line break, no link, no phone number.
FREE_TEXT_TEMPLATE = SmsTemplate(FREE_TEXT, "您有一条亲清平台工作通知：{1}", (Variable("text", FREE),))


def check_value(variable: Variable, value: str) -> None:
    limit = MAX_LENGTH[variable.type]
    if not value:
        raise TemplateValueRefused(f"{variable.name}: empty")
    if len(value) > limit:
        raise TemplateValueRefused(f"{variable.name}: {len(value)} characters, at most {limit}")
    if "\n" in value or "\r" in value or "【" in value or "】" in value:
        raise TemplateValueRefused(f"{variable.name}: line break or signature bracket")
    if LINK.search(value):
        raise TemplateValueRefused(f"{variable.name}: a link in a variable")
    if variable.type == NUMBER and not NUMBER_VALUE.match(value):
        raise TemplateValueRefused(f"{variable.name}: letters, digits and - only")
    if variable.type == DATE and not DATE_VALUE.match(value):
        raise TemplateValueRefused(f"{variable.name}: not a date")
    if (variable.type == TEXT and PHONE_IN_TEXT.search(value)) or (
        variable.type == FREE and PHONE_IN_SENTENCE.search(value)
    ):
        raise TemplateValueRefused(f"{variable.name}: a phone number in a text variable")


def check_values(template: SmsTemplate, values: list[str], *, sign_name: str = "") -> None:
    if len(values) != len(template.variables):
        raise TemplateValueRefused(
            f"{template.kind}: {len(values)} values for {len(template.variables)} variables"
        )
    for variable, value in zip(template.variables, values, strict=True):
        check_value(variable, value)
    if len(sign_name) + 2 + len(template.render(values)) > MESSAGE_MAX_LENGTH:
        raise TemplateValueRefused(f"{template.kind}: longer than {MESSAGE_MAX_LENGTH} characters")


def fit_text(value: str, limit: int = MAX_LENGTH[TEXT]) -> str:
    value = " ".join(str(value or "").split()).replace("【", "").replace("】", "")
    return value if len(value) <= limit else value[:limit]


def date_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def status_values(appeal) -> tuple[str, str]:
    from qinqing.appeals.models import Status

    due = date_value(appeal.due_at) if appeal.due_at else ""
    return fit_text(str(Status(appeal.status).label)), due


def kind_for(notification) -> str:
    """Which template carries this outbox row: the appeal's first message is its acknowledgement;
    a message written after the reply tells that the reply is ready; anything else is a progress
    notice (the urge template)."""
    from qinqing.appeals.models import Notification

    appeal = notification.appeal
    if not Notification.objects.filter(appeal_id=appeal.pk, pk__lt=notification.pk).exists():
        return ACKNOWLEDGEMENT
    if appeal.replied_at is not None and appeal.replied_at <= notification.created_at:
        return REPLY_READY
    return URGE


def values_for(kind: str, appeal) -> list[str]:
    """The template's values for this appeal (merged repeats speak of their original)."""
    shown = appeal.merged_into if appeal.merged_into_id else appeal
    number = shown.tracking_number
    status, due = status_values(shown)
    if kind == ACKNOWLEDGEMENT:
        from qinqing.core.transparency import receipts

        receipt = receipts.for_appeal(appeal)  # this filing's own event, a merged repeat's too
        if receipt is None:
            raise TemplateValueRefused("receipt: the filing has no audit event")
        return [number, due or "另行告知", receipt.code]
    if kind == REPLY_READY:
        return [number]
    if kind == URGE:
        return [number, status]
    return [number, status, due if shown.is_open and due else "无"]
