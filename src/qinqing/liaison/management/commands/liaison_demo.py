"""``./qinqing liaison_demo``: leaders, key enterprises, meetings and consultations over the demo district."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Load the liaison demo over the demo district (run `demo` first): leaders on the roster linked to "
        "key enterprises, responsibility lists, a roundtable whose problem became an appeal, a communication "
        "meeting with follow-ups, decisions in consultation with the federation's opinion. Every write goes "
        "through the services (audited)."
    )

    def handle(self, *args, **options):
        from qinqing.liaison.demo import generate

        say = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            generate(say=say)
        except (ServiceError, RuntimeError) as error:
            raise CommandError(str(error)) from error
