"""Intake channels of the appeals app: how an appeal reaches the one pool.

Each channel only parses, verifies and acknowledges; every appeal is filed through
``qinqing.appeals.intake.services.appeal_file`` so tracking numbers, merging of duplicates and
the audit trail are the same whatever the channel (article 8: the district head's
mailbox, SMS, WeChat, phone hotline, letters, visits and roundtables).

- ``sms``: inbound gateway webhook signature, status-query parsing, outbound backends;
- ``wechat``: the official account's server callback (wechatpy);
- ``portal``: the public district head's mailbox forms (no account needed);
- ``operator``: the form staff use for calls, letters, visits and roundtables;
- ``intake``: what the webhooks and pages share (status texts, rate limits).
"""


class SmsDeliveryFailed(Exception):
    """The provider refused the message; the outbox retries it (the reason is on the row)."""


def sms_sender(notification) -> None:
    """Outbox sender for SMS: the recipient is the phone number that wrote (or gave its number).
    A notification about an appeal goes as the approved template of its kind (sms.templates); any other as
    the free-text template, its text checked against the provider's rules first (a text the provider would
    refuse is marked failed, never sent)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.translation import gettext

    from qinqing.appeals.workflow import notify
    from qinqing.core.identifiers import is_valid_mobile_phone

    from .sms import send_sms, send_sms_template
    from .sms.templates import (
        FREE_TEXT_TEMPLATE,
        REPLY_READY,
        TemplateValueRefused,
        check_values,
        kind_for,
        values_for,
    )

    if not is_valid_mobile_phone(notification.recipient):
        raise notify.NoChannel(gettext("no valid mobile number to send to"))
    kind = ""
    try:
        if notification.appeal_id:
            kind = kind_for(notification)
            result = send_sms_template(phone=notification.recipient, kind=kind,
                                       values=values_for(kind, notification.appeal))
        else:  # a notice's own sentence, through the one free-text template: checked as its variable
            check_values(FREE_TEXT_TEMPLATE, [notification.text])
            result = send_sms(phone=notification.recipient, text=notification.text)
    except ImproperlyConfigured as error:
        raise notify.NoChannel(str(error)) from error
    except TemplateValueRefused as error:
        raise notify.Undeliverable(str(error)) from error
    if not result.accepted:
        raise SmsDeliveryFailed(result.error)
    if notification.appeal_id and kind == REPLY_READY:
        from django.utils.translation import gettext

        from qinqing.appeals.workflow.letters import delivery_step
        from qinqing.core.identifiers import mask_phone

        delivery_step(
            notification.appeal,
            "reply_sms",
            gettext("The reply was sent by SMS to %(phone)s.")
            % {"phone": mask_phone(notification.recipient)},
        )


def register_senders() -> None:
    """Called from the appeals AppConfig.ready() (and the channel URLs): outbound SMS and WeChat delivery."""
    from qinqing.appeals.workflow import notify

    from .wechat.sender import wechat_sender

    notify.register_sender("sms", sms_sender)
    notify.register_sender("wechat", wechat_sender)
    # The public mailbox and the hotline have no channel of their own to answer on: the
    # submitter's mobile number (required in the mailbox, asked for on the phone) gets SMS.
    notify.register_sender("web_portal", sms_sender)
    notify.register_sender("hotline", sms_sender)
    # A letter writer gets a printed reply letter, queued for the mail room (workflow.letters).
    from qinqing.appeals.workflow.letters import letter_sender

    notify.register_sender("letter", letter_sender)
    # A WeChat message that cannot reach the user goes on by SMS when they gave a mobile number.
    notify.register_fallback("wechat", "sms")
