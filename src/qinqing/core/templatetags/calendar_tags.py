"""``{% calendar_warning %}``: from 1 November until next year's holiday schedule is loaded, a
warning every day (core.calendar.next_year_warning). ``{% calendar_warning "administrator" %}``
shows it only to holders of the given roles (superusers too); without roles, to everyone who
sees the page (the supervision dashboard)."""

from django import template

from qinqing.core import calendar
from qinqing.core.permissions import user_has_any_role

register = template.Library()


@register.inclusion_tag("core/_calendar_warning.html", takes_context=True)
def calendar_warning(context, *roles):
    request = context.get("request")
    user = getattr(request, "user", None)
    if roles and not user_has_any_role(user, roles):
        return {"warning": None}
    warning = calendar.next_year_warning()
    return {"warning": warning, "may_load": user_has_any_role(user, ("administrator",))}


@register.filter
def provisional(day):
    """`` （暂定）`` after a date counted in working days that lies in the provisional year (its State
    Council notice not loaded): ``{{ row.step_due|date:"Y-m-d" }}{{ row.step_due|provisional }}``. A
    guess is never shown as fact; nothing for any other date."""
    import datetime

    from django.utils.html import format_html
    from django.utils.translation import gettext

    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        return ""
    if not calendar.is_provisional(day):
        return ""
    title = gettext(
        "Counted on a provisional holiday schedule: the State Council's notice for %(year)s is not "
        "loaded yet."
    ) % {"year": day.year}
    return format_html(' <span class="provisional" data-testid="provisional" title="{}">{}</span>', title,
                       gettext("(provisional)"))
