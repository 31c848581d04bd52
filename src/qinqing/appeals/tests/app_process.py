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
