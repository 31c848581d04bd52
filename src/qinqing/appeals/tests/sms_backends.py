"""SMS providers for tests of notices that go out on the appeals outbox (the root conftest's ``sms``
fixture picks one): ``sms("RecordingSms")``: every message is accepted and kept in ``SENT`` (phone,
text); ``sms("RefusingSms")``: the provider refuses every message. The outbox sends only when the test
delivers the pending rows (``APPEALS_DELIVER_ON_COMMIT`` off).
"""

from qinqing.appeals.intake.channels.sms import SmsBackend, SmsSendResult

SENT: list[tuple[str, str]] = []


class RecordingSms(SmsBackend):
    def send(self, *, phone, text):
        SENT.append((phone, text))
        return SmsSendResult(accepted=True, provider_message_id="m1")


class RefusingSms(SmsBackend):
    def send(self, *, phone, text):
        return SmsSendResult(accepted=False, error="quota")


def chooser(settings):
    """What the ``sms`` fixture returns: ``use(backend)`` makes ``backend`` (a class of this module) the
    SMS provider for the test; ``SENT`` starts empty."""
    SENT.clear()
    settings.APPEALS_DELIVER_ON_COMMIT = False

    def use(backend: str) -> None:
        settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "SMS_BACKEND": f"{__name__}.{backend}"}

    return use
