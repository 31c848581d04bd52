"""The background jobs for administrators and monitoring: ``/admin-tools/jobs/`` (page) and
``/healthz/jobs`` (JSON: an API key with the ``jobs:read`` scope, or an administrator's session)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import clock, jobs
from ..access import may_open
from ..services import apikey_authenticate

HEALTH_SCOPE = "jobs:read"


def _outbox() -> dict | None:
    """The appeals outbox by status (the appeals app is optional for the kernel)."""
    try:
        from qinqing.appeals.workflow import notify
    except ImportError:
        return None
    return {"by_status": notify.outbox_counts(), "not_sent_by_channel": notify.manual_counts_by_channel()}


def health_document() -> tuple[dict, bool]:
    items = jobs.health()
    healthy = all(item.healthy for item in items)
    document = {
        "status": "ok" if healthy else "failing",
        "checked_at": clock.now().isoformat(),
        "jobs": [item.as_dict() for item in items],
        "clusters": jobs.cluster_status(),
        "queued_tasks": jobs.queue_size(),
    }
    outbox = _outbox()
    if outbox is not None:
        document["notifications"] = outbox
    return document, healthy


@login_not_required  # guards itself: monitoring systems call it with an API key, not a session
@never_cache
@require_GET
def jobs_health(request):
    """200 when every job is healthy, 503 when one is not (so a monitor can alert on the status)."""
    raw_key = request.headers.get("X-API-Key")
    if raw_key:
        key = apikey_authenticate(raw_key)
        if key is None:
            return JsonResponse({"code": "unauthenticated", "message": _("Unknown or revoked API key."),
                                 "field": "X-API-Key"}, status=401)
        if HEALTH_SCOPE not in (key.scopes or []):
            return JsonResponse(
                {
                    "code": "permission_denied",
                    "message": _("This API key lacks the scope %(scope)s.") % {"scope": HEALTH_SCOPE},
                    "field": "X-API-Key",
                },
                status=403,
            )
    elif not request.user.is_authenticated:
        return JsonResponse(
            {
                "code": "unauthenticated",
                "message": _("Authentication required: send a valid X-API-Key header or log in."),
                "field": "X-API-Key",
            },
            status=401,
        )
    elif not may_open(request.user, "core:jobs"):  # the jobs page's declaration (core.access)
        return JsonResponse(
            {
                "code": "permission_denied",
                "message": _("You do not have permission to do this."),
                "field": None,
            },
            status=403,
        )
    document, healthy = health_document()
    return JsonResponse(document, status=200 if healthy else 503)


@require_GET
def jobs_page(request):
    items = jobs.health()
    context = {
        "items": items,
        "healthy": all(item.healthy for item in items),
        "clusters": jobs.cluster_status(),
        "queued_tasks": jobs.queue_size(),
        "recent_tasks": _recent_tasks(),
    }
    try:
        from qinqing.appeals.models import NotificationStatus
        from qinqing.appeals.workflow import notify
    except ImportError:
        notify = None
    if notify is not None:
        counts = notify.outbox_counts()
        context["outbox"] = [
            (NotificationStatus(status).label, status, count) for status, count in counts.items()
        ]
        context["manual_by_channel"] = notify.manual_counts_by_channel()
        context["to_pass_on"] = [
            (item, notify.masked_recipient(item)) for item in notify.to_pass_on_by_hand(limit=30)
        ]
    return render(request, "core/jobs.html", context)


def _recent_tasks(limit: int = 20):
    """The task queue's own record of the latest runs (django-q2 keeps successes and failures)."""
    from django_q.models import Task

    return list(Task.objects.filter(func=jobs.RUN_FUNC).order_by("-stopped")[:limit])
