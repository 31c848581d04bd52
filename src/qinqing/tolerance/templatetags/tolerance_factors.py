"""``{% tolerance_factors report %}``: the fault-tolerance determinations recorded on a discipline case, for
supervision's report page. The template asks; supervision's Python never imports tolerance."""

from django import template

from ..selectors import case_factors

register = template.Library()


@register.inclusion_tag("tolerance/_case_factors.html")
def tolerance_factors(report):
    return {"factors": case_factors(report)}
