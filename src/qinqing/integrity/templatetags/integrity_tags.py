"""``{{ restriction.activity|activity_label }}``: an eligibility answer carries the activity's code (the
API's shape); a page shows its name (工程建设招投标, not construction_bidding)."""

from django import template

from ..models import Activity

register = template.Library()


@register.filter
def activity_label(code: str) -> str:
    return dict(Activity.choices).get(code, code)
