"""Rules revised against clauses quoted from published cases (tests/corpus/published.tsv), their
bases citing the 2025 implementing measures where the article was verified, and three rules for
policy documents (article 5's guarantees): ``selected-operator-favours``, ``exclusive-right``,
``ownership-differential``.

The new rules are created. A revised rule is rewritten from seed/rules.json only when no reviewer
has edited it (no ``fairness.rule.update`` audit event for it): a reviewer's own version is left as
it is, and the reviewer sees the seed's revision in docs/PERFORMANCE.md.
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ("selected-operator-favours", "exclusive-right", "ownership-differential")


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0003_seed_pricing_rules"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
