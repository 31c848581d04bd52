"""The form staff use to record an appeal received by phone, letter, visit or roundtable.

The original channel is kept on the appeal; the date received is the day the call came
or the letter arrived, not the day it was typed in (time limits run from it).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.appeals.models import Category, Channel
from qinqing.core import clock
from qinqing.core.forms import DateInput

from .portal import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, clean_mobile_phone, clean_optional_uscc

OPERATOR_CHANNELS = (Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ROUNDTABLE)


class OperatorAppealForm(forms.Form):
    channel = forms.ChoiceField(label=_("Received through"),
                                choices=[(c.value, c.label) for c in OPERATOR_CHANNELS])
    received_on = forms.DateField(
        label=_("Date received"), widget=DateInput,  # ISO: the zh-Hans format (2026/11/30) left it blank
        help_text=_("The day the call, letter or visit came in; time limits run from it."),
    )
    contact_name = forms.CharField(label=_("Caller or writer's name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Mobile phone number"), max_length=20, required=False,
                                    help_text=_("Optional for letters; needed for status lookups and "
                                                "call-backs."))
    contact_address = forms.CharField(label=_("Postal address (letters)"), max_length=300, required=False,
                                      help_text=_("Printed on the acknowledgement letter."))
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

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > clock.today():
            raise forms.ValidationError(_("The date received cannot be in the future."), code="future")
        return received_on

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("contact_phone") or cleaned.get("contact_name")):
            self.add_error("contact_name", forms.ValidationError(
                _("Give the caller or writer's name or a mobile phone number, so the reply can reach them."),
                code="contact_required",
            ))
        return cleaned
