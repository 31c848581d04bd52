"""The form staff use to record an appeal received by phone, letter, visit or roundtable.

The original channel is kept on the appeal; the date received is the day the call came
or the letter arrived, not the day it was typed in (time limits run from it).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.appeals.models import Category, Channel
from qinqing.core.forms import DateInput, bounded
from qinqing.core.limits import DESCRIPTION, NAME

from .portal import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, clean_mobile_phone, clean_optional_uscc

OPERATOR_CHANNELS = (Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ROUNDTABLE)


class OperatorAppealForm(forms.Form):
    channel = forms.ChoiceField(label=_("Received through"),
                                choices=[(c.value, c.label) for c in OPERATOR_CHANNELS])
    received_on = forms.DateField(
        label=_("Date received"), widget=DateInput,  # ISO: the zh-Hans format (2026/11/30) left it blank
        help_text=_("The day the call, letter or visit came in; time limits run from it."),
    )
    contact_name = forms.CharField(label=_("Caller or writer's name"), max_length=NAME, required=False)
    contact_phone = forms.CharField(label=_("Mobile phone number"), max_length=20, required=False,
                                    help_text=_("Optional for letters; needed for status lookups and "
                                                "call-backs."))
    contact_address = forms.CharField(label=_("Postal address (letters)"), max_length=DESCRIPTION,
                                      required=False, help_text=_("Printed on the acknowledgement letter."))
    enterprise_uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(Category.choices),
                                 required=False)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    content = forms.CharField(label=_("Content"), max_length=CONTENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 8}))

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        return clean_mobile_phone(value) if value else ""

    def clean_enterprise_uscc(self):
        return clean_optional_uscc(self.cleaned_data.get("enterprise_uscc", ""))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Recorded within a year of coming in, and not in the future (issue 20: dates within bounds).
        bounded(self.fields["received_on"], past_years=1, future_days=0)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("contact_phone") or cleaned.get("contact_name")):
            self.add_error("contact_name", forms.ValidationError(
                _("Give the caller or writer's name or a mobile phone number, so the reply can reach them."),
                code="contact_required",
            ))
        return cleaned
