"""Permissions as data: who may open each page and call each API operation.

Each app declares its entries in ONE module, ``<app>/access.py``, with :func:`declare`:

* :class:`Page` — a URL name (``"conduct:my_requests"``), who may open it (a tuple of role
  codes, :data:`PUBLIC` or :data:`SIGNED_IN`), and optionally where it shows in the menus
  (``menu=`` a group declared with :func:`menu_group`, ``label=``) and on the home page
  (``tile=``). ``sees_all`` names the roles that reach every object behind the page; the
  others reach only their own (the selectors narrow, answering 404 for another party's).
  ``actions`` names the workflow actions (core.workflow) taken on the page, so the matrix can
  check that everyone a transition admits can reach a page or operation that takes it.
* :class:`Operation` — an API operation by method and path under ``/api/v1``
  (``"GET /appeals/{tracking_number}"``), the roles a logged-in caller needs and the scope
  an API key needs (``scope=None``: keys are refused).

Readers: :class:`AccessMiddleware` checks every page request against its declaration by URL
name (an undeclared page is refused); :class:`DeclaredApiKeyAuth` / :class:`DeclaredSessionAuth`
check every API call by its route; :func:`may_open` drives the menus and tiles; the
permission-matrix test (``tests/test_permission_matrix.py``) walks the resolver and the API and
expects exactly what is declared here. Superusers pass every role check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from .roles import role_codes


class _Audience(str):
    """A sentinel audience (compared by identity of meaning, printed by name)."""


PUBLIC = _Audience("public")  # no login
SIGNED_IN = _Audience("signed_in")  # any logged-in user, whatever the role
ANY_SCOPE = _Audience("any_scope")  # any valid API key

# URL namespaces that guard themselves and are not declared page by page.
SELF_GUARDED_NAMESPACES = {
    "admin": "Django's admin site: its own staff login and model permissions",
    "api-v1": "the API: every operation is declared as an Operation",
}


@dataclass(frozen=True)
class Tile:
    """A home-page tile for a page. ``audience`` narrows who sees the tile (never widens it)."""

    key: str
    label: str
    description: str = ""
    article: str = ""
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    name: str
    roles: tuple[str, ...] | _Audience
    menu: str = ""
    label: str = ""
    order: int = 100
    tile: Tile | None = None
    sees_all: tuple[str, ...] = ()
    actions: tuple[
        str, ...
    ] = ()  # workflow actions taken here: "conduct.activity.approve", "appeals.appeal.*"

    def allows(self, user) -> bool:
        return _allows(self.roles, user)


@dataclass(frozen=True)
class Operation:
    key: str  # "GET /appeals/{tracking_number}"
    roles: tuple[str, ...] | _Audience
    scope: str | _Audience | None = None
    sees_all: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        return self.key.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.key.split(" ", 1)[1]

    def allows(self, user) -> bool:
        return _allows(self.roles, user)

    def allows_key(self, api_key) -> bool:
        if self.roles is PUBLIC or self.scope is ANY_SCOPE:
            return True
        return self.scope is not None and self.scope in (api_key.scopes or [])


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str
    order: int = 100


@dataclass
class _Registry:
    pages: dict[str, Page] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    groups: dict[str, MenuGroup] = field(default_factory=dict)


_REGISTRY = _Registry()


def _roles_tuple(roles) -> tuple[str, ...] | _Audience:
    if isinstance(roles, _Audience):
        return roles
    return tuple(str(role) for role in roles)


def _allows(roles, user, codes: set[str] | None = None, superuser: bool = True) -> bool:
    if roles is PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if roles is SIGNED_IN or (superuser and user.is_superuser):
        return True
    codes = role_codes(user) if codes is None else codes
    return not codes.isdisjoint(roles)


def pages_for_roles(user) -> list[Page]:
    """The declared pages that ``user``'s roles open, for menus and tiles (the roles are read once).

    By role only: a superuser passes every check, but is shown what their roles are for (an
    administrator has no gifts to declare, so "my gifts" would only answer 404)."""
    if not getattr(user, "is_authenticated", False):
        key: frozenset[str] | None = None
    else:
        key = frozenset(role_codes(user))
    found = _PAGES_BY_ROLES.get(key)
    if found is None:  # the declarations are fixed once the apps are ready: each set of roles is read once
        found = _PAGES_BY_ROLES[key] = tuple(
            declared
            for declared in _REGISTRY.pages.values()
            if _allows(declared.roles, user, set(key or ()), superuser=False)
        )
    return list(found)


# pages_for_roles' answers by the caller's roles (None: not signed in); emptied by every declaration.
# Every page a signed-in user opens draws its menus and tiles from it (290 declarations a time).
_PAGES_BY_ROLES: dict[frozenset[str] | None, tuple[Page, ...]] = {}
_GENERATION = 0  # counts declarations: what is built from them (core.navigation) is keyed by it


def generation() -> int:
    """How many times entries were declared: what was built from the declarations before a change
    carries an older number."""
    return _GENERATION


def menu_group(key: str, label, order: int = 100) -> MenuGroup:
    group = MenuGroup(key, label, order)
    _REGISTRY.groups[key] = group
    return group


def declare(*entries: Page | Operation) -> None:
    """Register an app's pages and operations. A second declaration of the same name is a mistake."""
    global _GENERATION
    _PAGES_BY_ROLES.clear()
    _GENERATION += 1
    for entry in entries:
        if isinstance(entry, Page):
            entry = replace(
                entry,
                roles=_roles_tuple(entry.roles),
                sees_all=tuple(str(r) for r in entry.sees_all),
                actions=tuple(entry.actions),
            )
            if entry.name in _REGISTRY.pages and _REGISTRY.pages[entry.name] != entry:
                raise ValueError(f"page {entry.name} is declared twice")
            _REGISTRY.pages[entry.name] = entry
        elif isinstance(entry, Operation):
            entry = replace(entry, key=_normalise_key(entry.key), roles=_roles_tuple(entry.roles),
                            sees_all=tuple(str(r) for r in entry.sees_all), actions=tuple(entry.actions))
            if entry.key in _REGISTRY.operations and _REGISTRY.operations[entry.key] != entry:
                raise ValueError(f"operation {entry.key} is declared twice")
            _REGISTRY.operations[entry.key] = entry
        else:
            raise TypeError(f"not a declaration: {entry!r}")


def _normalise_key(key: str) -> str:
    method, _, path = key.strip().partition(" ")
    path = "/" + path.strip().strip("/")
    return f"{method.upper()} {path}"


def menu_groups() -> dict[str, MenuGroup]:
    return dict(_REGISTRY.groups)


def pages() -> dict[str, Page]:
    return dict(_REGISTRY.pages)


def operations() -> dict[str, Operation]:
    return dict(_REGISTRY.operations)


def page(url_name: str) -> Page | None:
    return _REGISTRY.pages.get(url_name)


def operation(key: str) -> Operation | None:
    return _REGISTRY.operations.get(_normalise_key(key))


def may_open(user, url_name: str) -> bool:
    """Whether ``user`` may open the page named ``url_name`` (False for an undeclared page)."""
    declared = _REGISTRY.pages.get(url_name)
    return declared is not None and declared.allows(user)


# --- pages --------------------------------------------------------------------------------------------------
class AccessMiddleware:
    """Every page request is checked against its declaration, found by URL name.

    Anonymous visitors of a non-public page go to the login page; a logged-in user whose
    roles the declaration does not name gets 403; an undeclared page is refused (403) too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        if match.namespaces and match.namespaces[0] in SELF_GUARDED_NAMESPACES:
            return None
        declared = _REGISTRY.pages.get(match.view_name)
        if declared is None:
            request.access_denied = "undeclared"
            raise PermissionDenied(f"page {match.view_name} has no access declaration")
        if declared.roles is PUBLIC:
            return None
        if not request.user.is_authenticated:
            from django.conf import settings
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not declared.allows(request.user):
            request.access_denied = (
                "role"  # the gate refused (the matrix test tells it from a view's own 403)
            )
            raise PermissionDenied
        return None


def is_public_page(url_name: str) -> bool:
    declared = _REGISTRY.pages.get(url_name)
    return declared is not None and declared.roles is PUBLIC


# --- API operations -----------------------------------------------------------------------------------------
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_key(request) -> str:
    """``"METHOD /path"`` of the API operation the request resolved to (path as declared)."""
    match = request.resolver_match
    route = match.route if match is not None else request.path_info
    root = _api_root(match.namespace if match is not None else "api-v1")
    if route.startswith(root):
        route = route[len(root):]
    return _normalise_key(request.method + " " + _PARAM.sub(r"{\1}", route))


_ROOTS: dict[str, str] = {}


def _api_root(namespace: str) -> str:
    if namespace not in _ROOTS:
        try:
            _ROOTS[namespace] = reverse(f"{namespace}:api-root").lstrip("/")
        except NoReverseMatch:
            _ROOTS[namespace] = "api/v1/"
    return _ROOTS[namespace]


def check_operation(request, principal) -> None:
    """Raise PermissionDenied unless the declaration of this operation admits ``principal``
    (an ApiKey by its scope, a user by their roles)."""
    from .models import ApiKey

    declared = _REGISTRY.operations.get(operation_key(request))
    if declared is None:
        request.access_denied = "undeclared"
        raise PermissionDenied(f"operation {operation_key(request)} has no access declaration")
    if isinstance(principal, ApiKey):
        if not declared.allows_key(principal):
            request.access_denied = "scope"
            from django.utils.translation import gettext as _

            from .errors import PermissionDeniedError

            if declared.scope is None:
                raise PermissionDeniedError(_("API keys may not call this operation."), field="X-API-Key")
            raise PermissionDeniedError(
                _("This API key lacks the scope %(scope)s.") % {"scope": declared.scope}, field="X-API-Key"
            )
    elif not declared.allows(principal):
        request.access_denied = "role"
        raise PermissionDenied


def where_taken(action: str) -> list[Page | Operation]:
    """The pages and operations that declare they take the workflow action ``"<workflow>.<action>"``."""
    workflow = action.rsplit(".", 1)[0]
    return [entry for entry in [*_REGISTRY.pages.values(), *_REGISTRY.operations.values()]
            if action in entry.actions or f"{workflow}.*" in entry.actions]


def sees_all(principal, declared: Page | Operation | str) -> bool:
    """Whether the principal reaches every object behind the page or operation (given by URL
    name, ``"METHOD /path"`` or declaration); API keys do, within their scope."""
    from .models import ApiKey

    if isinstance(declared, str):
        declared = _REGISTRY.pages.get(declared) or _REGISTRY.operations[_normalise_key(declared)]
    if isinstance(principal, ApiKey):
        return True
    if not getattr(principal, "is_authenticated", False):
        return False
    return principal.is_superuser or bool(role_codes(principal) & set(declared.sees_all))


def autodiscover() -> None:
    """Import every installed app's ``access`` module (called from CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("access")


# --- the kernel's own declarations --------------------------------------------------------------------------
def _declare_kernel() -> None:
    from django.utils.translation import gettext_lazy as _

    from .roles import Role

    admin = (Role.ADMINISTRATOR,)
    auditors = (Role.AUDITOR, Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR)
    menu_group("system", _("System"), order=90)
    declare(
        Page("healthz", PUBLIC),
        # Guards itself: an API key with the jobs:read scope, or an administrator's session (core.jobs.views).
        Page("healthz_jobs", PUBLIC),
        Page(
            "core:jobs",
            admin,
            menu="system",
            label=_("Background jobs"),
            order=40,
            tile=Tile(
                "jobs",
                _("Background jobs"),
                _("Last run, outcome and duration of each periodic job; notifications not sent."),
            ),
        ),
        Page("set_language", PUBLIC),
        Page("javascript-catalog", PUBLIC),
        Page("core:login", PUBLIC),
        Page("core:home", PUBLIC),  # the public landing page; a signed-in user's own home page
        # The public portal (core.portal): every section an app publishes; unpublished items answer 404.
        Page("core:portal", PUBLIC),
        Page("core:portal_search", PUBLIC),
        Page("core:portal_feed", PUBLIC),
        Page("core:portal_xlsx", PUBLIC),
        Page("core:portal_item", PUBLIC),
        Page("core:logout", SIGNED_IN),
        Page("core:two_factor", SIGNED_IN),
        Page(
            "core:audit_log",
            auditors,
            menu="system",
            label=_("Audit log"),
            order=10,
            tile=Tile("audit", _("Audit log"), _("Every write, chained with SM3; verify the chain.")),
        ),
        Page(
            "core:api_keys",
            admin,
            menu="system",
            label=_("API keys"),
            order=20,
            tile=Tile("api_keys", _("API keys"), _("Keys and scopes for external systems.")),
        ),
        Page("core:api_key_revoke", admin),
        Page(
            "core:district",
            admin,
            menu="system",
            label=_("District settings"),
            order=5,  # issue 20: on every letter
            tile=Tile(
                "district",
                _("District settings"),
                _("District name, seal text and issuing office printed on every letter."),
            ),
        ),
        Page(
            "core:time_limits",
            admin,
            menu="system",
            label=_("Time limits and warning periods"),
            order=6,  # DESIGN.md §5: limits are data an administrator edits
            tile=Tile(
                "time_limits",
                _("Time limits and warning periods"),
                _("Warning periods and time limits the modules count with, each citing its article."),
            ),
        ),
        Page(
            "core:calendar",
            admin,
            menu="system",
            label=_("Working-day calendar"),
            order=30,
            tile=Tile(
                "calendar",
                _("Working-day calendar"),
                _("Statutory holidays and make-up workdays for every time limit."),
            ),
        ),
        # A large ledger import's state and report (core.imports): whoever may import may start one; only the
        # user who started it sees it (everyone else, whatever their role: 404).
        Page("core:import_run", SIGNED_IN),
        Page("core:import_run_rejections", SIGNED_IN),
        Page("core:calendar_year", admin),
        Page("core:calendar_edit", admin),
        Page("core:calendar_notice", admin),  # issue #10: load a year from the State Council notice
        Operation("GET /whoami", SIGNED_IN, scope=ANY_SCOPE),
        # API callers by the Django permission their role carries (core.roles.ROLE_PERMISSIONS).
        Operation(
            "GET /audit/events",
            (Role.DISCIPLINE_INSPECTOR, Role.AUDITOR, Role.ADMINISTRATOR),
            scope="audit:read",
        ),
        Operation("GET /audit/verify", (Role.AUDITOR, Role.ADMINISTRATOR), scope="audit:read"),
        Operation("GET /calendar/add", SIGNED_IN, scope="calendar:read"),
        Operation("GET /calendar/between", SIGNED_IN, scope="calendar:read"),
        Operation("GET /calendar/years/{year}", SIGNED_IN, scope="calendar:read"),  # issue #10
    )


_declare_kernel()
