"""Rules revised on an eleventh batch of real clauses (2026-12-01): 129 clauses (77 problematic, 52 lawful) quoted from
stored public web pages — part A, 76 clauses of real tenders' qualification requirements and score items (property,
canteen, engineering, legal, audit, IT and other services); part B, 53 clauses of local investment-promotion and
industry measures — collected blind after 0017 and scored once at first sight with it (part A: clause precision 0.96,
recall 0.55; part B: 1.00 / 0.42; pooled 0.97 / 0.49). The batch is kept out of the repository (quoted web pages);
docs/PERFORMANCE.md gives its sources and figures. Thirteen rules gain an alternative, each with composed examples:
资信 AA级以上 and 守合同、重信用 with a mark between (``credit-rating``), a firm's own lawyers or accountants counted
(``headcount``), office area and owned premises scored (``size-financial``), property-service and urban-greening
qualifications, both abolished (``cancelled-qualification``), associations' capability grades and awards scored
(``association-credential``), government-level commendations (``concept-awards``, which no longer reads a client's
satisfaction evaluation as an award), past work with or for government bodies (``industry-performance``), work
"承接过某地区" (``regional-performance``), registration with a local procurement centre (``local-registration``),
cumulative contract amounts (``contract-amount``), tax retained locally, deed tax and fiscal increments returned
(``tax-linked-reward``), local preference in purchases and subsidies for buying in the district (``buy-local``), and
rewards for local firms only (``concept-local-benefit``). A rule a reviewer has edited is kept
(``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0017_rules_tenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
