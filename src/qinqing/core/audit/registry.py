"""Which models are audited, and how their personal fields are masked in audit events.

Kept apart from ``audit`` so that models can register themselves without import cycles.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

# model label ("app_label.ModelName") -> {field attname: masking function}
_AUDITED: dict[str, dict[str, Callable[[Any], str]]] = {}
# a label events were recorded under before the model moved to another app -> its label now
_FORMER: dict[str, str] = {}
# model label -> {field attname: how the trail shows a stored value (a word list as a Chinese list)}
_SHOWN: dict[str, dict[str, Callable[[str], str]]] = {}


def default_mask(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) <= 2:
        return "*" * len(text)
    keep = max(1, len(text) // 5)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def audited(
    masked: dict[str, Callable[[Any], str] | None] | None = None,
    *,
    former_labels: tuple[str, ...] = (),
    shown: dict[str, Callable[[str], str]] | None = None,
):
    """Class decorator: register a model as audited, naming its personal fields to mask.

    ``shown``: for a text field stored in a machine's form, how the audit trail shows a value of it to
    people (``core.audit.display``; the stored events are not changed).

    ``former_labels``: the labels of this model before it moved to another app (its table kept).
    Events are append-only, so those recorded earlier keep the old label; the chain check and the
    trail read them as this model's."""

    def register(model: type[models.Model]) -> type[models.Model]:
        _AUDITED[model._meta.label] = {name: (mask or default_mask) for name, mask in (masked or {}).items()}
        _SHOWN[model._meta.label] = dict(shown or {})
        for former in former_labels:
            _FORMER[former] = model._meta.label
        return model

    return register


def audited_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in sorted(_AUDITED)]


def current_label(label: str) -> str:
    """The label a model recorded as ``label`` has now (itself unless the model moved)."""
    return _FORMER.get(label, label)


def labels_of(model: type[models.Model]) -> list[str]:
    """Every label ``model``'s events may carry: its own and those it had before it moved."""
    label = model._meta.label
    return [label, *sorted(former for former, now in _FORMER.items() if now == label)]


