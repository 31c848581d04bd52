"""The rules are kept here by reviewers: every save runs the rule against its own examples and is
audited (services.rule_save). Reviews and findings are records: read-only here."""

from django import forms
from django.contrib import admin

from . import services
from .models import Finding, Review, Rule


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = services.RULE_FIELDS

    def clean(self):
        data = super().clean()
        candidate = Rule(**{name: data.get(name, "") for name in services.RULE_FIELDS})
        for field, message in services.rule_problems(candidate):
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ("code", "kind", "title", "severity", "active")
    list_filter = ("kind", "severity", "active")
    search_fields = ("code", "title", "basis")

    def has_delete_permission(self, request, obj=None):
        return False  # a rule with findings is kept; switch it off with "active"

    def save_model(self, request, obj, form, change):
        services.rule_save(actor=request.user, rule=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "conclusion", "created_at")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("review", "position", "rule", "kind", "decision")
