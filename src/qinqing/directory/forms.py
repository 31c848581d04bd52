"""Administrator forms: they only collect input; the services check the rules and write.

Identifier fields are plain text here so that the service's message (naming the rule,
e.g. a wrong check character) reaches the user next to the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core.forms import DateInput, bounded

from .models import LinkKind, OrganType, OwnershipType, Rank, Relationship, UnitKind


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Unit code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    organ_type = forms.ChoiceField(
        label=_("Organ type (article 2)"),
        choices=[("", _("Same as the parent organ"))] + list(OrganType.choices),
        required=False,
    )
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=None, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units


class PersonFieldsMixin(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=32,
        required=False,
        help_text=_("18 characters; the last may be X."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)


class OfficialForm(PersonFieldsMixin):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    position = forms.CharField(label=_("Position"), max_length=100)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    is_leading_cadre = forms.BooleanField(label=_("Leading cadre"), required=False)
    supervising_leader = forms.ModelChoiceField(label=_("Supervising leader"), queryset=None, required=False)
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=DateInput,
        help_text=_("When the post or unit changes; default today."),
    )
    is_active = forms.BooleanField(label=_("In office"), required=False, initial=True)

    def __init__(self, *args, units=None, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["supervising_leader"].queryset = officials
        bounded(self.fields["effective_date"], past_years=10, future_days=366)


class EnterpriseForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    ownership_type = forms.ChoiceField(label=_("Ownership type"), choices=OwnershipType.choices)
    is_key_enterprise = forms.BooleanField(label=_("Key enterprise"), required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class EnterpriseLinkForm(PersonFieldsMixin):
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    share_percent = forms.DecimalField(label=_("Share (%)"), max_digits=7, decimal_places=3, required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded(self.fields["start_date"], past_years=80, future_days=0)  # a link that has begun


class RelatedPersonForm(PersonFieldsMixin):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    occupation = forms.CharField(label=_("Job and office"), max_length=200, required=False)
    declared_on = forms.DateField(label=_("Declared on"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded(self.fields["declared_on"], past_years=30, future_days=0)
