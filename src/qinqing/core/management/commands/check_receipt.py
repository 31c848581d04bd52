"""``./qinqing check_receipt RECEIPT.json [--heads FILE …] [--code CODE]``: check a filing receipt
offline — the same standalone check an enterprise runs with ``check_receipt.py`` (issue 19)."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.transparency import check_receipt


class Command(BaseCommand):
    help = "Check a filing receipt's inclusion proof offline (docs/OPERATIONS.md)."

    def add_arguments(self, parser):
        parser.add_argument("receipt")
        parser.add_argument("--heads", action="append", default=[])
        parser.add_argument("--code")

    def handle(self, *args, receipt, heads, code, **options):
        argv = [receipt, *(arg for path in heads for arg in ("--heads", path))]
        if code:
            argv += ["--code", code]
        status = check_receipt.main(argv)
        if status:
            why = "the receipt did not check" if status == 1 else "the receipt is pending or unreadable"
            raise CommandError(why, returncode=status)
