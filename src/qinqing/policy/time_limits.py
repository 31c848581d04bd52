"""The policy reminders' warning periods as data (``core.time_limits``)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import DAYS, WORKING_DAYS, Limit, declare

# A current library document whose validity ends within this many days (article 4).
EXPIRY_WARNING = declare(Limit(
    "policy.expiry_warning", default=30, unit=DAYS, least=1, most=365, article="4",
    label=_("Library document's validity ending: remind this many days ahead"),
))
# A planned publicity or education activity is reminded this many working days ahead (article 19).
PLAN_WARNING = declare(Limit(
    "policy.plan_warning", default=3, unit=WORKING_DAYS, least=1, most=60, article="19",
    label=_("Planned publicity or education activity: remind this many working days ahead"),
))
