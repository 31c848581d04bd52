"""Form parsing only; every rule lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core import limits
from qinqing.core.forms import DateInput, PeriodFilterForm, bounded
from qinqing.directory.forms import EnterpriseField
from qinqing.directory.models import Enterprise, Relationship, Unit

from .models import GiftDirection, GiftDisposition, GiftKind, Situation


class TimeInput(forms.TimeInput):
    input_type = "time"


class ActivityForm(forms.Form):
    situation = forms.ChoiceField(label=_("Situation"), choices=Situation.choices)
    enterprise_codes = EnterpriseField(
        label=_("Enterprises involved (unified social credit codes, comma-separated)"),
        queryset=Enterprise.objects.all(),  # one since closed is still the enterprise of the event
        multiple=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    people_involved = forms.CharField(
        label=_("Enterprise people involved"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    event_date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput)
    place = forms.CharField(label=_("Place"), max_length=limits.PLACE)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    participants = forms.CharField(
        label=_("Participants"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    participant_count = forms.IntegerField(label=_("Number of participants"), min_value=1, initial=1,
                                           max_value=limits.COUNT_OF_PEOPLE)
    cost_per_head = forms.DecimalField(
        label=_("Expected cost per head (yuan)"), min_value=0, max_value=limits.AMOUNT_9, decimal_places=2
    )
    alcohol_served = forms.BooleanField(label=_("Alcohol served"), required=False)
    no_lottery_confirmed = forms.BooleanField(label=_("I confirm there is no lottery"), required=False)
    no_unrelated_activities_confirmed = forms.BooleanField(
        label=_("I confirm there are no activities unrelated to official duties"), required=False
    )
    late_reason = forms.CharField(
        label=_("Reason for filing late (only if the event has started)"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded(
            self.fields["event_date"], past_days=31, future_days=366
        )  # filed before the event; late filings with a reason


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    actual_cost_per_head = forms.DecimalField(
        label=_("Actual cost per head (yuan)"), min_value=0, max_value=limits.AMOUNT_9, decimal_places=2
    )
    actual_participants = forms.CharField(
        label=_("Actual participants"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual_participant_count = forms.IntegerField(
        label=_("Actual number of participants"), min_value=1, initial=1, max_value=limits.COUNT_OF_PEOPLE
    )
    alcohol_served = forms.BooleanField(label=_("Alcohol was served"), required=False)
    items_received = forms.CharField(label=_("Anything received"), required=False, max_length=limits.REASON,
                                     widget=forms.Textarea(attrs={"rows": 2}))


class GiftForm(forms.Form):
    direction = forms.ChoiceField(label=_("Offered or received"), choices=GiftDirection.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=GiftKind.choices)
    giver_enterprise_code = EnterpriseField(
        label=_("From enterprise (unified social credit code)"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    giver_name = forms.CharField(label=_("From (person)"), required=False, max_length=limits.NAME)
    description = forms.CharField(label=_("Description"), required=False, max_length=limits.DESCRIPTION)
    value = forms.DecimalField(label=_("Value (yuan)"), min_value=0, max_value=limits.AMOUNT_12,
                               decimal_places=2)
    occurred_on = forms.DateField(label=_("Date offered or received"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded(self.fields["occurred_on"], past_years=5, future_days=0)  # no gift from the future
    disposition = forms.ChoiceField(
        label=_("Disposition"),
        choices=[c for c in GiftDisposition.choices if c[0] != GiftDisposition.HANDED_IN],
    )


class DeclarationForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    resident_id = forms.CharField(label=_("Resident ID number"), required=False, max_length=18)
    occupation = forms.CharField(label=_("Job and office"), required=False, max_length=limits.PLACE)
    changed_on = forms.DateField(label=_("Change happened on"), required=False, widget=DateInput)
    holding_code = EnterpriseField(
        label=_("Holds shares or office in (unified social credit code)"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    holding_role = forms.CharField(label=_("Role or office held"), required=False, max_length=limits.PLACE)
    holding_share = forms.DecimalField(label=_("Share (%)"), required=False, min_value=0, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded(self.fields["changed_on"], past_years=30, future_days=0)


class RecusalForm(forms.Form):
    matter_type = forms.CharField(label=_("Matter type"), max_length=64)
    matter_id = forms.CharField(label=_("Matter"), max_length=64)
    enterprise_code = EnterpriseField(
        label=_("Enterprise (unified social credit code)"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    apply = forms.BooleanField(label=_("Apply for recusal (not just report)"), required=False)


class PledgeForm(forms.Form):
    signatory_name = forms.CharField(label=_("Signed by"), max_length=100)
    accepted = forms.MultipleChoiceField(
        label=_("I accept"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, key) for key in ("15.b1", "15.b2", "15.b3", "15.b4", "15.b5", "15.b6")],
    )

    def __init__(self, *args, requirements=(), **kwargs):
        """Each checkbox reads as the requirement itself with its article ("…（第十五条第二部分第（一）项）"),
        not as a bare key; ``requirements`` are the policy items ({"key", "text"})."""
        from django.utils import translation

        from qinqing.policy.citations import citation_label

        super().__init__(*args, **kwargs)
        texts = {row["key"]: row["text"] for row in requirements}
        language = translation.get_language() or "zh-hans"
        choices = []
        for key, _key in self.fields["accepted"].choices:
            citation = citation_label(key, language=language)
            text = texts.get(key, "")
            choices.append(
                (
                    key,
                    (f"{text}（{citation}）" if language.startswith("zh") else f"{text} ({citation})")
                    if text
                    else citation,
                )
            )
        self.fields["accepted"].choices = choices


class RulesForm(forms.Form):
    reception_standard_per_head = forms.DecimalField(
        label=_("Official reception standard per head (yuan)"), min_value=0, max_digits=9, decimal_places=2
    )
    working_hours_start = forms.TimeField(label=_("Working hours start"), widget=TimeInput)
    working_hours_end = forms.TimeField(label=_("Working hours end"), widget=TimeInput)
    gift_hand_in_days = forms.IntegerField(label=_("Days to hand in a gift"), min_value=0)
    near_limit_percent = forms.IntegerField(label=_("Cost near the limit from (%)"), min_value=0)


class RecusalOrderForm(forms.Form):
    """The supervising leader orders one of the officials they supervise to recuse (15.7)."""

    official = forms.ModelChoiceField(label=_("Official"), queryset=None)
    matter_type = forms.CharField(label=_("Matter type"), max_length=64)
    matter_id = forms.CharField(label=_("Matter"), max_length=64)
    enterprise_code = EnterpriseField(
        label=_("Enterprise (unified social credit code)"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials


class GiftRegisterFilterForm(PeriodFilterForm):
    """The gift register's filters (the page and its .xlsx): every field optional; a value that is none of
    a field's choices, or not a date, is refused on its field (400), never read as "no filter"."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.order_by("code"), required=False, empty_label=_("All")
    )
    since = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    until = forms.DateField(label=_("Received until"), required=False, widget=DateInput)
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=[("", _("All"))] + GiftDisposition.choices, required=False
    )
    late = forms.ChoiceField(
        label=_("Hand-in period"),
        choices=[
            ("", _("All")), ("yes", _("Not handed in within the period")), ("no", _("Within the period"))
        ],
        required=False,
    )
