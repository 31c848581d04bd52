"""The one clock: every "what day / what time is it" in the project asks here.

``now()`` is an aware datetime (UTC inside, as Django stores it); ``today()`` is the
date in the district's time zone (``TIME_ZONE``, Asia/Shanghai), which is the day that
deadlines, letters and the working-day calendar count in. Tests freeze time with the
``frozen_clock`` fixture (time-machine), never by patching module-private helpers.
"""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(timezone.now())


def local(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in the district's time zone (for display and for day boundaries)."""
    return timezone.localtime(moment)
