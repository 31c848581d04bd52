"""Rules revised on a sixteenth batch of real clauses (2026-12-01, session 32): 106 clauses (60 problematic, 46 lawful)
quoted from stored public web pages — tenders' and bank-deposit selections' qualification requirements and score items,
and county, district and town investment measures — collected blind after 0022 and scored once at first sight with it
(``./qinqing fairness score``: clause precision 0.97, recall 0.48). The batch is kept out of the repository (quoted web
pages); docs/PERFORMANCE.md gives its sources and figures. Fifteen rules gain alternatives or exclusions, with composed
examples: "national or provincial brands" and several brands' authorisations (``famous-brand``,
``manufacturer-authorisation``); a credit grade "AA级或以上" (``credit-rating``); a cleaning "qualification"
(``cancelled-qualification``); deposit banks limited to state-owned banks (``ownership-form``); profit in each of three
years scored (``size-financial``); years of running a trade (``years-in-business``); performance required in one named
city (``regional-performance``); county-retained money as subsidies, the county's share of tax exempted, a tax base set
per firm (``tax-linked-reward``); fee cuts by investment size, 一事一议 deals, benefits decided by an investment
leadership group, outside investors' privileges and income-tax exemptions (``selective-subsidy``); contribution to the
local economy as the reward's measure (``concept-contribution-linked``); subsidies for moving a listed firm's seat
(``concept-local-benefit``); land reserve prices by ownership (``ownership-differential``); rewards for selling local
products (``buy-local``). The national 15 % income-tax rate for encouraged industries is no longer read as a selective
favour or a size threshold. A rule a reviewer has edited is kept (``seeding.reseed_unless_edited``).
"""

from django.db import migrations

from qinqing.fairness import seeding

NEW = ()


seed, unseed = seeding.revision(NEW)


class Migration(migrations.Migration):
    dependencies = [("fairness", "0022_rules_fifteenth_batch_revision"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
