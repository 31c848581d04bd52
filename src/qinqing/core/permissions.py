"""Deny by default: who may open a page or call an operation is declared, not decorated.

Each app's ``access.py`` declares its pages and API operations (``core.access``); the
middleware and the API's auth classes read those declarations, so views carry no role
decorators. What is left here is the in-view question "does this user hold one of these
roles" for choices inside a page (which buttons to show); prefer ``core.access.may_open``
when the choice is "may they open that page". The selectors then narrow to the objects
the actor may see (404 for another party's).
"""

from .roles import has_role


def user_has_any_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, *roles)))
