import datetime

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = "Run the appeals deadline sweep once: urge, flag, move overdue appeals to supervision (article 8)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD), for catching up.")

    def handle(self, *args, **options):
        from qinqing.appeals.workflow.sweep import run_sweep

        today = datetime.date.fromisoformat(options["date"]) if options.get("date") else None
        try:
            result = run_sweep(today=today)
        except ServiceError as error:
            raise CommandError(error.text()) from error
        self.stdout.write(result.summary())
