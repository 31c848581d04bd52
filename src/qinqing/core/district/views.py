"""The administrator's district page: name, seal text and issuing office used on every letter."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import district
from ..errors import ServiceError
from ..forms import bind_error, form_status, posted


class DistrictForm(forms.Form):
    district_name = forms.CharField(
        label=gettext_lazy("District name"),
        max_length=district.LIMITS["district_name"],
        help_text=gettext_lazy("As printed on letters and receipts, e.g. 示范区."),
    )
    seal_text = forms.CharField(
        label=gettext_lazy("Seal text"),
        max_length=district.LIMITS["seal_text"],
        help_text=gettext_lazy("The words of the official seal, e.g. 中共示范区纪律检查委员会."),
    )
    issuing_office = forms.CharField(
        label=gettext_lazy("Issuing office"),
        max_length=district.LIMITS["issuing_office"],
        help_text=gettext_lazy("The office that issues letters and receipts, e.g. 示范区纪委监委."),
    )
    helpdesk = forms.CharField(
        label=gettext_lazy("How to reach an administrator"),
        max_length=district.LIMITS["helpdesk"],
        required=False,
        help_text=gettext_lazy("Shown to a user who is locked out, e.g. 区信息中心，电话 0000-0000000."),
    )


def district_settings(request):
    now = district.current()
    initial = {
        "district_name": now.district_name,
        "seal_text": now.seal_text,
        "issuing_office": now.issuing_office,
        "helpdesk": now.helpdesk,
    }
    form = DistrictForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            district.district_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("core:district")
        except ServiceError as error:
            bind_error(form, error)
    return render(
        request, "core/district.html", {"form": form, "district": now}, status=form_status(form)
    )
