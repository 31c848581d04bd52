"""The audit log's background jobs (registered from ``CoreConfig.ready``)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .. import jobs


def register() -> None:
    from django_q.signals import post_spawn

    from .sequencer import mark_cluster_worker

    post_spawn.connect(mark_cluster_worker, dispatch_uid="qinqing_audit_sequencer_in_cluster")
    jobs.register(
        jobs.Job(
            "core.audit_sequencer",
            "qinqing.core.transparency.sequencer.job",
            _("Audit log sequencer"),
            every_minutes=1,
            retries=0,
            max_minutes=3,
            description=_(
                "Puts new audit events into the Merkle tree several times a second and signs the tree head."
            ),
        )
    )
    jobs.register(
        jobs.Job(
            "core.audit_publish",
            "qinqing.core.transparency.publish.job",
            _("Audit head publication"),
            every_minutes=settings.AUDIT_PUBLISH_EVERY_MINUTES,
            retries=2,
            backoff_seconds=60,
            max_minutes=5,
            description=_("Publishes the signed tree head to the anchor file and the configured witnesses."),
        )
    )
