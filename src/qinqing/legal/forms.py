"""Forms of the legal-environment pages: lengths from ``core.limits``, dates in ``core.forms.DateInput``
(the services check the same limits for every caller)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits
from qinqing.core.forms import DateInput, bounded
from qinqing.directory.forms import EnterpriseField

from .models import ActionKind, LawsuitKind, OutcomeKind, ProtectionKind, Subtype


class TodayBounds(forms.Form):
    """Date bounds counted from the day the form is built: ``core.forms.bounded`` applied to the instance's
    own copy of each field (applied to the class, it would count from the day the module was imported)."""

    date_bounds: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, bounds in self.date_bounds.items():
            bounded(self.fields[name], **bounds)


class ActionForm(TodayBounds):
    enterprise = EnterpriseField(label=_("Enterprise"))
    kind = forms.ChoiceField(label=_("What is registered"), choices=ActionKind.choices)
    subtype = forms.ChoiceField(label=_("What"), choices=Subtype.choices)
    date_bounds = {
        "started_on": {"past_years": 5, "future_days": 0},
        "ends_on": {"past_years": 5, "future_days": 5 * 366},
    }
    started_on = forms.DateField(label=_("Date"), widget=DateInput)
    ends_on = forms.DateField(label=_("Term ends on"), widget=DateInput, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=limits.DESCRIPTION,
        required=False,
        help_text=_("The law, regulation or rule and its article. Left empty, it is flagged."),
    )
    approval = forms.CharField(label=_("Approval"), max_length=limits.DESCRIPTION, required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    details = forms.CharField(
        label=_("Details and findings"),
        max_length=limits.REPORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    harm_limitation = forms.CharField(
        label=_("What limited the harm to normal operations"),
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseForm(TodayBounds):
    enterprise = EnterpriseField(label=_("Enterprise"))
    kind = forms.ChoiceField(label=_("Kind"), choices=LawsuitKind.choices)
    court_unit = forms.ModelChoiceField(
        label=_("Court in the directory"),
        queryset=None,
        required=False,
        help_text=_("When the court is one of the district's units, its own account follows the case."),
    )
    court = forms.CharField(
        label=_("Court"),
        max_length=limits.PLACE,
        required=False,
        help_text=_("Left empty, the name of the court chosen above."),
    )
    case_number = forms.CharField(label=_("Case number"), max_length=limits.NAME)
    enterprise_sued = forms.BooleanField(
        label=_("The enterprise brought the case"), required=False, initial=True
    )
    date_bounds = {"filed_on": {"past_years": 10, "future_days": 0}}
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import OrganType, Unit

        super().__init__(*args, **kwargs)
        self.fields["court_unit"].queryset = Unit.objects.filter(
            organ_type=OrganType.COURT, is_active=True
        ).order_by("name")


class CourtRecordForm(forms.Form):
    court_record = forms.CharField(
        label=_("Investigation and evidence requests and the body's response"),
        max_length=limits.REPORT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(TodayBounds):
    cooperation = forms.CharField(
        label=_("Cooperation with investigation and evidence requests"),
        max_length=limits.REPORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *OutcomeKind.choices], required=False)
    date_bounds = {"outcome_on": {"past_years": 10, "future_days": 0}}
    outcome_on = forms.DateField(label=_("Decided on"), widget=DateInput, required=False)


class ObligationForm(TodayBounds):
    text = forms.CharField(label=_("Obligation"), max_length=limits.DESCRIPTION)
    date_bounds = {"due_on": {"past_years": 10, "future_days": 5 * 366}}
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class ProtectionForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    kind = forms.ChoiceField(label=_("What happened"), choices=ProtectionKind.choices)
    description = forms.CharField(
        label=_("Describe it"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user=None, **kwargs):
        from qinqing.directory import selectors as directory

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = directory.enterprises_for_user(user)


class SettingsForm(forms.Form):
    repeat_window_days = forms.IntegerField(label=_("Inspection period (days)"), min_value=7, max_value=730)
    repeat_limit = forms.IntegerField(label=_("Inspections allowed in the period"), min_value=1, max_value=50)


class RecommendationForm(TodayBounds):
    """A procuratorial recommendation as the procuratorate registers it (services.recommendation_issue)."""

    unit = forms.ModelChoiceField(label=_("Body recommended to"), queryset=None)
    number = forms.CharField(label=_("Recommendation number"), max_length=limits.NAME,
                             help_text=_("As on the document, e.g. 示检行建〔2026〕1号."))
    content = forms.CharField(label=_("Recommendation"), max_length=limits.REPORT,
                              widget=forms.Textarea(attrs={"rows": 4}))
    case = forms.ModelChoiceField(label=_("Lawsuit it concerns (if any)"), queryset=None, required=False)
    date_bounds = {"issued_on": {"past_years": 5, "future_days": 0}}
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput)
    reply_due = forms.DateField(
        label=_("Answer due (if urgent)"), widget=DateInput, required=False,
        help_text=_("Left empty: two months after it was issued."),
    )

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import Unit

        from .models import LawsuitCase

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")
        self.fields["case"].queryset = LawsuitCase.objects.select_related("unit").order_by("-filed_on", "-pk")
