"""Form parsing only; every rule lives in the services (lengths and dates: core.limits there)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits
from qinqing.core.forms import DateInput, LedgerImportForm

from .models import Activity, ApplicationKind, ExternalList, ListingKind, Publication, Purpose, RecordKind


class ListingForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code (an enterprise)"), required=False, max_length=18
    )
    id_number = forms.CharField(label=_("Resident ID number (a person)"), required=False, max_length=18)
    name = forms.CharField(
        label=_("Name (required if not in the directory)"), required=False, max_length=limits.PLACE
    )
    kind = forms.ChoiceField(label=_("Grounds type"), choices=ListingKind.choices)
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    number = forms.CharField(
        label=_("Decision document number (blank: numbered by the system)"), required=False, max_length=64
    )
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DateInput)
    activities = forms.MultipleChoiceField(label=_("Restrictions (article 21)"), choices=Activity.choices,
                                           widget=forms.CheckboxSelectMultiple)
    start = forms.DateField(label=_("Restrictions start"), widget=DateInput)
    end = forms.DateField(label=_("Restrictions end"), widget=DateInput)
    publication = forms.ChoiceField(
        label=_("Publication"), choices=Publication.choices, initial=Publication.AUTHORITIES
    )
    # offered: the administrator's defaults (integrity/time_limits.py), set by the view
    objection_days = forms.IntegerField(label=_("Days to object"), min_value=0)
    minimum_days = forms.IntegerField(label=_("Minimum days before credit repair"), min_value=0)

    def restrictions(self) -> list[tuple[str, datetime.date, datetime.date]]:
        data = self.cleaned_data
        return [(activity, data["start"], data["end"]) for activity in data["activities"]]


class RecordForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code (an enterprise)"), required=False, max_length=18
    )
    id_number = forms.CharField(label=_("Resident ID number (a person)"), required=False, max_length=18)
    name = forms.CharField(
        label=_("Name (required if not in the directory)"), required=False, max_length=limits.PLACE
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices)
    external_list = forms.ChoiceField(label=_("Outside list"), choices=ExternalList.choices, required=False)
    title = forms.CharField(label=_("Title"), max_length=limits.DESCRIPTION)
    source = forms.CharField(label=_("Source"), max_length=limits.PLACE)
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", _("Grant")), ("refuse", _("Refuse"))], label=_("Decision")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput)
    note = forms.CharField(label=_("How and to whom"), max_length=limits.DESCRIPTION)


class ApplicationForm(forms.Form):
    listing = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=ApplicationKind.choices)
    text = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), required=False, max_length=18)
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=18)
    name = forms.CharField(label=_("Name (fallback)"), required=False, max_length=limits.PLACE)
    activity = forms.ChoiceField(
        label=_("Activity"), choices=[("", _("Any activity")), *Activity.choices], required=False
    )


class ComprehensiveForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    matter = forms.CharField(label=_("Matter"), max_length=limits.DESCRIPTION)


class ImportForm(LedgerImportForm):
    kind = forms.ChoiceField(
        label=_("What the file contains"),
        choices=[("listings", _("Listing decisions (blacklist)")), ("records", _("Integrity records"))],
    )
    field_order = ["kind", "file", "dry_run"]
