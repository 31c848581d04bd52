"""A separate application process for multi-process tests: ``python -m qinqing.appeals.tests.app_process``.

It sets Django up on the database named by DATABASE_URL (the environment the test gives it),
then answers requests read from standard input, one JSON object per line —
``{"method": "POST", "path": "/webhooks/wechat/?...", "body": "...", "content_type": "text/xml"}`` —
through the whole middleware stack (Django's test client drives the WSGI handler), and writes
one JSON line back: ``{"status": 200, "body": "...", "appeals": <rows in appeals_appeal>}``.
Its memory is its own, as a gunicorn worker's is: whatever the two processes share goes
through the database (or Redis) — the point of the tests that use it.
"""

import json
import os
import sys
import time

from qinqing.appeals.intake.channels.sms import SmsBackend, SmsSendResult


class RecordingSmsBackend(SmsBackend):
    """An SMS provider for the multi-process tests (``QINQING_SMS_BACKEND`` names this class):
    each accepted message is one line appended to the file ``QINQING_TEST_SMS_LOG`` names —
    the pid, the number, the text — so the test counts, after the processes end, what every
    process sent. ``QINQING_TEST_SMS_PAUSE`` (seconds) makes each send slow enough to overlap."""

    def send(self, *, phone: str, text: str) -> SmsSendResult:
        time.sleep(float(os.environ.get("QINQING_TEST_SMS_PAUSE") or 0))
        line = json.dumps({"pid": os.getpid(), "phone": phone, "text": text}, ensure_ascii=False) + "\n"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        descriptor = os.open(os.environ["QINQING_TEST_SMS_LOG"], flags, 0o600)
        try:
            os.write(descriptor, line.encode("utf-8"))  # one write of one line: O_APPEND keeps lines whole
        finally:
            os.close(descriptor)
        return SmsSendResult(accepted=True, provider_message_id=f"{os.getpid()}-{time.monotonic_ns()}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    os.environ.setdefault("QINQING_MODE", "test")
    import django

    django.setup()
    from django.test import Client

    from qinqing.appeals.models import Appeal

    client = Client()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        method = getattr(client, request.get("method", "GET").lower())
        kwargs = {}
        if "body" in request:
            kwargs = {
                "data": request["body"].encode(),
                "content_type": request.get("content_type", "application/octet-stream"),
            }
        response = method(request["path"], **kwargs, headers=request.get("headers") or {})
        print(json.dumps({"status": response.status_code, "body": response.content.decode("utf-8", "replace"),
                          "appeals": Appeal.objects.count(), "pid": os.getpid()}), flush=True)


if __name__ == "__main__":
    main()
