"""``./qinqing tolerance_demo``: fault-tolerance requests over the demo district."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the fault-tolerance demo over the demo district (run `demo` first): the official account's "
        "requests submitted, under deliberation, and cleared with a published clearing notice. Every write "
        "goes through the services (audited)."
    )

    def handle(self, *args, **options):
        from qinqing.tolerance.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(say=say)
        except (ServiceError, RuntimeError) as error:
            raise CommandError(str(error)) from error
