from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core.forms import PeriodFilterForm
from qinqing.core.limits import DESCRIPTION, PLACE, REASON

from .models import Conclusion, DocumentKind, Kind, Severity, Status


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=PLACE)
    document_kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices)
    document = forms.FileField(
        label=_("Document (.docx, .pdf with a text layer, .txt)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )
    text = forms.CharField(
        label=_("…or paste the text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("confirmed", _("Confirm")), ("dismissed", _("Dismiss"))]
    )
    note = forms.CharField(label=_("Note"), max_length=DESCRIPTION, required=False)


class FindingAddForm(forms.Form):
    """A clause the rules missed, recorded by the reviewer (services.finding_add checks it is in the text)."""

    clause = forms.CharField(
        label=_("Clause, copied from the document"),
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    note = forms.CharField(label=_("Why it is discriminatory"), max_length=DESCRIPTION)
    suggestion = forms.CharField(
        label=_("Suggested rewording"), max_length=REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(
        label=_("Legal basis"),
        max_length=REASON,
        required=False,
        help_text=_("Empty: the basis most rules of this kind cite."),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=PLACE,
        required=False,
        help_text=_("Empty: the clause's place in the text."),
    )


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    note = forms.CharField(
        label=_("Opinion"), max_length=REASON, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RuleForm(forms.ModelForm):
    """The reviewers' edit of a rule; services.rule_save checks it against its own examples."""

    class Meta:
        from .models import Rule

        model = Rule
        fields = (
            "title",
            "kind",
            "severity",
            "pattern",
            "requires",
            "excludes",
            "basis",
            "explanation",
            "suggestion",
            "positive_examples",
            "negative_examples",
            "active",
        )
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("pattern", "requires", "excludes", "basis")
        }


class LedgerFilterForm(PeriodFilterForm):
    """The review ledger's filters (the reviews page and its .xlsx): every field optional."""

    q = forms.CharField(label=_("Number or title contains"), max_length=100, required=False)
    document_kind = forms.ChoiceField(
        label=_("Document kind"), choices=[("", _("All"))] + DocumentKind.choices, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + Status.choices, required=False)
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=[("", _("All"))] + Conclusion.choices, required=False
    )
    since = forms.DateField(
        label=_("Uploaded from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Uploaded until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
