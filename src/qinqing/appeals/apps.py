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
        from . import checks  # noqa: F401 (registers the start-up check of the SMS backend)
        from .jobs import register as register_jobs

        register_jobs()  # the sweep, notification delivery, dashboard figures, routing (core.jobs)
        # Timeline steps became audited records (issue 19): those written before are adopted once.
        from qinqing.core import audit

        audit.adopt_after_migrate(self, "AppealStep", action="appeals.step.adopt",
                                  actor_label="appeals-step-audit")
        from .workflow import services as workflow_services  # noqa: F401 (declares APPEAL_WORKFLOW on core.workflow)
        from .workflow.deadlines import register as register_deadlines

        register_deadlines()  # provisional deadlines recounted when a year is loaded (issue #10)
        from qinqing.core import tabular

        tabular.register_importer(
            "hotline", "qinqing.appeals.hotline.services.import_file"
        )  # ./qinqing import hotline FILE
        try:
            from .intake.channels import register_senders
        except ImportError:  # the channels package is optional
            return
        register_senders()
