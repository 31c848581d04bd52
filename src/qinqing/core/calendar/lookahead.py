"""A job that looks ahead: which records fall due within ``days`` working days of ``today``.

In the last days of the provisional year (and in a year no calendar covers) that count runs past
every year the calendar can count (``core.calendar``). Rather than fail whole, a job counts record
by record with a ``LookAhead``:

* a record dated up to ``certain_until`` is within the horizon: the counted horizon itself, or, when
  it cannot be counted, the last countable day (the count ran past it) or ``today + days`` (``days``
  working days are at least ``days`` days), whichever is later — no calendar of the unknown year needed;
* a record dated after ``until`` is not: ``days`` working days never reach further, even over the
  longest break (``LONGEST_BREAK_DAYS`` rest days in a row between two working days);
* a record in between cannot be counted: the job skips it (no reminder it might not owe, no date it
  would invent) and ``skip`` counts it.

``report(summary)`` ends the run: the job's summary when nothing was skipped, else a ``ServiceError``
saying what was done, how many records could not be counted and which year's notice to load. Raised
after the job committed what it could, it is recorded by ``core.jobs`` as the run's failure — shown on
the jobs page and ``/healthz/jobs`` as needing attention, retried with backoff — as the appeals sweep
reported an urging horizon it could not count. A record skipped today is taken up by a later run once
the year is loaded.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from ..errors import ServiceError

# Rest days in a row between two working days, more than any State Council notice has given (9 at Spring
# Festival or National Day; 10 with the extension of 2020): a bound on how far the next working day can be.
LONGEST_BREAK_DAYS = 14
NOT_LOADED = "calendar_year_not_loaded"


class LookAhead:
    """``days`` working days ahead of ``today``, for a job that cannot always count them."""

    def __init__(self, today: datetime.date, days: int):
        from . import snapshot

        current = snapshot()
        self.today, self.days, self.skipped = today, days, 0
        self.error: ServiceError | None = None
        try:
            self.horizon: datetime.date | None = current.add_workdays(today, days)
        except ServiceError as error:
            if error.code != NOT_LOADED:
                raise
            self.horizon, self.error = None, error
        if self.horizon is not None:
            self.certain_until = self.until = self.horizon
            return
        counted, last = 0, None
        if current.covers(today.year):  # the count ran past the last countable day
            year = today.year
            while current.covers(year + 1):
                year += 1
            last = datetime.date(year, 12, 31)
            counted = current.workdays_between(today, last)
        start = last or today
        self.certain_until = max(start, today + datetime.timedelta(days=days))
        self.until = start + datetime.timedelta(days=(days - counted) * (LONGEST_BREAK_DAYS + 1))

    @property
    def year(self) -> int | None:
        """The year whose notice must be loaded for the horizon to be counted (None when it was counted)."""
        return self.error.params.get("year") if self.error is not None else None

    def within(self, day: datetime.date) -> bool | None:
        """Whether ``day`` falls within the horizon (a day already past does); None when it cannot be
        counted — the record is skipped, and counted as skipped here."""
        if day <= self.certain_until:
            return True
        if day > self.until:
            return False
        self.skip()
        return None

    def workdays_to(self, day: datetime.date) -> int | None:
        """``calendar.workdays_between(today, day)``, or None (counted as skipped) when the days between
        run into a year nothing covers."""
        from . import snapshot

        try:
            return snapshot().workdays_between(self.today, day)
        except ServiceError as error:
            if error.code != NOT_LOADED:
                raise
            self.error = self.error or error
            self.skip()
            return None

    def skip(self, count: int = 1) -> None:
        """Count ``count`` records the job left for a later run (a set-based job counts them in one query)."""
        self.skipped += count

    def report(self, summary) -> str:
        """The job's summary; when records were skipped, raise the calendar's error with it, the number
        skipped and the year to load (call it after the job's transaction committed)."""
        if not self.skipped:
            return str(summary)
        raise ServiceError(
            _(
                "%(summary)s; %(count)s record(s) could not be counted and were skipped: the working-day "
                "calendar for %(year)s is not loaded: an administrator must load that year's notice first."
            ),
            code=NOT_LOADED,
            field="date",
            params={"summary": str(summary), "count": self.skipped, "year": self.year},
        )
