"""Rules revised on an eighteenth batch of real clauses (2026-12-02, session 33): 88 clauses (46 problematic, 42 lawful)
quoted from stored public web pages — tenders' qualification requirements and score items, and county, district and
zone measures — collected blind after 0025 and scored once at first sight with it (``./qinqing fairness score``: clause
precision 1.00, recall 0.65). The batch is kept out of the repository (quoted web pages); docs/PERFORMANCE.md gives its
sources and figures. Four rules gain alternatives, with composed examples: past work in one sector's "system" scored
(``industry-performance``); the abolished security-engineering qualification (``cancelled-qualification``); attracted
investment's contract favours extended, preferential or zero land prices, rewards for entering the county's statistics,
outside investors as the policy's only addressees, rewards for newcomers' contribution, 一事一议 for newcomers
(``selective-subsidy``); rewards measured by a firm's fiscal contribution to the district or its local budget revenue
(``tax-linked-reward``). Policies applying to every firm registered in the county, with no further condition, are still
not flagged: the composed corpus labels one lawful, the batch labels two such clauses problematic. A rule a reviewer has
edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0025_rules_wider_gaps"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
