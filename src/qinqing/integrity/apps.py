import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "qinqing.integrity"
    label = "integrity"
    verbose_name = _("Integrity and the blacklist")

    def ready(self):
        from qinqing.core import jobs, tabular

        from .services.bribery import register_deadlines

        register_deadlines()  # provisional deadlines recounted when a year is loaded (calendar.deadlines)

        jobs.register(
            jobs.Job(
                "integrity.recompute",
                "qinqing.integrity.services.evaluation.recompute_aged",
                _("Integrity evaluations: recompute those changed by time"),
                daily_at=datetime.time(1, 30),
                retries=3,
                backoff_seconds=300,
                max_minutes=30,
            )
        )

        tabular.register_importer("listings", "qinqing.integrity.importing.import_file")
        tabular.register_importer("records", "qinqing.integrity.importing.import_records_file")
