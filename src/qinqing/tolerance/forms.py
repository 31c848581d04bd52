"""Forms of the fault-tolerance pages: lengths from ``core.limits`` (the services check the same)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import limits

from .models import CONDITIONS, DISTINCTIONS, TOLERATED, Determination, Submitter

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RequestForm(forms.Form):
    submitter = forms.ChoiceField(
        label=_("Submitted by"), choices=Submitter.choices, initial=Submitter.OFFICIAL
    )
    official = forms.ModelChoiceField(label=_("Official concerned"), queryset=None)
    matter = forms.CharField(label=_("Matter"), max_length=limits.PLACE)
    facts = forms.CharField(
        label=_("Facts"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 5})
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=limits.REPORT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Documents, minutes, approvals, witnesses: what shows the facts."),
    )

    def __init__(self, *args, user=None, **kwargs):
        from qinqing.directory.models import Official

        super().__init__(*args, **kwargs)
        own = Official.objects.filter(user=user, is_active=True).first() if user is not None else None
        rows = Official.objects.filter(is_active=True).select_related("person")
        self.fields["official"].queryset = rows.filter(unit_id=own.unit_id) if own else rows.none()
        if own:
            self.fields["official"].initial = own.pk
        self.fields["official"].label_from_instance = lambda o: f"{o.person.name}（{o.position}）"


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for not accepting"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeliberationForm(forms.Form):
    notes = forms.CharField(
        label=_("Deliberation notes"),
        max_length=limits.REPORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DISTINCTIONS:
            self.fields[name] = forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect)
            self.fields[f"{name}_evidence"] = forms.CharField(
                label=_("Evidence"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
            )
        for name, label in CONDITIONS:
            self.fields[name] = forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect)
        self.order_fields(
            [
                *[n for pair in DISTINCTIONS for n in (pair[0], f"{pair[0]}_evidence")],
                *[n for n, _label in CONDITIONS],
                "notes",
            ]
        )

    def answers(self) -> dict:
        data = dict(self.cleaned_data)
        for name, _label in DISTINCTIONS + CONDITIONS:
            data[name] = data.get(name) == "yes"
        return data


class DetermineForm(forms.Form):
    determination = forms.ChoiceField(label=_("Determination"), choices=Determination.choices)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, tolerable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not tolerable:
            self.fields["determination"].choices = [
                (value, label) for value, label in Determination.choices if value not in TOLERATED
            ]
            self.fields["determination"].help_text = _(
                "Not every distinction is on the tolerable side, or private gain was found: only "
                "“not tolerated” is possible (article 22)."
            )


class FileForm(forms.Form):
    organisation_department = forms.ModelChoiceField(label=_("Organisation department"), queryset=None)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import Unit

        super().__init__(*args, **kwargs)
        # the party committee's organisation department (组织部) where the directory has it
        named = Unit.objects.filter(name__contains="组织部").order_by("code")
        self.fields["organisation_department"].queryset = (
            named if named.exists() else Unit.objects.order_by("code")
        )


class LinkCaseForm(forms.Form):
    case = forms.CharField(label=_("Case number"), max_length=limits.NAME)


class ClearingForm(forms.Form):
    text = forms.CharField(
        label=_("Clearing notice"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 4})
    )


class RevisitForm(forms.Form):
    note = forms.CharField(
        label=_("Revisit notes"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 3})
    )


class LimitsForm(forms.Form):
    accept_days = forms.IntegerField(label=_("Acceptance (working days)"), min_value=1, max_value=30)
    deliberate_days = forms.IntegerField(label=_("Deliberation (working days)"), min_value=1, max_value=90)
    determine_days = forms.IntegerField(label=_("Determination (working days)"), min_value=1, max_value=60)
    revisit_days = forms.IntegerField(label=_("Revisit after (working days)"), min_value=5, max_value=250)


class ReceiptForm(forms.Form):
    use_note = forms.CharField(
        label=_("Use by the organisation department"),
        max_length=limits.REPORT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example, how the conclusion is taken into account in the official's cadre evaluation."
        ),
    )
