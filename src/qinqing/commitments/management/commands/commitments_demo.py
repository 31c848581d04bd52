"""``./qinqing commitments_demo``: commitments to the demo enterprise in every state (demo district)."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the commitments demo over the demo district (run `demo` first): commitments to the enterprise "
        "account's enterprise in progress, overdue, changed, fulfilled, in each publication scope. "
        "Every write goes through the services."
    )

    def handle(self, *args, **options):
        from qinqing.commitments.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(say=say)
        except (ServiceError, RuntimeError) as error:
            raise CommandError(str(error)) from error
