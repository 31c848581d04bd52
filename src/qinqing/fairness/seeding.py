"""The seeded rules (seed/rules.json), written by migrations 0002–0016 and again after a flush.

The migrations call these functions with their historical models (``apps.get_model``), never with the
app's current ones, so a later change to models.py cannot break an old migration."""

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


def reseed_unless_edited(apps) -> None:
    """Create the rules of seed/rules.json a database does not have, and rewrite from the seed every
    rule no reviewer has edited (no ``fairness.rule.update`` audit event for it): a reviewer's own
    version stays as it is. ``apps`` is the migration's historical app registry."""
    Rule = apps.get_model("fairness", "Rule")
    AuditEvent = apps.get_model("core", "AuditEvent")
    edited = set(
        AuditEvent.objects.filter(action="fairness.rule.update", object_type="fairness.Rule").values_list(
            "object_id", flat=True
        )
    )
    for row in rows():
        values = {name: row[name] for name in FIELDS}
        rule = Rule.objects.filter(code=row["code"]).first()
        if rule is None:
            Rule.objects.create(code=row["code"], **values)
        elif str(rule.pk) not in edited:
            Rule.objects.filter(pk=rule.pk).update(**values)


def revision(new_codes: tuple[str, ...] = ()):
    """The two functions of a rules-revision migration: ``seed`` (``reseed_unless_edited``) and
    ``unseed``, which removes the revision's new rules that have no findings yet (the others are
    records a reviewer relied on and stay)."""

    def seed(apps, schema_editor):
        reseed_unless_edited(apps)

    def unseed(apps, schema_editor):
        apps.get_model("fairness", "Rule").objects.filter(code__in=new_codes, findings__isnull=True).delete()

    return seed, unseed
