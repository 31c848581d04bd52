from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "qinqing.policy"
    label = "policy"
    verbose_name = _("Policy library")

    def ready(self) -> None:
        from qinqing.core.navigation import Tile, register_tile
        from qinqing.core.roles import Role

        register_tile(Tile("policy", _("Policy"), "policy:index", tuple(Role.values),
                           _("The district policy, article by article; every rule here cites it.")))
