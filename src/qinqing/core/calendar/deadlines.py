"""Deadlines counted into the provisional year, counted again when a year's schedule is set.

A date an app counts with ``calendar.deadline`` and stores on a record is, when it runs into the
provisional year (``calendar.provisional``), only as good as the assumed schedule. Each app:

1. declares the date field once, in its ``ready()``: ``deadlines.register(Model, "verify_due",
   open=Q(...), action="app.model.deadline_recount", moved=callback)`` — which records are still
   running (closed or decided ones are left as they were), the audit action, optionally the
   record's own provisional flag (``provisional_field``) and a callback that tells whoever the
   app told of the date (a line on the record's history, a message);
2. counts the date with ``deadlines.count(record, "verify_due", start=..., days=..., actor=...)``
   (a record being created: ``calendar.deadline``, then ``deadlines.keep`` with the same basis once
   it is saved), in the service's transaction: the basis (start, working days, the date counted) is kept in
   ``core.DeadlineBasis`` while the date is provisional, and dropped otherwise.

The calendar services call ``recount`` (a schedule listener) inside the transaction that sets any
year: every kept deadline of an open record is counted again on the schedule as it now stands;
a date that moved is saved with one audit event on the record naming the year loaded, its source,
the basis and both dates, and the app's callback is called. A basis whose record is closed, or
whose date was counted again since, is dropped. The appeals keep their own basis on the appeal
(``appeals.workflow.deadlines``, the first of these, with its timeline and submitter messages).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q

from .. import audit, calendar, district
from ..errors import ServiceError


@dataclass(frozen=True)
class Recounted:
    """What a recount changed, as the app's callback gets it."""

    field: str
    year: int
    source: str
    start: datetime.date
    days: int
    before: datetime.date
    after: datetime.date
    provisional: bool
    actor: object = None  # who loaded the schedule

    @property
    def params(self) -> dict:
        """The words a history line or message uses: year, source, days, start, old, new."""
        return {"year": self.year, "source": self.source, "days": self.days, "start": self.start.isoformat(),
                "old": self.before.isoformat(), "new": self.after.isoformat()}


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    field: str
    open: Q
    action: str
    provisional_field: str | None = None
    # moved(record, change) -> audit events of what it wrote (history lines, messages), or None
    moved: Callable[[models.Model, Recounted], list[dict] | None] | None = None


_specs: dict[tuple[str, str], Spec] = {}


def register(
    model: type[models.Model],
    field: str,
    *,
    open: Q,  # noqa: A002 (the word the apps read)
    action: str,
    provisional_field: str | None = None,
    moved: Callable[[models.Model, Recounted], list[dict] | None] | None = None,
) -> None:
    """Declare a date field counted in working days whose provisional dates are recounted."""
    _specs[(model._meta.label, field)] = Spec(model, field, open, action, provisional_field, moved)


def _basis_of(record: models.Model, field: str):
    from ..models import DeadlineBasis

    return DeadlineBasis.objects.select_for_update().filter(
        record_type=record._meta.label, record_id=str(record.pk), field=field
    ).first()


def _drop(row, actor) -> dict:
    before = audit.snapshot(row)
    pk = row.pk
    row.delete()
    return {"actor": actor, "action": "core.deadlinebasis.delete", "object_type": row._meta.label,
            "object_id": pk, "before": before, "deleted": True}


def keep(record: models.Model, field: str, *, start: datetime.date, days: int, actor) -> None:
    """Keep (or drop) the basis of ``record.<field>``, just counted ``days`` working days from
    ``start``: kept while the date lies in (or was counted through) the provisional year. Call it
    inside the service's transaction, once the record has its primary key; audited."""
    if (record._meta.label, field) not in _specs:
        raise LookupError(f"{record._meta.label}.{field} is not registered with core.calendar.deadlines")
    due = getattr(record, field)
    current = calendar.snapshot()
    provisional = due is not None and (current.is_provisional(due) or current.is_provisional(start))
    row = _basis_of(record, field)
    if not provisional:
        if row is not None:
            audit.record_events([_drop(row, actor)])
        return
    from ..models import DeadlineBasis

    if row is None:
        row = DeadlineBasis.objects.create(record_type=record._meta.label, record_id=str(record.pk),
                                           field=field, start=start, days=days, due=due)
        audit.record_event(actor=actor, action="core.deadlinebasis.create", instance=row)
        return
    before = audit.snapshot(row)
    row.start, row.days, row.due = start, days, due
    row.save(update_fields=["start", "days", "due"])
    audit.record_event(actor=actor, action="core.deadlinebasis.update", instance=row, before=before)


def count(record: models.Model, field: str, *, start: datetime.date, days: int, actor) -> datetime.date:
    """Set ``record.<field>`` (a record that exists) to the date ``days`` working days after
    ``start`` and keep its basis (``keep``); the caller saves the field."""
    setattr(record, field, calendar.deadline(start, days))
    keep(record, field, start=start, days=days, actor=actor)
    return getattr(record, field)


def recount(*, year: int, actor, source: str = "") -> int:
    """Count every kept deadline of an open record again (the schedule listener); returns how many
    records changed."""
    from ..models import DeadlineBasis

    snapshot = calendar.snapshot()
    events: list[dict] = []
    changed = 0
    with transaction.atomic(), district.language():  # an administrator's import may run in English
        rows = list(DeadlineBasis.objects.select_for_update().order_by("pk"))
        groups: dict[tuple[str, str], list] = {}
        for row in rows:
            groups.setdefault((row.record_type, row.field), []).append(row)
        for key, group in groups.items():
            spec = _specs.get(key)
            if spec is None:
                continue  # its app is not installed in this process: keep the basis
            records = {
                str(record.pk): record
                for record in spec.model.objects.select_for_update()
                .filter(spec.open, pk__in=[row.record_id for row in group])
                .order_by("pk")
            }
            for row in group:
                record = records.get(row.record_id)
                if record is None or getattr(record, spec.field) != row.due:
                    events.append(_drop(row, actor))  # closed or decided, or counted again since
                    continue
                try:
                    info = snapshot.deadline_info(row.start, row.days)
                except ServiceError:
                    continue  # the count now runs past every year that can be counted: keep it
                fields = [spec.field] if info.due != row.due else []
                if spec.provisional_field and getattr(record, spec.provisional_field) != info.provisional:
                    fields.append(spec.provisional_field)
                if fields:
                    before = audit.snapshot(record)
                    setattr(record, spec.field, info.due)
                    if spec.provisional_field:
                        setattr(record, spec.provisional_field, info.provisional)
                    record.save(update_fields=fields)
                    change = Recounted(spec.field, year, source, row.start, row.days, row.due, info.due,
                                       info.provisional, actor)
                    told = (spec.moved(record, change) or []) if spec.moved and info.due != row.due else []
                    events.append({
                        "actor": actor, "action": spec.action, "instance": record, "before": before,
                        "details": {"reason": "calendar_year_loaded", "calendar_year": year, "source": source,
                                    "field": spec.field, "start": row.start.isoformat(), "days": row.days,
                                    "due_before": row.due.isoformat(), "due_after": info.due.isoformat(),
                                    "provisional": info.provisional, "told": bool(told)},
                    })
                    events.extend(told)
                    changed += 1
                if not info.provisional:
                    events.append(_drop(row, actor))
                elif info.due != row.due:
                    before = audit.snapshot(row)
                    row.due = info.due
                    row.save(update_fields=["due"])
                    events.append({"actor": actor, "action": "core.deadlinebasis.update", "instance": row,
                                   "before": before})
        if events:
            audit.record_events(events)
    return changed
