from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "qinqing.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from qinqing.core.navigation import Tile, register_tile
        from qinqing.core.roles import Role

        staff_roles = (
            Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR, Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER, Role.OFFICIAL,
            Role.DEPARTMENT_HANDLER, Role.CREDIT_ADMINISTRATOR, Role.FEDERATION_STAFF,
        )
        register_tile(Tile("directory", _("Directory"), "directory:index", staff_roles,
                           _("Units, officials, enterprises and the people linked to them."), _("Articles 2, 3, 23")))
        register_tile(Tile("my_enterprise", _("My enterprise"), "directory:my_enterprises", (Role.ENTERPRISE_USER,),
                           _("Your enterprise as the district records it."), _("Article 2")))
