"""Django admin: read-only. Every directory row is audited, so writes go through the services
(the directory pages and the importer); an admin edit would leave a row without its event."""

from django.contrib import admin

from .models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseMembership,
    Official,
    OfficialPosition,
    Person,
    RelatedPerson,
    Unit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "organ_type", "parent", "is_active")
    list_filter = ("kind", "organ_type", "is_active")
    search_fields = ("code", "name")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    # Only masked values: the encrypted fields are never shown in full here, nor the date of
    # birth, which would undo the ID's mask (it is digits 7-14 of the number; issue 18).
    list_display = ("name", "masked_resident_id", "gender")
    fields = ("name", "masked_resident_id", "gender")
    readonly_fields = ("masked_resident_id",)
    search_fields = ("name",)


@admin.register(Official)
class OfficialAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "position", "rank", "is_leading_cadre", "is_active")
    list_filter = ("rank", "is_leading_cadre", "is_active")
    search_fields = ("person__name", "position", "unit__name")
    list_select_related = ("person", "unit")


@admin.register(OfficialPosition)
class OfficialPositionAdmin(ReadOnlyAdmin):
    list_display = ("official", "unit", "position", "rank", "start_date", "end_date")
    list_select_related = ("official__person", "unit")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "ownership_type", "is_key_enterprise", "industry", "is_active")
    list_filter = ("ownership_type", "is_key_enterprise", "is_active")
    search_fields = ("name", "uscc")


@admin.register(EnterpriseLink)
class EnterpriseLinkAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "person", "kind", "role", "share_percent", "start_date", "end_date")
    list_filter = ("kind",)
    list_select_related = ("enterprise", "person")


@admin.register(RelatedPerson)
class RelatedPersonAdmin(ReadOnlyAdmin):
    list_display = ("official", "person", "relationship", "declared_on", "end_date")
    list_filter = ("relationship",)
    list_select_related = ("official__person", "person")


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise", "is_head")
    list_select_related = ("user", "enterprise")
