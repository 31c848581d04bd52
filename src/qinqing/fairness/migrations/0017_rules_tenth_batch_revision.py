"""Rules revised on a tenth batch of real clauses (2026-12-01): 86 clauses (49 problematic, 37 lawful) quoted from
stored public web pages of real tenders, scoring tables, corrections and local policy measures, collected blind and
scored once at first sight with 0016 before this revision (clause precision 1.00, recall 0.61; with the traditional
script read as simplified, ``engine.normalise``, 0.69). The batch itself is kept out of the repository (quoted web
pages); docs/PERFORMANCE.md gives its sources and figures. Twelve rules gain an alternative, each with composed
positive and negative examples: company-wide counts of titled staff as score items (``headcount``), tender-agency
grades (``cancelled-qualification``), "须为某市企业" (``local-registration``), non-local firms registered on a
province's platform first (``non-local-conditions``), region-scoped past work a little further from the region
(``regional-performance``), association ratings and honours scored (``association-credential``), the maker's
authorisation as 制造单位授权书 (``manufacturer-authorisation``), past work only for "mainstream" makers or
government clients (``industry-performance``), single-project size thresholds (``contract-amount``), measures for
500-strong firms only (``selective-subsidy``), land by tax paid (``tax-linked-reward``) and purchasing preferences
by a provincial catalogue (``concept-list-gate``). A rule a reviewer has edited is kept
(``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0016_rules_seventh_tender_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
