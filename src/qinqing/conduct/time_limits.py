"""Conduct's values as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import YEAR, Limit, declare

# The first year officials confirm their related persons for (article 15): the year the register opened. An
# official whose first recorded post began later counts from that year (``selectors.confirmation_years``).
CONFIRMATIONS_SINCE = declare(Limit(
    "conduct.confirmations_since", default=2026, unit=YEAR, least=2000, most=2100, article="15",
    label=_("Related persons: first year of the annual confirmation"),
))
