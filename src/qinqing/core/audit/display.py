"""The audit trail as people read it (the 操作留痕 card on object pages).

Events store what changed as raw column values: attribute names (``handling_unit_id``),
choice codes (``triaged``) and datetimes as UTC ISO strings. Here each change becomes the
field's verbose name (translated), the choice's label, the referenced object's name and
local time (``TIME_ZONE``, Asia/Shanghai). Masked values stay as masked. The stored events
are never changed: this is presentation only.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import AuditEvent
from .registry import _AUDITED, _SHOWN, current_label

EMPTY = "—"


@dataclass
class ChangeRow:
    name: str  # the attribute name as stored, for the curious (title attribute)
    label: str
    before: str
    after: str
    internal: bool = False  # a machine column (blind index, fingerprint): no label of its own


@dataclass
class EventRow:
    event: AuditEvent
    created: bool  # no value before: show only what was set
    changes: list[ChangeRow] = field(default_factory=list)


def _model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(current_label(label))
    except (LookupError, ValueError):
        return None


def _fields_by_attname(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _related_names(rows: list[tuple[dict[str, models.Field], dict]]) -> dict[tuple[type, str], str]:
    """``(related model, str(pk)) → str(object)`` for every foreign key value shown, one query per model."""
    wanted: dict[type[models.Model], set[str]] = {}
    for fields, changes in rows:
        for attname, pair in changes.items():
            target = fields.get(attname)
            if target is None or not target.is_relation or not target.many_to_one:
                continue
            for value in pair if isinstance(pair, list | tuple) else ():
                if not _is_empty(value):
                    wanted.setdefault(target.related_model, set()).add(str(value))
    names: dict[tuple[type, str], str] = {}
    for model, keys in wanted.items():
        try:
            found = model._base_manager.select_related().in_bulk(list(keys))
        except (ValueError, TypeError):
            continue
        for pk, obj in found.items():
            names[(model, str(pk))] = str(obj)
    return names


def _display(target: models.Field | None, value: Any, names: dict, shown=None) -> str:
    if _is_empty(value):
        return EMPTY
    if shown is not None and isinstance(value, str):
        return shown(value)
    if target is None:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if target.is_relation and target.many_to_one:
        name = names.get((target.related_model, str(value)))
        return f"{name} (#{value})" if name else f"#{value}"
    if target.choices:
        choices = {str(key): label for key, label in target.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(target, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(target, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _label(target: models.Field | None) -> str | None:
    """The field's name for people, or None for a machine column.

    Fields people read have a translatable verbose name; a reference without one is named
    after the model it points to ("Chapter"). The others (blind indexes, fingerprints) have
    none: they are shown by their column name, listed last and greyed.
    """
    if target is None:
        return None
    if isinstance(target.verbose_name, Promise):
        return capfirst(str(target.verbose_name))
    if target.is_relation and target.many_to_one:
        model_name = target.related_model._meta.verbose_name
        if isinstance(model_name, Promise):
            return capfirst(str(model_name))
    return None


def _mask(label: str, attname: str, value: Any) -> Any:
    """A value recorded before its field was masked (``@audited(masked=...)``) is masked on
    display too; values recorded masked pass unchanged."""
    mask = _AUDITED.get(current_label(label), {}).get(attname)
    if mask is None or _is_empty(value) or (isinstance(value, str) and "*" in value):
        return value
    return mask(value)


def masked_changes(label: str, changes: Any) -> Any:
    """An event's recorded ``changes`` with every value masked as the trail shows it (``_mask``), for
    whatever hands the changes out as they are (the audit API)."""
    if not isinstance(changes, dict):
        return changes
    shown = {}
    for attname, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            shown[attname] = [_mask(label, attname, pair[0]), _mask(label, attname, pair[1])]
        else:
            shown[attname] = _mask(label, attname, pair)
    return shown


def describe(events: list[AuditEvent]) -> list[EventRow]:
    """Each event with its changes in words, in the order given."""
    prepared = []
    for event in events:
        fields = _fields_by_attname(_model_for(event.object_type))
        changes = event.changes if isinstance(event.changes, dict) else {}
        prepared.append((event, fields, changes))
    names = _related_names([(fields, changes) for _event, fields, changes in prepared])
    rows = []
    for event, fields, changes in prepared:
        pairs = {key: (pair if isinstance(pair, list | tuple) and len(pair) == 2 else [None, pair])
                 for key, pair in changes.items()}
        created = bool(pairs) and all(_is_empty(before) for before, _after in pairs.values())
        row = EventRow(event=event, created=created)
        for attname, (before, after) in pairs.items():
            before = _mask(event.object_type, attname, before)
            after = _mask(event.object_type, attname, after)
            target = fields.get(attname)
            if created and (_is_empty(after) or (target is not None and target.primary_key)):
                continue  # a new record: only what was set, not every empty column
            label = _label(target)
            internal = label is None
            label = label or attname
            shown = _SHOWN.get(current_label(event.object_type), {}).get(attname)
            row.changes.append(ChangeRow(
                name=attname, label=label, before=_display(target, before, names, shown),
                after=_display(target, after, names, shown), internal=internal,
            ))
        row.changes.sort(key=lambda change: change.internal)
        rows.append(row)
    return rows
