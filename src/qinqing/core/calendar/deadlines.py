"""Deadlines counted into the provisional year, counted again when a year's schedule is set.

A date an app counts with ``calendar.deadline`` and stores on a record is, when it runs into the
provisional year (``calendar.provisional``), only as good as the assumed schedule. Each app:

1. declares the date field once, in its ``ready()``: ``deadlines.register(Model, "verify_due",
   open=Q(...), action="app.model.deadline_recount", moved=callback)`` — which records are still
   running (closed or decided ones are left as they were), the audit action, optionally the
   record's own provisional flag (``provisional_field``), a callback that tells whoever the
   app told of the date (a line on the record's history, a message), one for a date the schedule
   confirmed unchanged (``confirmed``: only the provisional flag cleared) and the fields a moved
   date clears (``reset_on_move``: a reminder sent for the old date);
2. counts the date with ``deadlines.count(record, "verify_due", start=..., days=..., actor=...)``
   (a record being created: ``calendar.deadline``, then ``deadlines.keep`` with the same basis once
   it is saved), in the service's transaction: the basis (start, working days, the date counted) is kept in
   ``core.DeadlineBasis`` while the date is provisional, and dropped otherwise.

   Or the record keeps its basis itself (``basis_fields=("due_start", "due_days")``, with
   ``provisional_field``; the appeals, the first app that counted into the provisional year): the
   app stores the start, the working days and the flag with the date, and ``count``/``keep`` are not
   used. A record with a basis and no date yet (filed when no calendar covered its deadline, e.g. on
   31 December of the provisional year) is counted when a year is set.

The calendar services call ``recount`` (a schedule listener) inside the transaction that sets any
year: every kept deadline of an open record is counted again on the schedule as it now stands;
a date that moved (or was counted for the first time) is saved with one audit event on the record
naming the year loaded, its source, the basis and both dates, and the app's callback is called. A
basis in ``DeadlineBasis`` whose record is closed, or whose date was counted again since, is dropped.
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
    before: datetime.date | None  # None: the record had no date yet (``basis_fields``)
    after: datetime.date
    provisional: bool
    actor: object = None  # who loaded the schedule

    @property
    def moved(self) -> bool:
        return self.after != self.before

    @property
    def params(self) -> dict:
        """The words a history line or message uses: year, source, days, start, old ("" when there
        was no date), new."""
        return {"year": self.year, "source": self.source, "days": self.days, "start": self.start.isoformat(),
                "old": self.before.isoformat() if self.before else "", "new": self.after.isoformat()}


# A callback: (record, change) -> audit events of what it wrote (history lines, messages), or None.
Callback = Callable[[models.Model, Recounted], "list[dict] | None"]


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    field: str
    open: Q
    action: str
    provisional_field: str | None = None
    moved: Callback | None = None  # the date moved (or was counted for the first time)
    confirmed: Callback | None = None  # the same date, no longer provisional
    basis_fields: tuple[str, str] | None = None  # the record's own (start, working days) fields
    reset_on_move: tuple[str, ...] = ()  # set to None when the date moved


_specs: dict[tuple[str, str], Spec] = {}


def register(
    model: type[models.Model],
    field: str,
    *,
    open: Q,  # noqa: A002 (the word the apps read)
    action: str,
    provisional_field: str | None = None,
    moved: Callback | None = None,
    confirmed: Callback | None = None,
    basis_fields: tuple[str, str] | None = None,
    reset_on_move: tuple[str, ...] = (),
) -> None:
    """Declare a date field counted in working days whose provisional dates are recounted."""
    if basis_fields is not None and provisional_field is None:
        raise ValueError(f"{model._meta.label}.{field}: a basis kept on the record needs a provisional_field")
    _specs[(model._meta.label, field)] = Spec(
        model, field, open, action, provisional_field, moved, confirmed,
        tuple(basis_fields) if basis_fields else None, tuple(reset_on_move),
    )


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
    spec = _specs.get((record._meta.label, field))
    if spec is None:
        raise LookupError(f"{record._meta.label}.{field} is not registered with core.calendar.deadlines")
    if spec.basis_fields:
        raise LookupError(f"{record._meta.label}.{field} keeps its basis on the record ({spec.basis_fields})")
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


def _save(spec: Spec, record: models.Model, *, start: datetime.date, days: int, before: datetime.date | None,
          info, year: int, source: str, actor) -> list[dict]:
    """Store the date counted again (``info``) on ``record`` and call the app's callback; returns the
    audit events (none when neither the date nor the provisional flag changed)."""
    moved = info.due != before
    fields = [spec.field] if moved else []
    if spec.provisional_field and getattr(record, spec.provisional_field) != info.provisional:
        fields.append(spec.provisional_field)
    if not fields:
        return []
    snapshot = audit.snapshot(record)
    setattr(record, spec.field, info.due)
    if spec.provisional_field:
        setattr(record, spec.provisional_field, info.provisional)
    if moved:
        for name in spec.reset_on_move:
            setattr(record, name, None)
        fields += spec.reset_on_move
    record.save(update_fields=fields)
    change = Recounted(spec.field, year, source, start, days, before, info.due, info.provisional, actor)
    told = (spec.moved(record, change) or []) if spec.moved and moved else []
    written = (spec.confirmed(record, change) or []) if spec.confirmed and not moved else []
    return [
        {"actor": actor, "action": spec.action, "instance": record, "before": snapshot,
         "details": {"reason": "calendar_year_loaded", "calendar_year": year, "source": source,
                     "field": spec.field, "start": start.isoformat(), "days": days,
                     "due_before": before.isoformat() if before else None, "due_after": info.due.isoformat(),
                     "provisional": info.provisional, "told": bool(told)}},
        *told,
        *written,
    ]


def _recount_kept(snapshot, *, year: int, actor, source: str) -> tuple[int, list[dict]]:
    """The deadlines whose basis is kept in ``DeadlineBasis``."""
    from ..models import DeadlineBasis

    events: list[dict] = []
    changed = 0
    rows = list(DeadlineBasis.objects.select_for_update().order_by("pk"))
    groups: dict[tuple[str, str], list] = {}
    for row in rows:
        groups.setdefault((row.record_type, row.field), []).append(row)
    for key, group in groups.items():
        spec = _specs.get(key)
        if spec is None or spec.basis_fields:
            continue  # its app is not installed in this process (or keeps the basis itself): keep the row
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
            written = _save(spec, record, start=row.start, days=row.days, before=row.due, info=info,
                            year=year, source=source, actor=actor)
            if written:
                events.extend(written)
                changed += 1
            if not info.provisional:
                events.append(_drop(row, actor))
            elif info.due != row.due:
                before = audit.snapshot(row)
                row.due = info.due
                row.save(update_fields=["due"])
                events.append({"actor": actor, "action": "core.deadlinebasis.update", "instance": row,
                               "before": before})
    return changed, events


def _recount_on_records(spec: Spec, snapshot, *, year: int, actor, source: str) -> tuple[int, list[dict]]:
    """The deadlines of one field whose basis the records keep (``basis_fields``): the open records
    whose date is provisional, or not counted yet."""
    start_field, days_field = spec.basis_fields
    events: list[dict] = []
    changed = 0
    records = (
        spec.model.objects.select_for_update()
        .filter(spec.open)
        .filter(Q(**{spec.provisional_field: True, f"{spec.field}__isnull": False})
                | Q(**{f"{spec.field}__isnull": True}))
        .filter(**{f"{start_field}__isnull": False, f"{days_field}__isnull": False})
        .order_by("pk")
    )
    for record in records:
        start, days = getattr(record, start_field), getattr(record, days_field)
        try:
            info = snapshot.deadline_info(start, days)
        except ServiceError:
            continue  # the count still runs past every year that can be counted: keep it as it is
        written = _save(spec, record, start=start, days=days, before=getattr(record, spec.field), info=info,
                        year=year, source=source, actor=actor)
        if written:
            events.extend(written)
            changed += 1
    return changed, events


def recount(*, year: int, actor, source: str = "") -> int:
    """Count every kept deadline of an open record again (the schedule listener); returns how many
    records changed."""
    snapshot = calendar.snapshot()
    with transaction.atomic(), district.language():  # an administrator's import may run in English
        changed, events = _recount_kept(snapshot, year=year, actor=actor, source=source)
        for spec in list(_specs.values()):
            if spec.basis_fields:
                more, written = _recount_on_records(spec, snapshot, year=year, actor=actor, source=source)
                changed += more
                events.extend(written)
        if events:
            audit.record_events(events)
    return changed
