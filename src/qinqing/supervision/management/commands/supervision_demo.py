"""``./qinqing supervision_demo [--seed S]``: reports in every state for the inspector account."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the supervision demo over the demo district (run `demo` first): reports received, "
        "accepted, under verification, "
        "concluded, declined and closed as a case in the four forms for the inspector account; "
        "an early reminder; conduct's leads. "
        "Every write goes through the services (sealed and audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args, seed=17, **options):
        from qinqing.supervision.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            result = generate(seed=seed, say=say)
        except ServiceError as error:
            raise CommandError(error.text()) from error
        if say:
            say(f"supervision demo: {result['reports']} report(s)")
