"""Limits, standards and time limits as data (DESIGN.md §5): declared once by the app that uses them, edited
by the district administrator on one page (``core:time_limits``), read from the database on use.

Each app declares its own in ``<app>/time_limits.py`` (imported on first use, like ``access.py``)::

    EXPIRY_WARNING = declare(Limit("policy.expiry_warning", default=30, unit=DAYS, least=1, most=365,
                                   label=_("Validity ending: warn this many days ahead"), article="4"))

and reads it where it is used: ``EXPIRY_WARNING.value()`` — one small query (``TimeLimit`` holds only the
values an administrator changed; a key with no row has its default). No per-process cache: a value saved
in one process is what every worker and job reads next. ``time_limit_set`` is the one write, audited, and
refuses a value outside the declared bounds naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import audit, clock, limits
from ..errors import ServiceError

DAYS, WORKING_DAYS, YEAR = "days", "working_days", "year"
UNITS = {
    DAYS: pgettext_lazy("unit of a limit", "days"),
    WORKING_DAYS: pgettext_lazy("unit of a limit", "working days"),
    YEAR: pgettext_lazy("unit of a limit", "year"),
}


@dataclass(frozen=True)
class Limit:
    key: str  # "<app label>.<name>"
    default: int
    unit: str  # DAYS, WORKING_DAYS or YEAR
    least: int
    most: int
    label: Any  # gettext_lazy
    article: str  # the policy's article it serves, e.g. "16" or "15.4"

    def value(self) -> int:
        return value(self.key)

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def unit_label(self):
        return UNITS[self.unit]


_declared: dict[str, Limit] = {}
_discovered = False  # the declarations are code, imported once; the values are never cached


def declare(limit: Limit) -> Limit:
    if limit.unit not in UNITS or not limit.least <= limit.default <= limit.most:
        raise ValueError(f"time limit {limit.key}: unit {limit.unit!r} or default outside its bounds")
    if limit.key in _declared and _declared[limit.key] != limit:
        raise ValueError(f"time limit {limit.key} declared twice")
    _declared[limit.key] = limit
    return limit


def autodiscover() -> None:
    """Import every installed app's ``time_limits`` module, once."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("time_limits")
    _discovered = True


def declared() -> list[Limit]:
    """Every declared limit, by app (in INSTALLED_APPS order) and key."""
    autodiscover()
    order = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    return sorted(_declared.values(), key=lambda limit: (order.get(limit.app, len(order)), limit.key))


def _limit(key: str) -> Limit:
    if key not in _declared:
        autodiscover()
    if key not in _declared:
        raise ServiceError(
            _("Unknown time limit %(key)s."), code="unknown_limit", field="key", params={"key": key}
        )
    return _declared[key]


def value(key: str) -> int:
    """The value in force: the administrator's, else the declared default."""
    from ..models import TimeLimit

    limit = _limit(key)
    stored = TimeLimit.objects.filter(key=key).values_list("value", flat=True).first()
    return limit.default if stored is None else stored


def values() -> dict[str, int]:
    """Every declared limit's value in force (one query; the settings page)."""
    from ..models import TimeLimit

    stored = dict(TimeLimit.objects.values_list("key", "value"))
    return {limit.key: stored.get(limit.key, limit.default) for limit in declared()}


def time_limit_set(*, actor, key: str, value: int):
    """An administrator sets a limit (audited ``core.time_limit.set`` with before and after). Refused, naming
    the field (the key): a value that is not a whole number, or one outside the declared bounds."""
    from ..models import TimeLimit

    limit = _limit(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(
            _("%(field)s must be a whole number."), code="invalid", field=key, params={"field": limit.label}
        )
    limits.check_number(value, field=key, label=limit.label, most=limit.most, least=limit.least)
    with transaction.atomic():
        row = TimeLimit.objects.select_for_update().filter(key=key).first()
        if row is None:
            row = TimeLimit.objects.create(key=key, value=value, updated_at=clock.now())
            audit.record_event(actor=actor, action="core.time_limit.set", instance=row, before=None,
                               details={"article": limit.article, "default": limit.default})
        elif row.value != value:
            before = audit.snapshot(row)
            row.value, row.updated_at = value, clock.now()
            row.save(update_fields=["value", "updated_at"])
            audit.record_event(actor=actor, action="core.time_limit.set", instance=row, before=before,
                               details={"article": limit.article, "default": limit.default})
    return row
