"""Rules generalised on the tuning half of the fourth quoted batch (tests/corpus/published_fourth.tsv,
real wording from regulators' cases and tender notices): four new rules — ``filing-barrier``
(备案/同意 as a precondition for doing business), ``non-local-conditions`` (conditions or standards
imposed on non-local operators or goods only), ``direct-award`` (business or operating rights given
without competition through strategic-cooperation agreements, meeting minutes or a named investment
entity), ``business-scope`` (营业执照经营范围 as a qualification) — and broader patterns in
``organisation-form`` (independent legal person required), ``local-registration``, ``local-branch``,
``buy-local``, ``named-brand`` (one designated supplier for a whole sector), ``supplier-library`` and
``tax-linked-reward`` (rewards keyed to 纳税额); ``size-financial`` no longer reads a policy's reward
as a tender's size condition.

As in 0004: new rules are created; a changed rule is rewritten from seed/rules.json only when no
reviewer has edited it (no ``fairness.rule.update`` audit event for it), so a reviewer's own version
stays.
"""

import json
from pathlib import Path

from django.db import migrations

FIELDS = (
    "kind", "title", "pattern", "requires", "excludes", "severity", "basis", "explanation", "suggestion",
    "positive_examples", "negative_examples",
)
NEW = ("filing-barrier", "non-local-conditions", "direct-award", "business-scope")


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
    dependencies = [("fairness", "0004_rules_from_published_cases"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
