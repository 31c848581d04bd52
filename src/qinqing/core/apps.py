from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qinqing.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self) -> None:
        from .db import register_sqlite_functions
        from .roles import sync_roles

        connection_created.connect(register_sqlite_functions, dispatch_uid="qinqing_sqlite_functions")
        # Infrastructure, like Django's own permission creation: groups follow the role table.
        post_migrate.connect(sync_roles, dispatch_uid="qinqing_sync_roles")
        self._register_tiles()

    def _register_tiles(self) -> None:
        from .navigation import Tile, register_tile
        from .roles import Role

        register_tile(Tile("audit", _("Audit log"), "core:audit_log", (Role.AUDITOR, Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR),
                           _("Every write, chained with SM3; verify the chain.")))
        register_tile(Tile("api_keys", _("API keys"), "core:api_keys", (Role.ADMINISTRATOR,),
                           _("Keys and scopes for external systems.")))
        register_tile(Tile("calendar", _("Working-day calendar"), "core:calendar", (Role.ADMINISTRATOR,),
                           _("Statutory holidays and make-up workdays for every time limit.")))
