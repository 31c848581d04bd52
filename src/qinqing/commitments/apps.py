import datetime

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "qinqing.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from qinqing.core import jobs, tabular

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
        post_migrate.connect(_adopt_alerts, sender=self, dispatch_uid="qinqing_commitments_adopt_alerts")


def _adopt_alerts(**_kwargs) -> None:
    """Deadline alerts recorded before they were audited get their first event, once."""
    from qinqing.core.audit import adopt_rows_once

    from .models import DeadlineAlert

    adopt_rows_once([DeadlineAlert], action="commitments.deadlinealert.adopt",
                    actor_label="commitments-alert-audit")
