import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToleranceConfig(AppConfig):
    name = "qinqing.tolerance"
    label = "tolerance"
    verbose_name = _("Fault tolerance and correction")

    def ready(self):
        from qinqing.core import audit, jobs

        # Alerts recorded before they were audited get their first event, once.
        audit.adopt_after_migrate(self, "Alert", action="tolerance.alert.adopt")
        from .services import register_deadlines

        register_deadlines()  # provisional deadlines recounted when a year is loaded (calendar.deadlines)

        jobs.register(
            jobs.Job(
                "tolerance.overdue",
                "qinqing.tolerance.services.overdue_alerts",
                _("Fault tolerance: steps past their time limit, revisits due"),
                daily_at=datetime.time(7, 15),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
        jobs.register(
            jobs.Job(
                "tolerance.revisit",
                "qinqing.tolerance.services.revisit_due",
                _("Fault tolerance: a revisit falls due"),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
