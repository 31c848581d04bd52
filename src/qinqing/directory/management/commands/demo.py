"""``./qinqing demo --scale N``: generate the demo district into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.errors import ServiceError
from qinqing.directory.demo import generate_demo


class Command(BaseCommand):
    help = (
        "Generate a coherent demo district: units, officials with supervising leaders, N enterprises "
        "with valid USCCs, shareholders, executives, employees, related persons with valid resident IDs, "
        "and a known share of officials whose relatives hold shares or posts in an enterprise. Links the "
        "demo login accounts when they exist. Refuses a database that already holds the demo district."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=200,
            help="number of enterprises (officials ≈ 5%%, at least 3 per unit)",
        )
        parser.add_argument("--seed", type=int, default=None, help="random seed for a reproducible district")
        parser.add_argument(
            "--conflict-share",
            type=float,
            default=0.03,
            help="share of officials given a conflict of interest (default 0.03)",
        )

    def handle(self, *args, scale, seed=None, conflict_share=0.03, **options):
        verbosity = options.get("verbosity", 1)
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        if not 0 <= conflict_share <= 1:
            raise CommandError("--conflict-share must be between 0 and 1")
        say = self.stdout.write if verbosity >= 1 else None
        try:
            summary = generate_demo(scale=scale, seed=seed, conflict_share=conflict_share, say=say)
        except ServiceError as error:
            raise CommandError(error.text()) from error
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
