"""``./qinqing fairness check FILE [--json]``, ``./qinqing fairness score FILE [--mistakes] [--json]`` and
``./qinqing fairness demo``.

check: reads a .docx, a PDF with a text layer or a .txt file ("-" reads text from standard input),
prints the findings (``--json``: a list of {clause, location, rule, basis, severity, suggestion, …})
and exits 1 when there are findings, 0 when there are none, 2 when the file cannot be read (the
message says why), 3 when the rules cannot be read (database not migrated).
score: measures the rules on a labeled set of clauses (the corpus's tab-separated form,
``fairness.evaluation``): precision and recall per kind and at clause level, and with ``--mistakes``
every miss and false alarm; exits 0, or 2 when the file cannot be read or a line is not of the form
(the message names the line and the rule).
labels: writes every signed-off review as a labeled set in that form (``--out FILE``, else standard
output): each clause labeled with the kinds of its confirmed findings, or lawful — the office's own
decisions, to measure the rules (and each revision of them) with ``score``.
demo: one or two reviews in the demo district for the handler account.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from qinqing.fairness import extract, services


class Command(BaseCommand):
    help = "Fair-competition review (article 5): check a document for discriminatory clauses."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check a .docx, .pdf (text layer) or .txt file; - reads stdin")
        check.add_argument("file")
        check.add_argument("--json", action="store_true", help="print the findings as JSON")
        score = sub.add_parser(
            "score", help="measure the rules on a labeled set of clauses (.tsv, the corpus's form)"
        )
        score.add_argument("file")
        score.add_argument("--mistakes", action="store_true", help="list every miss and false alarm")
        score.add_argument("--json", action="store_true", help="print the figures as JSON")
        labels = sub.add_parser(
            "labels", help="write the signed-off reviews as a labeled set (.tsv) for score"
        )
        labels.add_argument("--out", help="the file to write (default: standard output)")
        sub.add_parser("demo", help="load demo reviews for the demo handler account")

    def handle(self, *args, **options):
        if options["action"] == "demo":
            from qinqing.core.errors import ServiceError
            from qinqing.fairness.demo import generate

            try:
                lines = generate()
            except ServiceError as error:
                raise CommandError(error.text()) from None
            for line in lines:
                self.stdout.write(line)
            return
        if options["action"] == "score":
            self._score(options)
            return
        if options["action"] == "labels":
            self._labels(options)
            return
        name = options["file"]
        try:
            if name == "-":
                kind, result = "text", services.check_pasted(sys.stdin.read())
            else:
                path = Path(name)
                if not path.is_file():
                    raise extract.UnreadableDocument(f"{name}: no such file")
                kind, result = services.check_upload(path.read_bytes(), path.name)
        except extract.UnreadableDocument as error:
            raise CommandError(f"{name}: {error}", returncode=2) from None
        except (services.NoRules, DatabaseError) as error:
            raise _rules_unreadable(error) from None
        findings = [item.as_dict() for item in result.findings]
        if options["json"]:
            self.stdout.write(json.dumps(findings, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{name} ({kind}): {len(result.clauses)} clauses, {len(findings)} findings")
            for number, item in enumerate(findings, start=1):
                self.stdout.write(
                    f"\n{number}. [{item['severity']}] {item['rule_title']} ({item['rule']})\n"
                    f"   {item['location']}\n   {item['clause']}\n   basis: {item['basis']}\n"
                    f"   suggestion: {item['suggestion']}"
                )
        if findings:
            sys.exit(1)

    def _labels(self, options) -> None:
        from qinqing.fairness import evaluation
        from qinqing.fairness.models import Review, Status

        reviews = Review.objects.filter(status=Status.CONCLUDED).order_by("created_at", "id")
        lines = evaluation.labeled_lines(reviews)
        if not options.get("out"):
            for line in lines:
                self.stdout.write(line, ending="")
            return
        try:
            rows = 0
            with open(options["out"], "w", encoding="utf-8") as out:
                for line in lines:
                    out.write(line)
                    rows += not line.startswith("#")
        except OSError as error:
            raise CommandError(f"{options['out']}: cannot be written ({error})", returncode=2) from None
        self.stdout.write(f"{options['out']}: {rows} clauses of {reviews.count()} signed-off reviews")

    def _score(self, options) -> None:
        from qinqing.fairness import evaluation

        name = options["file"]
        try:
            rows = evaluation.read_labeled(Path(name).read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{name}: cannot be read as UTF-8 text ({error})", returncode=2) from None
        except evaluation.LabeledFileError as error:
            raise CommandError(f"{name}: {error}", returncode=2) from None
        try:
            result = evaluation.score(rows, services.active_rules())
        except (services.NoRules, DatabaseError) as error:
            raise _rules_unreadable(error) from None
        problematic = sum(1 for label, _s, _c in rows if label != evaluation.LAWFUL)
        if options["json"]:
            figures = {key: result[key] for key in ("clauses", "overall", "kinds")}
            if options["mistakes"]:
                figures["mistakes"] = [
                    {"what": what, "label": label, "clause": clause, "found": found}
                    for what, label, clause, found in result["mistakes"]
                ]
            self.stdout.write(json.dumps({"rows": len(rows), "problematic": problematic, **figures},
                                         ensure_ascii=False, indent=2))
            return
        clauses = result["clauses"]
        self.stdout.write(
            f"{name}: {len(rows)} clauses, {problematic} problematic, {len(rows) - problematic} lawful\n"
            f"clauses: precision {clauses['precision']:.2f}, recall {clauses['recall']:.2f} "
            f"({clauses['tp']} found, {clauses['fn']} missed, {clauses['fp']} lawful flagged)"
        )
        self.stdout.write("kind         precision  recall   tp  fp  fn")
        for kind, row in [*result["kinds"].items(), ("overall", result["overall"])]:
            figures = f"{row['precision']:>9.2f} {row['recall']:>7.2f}"
            self.stdout.write(f"{kind:<12} {figures} {row['tp']:>4} {row['fp']:>3} {row['fn']:>3}")
        if options["mistakes"]:
            for what, label, clause, found in result["mistakes"]:
                self.stdout.write(f"{what} [{label}] found {','.join(found) or '-'}: {clause}")


def _rules_unreadable(error: Exception) -> CommandError:
    """Exit 3 for ``check`` and ``score`` alike: no rules, or a database the rules cannot be read from."""
    if isinstance(error, services.NoRules):
        return CommandError(error.text(), returncode=3)
    # the rules live in the database
    return CommandError(
        f"the rules cannot be read from the database ({error}); run ./qinqing migrate first", returncode=3
    )
