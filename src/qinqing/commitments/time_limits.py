"""The commitments' deadline alert as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import WORKING_DAYS, Limit, declare

# An open commitment's deadline this many working days away is alerted (article 10).
ALERT = declare(Limit(
    "commitments.alert", default=5, unit=WORKING_DAYS, least=1, most=60, article="10",
    label=_("Commitment deadline: alert this many working days ahead"),
))
