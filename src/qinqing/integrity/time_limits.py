"""Integrity's time limits as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import DAYS, WORKING_DAYS, Limit, declare

# A bribery-record query is answered within this many working days of its filing (article 21).
BRIBERY_ANSWER = declare(Limit(
    "integrity.bribery_answer", default=3, unit=WORKING_DAYS, least=1, most=60, article="21",
    label=_("Bribery-record query: answer within"),
))
# A listing decision's periods (article 21) are the decider's, stored on each listing; these are what the
# listing form offers and what a decision filed through the API or an import gets when it names none.
LISTING_OBJECTION = declare(Limit(
    "integrity.listing_objection", default=15, unit=DAYS, least=0, most=3650, article="21",
    label=_("Listing: days the party may object, unless the decision says otherwise"),
))
LISTING_MINIMUM = declare(Limit(
    "integrity.listing_minimum", default=365, unit=DAYS, least=0, most=3650, article="21",
    label=_("Listing: days before credit repair may be applied for, unless the decision says otherwise"),
))
