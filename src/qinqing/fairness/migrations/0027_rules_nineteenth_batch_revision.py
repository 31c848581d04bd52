"""Rules revised on a nineteenth batch of real clauses (2026-12-02, session 33): 79 clauses (42 problematic, 37 lawful)
quoted from stored public web pages and public repositories — bank-deposit selections, tenders, challenge and
clarification replies, and county and zone measures — collected blind after 0026 and scored once at first sight with it
(``./qinqing fairness score``: clause precision 1.00, recall 0.67). The batch is kept out of the repository;
docs/PERFORMANCE.md gives its sources and figures. Five rules gain alternatives, with composed examples: deposit banks
limited to large state-owned banks (``ownership-form``); past work scored only at top-grade hospitals, by the client's
administrative level, or only when it was government procurement (``industry-performance``); fees charged below the
statutory lower limit, outside investors first for utilities, rewards for ranked firms moving in, returning natives'
investment treated as foreign investment, the government's share of fees given back, tax exemptions for firms that come
to a zone, favours approved by an investment leadership group (``selective-subsidy``); the county's or the local treasury's
share of a tax rewarded or given as support (``tax-linked-reward``); "三资" firms favoured (``concept-ownership-limit``).
A rule a reviewer has edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0026_rules_eighteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
