"""Rules revised on a thirteenth batch of real clauses (2026-12-01): 63 clauses (36 problematic, 27 lawful) quoted from
stored public web pages, mostly county and district investment-promotion measures of provinces the earlier batches
hardly reached (河南, 贵州, 云南, 陕西, 湖南, 安徽, 黑龙江, 新疆, 广东) and a few tenders — collected blind after 0019 and
scored once at first sight with it (clause precision 0.94, recall 0.44). The batch is kept out of the repository
(quoted web pages); docs/PERFORMANCE.md gives its sources and figures. Four rules gain alternatives, with composed
examples: county-level tax, retained tax and rent waived by tax paid (``tax-linked-reward``); land price refunded or
matched, fee packages, tax exemptions for investors from outside, measures that apply only to investors from outside
the county, preferential electricity prices (``selective-subsidy``); mining rights first for those who process in the
county (``concept-local-benefit``); "使用本县产的" (``buy-local``). A rule a reviewer has edited is kept
(``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0019_rules_twelfth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
