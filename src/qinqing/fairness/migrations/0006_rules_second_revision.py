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

from django.db import migrations

from qinqing.fairness import seeding


def seed(apps, schema_editor):
    seeding.reseed_unless_edited(apps)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0005_rules_generalised_on_real_wording"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
