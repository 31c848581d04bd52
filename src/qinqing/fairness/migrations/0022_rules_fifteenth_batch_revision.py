"""Rules revised on a fifteenth batch of real clauses (2026-12-01, session 32): 116 clauses (69 problematic, 47 lawful)
quoted from stored public web pages — tenders' qualification requirements and score items, and county and district
support measures — collected blind after 0021 and scored once at first sight with it (``./qinqing fairness score``:
clause precision 0.98, recall 0.77). The batch is kept out of the repository (quoted web pages); docs/PERFORMANCE.md
gives its sources and figures. Eleven rules gain alternatives or exclusions, with composed examples: a VAT general
taxpayer required, and the national small-taxpayer exemption not read as a threshold (``concept-scale-threshold``); the
abolished software-enterprise recognition (``cancelled-qualification``); an agency of the offered brand, a developer's
authorisation (``manufacturer-authorisation``) and the maker's stamp (``manufacturer-seal``); branches refused
(``organisation-form``); a city's own credit-information registration and years of work in one city as score items
(``concept-local-presence``, ``years-in-business``); a city's or province's quality awards (市优, 省优) as score items
(``regional-performance``); fees refunded to outside investors, land-transfer money turned into support funds, rewards
for outside firms moving in, fee exemptions for headquarters (``selective-subsidy``); rewards on the county's own revenue
(``tax-linked-reward``) and contribution-linked subsidies (``concept-contribution-linked``). A rule a reviewer has edited
is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0021_rules_fourteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
