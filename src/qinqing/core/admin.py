"""Read-only admin views. Writes go through services (and the audit chain), never the admin."""

from django.contrib import admin

from .models import ApiKey, AuditEvent, DeadlineBasis, LetterIssuer, TimeLimit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "request_id"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]


@admin.register(DeadlineBasis)
class DeadlineBasisAdmin(ReadOnlyAdmin):
    """Provisional deadlines kept for their recount when a year's schedule loads (core.calendar.deadlines)."""

    list_display = ["record_type", "record_id", "field", "start", "days", "due"]
    list_filter = ["record_type", "field"]
    search_fields = ["record_id"]


@admin.register(LetterIssuer)
class LetterIssuerAdmin(ReadOnlyAdmin):
    """Who issued each letter, as of its decision (core.letters.keep_issuer)."""

    list_display = ["record_type", "record_id", "kind", "office", "seal", "signatory", "decided_at"]
    list_filter = ["kind"]
    search_fields = ["record_id", "office"]


@admin.register(TimeLimit)
class TimeLimitAdmin(ReadOnlyAdmin):
    """The time limits an administrator changed (set on the page core:time_limits, core.time_limits)."""

    list_display = ["key", "value", "updated_at"]
