"""Django admin: read-only. Every integrity row is written by a service with its audit event (the
check log and evaluations are derived and append-only); an admin edit would bypass both."""

from django.contrib import admin

from .models import Application, BriberyQuery, EligibilityCheck, IntegrityRecord, Listing, Restriction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RestrictionInline(admin.TabularInline):
    model = Restriction
    extra = 0
    can_delete = False
    fields = ("activity", "start", "end", "lifted_on", "lifted_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    # The resident ID is shown masked only (``code``), never decrypted in full here.
    list_display = ("number", "name", "code", "kind", "decided_on", "status", "publication")
    list_filter = ("kind", "status", "publication", "source")
    search_fields = ("number", "name", "uscc")
    fields = (
        "number",
        "name",
        "code",
        "kind",
        "grounds",
        "evidence",
        "article",
        "decided_on",
        "decider_name",
        "objection_until",
        "repair_from",
        "publication",
        "status",
        "source",
    )
    readonly_fields = fields
    inlines = [RestrictionInline]


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "polarity", "title", "occurred_on", "expires_on", "withdrawn_on")
    list_filter = ("kind", "polarity", "external_list")
    search_fields = ("name", "uscc", "title")
    fields = (
        "name",
        "code",
        "kind",
        "polarity",
        "external_list",
        "title",
        "source",
        "evidence",
        "occurred_on",
        "expires_on",
        "withdrawn_on",
        "withdrawn_reason",
    )
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("listing", "kind", "filed_on", "status", "decided_on")
    list_filter = ("kind", "status")


@admin.register(BriberyQuery)
class BriberyQueryAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "requested_on", "due_on", "status", "result", "number")
    list_filter = ("status", "result")


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ("check_id", "checked_at", "caller", "query_kind", "query", "activity", "eligible")
    list_filter = ("query_kind", "eligible")
    search_fields = ("check_id", "query")
