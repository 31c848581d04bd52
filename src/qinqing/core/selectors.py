"""Kernel reads, already narrowed to what the actor may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import ApiKey, AuditEvent
from .roles import is_administrator


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not (user.is_superuser or user.has_perm("core.view_auditevent")):
        raise PermissionDenied
    return AuditEvent.objects.select_related("actor_user").order_by("-seq")


def api_keys_visible_to(user) -> QuerySet[ApiKey]:
    if not is_administrator(user):
        raise PermissionDenied
    return ApiKey.objects.order_by("name")
