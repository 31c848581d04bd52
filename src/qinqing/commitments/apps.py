import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "qinqing.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from qinqing.core import audit, jobs, tabular

        from .funds import register_deadlines

        register_deadlines()  # provisional deadlines recounted when a year is loaded (calendar.deadlines)

        jobs.register(
            jobs.Job(
                "commitments.deadlines",
                "qinqing.commitments.services.deadline_alerts",
                _("Commitments: deadlines approaching, due and overdue (working days)"),
                daily_at=datetime.time(7, 40),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
        tabular.register_importer("commitments", "qinqing.commitments.importing.import_file")
        # Deadline alerts recorded before they were audited get their first event, once.
        audit.adopt_after_migrate(self, "DeadlineAlert", action="commitments.deadlinealert.adopt")
