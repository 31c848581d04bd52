"""Forms of the commitments pages: lengths from ``core.limits``, dates in ``core.forms.DateInput``
(the services check the same limits for every caller)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits
from qinqing.core.forms import DateInput, bounded

from .models import Kind, Scope


class CommitmentForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Commitment"), max_length=limits.PLACE)
    content = forms.CharField(
        label=_("Content"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=limits.DESCRIPTION, required=False)
    made_on = bounded(forms.DateField(label=_("Made on"), widget=DateInput), past_years=20, future_days=0)
    deadline = bounded(
        forms.DateField(label=_("Deadline"), widget=DateInput), past_years=20, future_days=20 * 366
    )
    documents = forms.CharField(
        label=_("Documents"),
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The agreement, minutes or contract: title and document number, one a line."),
    )
    scope = forms.ChoiceField(label=_("Published to"), choices=Scope.choices, initial=Scope.INTERNAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from qinqing.directory.models import Enterprise

        self.fields["enterprise"].queryset = Enterprise.objects.filter(is_active=True).order_by("name")
