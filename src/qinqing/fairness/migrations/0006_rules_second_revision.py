"""Second revision on the fourth quoted batch (tests/corpus/published_fourth.tsv, both halves, after its
held-out half had been measured for migration 0005's rules): ``buy-local`` (an obligation to deal
with local firms, “优先就近采购本地……”), ``local-registration`` (“未在本地注册的……不具有……资格”),
``exit-restriction`` (a longer object between 不得 and 迁出), ``named-brand`` (everyone must pay or
buy from a named company; a maker and model fixed), ``years-in-business`` and ``headcount`` (age or
size “综合考虑” as a score consideration), ``size-financial`` (a policy's reward is not a size
condition). The fifth batch (published_fifth.tsv) was not used.

As in 0004/0005: a changed rule is rewritten from seed/rules.json only when no reviewer has edited it
(no ``fairness.rule.update`` audit event for it); a reviewer's own version stays.
"""

import json
from pathlib import Path

from django.db import migrations

FIELDS = (
    "kind", "title", "pattern", "requires", "excludes", "severity", "basis", "explanation", "suggestion",
    "positive_examples", "negative_examples",
)


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


class Migration(migrations.Migration):
    dependencies = [("fairness", "0005_rules_generalised_on_real_wording"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
