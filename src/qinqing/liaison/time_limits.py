"""The liaison reminders' warning periods as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import WORKING_DAYS, Limit, declare

# A leader is reminded when the current period of their list's visit frequency ends within this many
# working days with fewer visits than promised (article 7).
FREQUENCY_WARNING = declare(Limit(
    "liaison.frequency_warning", default=10, unit=WORKING_DAYS, least=1, most=120, article="7",
    label=_("Visits behind the promised frequency: remind this many working days before the period ends"),
))
# A meeting's follow-up due within this many working days is reminded (articles 7 and 9).
FOLLOW_UP_WARNING = declare(Limit(
    "liaison.follow_up_warning", default=3, unit=WORKING_DAYS, least=1, most=60, article="7",
    label=_("Meeting follow-up: remind this many working days before it is due"),
))
