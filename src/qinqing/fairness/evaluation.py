"""Measuring the rules on a labeled set of clauses (article 5).

``score`` gives precision and recall per kind and at clause level; ``read_labeled`` reads a set in the
corpus's tab-separated form. ``./qinqing fairness score FILE`` runs both, so a reviewing office can
measure the rules on clauses it has labeled itself (and anyone holding the batches docs/PERFORMANCE.md
reports can re-run their figures); the suite scores ``tests/corpus`` through the same function."""

from __future__ import annotations

from collections import defaultdict

from .models import Kind

LAWFUL = "lawful"


class LabeledFileError(ValueError):
    """A line of a labeled set that cannot be read; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def read_labeled(text: str) -> list[tuple[str, str, str]]:
    """(label, source, clause) rows of a labeled set: one clause a line, tab-separated —
    ``label<TAB>source<TAB>clause`` or ``label<TAB>where<TAB>publisher, title, date<TAB>clause``; ``#``
    lines and empty lines are skipped. A label is ``lawful`` or a rule kind (``K+L``: it breaks two)."""
    kinds = set(Kind.values)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 4:
            label, where, title, clause = fields
            source = f"{where} | {title}"
        elif len(fields) == 3:
            label, source, clause = fields
        else:
            raise LabeledFileError(
                number, f"{len(fields)} tab-separated fields; a line has 3 or 4 (label, source, clause)"
            )
        label = label.strip()
        parts = label.split("+")
        if label != LAWFUL and not all(part in kinds for part in parts):
            known = ", ".join(sorted(kinds))
            message = f"label {label!r}: a label is {LAWFUL} or kinds joined by + ({known})"
            raise LabeledFileError(number, message)
        if not clause.strip():
            raise LabeledFileError(number, "the clause is empty")
        rows.append((label, source, clause))
    return rows


def score(rows, rules) -> dict:
    """Precision and recall per kind and overall.

    Per kind K: a clause labeled K (or "K+L": it breaks both) with a finding of kind K is a true
    positive, without one a false negative; a clause not labeled K (lawful, or another kind) with
    a finding of kind K is a false positive. "overall" sums the kinds' counts; "clauses" asks only
    problematic-or-not (a lawful clause with any finding is a false alarm, a problematic one with
    none a miss).
    """
    from .engine import check_text

    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    clause_level = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    mistakes = []
    for label, _source, text in rows:
        kinds = {rule.kind for rule in check_text(text, rules)}
        labels = set(label.split("+"))  # a clause may break two kinds ("location+credential")
        for one in labels - {LAWFUL}:
            counts[one]["tp" if one in kinds else "fn"] += 1
            if one not in kinds:
                mistakes.append(("miss", label, text, sorted(kinds)))
        for kind in kinds - labels:
            counts[kind]["fp"] += 1
            mistakes.append(("false alarm", label, text, sorted(kinds)))
        if label == LAWFUL:
            clause_level["fp" if kinds else "tn"] += 1
        else:
            clause_level["tp" if kinds else "fn"] += 1

    def ratios(c):
        found = c["tp"] + c["fp"]
        real = c["tp"] + c["fn"]
        return {
            **c,
            "precision": c["tp"] / found if found else 1.0,
            "recall": c["tp"] / real if real else 1.0,
        }

    table = {kind: ratios(c) for kind, c in sorted(counts.items())}
    total = {key: sum(c[key] for c in counts.values()) for key in ("tp", "fp", "fn")}
    return {"kinds": table, "overall": ratios(total), "clauses": ratios(clause_level), "mistakes": mistakes}


# --- the office's own labeled set ----------------------------------------------------------------

HEADER = (
    "# The reviewing office's labeled set (article 5): every clause of the signed-off reviews, split as\n"
    "# the review splits the stored text; a clause is labeled with the kinds of its confirmed findings\n"
    "# (the rules' and those the reviewer added), lawful when it has none (a reviewer signs off only\n"
    "# after reading the whole document). Measure the rules on it: ./qinqing fairness score FILE\n"
)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def review_rows(review):
    """(label, source, clause) rows of one signed-off review: its stored text split into clauses, each
    labeled by the confirmed findings on it. A confirmed clause that cannot be placed in the split (the
    file's own layout cut it otherwise) is kept as a row of its own, so no decision is lost."""
    from . import clauses as clause_splitter
    from .models import Decision

    found = clause_splitter.of_stored_text(review.text)
    # review.findings.all(): prefetched with their rules by labeled_lines (in the model's order)
    confirmed = [finding for finding in review.findings.all() if finding.decision == Decision.CONFIRMED]
    labels: dict[int, set[str]] = defaultdict(set)
    unplaced: list[tuple[str, str]] = []
    places = clause_splitter.place(found, [finding.clause for finding in confirmed])
    for finding, number in zip(confirmed, places, strict=True):
        kind = finding.rule.kind if finding.rule_id else finding.kind
        if number is None:
            unplaced.append((kind, finding.clause))
        else:
            labels[number].add(kind)
    source = _one_line(f"{review.number} {review.title}")
    for number, clause in enumerate(found):
        label = "+".join(sorted(labels[number])) or LAWFUL
        yield label, f"{source} · {number + 1}", _one_line(clause.text)
    for kind, text in unplaced:
        yield kind, f"{source} · ?", _one_line(text)


def labeled_lines(reviews):
    """The labeled set of ``reviews`` (signed-off ones), line by line in the corpus's form."""
    from django.db.models import Prefetch

    from .models import Finding

    yield HEADER
    findings = Prefetch("findings", queryset=Finding.objects.select_related("rule"))
    for review in reviews.prefetch_related(findings).iterator(chunk_size=50):
        for label, source, clause in review_rows(review):
            if clause:
                yield f"{label}\t{source}\t{clause}\n"
