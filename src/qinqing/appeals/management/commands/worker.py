import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("qinqing.appeals.worker")


class Command(BaseCommand):
    help = "Run the periodic jobs in a loop: the appeals sweep and delivery of queued notifications."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between rounds (default 60).")
        parser.add_argument("--rounds", type=int, default=0, help="Stop after this many rounds (0: run until stopped).")

    def handle(self, *args, **options):
        from qinqing.appeals import notify
        from qinqing.appeals.dashboard import refresh_figures
        from qinqing.appeals.sweep import run_sweep

        interval, rounds, done = max(1, options["interval"]), options["rounds"], 0
        while True:
            close_old_connections()
            try:
                result = run_sweep()
                sent = notify.deliver_pending()
                self.stdout.write(refresh_figures().summary())  # the dashboard's counts (appeals.dashboard)
                self.stdout.write(f"{result.summary()}; notifications sent {sent}")
            except Exception:  # keep the loop alive; the next round retries
                logger.exception("worker round failed")
            done += 1
            if rounds and done >= rounds:
                return
            time.sleep(interval)
