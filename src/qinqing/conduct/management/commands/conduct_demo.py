"""``./qinqing conduct_demo``: approval requests, an approval letter and gifts for the demo accounts."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the conduct demo over the demo district and accounts: three requests awaiting the "
        "supervising leader (one clean, one near the cost limit, one with violations), one approved "
        "with its letter, a gift handed in with its receipt and one not yet handed in. Every write goes "
        "through the services and is audited; a second run adds nothing."
    )

    def handle(self, *args, **options):
        from qinqing.conduct.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(say=say)
        except ServiceError as error:
            raise CommandError(error.text()) from error
