"""``./qinqing appeals_demo --count N [--seed S] [--as-of DATE]``: bulk demo appeals over the demo district."""  # noqa: E501

import datetime

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Generate N realistic demo appeals over the demo district (run `demo --scale K` and "
        "`workdays seed` first): "
        "every channel, category and track, received since 2025-01-02, in the state the workflow "
        "and the daily "
        "sweep leave them on --as-of (today by default): mostly closed and rated, some open, "
        "some overdue at the "
        "supervision office, some escalated, declined or merged. Every row is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=1000, help="number of appeals (about 2%% merged duplicates)"
        )
        parser.add_argument("--seed", type=int, default=None, help="random seed for a reproducible pool")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="the day the pool describes (YYYY-MM-DD; default today)",
        )

    def handle(self, *args, count, seed=None, as_of=None, **options):
        from qinqing.appeals.demo import generate_appeals

        if count < 1:
            raise CommandError("--count must be at least 1")
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError as error:
            raise CommandError(f"not a date (YYYY-MM-DD): {as_of}") from error
        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            summary = generate_appeals(count=count, seed=seed, as_of=day, say=say)
        except ServiceError as error:
            raise CommandError(error.text()) from error
        if options.get("verbosity", 1) >= 1:
            for line in summary.lines():
                self.stdout.write(line)
