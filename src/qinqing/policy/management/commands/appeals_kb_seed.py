from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Add and publish the seed policy interpretations (articles 6, 8, 14, 14.2, 15.3) that "
        "are not there yet. "
        "Needs the policy imported first (./qinqing policy import --seed)."
    )

    def handle(self, *args, **options):
        from qinqing.policy.interpretations.library import seed_interpretations

        try:
            added = seed_interpretations()
        except ServiceError as error:
            raise CommandError(error.text()) from error
        self.stdout.write(f"policy interpretations added: {added}")
