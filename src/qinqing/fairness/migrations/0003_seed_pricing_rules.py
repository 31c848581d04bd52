"""Two rules for article 11 of the Fair Competition Review Regulations (monopoly conduct, preferential
prices), and any other rule of seed/rules.json a database seeded by 0002 does not have yet."""

import json
from pathlib import Path

from django.db import migrations

FIELDS = (
    "kind", "title", "pattern", "requires", "excludes", "severity", "basis", "explanation", "suggestion",
    "positive_examples", "negative_examples",
)
NEW = ("monopoly-conduct", "preferential-price")


def seed(apps, schema_editor):
    Rule = apps.get_model("fairness", "Rule")
    rows = json.loads((Path(__file__).resolve().parent.parent / "seed" / "rules.json").read_text("utf-8"))
    for row in rows:
        if row["code"] in NEW:
            Rule.objects.update_or_create(code=row["code"], defaults={name: row[name] for name in FIELDS})


def unseed(apps, schema_editor):
    apps.get_model("fairness", "Rule").objects.filter(code__in=NEW, findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("fairness", "0002_seed_rules")]
    operations = [migrations.RunPython(seed, unseed)]
