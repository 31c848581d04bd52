from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "qinqing.conduct"
    label = "conduct"
    verbose_name = _("Officials' conduct")

    def ready(self) -> None:
        from qinqing.core.navigation import Tile, register_tile
        from qinqing.core.roles import Role

        register_tile(Tile("conduct_requests", _("Enterprise events"), "conduct:my_requests", (Role.OFFICIAL,),
                           _("Ask for written approval before an enterprise event; gifts, related persons, recusal."), _("Articles 14, 15")))
        register_tile(Tile("conduct_approvals", _("Approvals"), "conduct:approvals", (Role.SUPERVISING_LEADER,),
                           _("Approve or refuse enterprise-event requests and recusals."), _("Article 14")))
        register_tile(Tile("conduct_red_flags", _("Conduct red flags"), "conduct:red_flags", (Role.DISCIPLINE_INSPECTOR, Role.ADMINISTRATOR),
                           _("Repeated events, costs near the limit, late filings, gifts not handed in, conflicts, leads."), _("Articles 14–16")))
        register_tile(Tile("conduct_pledge", _("Integrity pledge"), "conduct:pledge_sign", (Role.ENTERPRISE_USER,),
                           _("Sign the six requirements for enterprises online."), _("Article 15")))
        register_tile(Tile("conduct_rules", _("Negative lists"), "conduct:rules",
                           (Role.OFFICIAL, Role.SUPERVISING_LEADER, Role.DISCIPLINE_INSPECTOR, Role.ENTERPRISE_USER),
                           _("Seven requirements for officials, six for enterprises."), _("Article 15")))
        register_tile(Tile("conduct_settings", _("Conduct rules"), "conduct:rules_edit", (Role.ADMINISTRATOR,),
                           _("Reception standard, working hours, gift hand-in period, near-limit share."), _("Articles 14, 15")))
