"""Rules revised on a seventeenth batch of real clauses (2026-12-02, session 33): 127 clauses (73 problematic, 54 lawful)
quoted from stored public web pages — tenders' qualification requirements and score items, and county, district, zone and
farm investment measures — collected blind after 0023 and scored once at first sight with it (``./qinqing fairness
score``: clause precision 1.00, recall 0.67). The batch is kept out of the repository (quoted web pages);
docs/PERFORMANCE.md gives its sources and figures. Eleven rules gain alternatives, with composed examples: the abolished
tender-agency qualification as a certificate (``cancelled-qualification``); ISO certification required without a
standard's number (``concept-system-certificate``); no loss in the last years as a qualification (``size-financial``);
a dealer's authorisation from the maker or its general agent (``manufacturer-authorisation``); past work for one kind of
client — large firms, utilities, universities' canteens run, government bodies served (``industry-performance``);
admission to a buyer's own supplier pool as a gate (``supplier-library``); a policy applying only to firms registered
and paying tax in the county (``local-registration``); favours for central enterprises of the place
(``concept-state-designate``); foreign-invested firms favoured (``concept-ownership-limit``); rent subsidies, rewards and
land-fee cuts for attracted investment, land-transfer money halved or paid by the zone (``selective-subsidy``); the
county's retained share of tax given back as support (``tax-linked-reward``). A rule a reviewer has edited is kept
(``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0023_rules_sixteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
