"""Forms of the main-responsibility pages (article 16): lengths from ``core.limits``; the services check the
same rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import clock, limits
from qinqing.core.forms import DateInput


class CreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = clock.today().year
        self.fields["unit"].queryset = units
        self.fields["year"].choices = [
            (year, str(year)) for year in (this_year - 1, this_year, this_year + 1)
        ]
        self.fields["year"].initial = this_year


class ResponsibleForm(forms.Form):
    first_responsible = forms.ModelChoiceField(
        label=_("First responsible person"),
        queryset=None,
        help_text=_("The unit's principal (党组织书记或主要负责人), who answers for the list."),
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_responsible"].queryset = officials


class TaskForm(forms.Form):
    task = forms.CharField(
        label=_("Task"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label=_("Measures"),
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.ModelChoiceField(label=_("Responsible person"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due"), widget=DateInput)

    def __init__(self, *args, officials, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officials
        self.fields["due_on"].widget.attrs.update({"min": f"{year}-01-01", "max": f"{year}-12-31"})


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Tasks (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)
