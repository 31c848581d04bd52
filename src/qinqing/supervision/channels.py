"""SMS and WeChat messages that start with the keyword 举报 are reports (article 17): the appeals
webhooks hand them here instead of filing an appeal, so they never enter the appeals pool.

The sender's number or WeChat id is the only way back to them: it is kept sealed as the contact
(the report is not real-name, having no name). The reply carries the receipt code once; it is sent
directly (SMS) or as the passive reply (WeChat), never written to the outbox.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from qinqing.core.errors import ServiceError

from . import services
from .models import Category, Channel

KEYWORDS = ("举报", "举報")


def report_text(text: str) -> str | None:
    """The report in a message starting with the keyword (None when it is not a report)."""
    text = (text or "").strip()
    for keyword in KEYWORDS:
        if text.startswith(keyword):
            return text[len(keyword):].lstrip(" ：:，,\u3000\n")
    return None


def file_from_channel(*, channel: str, text: str, contact: str) -> str | None:
    """File the report and answer the reply text; None when the message is not a report."""
    body = report_text(text)
    if body is None:
        return None
    if channel not in (Channel.SMS, Channel.WECHAT):
        raise ValueError(channel)
    if not body:
        return _("To report, send 举报 followed by what happened, who was involved, when and where.")
    try:
        report, code = services.report_submit(
            text=body,
            category=Category.OTHER,
            real_name=False,
            reporter_contact=contact,
            channel=channel,
            client=f"{channel}:{contact}",
        )
    except ServiceError as error:
        return error.text()
    return _(
        "Your report %(number)s was received by the discipline office. Receipt code %(code)s "
        "(shown only now; keep it): "
        "with it you read the replies on the report page."
    ) % {"number": report.number, "code": code}


def file_from_mailbox(*, title: str, content: str, contact_name: str, contact_phone: str, client: str):
    """A message the district head's mailbox received under "Report (not handled here)": a sealed
    report (real-name when the writer gave a name and a phone number), never an appeal."""
    real_name = bool(contact_name and contact_phone)
    text = f"{title}\n\n{content}" if title else content
    return services.report_submit(
        text=text,
        category=Category.OTHER,
        real_name=real_name,
        reporter_name=contact_name if real_name else "",
        reporter_contact=contact_phone,
        channel=Channel.WEB,
        client=client,
    )
