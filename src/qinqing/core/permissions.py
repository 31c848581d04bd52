"""Deny by default: every view names who may use it.

``role_required`` guards pages by role; the selectors then narrow to the objects
that the actor may see (``scope_*``). Denied pages answer 403 and change nothing.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import has_role


def user_has_any_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, *roles)))


def role_required(*roles: str):
    """View decorator: only users holding one of ``roles`` (or superusers) get in."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_any_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.qinqing_roles = tuple(str(r) for r in roles)
        return wrapped

    return decorator


def permission_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (request.user.is_authenticated and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.qinqing_permission = perm
        return wrapped

    return decorator
