"""Forms of the public district head's mailbox (区长信箱): file an appeal, look up its status.

Field rules only; matching the enterprise and filing happen in the view through the
services. ``website`` is a honeypot: people never see it, form-filling robots do.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.appeals.models import Category
from qinqing.core.identifiers import validate_mobile_phone, validate_uscc

TITLE_MAX_LENGTH = 200
CONTENT_MAX_LENGTH = 5000


def clean_mobile_phone(value: str) -> str:
    return validate_mobile_phone(value)


def clean_optional_uscc(value: str) -> str:
    value = (value or "").strip().upper()
    return validate_uscc(value) if value else ""


class MailboxForm(forms.Form):
    contact_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_(
            "Required: the handling unit calls you back on it, and you need it to look up the status."
        ),
        error_messages={"required": _("Enter your mobile phone number: we need it to reply to you.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200, required=False)
    enterprise_uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_(
            "Optional: 18 characters, links the appeal to your enterprise in the district directory."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—")] + list(Category.choices), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH,
                            error_messages={"required": _("Enter a short title for your appeal.")})
    content = forms.CharField(
        label=_("Your question or demand"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Describe your question or demand.")},
    )
    # Honeypot: hidden from people (the template wraps it in a hidden block).
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_contact_phone(self):
        return clean_mobile_phone(self.cleaned_data["contact_phone"])

    def clean_enterprise_uscc(self):
        return clean_optional_uscc(self.cleaned_data.get("enterprise_uscc", ""))

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class StatusLookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=40,
        error_messages={"required": _("Enter the tracking number you received.")},
    )
    contact_phone = forms.CharField(
        label=_("Mobile phone number"), max_length=20,
        help_text=_("The number given when the appeal was filed."),
        error_messages={"required": _("Enter the mobile phone number given when the appeal was filed.")},
    )

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()

    def clean_contact_phone(self):
        return clean_mobile_phone(self.cleaned_data["contact_phone"])
