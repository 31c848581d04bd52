"""The shared cache's database backend (settings.CACHES when QINQING_CACHE_URL is not set).

Django's ``DatabaseCache`` implements ``incr`` as a read and a ``set``: two processes counting
at once can lose a count, and the ``set`` gives the entry the *default* timeout, so a rate
limit's one-hour window became five minutes after its first increment. Here ``incr`` is one
locked read-modify-write (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the transaction
starts with ``BEGIN IMMEDIATE``, the database's write lock) that keeps the entry's expiry —
what Redis's ``INCR`` does. ``add`` is already atomic (an INSERT that a second writer's unique
key refuses).
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} WHERE {quote('cache_key')} = %s AND "  # noqa: S608 (names from settings)
                f"{quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301 (our own table)
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s", [encoded, key]  # noqa: S608
            )
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)
