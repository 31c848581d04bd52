import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "qinqing.liaison"
    label = "liaison"
    verbose_name = _("Leaders' liaison and consultation")

    def ready(self):
        from qinqing.core import jobs

        jobs.register(
            jobs.Job(
                "liaison.reminders",
                "qinqing.liaison.jobs.reminders",
                _("Liaison: visits not held, visit frequency, follow-ups due and overdue (working days)"),
                daily_at=datetime.time(7, 50),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
