"""Administrator forms: they only collect input; the services check the rules and write.

Identifier fields are plain text here so that the service's message (naming the rule,
e.g. a wrong check character) reaches the user next to the field.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits
from qinqing.core.forms import DateInput, bounded
from qinqing.core.identifiers import USCC_ALPHABET, USCC_LENGTH

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
    seal_text = forms.CharField(
        label=_("Seal text"),
        max_length=40,
        required=False,
        help_text=_("The full name on the unit's seal, printed on the letters the unit decides. "
                    "Leave blank when the seal bears the unit's name."),
    )

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


_CODE_IN_TEXT = re.compile(f"(?<![{USCC_ALPHABET}])[{USCC_ALPHABET}]{{{USCC_LENGTH}}}(?![{USCC_ALPHABET}])")
_SEPARATORS = re.compile(r"[\n,，、;；]+")


class EnterpriseField(forms.CharField):
    """An enterprise named by its unified social credit code, or by its exact registered name where no other
    enterprise has it: a text box, not a list of every enterprise of the district (tens of thousands in a real
    district, a million in the scale demo) sent with every form. "名称（代码）" as copied from a page is read
    by its code. ``queryset`` (a callable or a queryset; active enterprises by default) is what may be chosen;
    ``multiple``: one per line or separated by commas or 、, cleaned to a list in the order given."""

    default_max_entries = 200

    def __init__(self, *, queryset=None, multiple: bool = False, max_entries: int | None = None, **kwargs):
        self.queryset = queryset
        self.multiple = multiple
        self.max_entries = max_entries or self.default_max_entries
        kwargs.setdefault("max_length", limits.REASON if multiple else limits.PLACE)
        if multiple:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault(
            "help_text",
            _("Unified social credit codes or exact names, one per line.")
            if multiple
            else _("Unified social credit code, or the exact registered name."),
        )
        super().__init__(**kwargs)

    def _choosable(self):
        from .models import Enterprise

        chosen = self.queryset() if callable(self.queryset) else self.queryset
        return chosen if chosen is not None else Enterprise.objects.filter(is_active=True)

    def prepare_value(self, value):
        from .models import Enterprise

        if isinstance(value, Enterprise):
            return value.uscc
        if isinstance(value, list | tuple):
            return "\n".join(item.uscc if isinstance(item, Enterprise) else str(item) for item in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        entries = [entry.strip() for entry in _SEPARATORS.split(text or "") if entry.strip()]
        entries = list(dict.fromkeys(entries))  # a repeat once
        if not self.multiple and len(entries) > 1:
            raise forms.ValidationError(_("Name one enterprise only."), code="one_only")
        if len(entries) > self.max_entries:
            raise forms.ValidationError(
                _("At most %(count)d enterprises at a time."),
                code="too_many",
                params={"count": self.max_entries},
            )
        if not entries:
            return [] if self.multiple else None
        keys = []
        for entry in entries:
            found = _CODE_IN_TEXT.search(entry.upper())
            keys.append(("uscc", found.group(0)) if found else ("name", entry))
        choosable = self._choosable()
        by_code = {e.uscc: e for e in choosable.filter(uscc__in=[k for kind, k in keys if kind == "uscc"])}
        by_name: dict[str, list] = {}
        for enterprise in choosable.filter(name__in=[k for kind, k in keys if kind == "name"]):
            by_name.setdefault(enterprise.name, []).append(enterprise)
        chosen, missing, ambiguous = [], [], []
        for kind, key in keys:
            matches = ([by_code[key]] if key in by_code else []) if kind == "uscc" else by_name.get(key, [])
            if len(matches) == 1:
                chosen.append(matches[0])
            elif matches:
                ambiguous.append(key)
            else:
                missing.append(key)
        if missing:
            raise forms.ValidationError(
                _("No enterprise that may be chosen here has the credit code or name %(entries)s."),
                code="not_found",
                params={"entries": "、".join(missing)},
            )
        if ambiguous:
            raise forms.ValidationError(
                _("Several enterprises are named %(entries)s: give the unified social credit code."),
                code="ambiguous",
                params={"entries": "、".join(ambiguous)},
            )
        if not self.multiple:
            return chosen[0]
        return list(dict.fromkeys(chosen))  # a repeat once


_QUALIFIED = re.compile(r"^(?P<name>[^（(]+?)\s*[（(](?P<unit>[^）)]+)[）)]\s*$")


class OfficialField(forms.CharField):
    """An official named as people name them: "姓名", or "姓名（单位）" where several share the name (the
    unit's name or code; "姓名（职务）" as the directory prints an official is read too) — a text box, not a
    list of every official of the district. ``queryset``: officials in office by default."""

    def __init__(self, *, queryset=None, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("max_length", limits.PLACE)
        kwargs.setdefault("help_text", _("Name; where several officials share it, name（unit）."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        from .models import Official

        if isinstance(value, Official):
            return f"{value.person.name}（{value.unit.name}）"
        return value

    def clean(self, value):
        from django.db.models import Q

        from .models import Official

        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = _QUALIFIED.match(text)
        name, qualifier = (found["name"].strip(), found["unit"].strip()) if found else (text, "")
        chosen = self.queryset() if callable(self.queryset) else self.queryset
        rows = chosen if chosen is not None else Official.objects.filter(is_active=True)
        rows = rows.filter(person__name=name)
        if qualifier:
            rows = rows.filter(Q(unit__name=qualifier) | Q(unit__code=qualifier) | Q(position=qualifier))
        matches = list(rows.select_related("person", "unit")[:2])
        if not matches:
            raise forms.ValidationError(
                _("No official that may be chosen here is named %(name)s."),
                code="not_found",
                params={"name": text},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several officials are named %(name)s: add the unit, e.g. %(example)s."),
                code="ambiguous",
                params={"name": text, "example": f"{name}（{matches[0].unit.name}）"},
            )
        return matches[0]
