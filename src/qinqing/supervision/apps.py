import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "qinqing.supervision"
    label = "supervision"
    verbose_name = _("Discipline supervision")

    def ready(self):
        from qinqing.core import jobs

        from . import checks  # noqa: F401 (registers the key ring check)
        from .duties import services as _duties  # noqa: F401 (registers the supervision.duty workflow)
        from .services import register_deadlines

        register_deadlines()  # provisional deadlines recounted when a year is loaded (calendar.deadlines)

        jobs.register(
            jobs.Job(
                "supervision.leads",
                "qinqing.supervision.services.leads_take_over",
                _("Conduct leads into supervision"),
                every_minutes=15,
                retries=3,
                backoff_seconds=60,
                max_minutes=10,
            )
        )
        jobs.register(
            jobs.Job(
                "supervision.due",
                "qinqing.supervision.services.due_notices",
                _("Notices to inspectors: follow-ups, deadlines, erasures due"),
                daily_at=datetime.time(7, 0),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
        jobs.register(
            jobs.Job(
                "supervision.retention",
                "qinqing.supervision.services.retention_sweep",
                _("Report retention: dates, reminders, erasure"),
                daily_at=datetime.time(2, 30),
                retries=3,
                backoff_seconds=300,
                max_minutes=30,
            )
        )
        jobs.register(
            jobs.Job(
                "supervision.duties",
                "qinqing.supervision.duties.services.due_notices",
                _("Notices to units: main-responsibility lists, reports and tasks due"),
                daily_at=datetime.time(7, 10),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
