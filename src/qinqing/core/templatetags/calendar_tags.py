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
