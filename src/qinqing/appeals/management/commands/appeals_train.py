from django.core.management.base import BaseCommand, CommandError


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = (
        "Retrain the handling-unit and track suggestions from this district's past assignments (article 8) "
        "and print the cross-validated accuracy. The model only suggests; a person decides."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-samples",
            action="store_true",
            help="add the generated sample appeals (for a district without history yet, e.g. the demo)",
        )
        parser.add_argument(
            "--minimum",
            type=int,
            default=None,
            help="fewest past assignments needed for a model (default 30)",
        )

    def handle(self, *args, with_samples, minimum, **options):
        from qinqing.appeals.routing.model import train_and_save

        report = train_and_save(with_samples=with_samples, minimum=minimum)
        self.stdout.write(
            f"samples: {report.sample_count} (past assignments {report.history_count}, generated "
            f"{report.generated_count}); "
            f"units: {len(report.unit_counts)}; tracks: {len(report.track_counts)}"
        )
        if not report.trained:
            raise CommandError(f"{report.reason} No model written.")
        self.stdout.write(f"unit accuracy (cross-validated): {_percent(report.unit_accuracy)}")
        self.stdout.write(f"track accuracy (cross-validated): {_percent(report.track_accuracy)}")
        self.stdout.write(f"model written to {report.path}")
