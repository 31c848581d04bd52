"""Rules revised against clauses quoted from published cases (tests/corpus/published.tsv), their
bases citing the 2025 implementing measures where the article was verified, and three rules for
policy documents (article 5's guarantees): ``selected-operator-favours``, ``exclusive-right``,
``ownership-differential``.

The new rules are created. A revised rule is rewritten from seed/rules.json only when no reviewer
has edited it (no ``fairness.rule.update`` audit event for it): a reviewer's own version is left as
it is, and the reviewer sees the seed's revision in docs/PERFORMANCE.md.
"""

import json
from pathlib import Path

from django.db import migrations

FIELDS = (
    "kind", "title", "pattern", "requires", "excludes", "severity", "basis", "explanation", "suggestion",
    "positive_examples", "negative_examples",
)
NEW = ("selected-operator-favours", "exclusive-right", "ownership-differential")


def seed(apps, schema_editor):
    Rule = apps.get_model("fairness", "Rule")
    AuditEvent = apps.get_model("core", "AuditEvent")
    edited = set(
        AuditEvent.objects.filter(action="fairness.rule.update", object_type="fairness.Rule").values_list(
            "object_id", flat=True
        )
    )
    rows = json.loads((Path(__file__).resolve().parent.parent / "seed" / "rules.json").read_text("utf-8"))
    for row in rows:
        values = {name: row[name] for name in FIELDS}
        rule = Rule.objects.filter(code=row["code"]).first()
        if rule is None:
            Rule.objects.create(code=row["code"], **values)
        elif str(rule.pk) not in edited:
            Rule.objects.filter(pk=rule.pk).update(**values)


def unseed(apps, schema_editor):
    apps.get_model("fairness", "Rule").objects.filter(code__in=NEW, findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("fairness", "0003_seed_pricing_rules"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
