from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "qinqing.conduct"
    label = "conduct"
    verbose_name = _("Officials' conduct")

    def ready(self) -> None:
        from qinqing.core.calendar.services import register_schedule_listener

        from .services.activities import activity_findings_recount

        register_schedule_listener(activity_findings_recount)  # 14.3's working day, once the year is loaded
