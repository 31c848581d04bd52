from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import menus_for, tiles_for
from .roles import role_codes, role_label


def _district():
    from .district import current

    return current()


def _portal_nav():
    from .portal import nav

    return nav()


def _portal_here(view_name: str):
    from .portal import here

    return here(view_name)


def qinqing(request):
    user = getattr(request, "user", None)
    codes = sorted(role_codes(user)) if user is not None else []
    signed_in = user is not None and user.is_authenticated
    match = getattr(request, "resolver_match", None)
    menus = menus_for(user, match.view_name if match is not None else "") if signed_in else []
    return {
        "QINQING": settings.QINQING,
        "DISTRICT": SimpleLazyObject(_district),  # read only by the pages that show it
        "DEMO_MODE": settings.DEMO,
        "user_roles": [{"code": code, "label": role_label(code)} for code in codes],
        "nav_tiles": SimpleLazyObject(lambda: tiles_for(user)) if signed_in else [],  # the home page's alone
        "nav_menus": menus,
        "nav_menu": {menu["key"]: menu for menu in menus},
        # Visitors not signed in: the public portal's sections and services (core.portal), on every page.
        "portal_nav": [] if signed_in else SimpleLazyObject(_portal_nav),
        # A published section's own list page: its feed and download (core.portal.here).
        "portal_here": SimpleLazyObject(lambda: _portal_here(match.view_name if match is not None else "")),
    }
