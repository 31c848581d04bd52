import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qinqing.core import upgrade


class Command(BaseCommand):
    help = (
        "Build a demo database with an earlier release (default: .ci/upgrade-from), migrate it with this "
        "one, then verify the audit log, compare the rows per table and open every demo role's pages (exit "
        "0 when nothing was lost; docs/OPERATIONS.md, 'Upgrading a district')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="revision", metavar="REV",
                            help="the git revision to upgrade from (default: the one in .ci/upgrade-from)")
        parser.add_argument("--scale", type=int, default=20, help="enterprises in the earlier release's demo")
        parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print it")
        # internal: this release's side, run in a subprocess on the upgraded file (core.upgrade)
        parser.add_argument("--inspect", action="store_true", help="(internal) inspect the upgraded database")

    def handle(self, *args, revision, scale, keep, inspect, **options):
        if inspect:
            findings = upgrade.inspect_upgraded()
            self.stdout.write(upgrade.RESULT_MARK + json.dumps(findings.__dict__, ensure_ascii=False))
            return
        home = Path(settings.PROJECT_HOME)
        revision = revision or upgrade.default_revision(home)
        started = time.monotonic()
        findings = upgrade.run_check(
            home=home, revision=revision, scale=scale, keep=keep,
            say=lambda line: self.stdout.write(f"  {line}"),
        )
        seconds = time.monotonic() - started
        self.stdout.write("")
        for note in findings.notes:
            self.stdout.write(f"  * {note}")
        if findings.ok:
            self.stdout.write(f"upgrade check passed: {revision} → this tree in {seconds:.0f} s")
            return
        self.stderr.write(f"upgrade check FAILED ({revision} → this tree, {seconds:.0f} s):")
        for problem in findings.problems:
            self.stderr.write(f"  - {problem}")
        raise CommandError(f"upgrade from {revision} lost something (see above)", returncode=1)
