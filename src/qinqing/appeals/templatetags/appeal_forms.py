"""Errors and kept input for the action forms of the appeal page (``appeals/_actions.html``).

A failed action comes back with ``failed_action`` (the action's name), ``errors`` (field →
translated message, from the service's ``ServiceError``) and ``values`` (what was posted).
These tags put each message next to its field in the form that was sent, keep what the
user typed, and show an error whose field the form does not have at the top of that form.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


def _errors_of(context, action: str) -> dict:
    if context.get("failed_action") != action:
        return {}
    return context.get("errors") or {}


def error_id(action: str, field: str) -> str:
    return f"error-{action}-{field}"


@register.inclusion_tag("appeals/_field_error.html", takes_context=True)
def field_error(context, action: str, field: str) -> dict:
    """The message for one field of one action's form, if that form just failed on it."""
    message = _errors_of(context, action).get(field, "")
    return {"message": message, "id": error_id(action, field), "field": field}


@register.inclusion_tag("appeals/_form_errors.html", takes_context=True)
def form_errors(context, action: str, *fields: str) -> dict:
    """Messages of the failed action that belong to none of its form's ``fields``."""
    messages = [message for field, message in _errors_of(context, action).items() if field not in fields]
    return {"messages": messages, "action": action}


@register.simple_tag(takes_context=True)
def invalid(context, action: str, field: str):
    """``aria-invalid`` and the link to the message, on the field the action failed on."""
    if field in _errors_of(context, action):
        return format_html(' aria-invalid="true" aria-describedby="{}"', error_id(action, field))
    return ""


@register.simple_tag(takes_context=True)
def posted(context, action: str, field: str) -> str:
    """What the user had typed in ``field`` of the action's form that failed (else empty)."""
    if context.get("failed_action") != action:
        return ""
    values = context.get("values") or {}
    return values.get(field, "") or ""
