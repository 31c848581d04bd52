"""The rules as seeded (seed/rules.json): each kind of discriminatory clause article 5 forbids."""

import json
from pathlib import Path

from django.db import migrations

LATER = ("monopoly-conduct", "preferential-price")  # added by 0003
FIELDS = (
    "kind", "title", "pattern", "requires", "excludes", "severity", "basis", "explanation", "suggestion",
    "positive_examples", "negative_examples",
)


def seed(apps, schema_editor):
    Rule = apps.get_model("fairness", "Rule")
    rows = json.loads((Path(__file__).resolve().parent.parent / "seed" / "rules.json").read_text("utf-8"))
    for row in rows:
        if row["code"] in LATER:
            continue
        Rule.objects.update_or_create(code=row["code"], defaults={name: row[name] for name in FIELDS})


def unseed(apps, schema_editor):
    apps.get_model("fairness", "Rule").objects.filter(findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("fairness", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
