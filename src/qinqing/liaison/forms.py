"""Forms of the liaison pages: lengths from ``core.limits``, dates in ``core.forms.DateInput`` (the services
check the same limits for the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.core import clock, limits
from qinqing.core.forms import DateInput, bounded
from qinqing.directory.forms import EnterpriseField

from .models import ConsultationForm, MeetingKind, VisitPeriod


class LeaderAddForm(forms.Form):
    official = forms.ModelChoiceField(label=_("District leader"), queryset=None)

    def __init__(self, *args, **kwargs):
        from .selectors import candidate_officials

        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = candidate_officials()


class LinkAddForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Key enterprise"), queryset=None)
    started_on = bounded(
        forms.DateField(label=_("Since"), widget=DateInput, required=False), past_years=5, future_days=0
    )

    def __init__(self, *args, **kwargs):
        from .selectors import key_enterprises

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = key_enterprises()


class ListCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    title = forms.CharField(label=_("Title"), max_length=limits.PLACE)
    content = forms.CharField(
        label=_("Responsibilities"),
        max_length=limits.REPORT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One responsibility a line: what the leader helps with, and how often."),
    )
    visits_per_period = forms.IntegerField(
        label=_("Visits promised"),
        min_value=0,
        max_value=31,
        initial=1,
        help_text=_("Visits or roundtables the leader holds in each period (0: the list promises none)."),
    )
    visit_period = forms.ChoiceField(label=_("Per"), choices=VisitPeriod.choices, initial=VisitPeriod.QUARTER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=limits.PLACE)
    scheduled_on = bounded(forms.DateField(label=_("Date"), widget=DateInput), past_days=366, future_days=732)
    place = forms.CharField(label=_("Place"), max_length=limits.PLACE, required=False)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=None, required=False)
    enterprises = EnterpriseField(label=_("Invited enterprises"), multiple=True, required=False)
    associations = forms.ModelMultipleChoiceField(
        label=_("Federation and chambers invited"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    participants = forms.CharField(
        label=_("Departments taking part"),
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        from .selectors import associations, leaders

        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders()
        self.fields["associations"].queryset = associations()


class HoldForm(forms.Form):
    held_on = bounded(forms.DateField(label=_("Held on"), widget=DateInput), past_years=1, future_days=0)
    minutes = forms.CharField(
        label=_("Minutes"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 5})
    )


class ProblemForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Raised by"), queryset=None, required=False)
    title = forms.CharField(label=_("Title"), max_length=limits.PLACE)
    text = forms.CharField(
        label=_("Problem raised"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, meeting=None, **kwargs):
        from qinqing.directory.models import Enterprise

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=meeting.invitations.values("enterprise_id") if meeting else []
        ).order_by("name")


class FollowUpForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=limits.DESCRIPTION)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, required=False)
    due_on = bounded(forms.DateField(label=_("Due on"), widget=DateInput), past_days=366, future_days=732)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.PLACE)
    summary = forms.CharField(
        label=_("What it decides"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.ModelChoiceField(label=_("Drafting unit"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")


class ConsultationAddForm(forms.Form):
    form = forms.ChoiceField(label=_("Form"), choices=ConsultationForm.choices)
    held_on = bounded(forms.DateField(label=_("Held on"), widget=DateInput), past_days=366, future_days=732)
    place = forms.CharField(label=_("Place"), max_length=limits.PLACE, required=False)
    invite_federation = forms.BooleanField(
        label=_("Invite the federation of industry and commerce"), required=False, initial=True
    )
    associations = forms.ModelMultipleChoiceField(
        label=_("Chambers invited"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    enterprises = EnterpriseField(label=_("Invited enterprises"), multiple=True, required=False)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import AssociationKind

        from .selectors import associations

        super().__init__(*args, **kwargs)
        self.fields["associations"].queryset = associations(AssociationKind.CHAMBER).order_by("name")


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Your opinion"), max_length=limits.REPORT, widget=forms.Textarea(attrs={"rows": 5})
    )


class AssociationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)

    def __init__(self, *args, **kwargs):
        from qinqing.directory.models import AssociationKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AssociationKind.choices


class AssociationMemberForm(forms.Form):
    association = forms.ModelChoiceField(label=_("Federation or chamber"), queryset=None)
    user = forms.ModelChoiceField(
        label=_("Account"),
        queryset=None,
        help_text=_("An account with the federation / chamber staff role."),
    )

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from qinqing.core.roles import Role

        from .selectors import associations

        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations()
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.FEDERATION_STAFF)
            .order_by("username")
        )
