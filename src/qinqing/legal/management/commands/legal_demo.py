"""``./qinqing legal_demo``: registrations, flags, a lawsuit and a protection request (demo district)."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the legal-environment demo over the demo district (run `demo` first): measures, inspections "
        "and charges about the enterprise account's enterprise with each kind of flag, an objection, a "
        "lawsuit with an overdue judgment obligation and a protection request. Every write goes through "
        "the services."
    )

    def handle(self, *args, **options):
        from qinqing.legal.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(say=say)
        except (ServiceError, RuntimeError) as error:
            raise CommandError(str(error)) from error
