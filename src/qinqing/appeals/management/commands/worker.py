from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the background jobs: the task queue's cluster (django-q2), which runs every periodic job "
        "on its schedule and each queued task on one worker (docs/OPERATIONS.md). "
        "--once runs every job (or those named with --job) once here and exits; --list shows them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run each job once in this process, then exit"
        )
        parser.add_argument(
            "--job",
            action="append",
            default=[],
            metavar="NAME",
            help="with --once: only this job (repeatable)",
        )
        parser.add_argument(
            "--list", action="store_true", help="list the registered jobs and their schedules"
        )

    def handle(self, *args, once, job, list, **options):
        from qinqing.core import jobs

        known = {registered.name for registered in jobs.registered()}
        unknown = sorted(set(job) - known)
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        if list:
            for item in jobs.health():
                when = (f"every {item.job.every_minutes} min" if item.job.every_minutes
                        else f"daily at {item.job.daily_at:%H:%M}" if item.job.daily_at else "on demand")
                self.stdout.write(
                    f"{item.job.name:<24} {when:<18} {'ok' if item.healthy else item.problem_text}"
                )
            return
        if once:
            reports = jobs.run_all(job or None)
            for report in reports:
                self.stdout.write(f"{report.name}: {'ok' if report.ok else 'FAILED'} {report.summary}")
            if any(not report.ok for report in reports):
                raise CommandError("some jobs failed (the others ran); see above and the jobs page")
            return
        if job:
            raise CommandError("--job goes with --once; the cluster runs every job on its schedule")
        import time

        from django.db import connections
        from django_q.cluster import Cluster

        jobs.sync_schedules()
        connections.close_all()  # the cluster forks its processes; each opens its own connection
        self.stdout.write("qinqing: task queue cluster starting (Ctrl+C or SIGTERM to stop) ...")
        # The cluster's SIGTERM/SIGINT handler stops it gracefully (running tasks finish). This
        # process waits here for that, rather than returning at once as django-q2's qcluster
        # command does: a signal that arrives while the interpreter is shutting down was seen
        # to leave the sentinel and its workers running without a parent.
        cluster = Cluster()
        cluster.start()
        while cluster.sentinel is not None and cluster.sentinel.is_alive():
            time.sleep(0.5)
        self.stdout.write("qinqing: task queue cluster stopped")
