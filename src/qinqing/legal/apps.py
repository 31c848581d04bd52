import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "qinqing.legal"
    label = "legal"
    verbose_name = _("Legal environment")

    def ready(self):
        from qinqing.core import audit, jobs

        # Overdue obligations recorded before they were audited get their first event, once.
        audit.adopt_after_migrate(self, "ObligationAlert", action="legal.obligationalert.adopt")

        jobs.register(
            jobs.Job(
                "legal.obligations",
                "qinqing.legal.services.obligation_alerts",
                _("Litigation: obligations not performed by their deadline"),
                daily_at=datetime.time(7, 30),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
        jobs.register(
            jobs.Job(
                "legal.notices",
                "qinqing.legal.services.flag_notices",
                _("Legal environment: flags delivered to the unit's leaders and the discipline office"),
                daily_at=datetime.time(7, 35),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
