"""The appeals app's background jobs (core.jobs), registered from ``AppealsConfig.ready()``.

Each is its own task on the queue, so one failing (say, the sweep on a day the calendar
does not cover) stops neither notification delivery nor the dashboard figures.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from qinqing.core import jobs


def sweep() -> str:
    from .workflow.sweep import run_sweep

    return run_sweep().summary()


def deliver_notifications() -> str:
    from .workflow import notify

    return notify.deliver_report().summary()


def refresh_dashboard_figures() -> str:
    from .dashboard.figures import refresh_figures

    return refresh_figures().summary()


def retrain_routing() -> str:
    """Retrain the routing suggestions from the district's history; the generated samples are
    added again when the current model was trained with them (a district without history yet).
    Not enough history is no failure: the current model stays."""
    from .routing import model as routing

    metadata = routing.model_metadata() or {}
    report = routing.train_and_save(with_samples=bool(metadata.get("generated_count")))
    if not report.trained:
        return _("not retrained (%(samples)s samples): %(reason)s") % {
            "samples": report.sample_count, "reason": report.reason}
    accuracy = "—" if report.unit_accuracy is None else f"{report.unit_accuracy:.3f}"
    return _("retrained on %(samples)s samples (history %(history)s); unit accuracy %(accuracy)s") % {
        "samples": report.sample_count, "history": report.history_count, "accuracy": accuracy}


JOBS = (
    jobs.Job(
        "appeals.sweep",
        "qinqing.appeals.jobs.sweep",
        _("Appeal deadline sweep (urge, flag, supervise)"),
        every_minutes=10,
        description=_(
            "Article 8: urges appeals near their deadline, flags those due today, "
            "moves overdue ones to supervision."
        ),
    ),
    jobs.Job(
        "appeals.notifications",
        "qinqing.appeals.jobs.deliver_notifications",
        _("Notification delivery"),
        every_minutes=1,
        retries=0,
        max_minutes=15,
        description=_(
            "Sends queued SMS and WeChat messages; marks those no channel reaches for hand delivery."
        ),
    ),
    jobs.Job(
        "appeals.figures",
        "qinqing.appeals.jobs.refresh_dashboard_figures",
        _("Dashboard figures"),
        every_minutes=5,
        description=_("Recomputes the appeals dashboard's per-unit and monthly figures."),
    ),
    jobs.Job(
        "appeals.routing",
        "qinqing.appeals.jobs.retrain_routing",
        _("Routing suggestions retraining"),
        daily_at=datetime.time(2, 30),
        max_minutes=60,
        description=_("Retrains the handling-unit and track suggestions from past assignments."),
    ),
)


def register() -> None:
    for job in JOBS:
        jobs.register(job)
