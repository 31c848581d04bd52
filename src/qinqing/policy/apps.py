import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "qinqing.policy"
    label = "policy"
    verbose_name = _("Policy library")

    def ready(self):
        from qinqing.core import jobs

        jobs.register(
            jobs.Job(
                "policy.reminders",
                "qinqing.policy.jobs.reminders",
                _("Policy library: validity ending soon, supporting measures overdue (working days)"),
                daily_at=datetime.time(7, 55),
                retries=3,
                backoff_seconds=300,
                max_minutes=10,
            )
        )
