"""Supervision's time limits as data (``core.time_limits``): the inspectors' and the duty holders' notices,
and how long a report's sealed content is kept."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.time_limits import DAYS, WORKING_DAYS, Limit, declare

# Article 16's main responsibility (supervision.duties): a notice goes out this many working days before the
# list's or the year-end report's date, and every day after it until it is done.
DUTY_WARNING = declare(Limit(
    "supervision.duty_warning", default=5, unit=WORKING_DAYS, least=1, most=60, article="16",
    label=_("Main-responsibility list and report: notify this many working days ahead"),
))
# The inspectors' notices: one this many working days before a deadline (at once if already past).
DUE_WARNING = declare(Limit(
    "supervision.due_warning", default=3, unit=WORKING_DAYS, least=1, most=60, article="17",
    label=_("Reports and reminders: notify inspectors this many working days before a deadline"),
))
# Days a report's sealed content is kept after it ended, per final status; then it is erased (the numbered
# row with its dates, category and outcomes stays for the statistics).
RETENTION_DECLINED = declare(Limit(
    "supervision.retention_declined", default=2 * 365, unit=DAYS, least=30, most=50 * 366, article="17",
    label=_("Sealed content of a declined report kept for"),
))
RETENTION_CONCLUDED = declare(Limit(
    "supervision.retention_concluded", default=5 * 365, unit=DAYS, least=30, most=50 * 366, article="17",
    label=_("Sealed content of a concluded report kept for"),
))
RETENTION_CLOSED = declare(Limit(
    "supervision.retention_closed", default=10 * 365, unit=DAYS, least=30, most=50 * 366, article="17",
    label=_("Sealed content of a closed report kept for"),
))
# Reminders of the erasure start this many days before it.
RETENTION_WARNING = declare(Limit(
    "supervision.retention_warning", default=30, unit=DAYS, least=1, most=365, article="17",
    label=_("Erasure of sealed content: remind this many days ahead"),
))
