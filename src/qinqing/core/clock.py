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


def aware(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` with its zone: one given without a zone is the district's local time."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# The first and last instants every zone can express (Python's calendar is years 1 to 9999).
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def query_bound(moment: datetime.datetime) -> datetime.datetime:
    """``aware(moment)`` in UTC, for filtering stored moments: one beyond what the database's
    UTC can hold (0001-01-01 in Beijing is still year 0 in UTC) is brought to the nearest
    instant it can, which selects the same rows."""
    moment = aware(moment)
    try:
        return min(max(moment.astimezone(datetime.UTC), EARLIEST), LATEST)
    except OverflowError:
        return EARLIEST if moment.year == 1 else LATEST
