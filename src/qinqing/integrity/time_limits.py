"""Integrity's time limits as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import WORKING_DAYS, Limit, declare

# A bribery-record query is answered within this many working days of its filing (article 21).
BRIBERY_ANSWER = declare(Limit(
    "integrity.bribery_answer", default=3, unit=WORKING_DAYS, least=1, most=60, article="21",
    label=_("Bribery-record query: answer within"),
))
