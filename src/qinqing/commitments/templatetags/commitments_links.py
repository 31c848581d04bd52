"""Cards other apps show without importing commitments: the template asks, their Python never imports us.

``{% commitment_of_appeal appeal %}`` on the appeal's page: the commitment whose breach the appeal was filed
for, linked only for a user who may open that commitment (role and scope; never a link answering 403/404).
``{% commitments_overdue_card %}`` on the discipline office's supervision page: how many commitments are
overdue or breached, linked to that list.
"""

from django import template

from qinqing.core.access import may_open

from .. import selectors
from ..models import BreachFlag

register = template.Library()


@register.inclusion_tag("commitments/_appeal_link.html", takes_context=True)
def commitment_of_appeal(context, appeal):
    user = context["request"].user
    flags = list(BreachFlag.objects.filter(appeal=appeal).select_related("commitment"))
    openable = set()
    if flags and may_open(user, "commitments:detail"):
        ids = {f.commitment_id for f in flags}
        openable = set(selectors.commitments(user).filter(pk__in=ids).values_list("pk", flat=True))
    return {"links": [(f.commitment, f.commitment_id in openable) for f in flags]}


@register.inclusion_tag("commitments/_overdue_card.html", takes_context=True)
def commitments_overdue_card(context):
    user = context["request"].user
    if not may_open(user, "commitments:overdue"):
        return {"shown": False}
    return {"shown": True, "count": selectors.overdue(user).count()}
