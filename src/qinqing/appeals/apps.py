"""Enterprise appeals (诉求), articles 6 and 8.

Roles: enterprise users file, follow and rate their own appeals; department handlers and
officials handle their own unit's; the supervision office (督办) is the users holding
``district_leader`` or ``supervising_leader`` plus administrators — they triage,
dispatch, approve extensions and see every appeal (chosen because the policy puts
supervision with the district's leaders; no separate office role exists yet).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "qinqing.appeals"
    label = "appeals"
    verbose_name = _("Enterprise appeals")

    def ready(self) -> None:
        from qinqing.core.navigation import Tile, register_tile
        from qinqing.core.roles import Role

        register_tile(Tile("appeals_mine", _("My appeals"), "appeals:mine", (Role.ENTERPRISE_USER,),
                           _("File a question or demand and follow it to the reply."), _("Articles 6, 8")))
        register_tile(Tile("appeals_queue", _("Appeals to handle"), "appeals:queue", (Role.DEPARTMENT_HANDLER, Role.OFFICIAL),
                           _("Your unit's appeals by deadline, overdue first."), _("Article 8")))
        supervision = (Role.DISTRICT_LEADER, Role.SUPERVISING_LEADER, Role.ADMINISTRATOR)
        register_tile(Tile("appeals_all", _("All appeals"), "appeals:all", supervision,
                           _("Triage and dispatch every appeal onto its track."), _("Article 8")))
        register_tile(Tile("appeals_supervision", _("Supervision of appeals (督办)"), "appeals:supervision", supervision,
                           _("Overdue appeals with the working days overdue."), _("Article 8")))
        register_tile(Tile("appeals_dashboard", _("Appeals dashboard"), "appeals:dashboard", (*supervision, Role.DISCIPLINE_INSPECTOR),
                           _("On-time, reply and satisfaction rates per unit and month, overdue list, hot topics, the ledger."), _("Article 8")))
        register_tile(Tile("appeals_limits", _("Appeal time limits"), "appeals:limits", (Role.ADMINISTRATOR,),
                           _("The working-day limits of the three tracks."), _("Article 8")))
        register_tile(Tile("appeals_operator_record", _("Record an appeal"), "appeals_channels:operator_record",
                           (Role.DEPARTMENT_HANDLER, Role.ADMINISTRATOR),
                           _("Appeals received by phone, letter, visit or roundtable, with their channel kept."), _("Article 8")))
        register_tile(Tile("appeals_knowledge", _("Policy-interpretation library"), "appeals:knowledge_manage",
                           (Role.ADMINISTRATOR, Role.DEPARTMENT_HANDLER),
                           _("Answers to common policy questions, linked to the articles; reply drafts for consultations."), _("Article 8")))
        from qinqing.core.calendar_services import register_schedule_listener

        from .deadlines import deadlines_recount

        register_schedule_listener(deadlines_recount)  # provisional deadlines recounted when a year is loaded (issue #10)
        try:
            from .channels import register_senders
        except ImportError:  # the channels package is optional
            return
        register_senders()
