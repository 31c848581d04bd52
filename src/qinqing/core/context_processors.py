from django.conf import settings

from .navigation import tiles_for
from .roles import role_codes, role_label


def qinqing(request):
    user = getattr(request, "user", None)
    codes = sorted(role_codes(user)) if user is not None else []
    return {
        "QINQING": settings.QINQING,
        "DEMO_MODE": settings.DEMO,
        "user_roles": [{"code": code, "label": role_label(code)} for code in codes],
        "nav_tiles": tiles_for(user) if user is not None and user.is_authenticated else [],
    }
