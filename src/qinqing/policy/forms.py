"""Forms of the policy library pages: lengths from ``core.limits``, dates in ``core.forms.DateInput``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits
from qinqing.core.forms import DateInput, bounded
from qinqing.directory.forms import EnterpriseField

from .models import ActivityKind, Level


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Policy text (.txt or .docx)"))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=limits.PLACE, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=limits.NAME, required=False)
    issued_on = bounded(
        forms.DateField(label=_("Issued on"), widget=DateInput, required=False), past_years=80, future_days=0
    )
    valid_from = forms.DateField(label=_("In force from"), widget=DateInput, required=False)
    valid_until = forms.DateField(label=_("In force until"), widget=DateInput, required=False)
    district_measures = forms.BooleanField(
        label=_("This is a new version of the district's own measures (the policy every rule cites)"),
        required=False,
    )


class MeasureForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Policy"), queryset=None)
    article_keys = forms.CharField(
        label=_("Articles it carries out"),
        max_length=limits.PLACE,
        required=False,
        help_text=_("Article or item numbers, e.g. 4 15.7"),
    )
    title = forms.CharField(label=_("Measure"), max_length=limits.PLACE)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, required=False)
    due_on = bounded(forms.DateField(label=_("Due on"), widget=DateInput), past_days=366, future_days=5 * 366)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import Unit

        from .selectors import library

        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = library()
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")


class ActivityForm(forms.Form):
    # the planned activity this record holds (article 19's plan); pre-filled from ?plan=<pk>
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    held_on = bounded(forms.DateField(label=_("Date"), widget=DateInput), past_years=5, future_days=0)
    title = forms.CharField(label=_("Title"), max_length=limits.PLACE)
    audience = forms.CharField(label=_("Audience"), max_length=limits.PLACE)
    content = forms.CharField(
        label=_("Content"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 4})
    )
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, max_value=100000)
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=None, required=False)
    enterprise = EnterpriseField(label=_("Enterprise (for its own integrity-culture work)"), required=False)

    def __init__(self, *args, own_enterprises=None, **kwargs):
        from qinqing.directory.models import Enterprise, Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")
        if own_enterprises is not None:  # an enterprise account: its own enterprise's culture work only
            self.fields["kind"].choices = [
                (ActivityKind.ENTERPRISE_CULTURE, ActivityKind.ENTERPRISE_CULTURE.label)
            ]
            # its own few, to pick from
            self.fields["enterprise"] = forms.ModelChoiceField(
                label=self.fields["enterprise"].label,
                queryset=Enterprise.objects.filter(is_active=True, pk__in=own_enterprises).order_by("name"),
            )
            del self.fields["unit"]


class PlanForm(ActivityForm):
    """An activity planned ahead: what the record will say, less what only the day itself tells (the
    content and the attendance)."""

    planned_on = bounded(forms.DateField(label=_("Planned for"), widget=DateInput), past_days=0,
                         future_days=732)

    field_order = ["kind", "planned_on", "title", "audience", "unit", "enterprise"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("plan", "held_on", "content", "attendance"):
            del self.fields[name]
        self.order_fields(self.field_order)
