"""The seeded rules (seed/rules.json), written by migrations 0002–0006 and again after a flush."""

import json
from pathlib import Path

FIELDS = (
    "kind",
    "title",
    "pattern",
    "requires",
    "excludes",
    "severity",
    "basis",
    "explanation",
    "suggestion",
    "positive_examples",
    "negative_examples",
)


def rows() -> list[dict]:
    return json.loads((Path(__file__).resolve().parent / "seed" / "rules.json").read_text("utf-8"))


def seed(rule_model, codes=None) -> None:
    for row in rows():
        if codes is None or row["code"] in codes:
            rule_model.objects.update_or_create(
                code=row["code"], defaults={name: row[name] for name in FIELDS}
            )
