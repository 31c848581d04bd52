"""The district administrator's page of limits and time limits (``core.time_limits``): every declared value,
by app, with its unit, bounds, default and article."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import time_limits
from ..errors import ServiceError
from ..forms import bind_error, form_status, posted


def _form(data, declared, now):
    form = forms.Form(data, initial=now)
    for limit in declared:
        form.fields[limit.key] = forms.IntegerField(
            label=limit.label,
            widget=forms.NumberInput(attrs={"min": limit.least, "max": limit.most}),
        )
    return form


def time_limits_page(request):
    declared = time_limits.declared()
    now = time_limits.values()
    form = _form(posted(request), declared, now)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # all or nothing: one value refused saves none
                for limit in declared:
                    if form.cleaned_data[limit.key] == now[limit.key]:
                        continue  # unchanged: no row, no event
                    time_limits.time_limit_set(
                        actor=request.user, key=limit.key, value=form.cleaned_data[limit.key]
                    )
            messages.success(request, _("Saved."))
            return redirect("core:time_limits")
        except ServiceError as error:
            bind_error(form, error)
    groups: dict[str, list] = {}
    for limit in declared:
        row = {"limit": limit, "field": form[limit.key], "value": now[limit.key]}
        groups.setdefault(limit.app, []).append(row)
    sections = [(apps.get_app_config(app).verbose_name, rows) for app, rows in groups.items()]
    return render(
        request, "core/time_limits.html", {"form": form, "sections": sections}, status=form_status(form)
    )
