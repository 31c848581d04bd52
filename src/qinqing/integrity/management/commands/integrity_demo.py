"""``./qinqing integrity_demo [--seed S]``: listings, applications and records over the demo district."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the integrity demo over the demo district (run `demo` first): listings in force, "
        "expired, starting tomorrow, "
        "revoked on objection and removed early; an objection and a credit-repair application for the credit "
        "administrator to decide; records of every kind. Every write goes through the services "
        "and is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=21)

    def handle(self, *args, seed=21, **options):
        from qinqing.integrity.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(seed=seed, say=say)
        except ServiceError as error:
            raise CommandError(error.text()) from error
