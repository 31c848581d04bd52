"""Which models are audited, and how their personal fields are masked in audit events.

Kept apart from ``audit`` so that models can register themselves without import cycles.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

# model label ("app_label.ModelName") -> {field attname: masking function}
_AUDITED: dict[str, dict[str, Callable[[Any], str]]] = {}


def default_mask(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) <= 2:
        return "*" * len(text)
    keep = max(1, len(text) // 5)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def audited(masked: dict[str, Callable[[Any], str] | None] | None = None):
    """Class decorator: register a model as audited, naming its personal fields to mask."""

    def register(model: type[models.Model]) -> type[models.Model]:
        _AUDITED[model._meta.label] = {name: (mask or default_mask) for name, mask in (masked or {}).items()}
        return model

    return register


def audited_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in sorted(_AUDITED)]


