"""``./qinqing import KIND FILE``: bulk import of directory data from .xlsx or .csv."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from qinqing.core import audit
from qinqing.core.errors import ServiceError
from qinqing.directory.importing import KINDS, import_file

PROGRESS_THRESHOLD = 5000  # rows; smaller files finish before a bar is worth drawing


class Command(BaseCommand):
    help = (
        "Import enterprises, officials, person–enterprise links or related persons from an .xlsx or "
        ".csv file (UTF-8 or GBK; Chinese or English headers). Every row is validated; good rows are "
        "imported idempotently by natural key (USCC, resident ID) and every rejected row is reported "
        "with its row number, field and the rule it broke. Exit status: 0 when the file was read and the "
        "good rows went in, even if some rows were rejected (the rejections are printed); 1 when the "
        "file could not be read at all; 2 for a command-line mistake."
    )

    def add_arguments(self, parser):
        from qinqing.core.tabular import IMPORTERS

        parser.add_argument("kind", choices=(*KINDS, *sorted(IMPORTERS)))
        parser.add_argument("file")
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"imported", "updated", "unchanged", "rejected": [{row, field, error}]}',
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report only; change nothing")

    def handle(self, *args, kind, file, **options):
        bar = None

        def progress_factory(total):
            nonlocal bar
            if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
                return None
            from tqdm import tqdm

            bar = tqdm(total=total, unit="rows", file=sys.stderr, desc=f"import {kind}")
            return bar.update

        try:
            from django.utils.module_loading import import_string

            from qinqing.core.tabular import IMPORTERS

            if (
                kind in IMPORTERS
            ):  # another app's kind (core.tabular.register_importer), e.g. integrity's listings
                report = import_string(IMPORTERS[kind])(
                    file,
                    actor=audit.SystemActor("import"),
                    dry_run=options["dry_run"],
                    progress_factory=progress_factory,
                )
            else:
                report = import_file(
                    kind,
                    file,
                    actor=audit.SystemActor("import"),
                    dry_run=options["dry_run"],
                    progress_factory=progress_factory,
                )
        except FileNotFoundError as error:
            raise CommandError(f"no such file: {file}") from error
        except ServiceError as error:
            raise CommandError(error.text()) from error
        finally:
            if bar is not None:
                bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        prefix = "dry run (nothing written): " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{kind}: {report.imported} imported, {report.updated} updated, "
            f"{report.unchanged} unchanged, "
            f"{report.rejected_rows} rows rejected"
        )
        for rule, rows in getattr(report, "inferred", {}).items():
            self.stdout.write(f"  ownership inferred for {rows} rows: {rule}")
        for warning in getattr(report, "warnings", []):
            self.stdout.write(
                f"  row {warning.row} [{getattr(warning, 'column', warning.field)}] warning: {warning.error}"
            )
        for rejection in report.rejected:
            self.stdout.write(
                f"  row {rejection.row} [{getattr(rejection, 'column', rejection.field)}]: {rejection.error}"
            )
