"""Rules revised on a fourteenth batch of real clauses (2026-12-01): 61 clauses (35 problematic, 26 lawful) quoted from
stored public web pages — tenders' qualification requirements and score items, a few procurement decisions, and
local support measures — collected blind after 0020 and scored once at first sight with it (``./qinqing fairness
score``: clause precision 1.00, recall 0.51). The batch is kept out of the repository (quoted web pages);
docs/PERFORMANCE.md gives its sources and figures. Four rules gain alternatives, with composed examples: a maker's
commitment letter (``manufacturer-authorisation``); land-use tax rewarded, tax thresholds subsidised, 先征后退 / 先征后奖,
rewards reckoned on the local share of tax (``tax-linked-reward``); local administrative fees waived, 一事一议 fee cuts
(``selective-subsidy``); a credit grade on a city's own platform (``credit-rating``). A rule a reviewer has edited is
kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0020_rules_thirteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
