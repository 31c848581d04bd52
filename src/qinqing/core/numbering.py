"""Document numbers: ONE service on counter rows (``core.Counter``, unique per series and period).

A ``Series`` names the counter, says which period a date falls in (a day, a year) and how
a number is written::

    TRACKING = numbering.Series("appeals.tracking", "SQ{period}{number:06d}", numbering.daily)
    number = numbering.take(TRACKING)            # Number(value=1, period="20261130", text="SQ20261130000001")

``take`` increments the row with one ``UPDATE … RETURNING`` (a prepared statement on
PostgreSQL through ``core.db.execute``); the first number of a period creates the row with
``INSERT … ON CONFLICT DO NOTHING`` and increments again, so two writers starting a period
at once still get 1 and 2. The row stays locked until the caller's transaction ends:

* inside a transaction (letters, receipts) numbers have no gaps — a rollback gives the
  number back — and writers of the same series take turns until the commit;
* a caller that prepares its rows and events first (the primary keys from ``db.next_ids``)
  takes the number last, writes everything in its next statement and commits, so the row is
  held for that statement and the commit only (appeal intake); with ``release_before_flush``
  not even through the commit's disk flush: the commit is asynchronous and the caller waits
  for the flush after it, with the lock released (``db.release_locks_before_flush``);
* outside one the statement commits at once, so the lock lasts one statement; a caller
  that fails afterwards leaves a gap (appeal intake takes its number inside its transaction,
  as late as it can, so a failed filing gives its number back).

Either way no number is handed out twice (the row lock), and the records that carry the
numbers have unique constraints as the last line of defence.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction

from . import clock, db
from .models import Counter


def daily(day: datetime.date) -> str:
    return f"{day:%Y%m%d}"


def yearly(day: datetime.date) -> str:
    return f"{day:%Y}"


@dataclass(frozen=True)
class Series:
    """A numbered series: ``pattern`` takes ``period`` and ``number`` (``str.format``)."""

    name: str
    pattern: str
    period: Callable[[datetime.date], str] = yearly

    def text(self, period: str, number: int) -> str:
        return self.pattern.format(period=period, number=number)


@dataclass(frozen=True)
class Number:
    value: int
    period: str
    text: str

    def __str__(self) -> str:
        return self.text


def _sql() -> tuple[str, str]:
    table = connection.ops.quote_name(Counter._meta.db_table)
    increment = (
        f'UPDATE {table} SET "last" = "last" + 1 WHERE "series" = %s AND "period" = %s RETURNING "last"'  # noqa: S608 (model metadata)
    )
    create = (
        f'INSERT INTO {table} ("series", "period", "last") VALUES (%s, %s, 0) ON CONFLICT ("series", '  # noqa: S608
        f'"period") DO NOTHING'
    )
    return increment, create


def next_value(series: str, period: str = "", *, release_before_flush: bool = False) -> int:
    """The next number of ``series`` in ``period`` (1 for the first). See the module docstring.

    ``release_before_flush`` (PostgreSQL): the same statement makes the transaction's commit
    asynchronous and ``db.release_locks_before_flush`` waits for the disk after it, so the
    counter row is not held through the commit's disk flush, which every writer of the series
    would otherwise wait for in turn. Elsewhere (SQLite: one writer at a time anyway) it does
    nothing."""
    increment, create = _sql()
    release_before_flush = release_before_flush and connection.vendor == "postgresql"
    if release_before_flush:
        increment += f", {db.ASYNC_COMMIT_SQL}"
    rows = db.execute(increment, [series, period])
    if not rows:
        db.execute(create, [series, period])
        rows = db.execute(increment, [series, period])
    if release_before_flush:
        db.release_locks_before_flush()
    return rows[0][0]


def take(series: Series, on: datetime.date | None = None, *, release_before_flush: bool = False) -> Number:
    """The next number of ``series`` for the period of ``on`` (default today), written out.
    ``release_before_flush``: see ``next_value`` (PostgreSQL, inside a transaction)."""
    period = series.period(on or clock.today())
    value = next_value(series.name, period, release_before_flush=release_before_flush)
    return Number(value=value, period=period, text=series.text(period, value))


def last_values(series: Series | str) -> dict[str, int]:
    """The last number taken per period (for bulk generators that number rows themselves)."""
    name = series.name if isinstance(series, Series) else series
    return dict(Counter.objects.filter(series=name).values_list("period", "last"))


def raise_to(series: Series | str, lasts: Mapping[str, int]) -> None:
    """Move counters forward to at least ``lasts[period]`` (never back): after a bulk load
    that numbered its own rows, the service continues after them."""
    name = series.name if isinstance(series, Series) else series
    with transaction.atomic():
        existing = {
            row.period: row
            for row in Counter.objects.select_for_update().filter(series=name, period__in=list(lasts))
        }
        Counter.objects.bulk_create(
            [
                Counter(series=name, period=period, last=last)
                for period, last in lasts.items()
                if period not in existing
            ],
            batch_size=2000,
        )
        for period, row in existing.items():
            if lasts[period] > row.last:
                Counter.objects.filter(pk=row.pk).update(last=lasts[period])
